"""Word documents (.docx), through mammoth: one document is one chapter.

The title is the document's first Title or Heading 1 paragraph, else its Title property, else the
file name; the author is a "By Name, role" line near the top, else the document's Author property.
Pictures come out as embedded data, which the ImageSink writes to chapters/images/ with their alt text.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET
import mammoth

from ..errors import Diagnostic, ImportSourceError
from .bylines import date_from_iso
from .post import Post
from .xmlread import child_text

STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
"""
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
# Names that word processors put in the Author property when nobody set it.
GENERIC_AUTHORS = {"", "author", "user", "unknown", "microsoft office user", "windows user", "python-docx"}


class WordDocument:
    name = "Word document"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped: Counter[str] = Counter()

    def posts(self) -> Iterator[Post]:
        title, author, created = self._properties()
        try:
            with self.path.open("rb") as handle:
                result = mammoth.convert_to_html(handle, style_map=STYLE_MAP)
        except (KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ImportSourceError(
                Diagnostic(self.path, f"cannot be read as a Word document: {exc}", hint="open it in Word or LibreOffice and save it again as .docx")
            ) from None
        yield Post(
            title="",  # the first heading, found by take_front_matter; else the properties' title
            html=result.value,
            base=self.path.parent,
            authors=[author] if author else [],
            date=created,
            source=self.path.name,
            where="document",
            weak_date=True,
            fallback_title=title or self.path.stem.replace("_", " ").replace("-", " ").strip(),
        )

    def _properties(self) -> tuple[str, str, dt.date | None]:
        """Title, author and creation date from docProps/core.xml."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                if "word/document.xml" not in archive.namelist():
                    raise ImportSourceError(
                        Diagnostic(self.path, "is a zip file but not a Word document", hint="give a .docx file saved by a word processor")
                    )
                try:
                    core = archive.read("docProps/core.xml")
                except KeyError:
                    return "", "", None
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
            return "", "", None
        title = " ".join(child_text(root, "title", DC).split())
        author = " ".join(child_text(root, "creator", DC).split())
        if author.casefold() in GENERIC_AUTHORS:
            author = ""
        return title, author, date_from_iso(child_text(root, "created", DCTERMS))
