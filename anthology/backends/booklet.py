"""Saddle-stitch imposition: the A5 print edition placed two-up on A4 sheets in booklet order.

Pages are padded with blanks to a multiple of four. Each sheet has a front and a back side, printed
duplex and flipped on the short edge; folded and stapled in the middle, the stack reads in order.
For N pages (padded), sheet s (from 0) carries N-2s | 2s+1 on its front and 2s+2 | N-2s-1 on its back.
A right-to-left book is bound on its right: each side's two halves change places.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, Page

from ..cache import Cache
from ..markup import ChapterMarkup
from ..model import Book
from ..print_profiles import booklet_settings
from .artifacts import Artifact
from .print_cache import print_output

A4_LANDSCAPE = (297 * 72 / 25.4, 210 * 72 / 25.4)  # points
Side = tuple[int | None, int | None]  # page indices (from 0) on the left and right half; None is blank


@dataclass(frozen=True)
class Imposition:
    data: bytes
    pages: int  # pages of the edition
    padded: int  # pages after padding with blanks
    sheets: int


def padded_count(pages: int) -> int:
    return max(4, -(-pages // 4) * 4)


def booklet_order(pages: int, rtl: bool = False) -> list[Side]:
    """Sides in printing order (front of sheet 1, back of sheet 1, front of sheet 2, …); ``rtl``:
    for a right-to-left book, the halves of each side swapped."""
    total = padded_count(pages)

    def page(index: int) -> int | None:
        return index if index < pages else None

    sides: list[Side] = []
    for s in range(total // 4):
        sides.append((page(total - 1 - 2 * s), page(2 * s)))
        sides.append((page(2 * s + 1), page(total - 2 - 2 * s)))
    return [(right, left) for left, right in sides] if rtl else sides


def impose(pdf: bytes, title: str | None = None, rtl: bool = False) -> Imposition:
    """Place the pages of ``pdf`` two-up in booklet order, centred on A4 landscape sheets
    (or sheets twice as wide as a page, for pages larger than A5)."""
    with pikepdf.open(io.BytesIO(pdf)) as source, pikepdf.new() as out:
        pages = list(source.pages)
        count = len(pages)
        left, bottom, right, top = (float(v) for v in pages[0].trimbox)
        width, height = right - left, top - bottom
        sheet_width, sheet_height = max(A4_LANDSCAPE[0], 2 * width), max(A4_LANDSCAPE[1], height)
        x, y = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
        for side in booklet_order(count, rtl):
            forms = Dictionary()
            drawn = []
            for half, index in enumerate(side):
                if index is not None:
                    name = f"/Page{half}"
                    forms[name] = out.copy_foreign(pages[index].as_form_xobject())
                    drawn.append(_placed(name, pages[index], x + half * width, y))
            sheet = Dictionary(
                Type=Name.Page,
                MediaBox=Array([0, 0, sheet_width, sheet_height]),
                Resources=Dictionary(XObject=forms),
                Contents=out.make_stream(" ".join(drawn).encode("ascii")),
            )
            out.pages.append(Page(sheet))
        out.docinfo[Name.Title] = (title or "") + " (booklet for saddle stitching)"
        out.docinfo[Name.Producer] = "anthology"
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True)
    padded = padded_count(count)
    return Imposition(buffer.getvalue(), count, padded, padded // 4)


def _placed(name: str, page: Page, x: float, y: float) -> str:
    """The content-stream operators drawing ``page`` (a form XObject called ``name``) with its trim box's
    lower-left corner at (x, y)."""
    left, bottom = float(page.trimbox[0]), float(page.trimbox[1])
    return f"q 1 0 0 1 {x - left:.4f} {y - bottom:.4f} cm {name} Do Q"


def make_booklet(book: Book, markups: list[ChapterMarkup], cache: Cache | None = None, chunked: bool = True, jobs: int = 1) -> Artifact:
    """The booklet PDF; its summary says how many sheets to print and how. The A5 pages come through
    the same chunks and cache as the PDF output (the same pages when the PDF is A5 without bleed)."""
    edition = print_output(book, markups, booklet_settings(), cache or Cache(None), chunked=chunked, jobs=jobs)
    assert edition is not None and edition.artifact is not None
    imposed = impose(edition.artifact.data or b"", book.title, rtl=book.direction == "rtl")
    blanks = imposed.padded - imposed.pages
    summary = (
        f"{imposed.sheets} sheet{'s' if imposed.sheets != 1 else ''} of A4 for {imposed.pages} A5 pages"
        + (f" and {blanks} blank" if blanks else "")
        + "; print on both sides, flip on the short edge, fold and staple"
    )
    return Artifact(f"{book.slug}-booklet.pdf", data=imposed.data, summary=summary)
