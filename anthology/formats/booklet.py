"""Saddle-stitch imposition: the A5 print edition placed two-up on A4 sheets in booklet order.

Pages are padded with blanks to a multiple of four. Each sheet has a front and a back side, printed
duplex and flipped on the short edge; folded and stapled in the middle, the stack reads in order.
For N pages (padded), sheet s (from 0) carries N-2s | 2s+1 on its front and 2s+2 | N-2s-1 on its back.
A right-to-left book is bound on its right: each side's two halves change places.

Creep: folded, each sheet wraps round the sheets inside it, so after trimming the inner pages lose
more at the fore-edge. Every page of sheet s (from the outside, 0) is moved s paper thicknesses
towards the fold; each half is clipped to its own page. The cover (``[booklet] cover``) is the
outer sheet, or a sheet of its own in a separate PDF for card stock. Above the saddle-stitch limit
(``[booklet] max_sheets``), the booklet is refused unless forced, and then made with a warning.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from ..artifacts import Artifact
from ..context import BuildContext
from ..errors import BuildError, Diagnostic
from ..print.metadata import copy_properties
from ..print.profiles import booklet_settings
from ..project.booklet_settings import BookletSettings
from .registry import Format, Made

PT_PER_MM = 72 / 25.4
A4_LANDSCAPE = (297 * PT_PER_MM, 210 * PT_PER_MM)  # points
Side = tuple[int | None, int | None]  # page indices (from 0) on the left and right half; None is blank
Entry = tuple[str, int]  # ('page', index in the edition) or ('cover', index in the cover's four pages)


@dataclass(frozen=True)
class Imposition:
    data: bytes
    pages: int  # pages of the edition
    padded: int  # pages after padding with blanks (and the cover's four, when it is the outer sheet)
    sheets: int
    creep_mm: tuple[float, ...] = ()  # each sheet's shift towards the fold, outer sheet first


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


def creep_offsets(sheets: int, paper_mm: float) -> tuple[float, ...]:
    """Millimetres each sheet's pages move towards the fold: s paper thicknesses for sheet s."""
    return tuple(round(s * paper_mm, 4) for s in range(sheets))


def _sequence(count: int, with_cover: bool) -> list[Entry | None]:
    """The booklet's pages in reading order: the cover's first two, the edition padded to a multiple of
    four, the cover's last two; None is a blank page."""
    interior: list[Entry | None] = [("page", i) for i in range(count)]
    if not with_cover:
        return interior + [None] * (padded_count(count) - count)
    interior += [None] * ((-count) % 4)
    return [("cover", 0), ("cover", 1), *interior, ("cover", 2), ("cover", 3)]


