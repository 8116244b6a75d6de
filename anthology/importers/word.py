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
import multiprocessing
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat
from xml.parsers.expat import ExpatError

import defusedxml
import defusedxml.ElementTree as SafeET
import mammoth
import mammoth.documents as docs

from ..errors import Diagnostic, ImportSourceError
from ..interrupts import forking, ignore_in_worker
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
MAX_XML_BYTES = 32 * 1024 * 1024  # one XML part: a long chapter's document.xml is a few MB
MAX_IMAGE_BYTES = 30_000_000  # one picture, as for a book's own images
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # every part together, unpacked
MAX_XML_DEPTH = 256  # tables in tables in text boxes stay far below this
MAX_TEXT_RUN = 1024 * 1024  # characters between two tags
MAX_CONVERT_SECONDS = 600  # 50,000 paragraphs take the converter about 10 s
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


def _damaged(path: Path, part: str, detail: object) -> ImportSourceError:
    return ImportSourceError(
        Diagnostic(path, f"is damaged: its part {part} cannot be read ({detail})",
                   hint="open it in Word or LibreOffice and save it again as .docx")
    )


def _too_much(path: Path, message: str, hint: str = "split it into several documents, one per chapter") -> ImportSourceError:
    return ImportSourceError(Diagnostic(path, message, hint=hint))


def check_archive(path: Path) -> None:
    """Read every part of a .docx before the converter does, in bounded memory and time: each part's
    uncompressed size (as declared, which reading enforces) is limited, every compressed stream is
    checked, and each XML part is streamed through expat to refuse a DTD or entities (the 'billion
    laughs'), nesting deeper than MAX_XML_DEPTH and a single run of text longer than MAX_TEXT_RUN,
    which the converter's DOM would take minutes over."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > MAX_TOTAL_BYTES:
                raise _too_much(path, f"unpacks to {total / 1024 / 1024:.0f} MB; the limit is {MAX_TOTAL_BYTES // 1024 // 1024} MB")
            for member in members:
                limit = MAX_XML_BYTES if _is_xml(member.filename) else MAX_IMAGE_BYTES
                if member.file_size > limit:
                    raise _too_much(path, f"its part {member.filename} unpacks to {member.file_size / 1024 / 1024:.0f} MB; "
                                          f"the limit is {limit // 1024 // 1024} MB")
                try:
                    with archive.open(member) as stream:
                        if _is_xml(member.filename):
                            _check_xml(path, member.filename, stream)
                        else:
                            while stream.read(1024 * 1024):
                                pass
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as exc:  # RuntimeError: also an unsupported compression method
                    raise _damaged(path, member.filename, exc) from None
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ImportSourceError(
            Diagnostic(path, "is not a .docx file (not a zip archive)",
                       hint="an old .doc or a renamed file: open it and save it as Word Document (.docx)")
        ) from None


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _check_xml(path: Path, part: str, stream: IO[bytes]) -> None:
    parser = expat.ParserCreate()
    depth = 0
    run = 0

    def refuse_dtd(*_: object) -> None:
        raise _too_much(path, f"its part {part} declares a DOCTYPE or entities, which a Word document never needs",
                        "open it in Word or LibreOffice and save it again as .docx")

    def start(*_: object) -> None:
        nonlocal depth, run
        depth += 1
        run = 0
        if depth > MAX_XML_DEPTH:
            raise _too_much(path, f"its part {part} nests elements more than {MAX_XML_DEPTH} deep")

    def end(*_: object) -> None:
        nonlocal depth, run
        depth -= 1
        run = 0

    def text(data: str) -> None:
        nonlocal run
        run += len(data)
        if run > MAX_TEXT_RUN:
            raise _too_much(path, f"its part {part} holds a run of over {MAX_TEXT_RUN:,} characters without markup")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        while chunk := stream.read(256 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except ExpatError as exc:
        raise _damaged(path, part, f"XML error at line {exc.lineno}: {expat.ErrorString(exc.code)}") from None


def _convert(path: Path, drop_caps: list[str]) -> tuple[str, list[str], int]:
    """(the document's HTML, the converter's messages, how many drop caps were joined to their paragraph)."""
    shaped = _Shaper(drop_caps)
    with path.open("rb") as handle:
        result = mammoth.convert_to_html(handle, style_map=STYLE_MAP, transform_document=shaped.document, external_file_access=False)
    return str(result.value), [str(message.message) for message in result.messages], shaped.joined


def convert_in_time(path: Path, drop_caps: list[str]) -> tuple[str, list[str], int]:
    """``_convert`` in a forked process that is ended after MAX_CONVERT_SECONDS with a message
    (where a system cannot fork, in this process without a time limit)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return _convert(path, drop_caps)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=ignore_in_worker)
    try:
        with forking():
            future = pool.submit(_convert, path, drop_caps)
        return future.result(timeout=MAX_CONVERT_SECONDS)
    except FuturesTimeout:
        processes: dict[int, multiprocessing.process.BaseProcess] = getattr(pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.terminate()
        raise ImportSourceError(
            Diagnostic(path, f"took more than {MAX_CONVERT_SECONDS} s to convert and was stopped",
                       hint="split it into several documents, one per chapter")
        ) from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class WordDocument:
    name = "Word document"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped: Counter[str] = Counter()

    def posts(self) -> Iterator[Post]:
        check_archive(self.path)  # first: what follows reads the parts in full
        title, author, created, drop_caps = self._properties()
        authors = [turn_name(a) for a in re.split(r"\s*;\s*", author) if a.strip()] if author and not generic_author(author) else []
        try:
            html, messages, joined = convert_in_time(self.path, drop_caps)
        except (KeyError, ValueError, LookupError, EOFError, zipfile.BadZipFile, zlib.error, ExpatError, RecursionError, BrokenProcessPool) as exc:
            raise ImportSourceError(
                Diagnostic(self.path, f"cannot be read as a Word document: {exc or type(exc).__name__}",
                           hint="open it in Word or LibreOffice and save it again as .docx")
            ) from None
        post = Post(
            title="",  # the first heading, found by take_front_matter; else the properties' title
            html=html,
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
        for message in messages:
            post.warnings.append(f"the Word converter says: {message}")
        if joined:
            post.warnings.append(f"{joined} drop cap{'s' if joined != 1 else ''} joined to {'their' if joined != 1 else 'its'} paragraph")
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
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
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
