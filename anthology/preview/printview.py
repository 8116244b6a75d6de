"""The preview's print view: the print edition's pages shown from its chunks' PDFs, never joined.

A build of the PDF lays the print edition out a few chapters at a time and joins the chunks' PDFs
into one (``anthology.print.chunk_runner``); the join costs seconds in a long book. The print view
needs no joined file: it shows each page as an image drawn from the PDF of the chunk that holds it,
and a page's number in the book is its place among the chunks' pages. After a save, only the chunks
whose text changed are laid out; the others come from the build cache as they were.

When a save makes a chunk longer or shorter, the pages after it move, but their chunks are not laid
out again: they keep the numbers they were laid out with (in their margins, and in the contents and
the list of contributors), which the view marks (``PrintView.renumbered``) and the page says, with a
button that lays them out again with their new numbers (``renumber``). A PDF built by ``anthology
build`` is always numbered throughout.

The chapters saved since the print view was first laid out (the last ``RECENT`` of them) are each laid
out as a chunk of their own, the other chapters of their group around them (see ``chunks.chunks``):
the first save of a chapter lays out its group anew, in up to three chunks, and each save of it
after that lays out that one chapter.

A book with no date (neither in anthology.toml nor in a chapter) is dated by its newest chapter
file, and the date is written into every chunk's PDF: each save would then change every chunk. The
print view's PDFs are never handed out, so they are dated 1 January 2000 instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ..build import read_and_render
from ..cache import FOLDER as CACHE_FOLDER
from ..cache import Cache, digest
from ..context import BuildContext
from ..markup.render import ChapterMarkup
from ..markup.workers import default_jobs
from ..print.profiles import print_settings
from ..project.model import Book

CHUNKS = "chunks"  # the folder of the chunks' PDFs, in the preview's own folder
RECENT = 4  # the chapters saved last, each laid out on its own
STEADY_DATE = "946684800"  # 2000-01-01T00:00:00Z: the date of the print view's PDFs of a book with none


@dataclass(frozen=True)
class ShownPage:
    """One page of the print view: where it is drawn from and the number it has in the book."""

    pdf: Path  # the PDF holding it (a chunk's, or the whole book's)
    page: int  # its page in that PDF, from 1
    image: Path  # where its image is drawn, when first asked for
    label: str  # its number in the book, as the joined PDF labels it (roman in the front matter)
    printed: str | None  # the number printed on it, None where none is
    renumbered: bool = False  # its chunk keeps the numbers of an earlier layout


@dataclass(frozen=True)
class PrintView:
    """The print edition's pages as the preview shows them."""

    pages: tuple[ShownPage, ...]
    chunks: int = 0  # chunks of the edition (0: one PDF of the whole book)
    laid: int = 0  # chunks laid out for this view (the others came from the cache)

    @property
    def renumbered(self) -> list[int]:
        """The numbers (places, from 1) of the pages that print the numbers of an earlier layout."""
        return [n for n, page in enumerate(self.pages, start=1) if page.renumbered]


