"""The PDF's document properties: its title (with the subtitle), its author (the editors, or a
short list of the authors), its subject, and its language in the XMP metadata as well as the catalogue.

A catalogue, a library system or a PDF reader shows the Author field whole: a book of sixty
authors would show a list of sixty names, so a book without editors names up to ``HANDFUL``
authors, and past that its first three and "and others" (the ``and_others`` label). The author goes in as one name, so that the
document information and the XMP's ``dc:creator`` (one entry) agree, as PDF/A asks.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

import pikepdf

from ..project.labels import primary
from ..project.model import Book, join_names

HANDFUL = 4  # authors named in full; more are the first three and "and others"


def pdf_title(book: Book) -> str:
    """'Title: Subtitle' ('Titre : Sous-titre' in French, a no-break space before the colon), or the title alone."""
    subtitle = book.config.book.subtitle
    if not subtitle:
        return book.title
    colon = "\u00a0: " if primary(book.language) == "fr" else ": "
    return f"{book.title}{colon}{subtitle}"


def pdf_author(book: Book) -> str:
    """The editors, or the authors when there are none: 'Ann Bee and Cy Dee', 'A, B, C and others'."""
    names = [e.name for e in book.editors] or [c.name for c in book.contributors]
    if len(names) > HANDFUL:
        return book.config.labels.text("and_others", book.language, name=", ".join(names[:3]))
    return join_names(names, book.language)


def pdf_subject(book: Book) -> str | None:
    """The book's description, else its subtitle."""
    return book.config.book.description or book.config.book.subtitle or None


def set_properties(metadata: Any, book: Book) -> None:
    """Fill WeasyPrint's ``DocumentMetadata`` (the document information and the XMP it writes)."""
    metadata.title = pdf_title(book)
    metadata.authors = [pdf_author(book)] if book.editors or book.contributors else []
    metadata.description = pdf_subject(book)


def language_in_xmp(pdf: pikepdf.Pdf) -> None:
    """The catalogue's language (``/Lang``, from the book's) as the XMP's ``dc:language``, leaving
    the rest of the XMP and the document information as they are."""
    lang = pdf.Root.get("/Lang")
    if lang is None:
        return
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:language"] = [str(lang)]


_RANDOM_ID = re.compile(r"xmp\.did:[0-9a-fA-F-]{36}")


def stable_document_id(pdf: pikepdf.Pdf) -> None:
    """WeasyPrint gives a PDF/X-4 a random ``xmpMM:DocumentID``, so two builds of the same book would
    differ (in the XMP and in the file identifier made from it); both are made instead from the XMP,
    its random part left out, and the pages' contents."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if "xmpMM:DocumentID" not in meta:
            return
        hasher = hashlib.sha256(_RANDOM_ID.sub("", str(meta)).encode("utf-8"))
        for page in pdf.pages:
            contents = page.obj.get("/Contents")
            for stream in contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []:
                hasher.update(stream.read_raw_bytes())
        meta["xmpMM:DocumentID"] = f"xmp.did:{uuid.UUID(bytes=hasher.digest()[:16], version=5)}"
    # the file identifier's permanent half was made from bytes holding the random ID: made again likewise
    pdf.trailer.ID = pikepdf.Array([pikepdf.String(hasher.digest()[16:]), pikepdf.String(hasher.digest()[16:])])


def copy_properties(source: pikepdf.Pdf, out: pikepdf.Pdf, title: str) -> None:
    """``out`` (a PDF made from the pages of ``source``, such as the booklet) with the properties of
    ``source``: its author, subject, dates and language, under its own ``title``."""
    for key in ("/Author", "/Subject", "/Keywords", "/Creator", "/CreationDate", "/ModDate"):
        if key in source.docinfo:
            out.docinfo[key] = source.docinfo[key]
    out.docinfo["/Title"] = title
    if "/Lang" in source.Root:
        out.Root.Lang = source.Root.Lang
    with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.load_from_docinfo(out.docinfo)
        if "/Lang" in source.Root:
            meta["dc:language"] = [str(source.Root.Lang)]