def impose(pdf: bytes, title: str | None = None, rtl: bool = False, paper_mm: float = 0.0, cover: bytes | None = None) -> Imposition:
    """Place the pages of ``pdf`` (after the 4-page ``cover``'s first two and before its last two)
    two-up in booklet order, centred on A4 landscape sheets (or sheets twice as wide as a page, for
    pages larger than A5), each sheet's pages moved towards the fold by its creep."""
    source = pikepdf.open(io.BytesIO(pdf))
    covers = pikepdf.open(io.BytesIO(cover)) if cover else None
    count = len(source.pages)
    sequence = _sequence(count, covers is not None)
    trim = [float(v) for v in source.pages[0].trimbox]
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    sheet_width, sheet_height = max(A4_LANDSCAPE[0], 2 * width), max(A4_LANDSCAPE[1], height)
    x, y = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
    out = pikepdf.new()
    forms: dict[Entry, tuple[pikepdf.Object, list[float]]] = {}

    def form(key: Entry) -> tuple[pikepdf.Object, list[float]]:
        """The page as a form XObject of the booklet, and its TrimBox."""
        if key not in forms:
            pdf_from = source if key[0] == "page" else covers
            assert pdf_from is not None
            page = pdf_from.pages[key[1]]
            forms[key] = (out.copy_foreign(page.as_form_xobject()), [float(v) for v in page.trimbox])
        return forms[key]

    sheets = len(sequence) // 4
    creep = creep_offsets(sheets, paper_mm)
    for number, side in enumerate(booklet_order(len(sequence), rtl)):
        shift = creep[number // 2] * PT_PER_MM
        commands: list[bytes] = []
        xobjects = pikepdf.Dictionary()
        for half, index in enumerate(side):
            entry = sequence[index] if index is not None else None
            if entry is None:
                continue
            placed, its_trim = form(entry)
            name = f"/P{entry[0][0]}{entry[1]}"
            xobjects[name] = placed
            left = x + half * width
            towards_fold = shift if half == 0 else -shift
            commands.append(
                b"q %.4f %.4f %.4f %.4f re W n 1 0 0 1 %.4f %.4f cm %s Do Q"
                % (left, y, width, height, left + towards_fold - its_trim[0], y - its_trim[1], name.encode())
            )
        page = out.add_blank_page(page_size=(sheet_width, sheet_height))
        page.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
        page.obj.Contents = out.make_stream(b"\n".join(commands))
    copy_properties(source, out, (title or "") + " (booklet for saddle stitching)")
    out.docinfo["/Producer"] = "anthology"
    data = io.BytesIO()
    out.save(data, deterministic_id=True)
    return Imposition(data.getvalue(), count, len(sequence), sheets, creep)


def make_booklet(context: BuildContext) -> Made:
    """The booklet PDF, and its cover's own PDF when ``[booklet] cover = "separate"``. The A5 pages come
    through the same chunks and cache as the PDF output (the same pages when the PDF is A5 without bleed)."""
    from ..print.booklet_cover import booklet_cover  # WeasyPrint is loaded only when a print edition is made
    from ..print.output import print_output

    book = context.book
    options = book.config.booklet
    edition = print_output(context.with_settings(booklet_settings()))
    assert edition is not None and edition.artifact is not None
    interior = edition.artifact.data or b""
    cover = booklet_cover(book, options) if options.cover != "none" else None
    rtl = book.direction == "rtl"
    imposed = impose(interior, book.title, rtl=rtl, paper_mm=options.paper_mm, cover=cover if options.cover == "outer" else None)
    warning = _limit(imposed, options, context.force)
    blanks = imposed.padded - imposed.pages - (4 if options.cover == "outer" else 0)
    summary = (
        f"{imposed.sheets} sheet{'s' if imposed.sheets != 1 else ''} of A4 for {imposed.pages} A5 pages"
        + (" and the cover" if options.cover == "outer" else "")
        + (f" and {blanks} blank" if blanks else "")
        + f"; creep {imposed.creep_mm[-1]:.2f} mm at the centre ({options.paper_mm:.2f} mm paper)"
        + "; print on both sides, flip on the short edge, fold and staple"
    )
    more: tuple[Artifact, ...] = ()
    if cover is not None and options.cover == "separate":
        alone = impose(cover, book.title + ": cover", rtl=rtl)
        more = (Artifact(f"{book.slug}-booklet-cover.pdf", data=alone.data,
                         summary="the booklet's cover: 1 sheet, print on card on both sides, flip on the short edge"),)
    return Made(Artifact(f"{book.slug}-booklet.pdf", data=imposed.data, summary=summary), warnings=warning, more=more)


def _limit(imposed: Imposition, options: BookletSettings, force: bool) -> tuple[Diagnostic, ...]:
    """Nothing within the saddle-stitch limit; above it, a BuildError, or with ``force`` the warning."""
    if imposed.sheets <= options.max_sheets:
        return ()
    message = (f"{imposed.sheets} sheets of {options.paper_gsm} gsm is more than a stapled booklet holds "
               f"({options.max_sheets} sheets, [booklet] max_sheets)")
    if not force:
        raise BuildError(Diagnostic(None, message, key="--format booklet",
                                    hint="bind the PDF instead (--format pdf --printer print-shop), raise [booklet] max_sheets for a "
                                    "heavier stapler, or add --force to make it anyway"))
    return (Diagnostic(None, message, level="warning", key="--force",
                       hint="the booklet was made because --force was given; bind the PDF instead for a book this long"),)


FORMAT = Format(
    "booklet", "A5 pages imposed two-up on A4 sheets, to fold and staple (and its cover)", "SLUG-booklet.pdf",
    make=lambda context, given: make_booklet(context),
    order=40, layout="pdf", cover=True,
)
