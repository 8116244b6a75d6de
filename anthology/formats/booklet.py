"""Saddle-stitch imposition: the A5 print edition placed two-up on A4 sheets in booklet order.

Pages are padded with blanks to a multiple of four. Each sheet has a front and a back side, printed
duplex and flipped on the short edge; folded and stapled in the middle, the stack reads in order.
For N pages (padded), sheet s (from 0) carries N-2s | 2s+1 on its front and 2s+2 | N-2s-1 on its back.
A right-to-left book is bound on its right: each side's two halves change places.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

from ..artifacts import Artifact
from ..context import BuildContext
from ..print.profiles import booklet_settings
from .registry import Format, Made

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
    reader = PdfReader(io.BytesIO(pdf))
    count = len(reader.pages)
    first = reader.pages[0]
    width, height = float(first.trimbox.width), float(first.trimbox.height)
    sheet_width, sheet_height = max(A4_LANDSCAPE[0], 2 * width), max(A4_LANDSCAPE[1], height)
    x, y = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
    writer = PdfWriter()
    for side in booklet_order(count, rtl):
        sheet = writer.add_blank_page(width=sheet_width, height=sheet_height)
        for half, index in enumerate(side):
            if index is not None:
                _place(sheet, reader.pages[index], x + half * width, y)
    writer.add_metadata({"/Title": (title or "") + " (booklet for saddle stitching)", "/Producer": "anthology"})
    out = io.BytesIO()
    writer.write(out)
    padded = padded_count(count)
    return Imposition(out.getvalue(), count, padded, padded // 4)


def _place(sheet: PageObject, page: PageObject, x: float, y: float) -> None:
    trim = page.trimbox
    move = Transformation().translate(tx=x - float(trim.left), ty=y - float(trim.bottom))
    sheet.merge_transformed_page(page, move)


def make_booklet(context: BuildContext) -> Artifact:
    """The booklet PDF; its summary says how many sheets to print and how. The A5 pages come through
    the same chunks and cache as the PDF output (the same pages when the PDF is A5 without bleed)."""
    from ..print.output import print_output  # WeasyPrint is loaded only when a print edition is made

    book = context.book
    edition = print_output(context.with_settings(booklet_settings()))
    assert edition is not None and edition.artifact is not None
    imposed = impose(edition.artifact.data or b"", book.title, rtl=book.direction == "rtl")
    blanks = imposed.padded - imposed.pages
    summary = (
        f"{imposed.sheets} sheet{'s' if imposed.sheets != 1 else ''} of A4 for {imposed.pages} A5 pages"
        + (f" and {blanks} blank" if blanks else "")
        + "; print on both sides, flip on the short edge, fold and staple"
    )
    return Artifact(f"{book.slug}-booklet.pdf", data=imposed.data, summary=summary)


FORMAT = Format(
    "booklet", "A5 pages imposed two-up on A4 sheets, to fold and staple", "SLUG-booklet.pdf",
    make=lambda context, given: Made(make_booklet(context)),
    order=40, layout="pdf",
)
