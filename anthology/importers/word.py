"""Word documents (.docx), through mammoth: one document is one chapter.

The title is the document's first Title or Heading 1 paragraph, else its Title property, else the
file name. The author is the byline printed at the top ("By Name, role", or a line of names under
the title), else the Author property unless a program wrote it (an account
name such as "Microsoft account", a converter, a login, a single letter), with "Last, First"
turned round. Character styles (Emphasis, Strong…), underlining, quotation and code styles, paragraphs
indented from the left, monospaced runs and drop caps are mapped to their Markdown forms; every
message of the converter becomes a warning. Pictures come out as embedded data, which the ImageSink
writes to chapters/images/ with their alt text.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET
import mammoth
import mammoth.documents as docs

from ..errors import Diagnostic, ImportSourceError
from .bylines import date_from_iso, turn_name
from .post import Post
from .xmlread import child_text

STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Block Text'] => blockquote > p:fresh
p[style-name='Quotation'] => blockquote > p:fresh
p[style-name='Block Quotation'] => blockquote > p:fresh
p.AnthologyIndented => blockquote > p:fresh
p[style-name='Code'] => pre:separator('\\n')
p[style-name='Source Code'] => pre:separator('\\n')
p[style-name='HTML Preformatted'] => pre:separator('\\n')
p[style-name='Plain Text'] => pre:separator('\\n')
p[style-name='Macro Text'] => pre:separator('\\n')
p.AnthologyCode => pre:separator('\\n')
r[style-name='Emphasis'] => em
r[style-name='Subtle Emphasis'] => em
r[style-name='Intense Emphasis'] => strong > em
r[style-name='Strong'] => strong
r[style-name='Book Title'] => em
r[style-name='Quote Char'] => em
r[style-name='HTML Code'] => code
r[style-name='HTML Typewriter'] => code
r[style-name='Verbatim Char'] => code
r[style-name='Code Char'] => code
r.AnthologyCode => code
u => em
"""
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MONOSPACE = ("courier", "consolas", "menlo", "monaco", "lucida console", "source code", "mono", "inconsolata", "fira code")
QUOTE_INDENT = 567  # twips (1 cm): a paragraph indented this far from the left, not a list item, is a quotation

# Author properties that a program wrote, not a person: compared in lower case.
GENERIC_AUTHORS = {
    "", "author", "authors", "user", "users", "unknown", "owner", "admin", "administrator", "windows user",
    "microsoft office user", "office user", "python-docx", "anonymous", "default", "guest", "test", "no author",
    "benutzer", "utilisateur", "usuario", "utente", "gebruiker", "użytkownik", "пользователь", "автор", "autor", "auteur", "autore",
}
_GENERIC_PARTS = re.compile(
    r"microsoft|майкрософт|マイクロソフト|微软|account|konto|compte|cuenta|conta\b|учетная|учётная|"
    r"\.com\b|\.net\b|\.org\b|www\.|pdf|convert|docx|openxml|aspose|libreoffice|openoffice|apache poi|docx4j|pandoc|"
    r"calibre|google docs|wps office|onlyoffice",
    re.IGNORECASE,
)


def generic_author(name: str) -> bool:
    """True for an Author property no person wrote: 'Microsoft account' (in any language), 'Online2PDF.com', 'eng-dept', 'i'."""
    name = " ".join(name.split())
    letters = [ch for ch in name if ch.isalpha()]
    if name.casefold() in GENERIC_AUTHORS or len(letters) <= 2 or _GENERIC_PARTS.search(name):
        return True
    if " " not in name and "," not in name and (name == name.lower() or any(ch.isdigit() or ch in "_-@." for ch in name)):
        return True  # a login: 'eng-dept', 'jsmith', 'user01'
    return any(ch.isdigit() for ch in name)


