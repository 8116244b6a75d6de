"""Word documents (.docx), through mammoth: one document is one chapter.

The title is the document's first Title or Heading 1 paragraph, else its Title property, else the
file name; the author is a "By Name, role" line near the top, else the document's Author property.
Pictures come out as embedded data, which the ImageSink writes to chapters/images/ with their alt text.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO
from xml.parsers import expat
from xml.parsers.expat import ExpatError

import defusedxml
import defusedxml.ElementTree as SafeET
import mammoth

from ..errors import Diagnostic, ImportSourceError
from ..workers import ignore_interrupt
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
MAX_XML_BYTES = 32 * 1024 * 1024  # one XML part: a long chapter's document.xml is a few MB
MAX_IMAGE_BYTES = 30_000_000  # one picture, as for a book's own images
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # every part together, unpacked
MAX_XML_DEPTH = 256  # tables in tables in text boxes stay far below this
MAX_TEXT_RUN = 1024 * 1024  # characters between two tags
MAX_CONVERT_SECONDS = 600  # 50,000 paragraphs take the converter about 10 s
GENERIC_AUTHORS = {"", "author", "user", "unknown", "microsoft office user", "windows user", "python-docx"}


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
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
                    raise _damaged(path, member.filename, exc) from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportSourceError(
            Diagnostic(path, f"is not a .docx file ({exc})", hint="open it in Word or LibreOffice and save it again as .docx")
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


def _convert(path: Path) -> str:
    with path.open("rb") as handle:
        return str(mammoth.convert_to_html(handle, style_map=STYLE_MAP, external_file_access=False).value)


def convert_in_time(path: Path) -> str:
    """The document's HTML, converted in a forked process that is ended after MAX_CONVERT_SECONDS
    with a message (where a system cannot fork, in this process without a time limit)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return _convert(path)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=ignore_interrupt)
    try:
        return pool.submit(_convert, path).result(timeout=MAX_CONVERT_SECONDS)
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
        self.skipped = 0

    def posts(self) -> Iterator[Post]:
        title, author, created = self._properties()
        check_archive(self.path)
        try:
            html = convert_in_time(self.path)
        except (KeyError, ValueError, LookupError, EOFError, zipfile.BadZipFile, zlib.error, ExpatError, RecursionError, BrokenProcessPool) as exc:
            raise ImportSourceError(
                Diagnostic(self.path, f"cannot be read as a Word document: {exc or type(exc).__name__}",
                           hint="open it in Word or LibreOffice and save it again as .docx")
            ) from None
        yield Post(
            title="",  # the first heading, found by take_front_matter; else the properties' title
            html=html,
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
            return "", "", None
        title = " ".join(child_text(root, "title", DC).split())
        author = " ".join(child_text(root, "creator", DC).split())
        if author.casefold() in GENERIC_AUTHORS:
            author = ""
        return title, author, date_from_iso(child_text(root, "created", DCTERMS))