class Edits:
    """The chapters saved since the print view was first laid out, the last saved last."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}  # chapter id -> the hash of the chapter and its markup
        self.recent: list[str] = []

    def update(self, markups: list[ChapterMarkup]) -> frozenset[str]:
        """The ids of the last ``RECENT`` chapters that changed, with those that changed since the last call."""
        now = {m.chapter.id: digest([repr(m.chapter), m.xhtml]) for m in markups}
        changed = [key for key, value in now.items() if key in self.seen and self.seen[key] != value]
        self.recent = [key for key in self.recent if key in now and key not in changed] + changed
        self.recent = self.recent[-RECENT:]
        self.seen = now
        return frozenset(self.recent)


def roman(number: int) -> str:
    """``number`` in lower-case roman numerals, as a PDF's page labels write them (/S /r)."""
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def lay_out_view(project_dir: Path, folder: Path, renumber: bool = False, jobs: int | None = None, edits: Edits | None = None) -> PrintView | None:
    """The print view of the book in ``project_dir``, its chunks' PDFs written into ``folder``/chunks
    (each named by its cache key and first page number: an unchanged chunk's file stays as it is).
    Chunks come from the book's build/.cache and are laid out into it; ``renumber`` also lays out
    again the chunks whose pages have moved; ``edits`` follows the chapters saved, each then laid
    out on its own. None when the book cannot be shown in chunks (a short book, or one whose chunks
    do not stand in for one document): the caller then builds the PDF."""
    from ..print.chunk_runner import lay_out_chunks  # WeasyPrint is loaded only when the print view is asked for
    from ..print.engine import print_edition

    cache = Cache(project_dir / "build" / CACHE_FOLDER)
    jobs = jobs or default_jobs()
    book, markups = read_and_render(project_dir, jobs, cache)
    settings = print_settings(book.config.print)
    context = BuildContext(book, markups, settings, cache, jobs)
    with _steady_date(book):
        alone = edits.update(markups) if edits is not None else frozenset()
        laid = lay_out_chunks(context, print_edition(book, markups, settings), renumber=renumber, alone=alone)
    if laid is None:
        return None
    into = folder / CHUNKS
    into.mkdir(parents=True, exist_ok=True)
    pages: list[ShownPage] = []
    front = sum(r.pages for r, kind in zip(laid.results, laid.kinds, strict=True) if kind == "front")
    for result, key, kind in zip(laid.results, laid.keys, laid.kinds, strict=True):
        name = f"{key}-{result.start or 0}"  # a body chunk's key holds all but the number of its first page
        path = into / f"{name}.pdf"
        if not path.is_file():
            _write(path, result.pdf)
        first = len(pages) + 1  # its first page's place in the book
        moved = kind != "front" and result.start is not None and result.start != first - front
        for offset in range(result.pages):
            place = first + offset
            label = roman(place) if place <= front else str(place - front)
            image = path.with_name(f"{name}-{offset + 1}.png")
            pages.append(ShownPage(path, offset + 1, image, label, result.printed[offset], moved))
    return PrintView(tuple(pages), len(laid.results), len(laid.laid))


@contextlib.contextmanager
def _steady_date(book: Book) -> Iterator[None]:
    """For a book with no date (and no SOURCE_DATE_EPOCH), the PDFs dated ``STEADY_DATE`` while they are
    made, rather than by the newest chapter file, which each save changes. The preview makes one
    print layout at a time, holding its lock."""
    if book.date is not None or os.environ.get("SOURCE_DATE_EPOCH"):
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = STEADY_DATE
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _write(path: Path, data: bytes) -> None:
    """Written whole under another name, then renamed: a page drawn meanwhile reads the old file or none."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(data)
    os.replace(partial, path)


def whole_view(pdf: Path, images: Path) -> PrintView:
    """The print view of a PDF of the whole book (made by a build), labelled by its own page labels;
    its pages' images go into ``images``, emptied first."""
    shutil.rmtree(images, ignore_errors=True)
    images.mkdir(parents=True)
    with pikepdf.open(pdf) as opened:
        labels = [page.label for page in opened.pages]
    return PrintView(tuple(ShownPage(pdf, n, images / f"page-{n}.png", label, None) for n, label in enumerate(labels, start=1)))


def page_width(pdf: Path, resolution: int) -> int:
    """The width in pixels of the image of a PDF's first page at ``resolution`` dots per inch."""
    with pikepdf.open(pdf) as opened:
        box = opened.pages[0].mediabox  # what pdftoppm draws (without a CropBox)
        return round(float(box[2] - box[0]) / 72 * resolution)


def prune(folder: Path, views: list[PrintView | None]) -> None:
    """Remove the chunks' PDFs and their pages' images that none of ``views`` shows."""
    kept = {path for view in views if view is not None for page in view.pages for path in (page.pdf, page.image)}
    for path in (folder / CHUNKS).glob("*"):
        if path not in kept and not path.name.startswith("."):
            path.unlink(missing_ok=True)