class WordDocument:
    name = "Word document"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped: Counter[str] = Counter()

    def posts(self) -> Iterator[Post]:
        title, author, created, drop_caps = self._properties()
        authors = [turn_name(a) for a in re.split(r"\s*;\s*", author) if a.strip()] if author and not generic_author(author) else []
        shaped = _Shaper(drop_caps)
        try:
            with self.path.open("rb") as handle:
                result = mammoth.convert_to_html(handle, style_map=STYLE_MAP, transform_document=shaped.document)
        except (KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ImportSourceError(
                Diagnostic(self.path, f"cannot be read as a Word document: {exc}", hint="open it in Word or LibreOffice and save it again as .docx")
            ) from None
        post = Post(
            title="",  # the first heading, found by take_front_matter; else the properties' title
            html=result.value,
            base=self.path.parent,
            authors=authors,
            date=created,
            source=self.path.name,
            where="document",
            weak_date=True,
            fallback_title=title or self.path.stem.replace("_", " ").replace("-", " ").strip(),
            names_line=True,
        )
        if author and not authors:
            post.author_note = f"its Author property, '{author}', is what a program wrote, not a person's name"
        for message in result.messages:
            post.warnings.append(f"the Word converter says: {message.message}")
        if shaped.joined:
            post.warnings.append(f"{shaped.joined} drop cap{'s' if shaped.joined != 1 else ''} joined to {'their' if shaped.joined != 1 else 'its'} paragraph")
        yield post

    def _properties(self) -> tuple[str, str, dt.date | None, list[str]]:
        """Title, author and creation date from docProps/core.xml; the drop caps' letters from the body."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                if "word/document.xml" not in archive.namelist():
                    raise ImportSourceError(
                        Diagnostic(self.path, "is a zip file but not a Word document", hint="give a .docx file saved by a word processor")
                    )
                drop_caps = _drop_caps(archive.read("word/document.xml"))
                try:
                    core = archive.read("docProps/core.xml")
                except KeyError:
                    return "", "", None, drop_caps
        except zipfile.BadZipFile:
            raise ImportSourceError(
                Diagnostic(
                    self.path,
                    "is not a .docx file (not a zip archive)",
                    hint="an old .doc or a renamed file: open it and save it as Word Document (.docx)",
                )
            ) from None
        try:
            root = SafeET.fromstring(core)
        except (SafeET.ParseError, defusedxml.DefusedXmlException):
            return "", "", None, drop_caps
        title = " ".join(child_text(root, "title", DC).split())
        author = " ".join(child_text(root, "creator", DC).split())
        return title, author, date_from_iso(child_text(root, "created", DCTERMS)), drop_caps


def _drop_caps(document: bytes) -> list[str]:
    """The text of each drop-cap paragraph (a frame with w:dropCap), in order."""
    if b"dropCap" not in document:
        return []
    try:
        root = SafeET.fromstring(document)
    except (SafeET.ParseError, defusedxml.DefusedXmlException):
        return []
    found = []
    for paragraph in root.iter(f"{W}p"):
        frame = paragraph.find(f"{W}pPr/{W}framePr")
        if frame is not None and frame.get(f"{W}dropCap") in ("drop", "margin"):
            found.append("".join(t.text or "" for t in paragraph.iter(f"{W}t")))
    return found


class _Shaper:
    """Changes to mammoth's reading of the document before it becomes HTML."""

    def __init__(self, drop_caps: list[str]) -> None:
        self.drop_caps = list(drop_caps)
        self.joined = 0

    def document(self, document: Any) -> Any:
        return self._children(document)

    def _children(self, element: Any) -> Any:
        children = getattr(element, "children", None)
        if children is None:
            return element
        out: list[Any] = []
        for child in children:
            child = self._children(child)
            if isinstance(child, docs.Paragraph):
                child = self._paragraph(child)
                previous = out[-1] if out else None
                if isinstance(previous, docs.Paragraph) and self._is_drop_cap(previous):
                    out[-1] = child.copy(children=list(previous.children) + list(child.children))
                    self.joined += 1
                    continue
            elif isinstance(child, docs.Run):
                child = self._run(child)
            out.append(child)
        return element.copy(children=out)

    def _is_drop_cap(self, paragraph: Any) -> bool:
        if not self.drop_caps:
            return False
        text = _text(paragraph)
        if text and text == self.drop_caps[0]:
            self.drop_caps.pop(0)
            return True
        return False

    def _paragraph(self, paragraph: Any) -> Any:
        if paragraph.numbering is not None or paragraph.style_name not in (None, "Normal", "Body Text", "Normal (Web)"):
            return paragraph
        runs = [r for r in _runs(paragraph) if _text(r).strip()]
        if runs and all(_monospaced(r) for r in runs):
            return paragraph.copy(style_id="AnthologyCode", style_name=None)
        indent = paragraph.indent
        if _twips(getattr(indent, "start", None)) >= QUOTE_INDENT and _twips(getattr(indent, "hanging", None)) <= 0:
            return paragraph.copy(style_id="AnthologyIndented", style_name=None)
        return paragraph

    def _run(self, run: Any) -> Any:
        if not run.style_id and _monospaced(run):
            return run.copy(style_id="AnthologyCode", style_name=None)
        return run


def _runs(element: Any) -> list[Any]:
    found = []
    for child in getattr(element, "children", []):
        if isinstance(child, docs.Run):
            found.append(child)
        else:
            found.extend(_runs(child))
    return found


def _text(element: Any) -> str:
    if isinstance(element, docs.Text):
        return str(element.value)
    return "".join(_text(c) for c in getattr(element, "children", []))


def _monospaced(run: Any) -> bool:
    font = (run.font or "").casefold()
    return bool(font) and any(name in font for name in MONOSPACE)


def _twips(value: object) -> int:
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0
