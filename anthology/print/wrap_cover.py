"""The full-wrap cover of a print-on-demand paperback: back, spine and front on one PDF page, with bleed.

Its width is bleed + trim width + spine + trim width + bleed, its height bleed + trim height + bleed
(the bleed is the profile's: 0.125 in for the inch trims). The spine is the interior's page count
times the paper's thickness per page (``[print] paper`` white or cream, or ``caliper``). The spine
carries the title and editors when the printer allows text on it (KDP from 80 pages, IngramSpark
from 48) and it is at least a quarter of an inch wide. The back has the book's ``description``, the
publisher, and the EAN-13 barcode of the print ISBN; the front is the book's cover image, or a
typographic front set in Literata in the colours of the made cover. A right-to-left book has its
front on the left and its back on the right.
"""

from __future__ import annotations

import dataclasses
import html
import io
from dataclasses import dataclass

import pikepdf

from ..artifacts import Artifact
from ..context import BuildContext
from ..layout.cover import _credit, _palette
from ..project.model import Book
from .barcode import ean13_svg, print_isbn
from .engine import render_sheet, write
from .output import print_output
from .prepress import prepare
from .printers import PRINTERS
from .profiles import MM_PER_INCH, PrintSettings

SAFE_IN = 0.375  # text kept this far inside the trim and the spine folds
SPINE_MARGIN_IN = 0.0625  # KDP: spine text at least this far from each fold
MIN_SPINE_TEXT_IN = 0.25


@dataclass(frozen=True)
class CoverGeometry:
    """Lengths in inches."""

    pages: int
    trim_width: float
    trim_height: float
    spine: float
    bleed: float
    spine_text: bool

    @property
    def width(self) -> float:
        return 2 * self.bleed + 2 * self.trim_width + self.spine

    @property
    def height(self) -> float:
        return 2 * self.bleed + self.trim_height


def geometry(settings: PrintSettings, pages: int) -> CoverGeometry:
    profile = settings.profile
    spine = pages * settings.inches_per_page
    printer = PRINTERS.get(settings.printer or "")
    allowed = pages >= (printer.spine_text_from if printer else 0)
    return CoverGeometry(
        pages, profile.width / MM_PER_INCH, profile.height / MM_PER_INCH, spine, profile.bleed / MM_PER_INCH,
        allowed and spine >= MIN_SPINE_TEXT_IN,
    )


def _in(value: float) -> str:
    return f"{value:.4f}in"


def cover_document(book: Book, g: CoverGeometry) -> tuple[str, str]:
    """The cover's XHTML and CSS; positions are from the top-left corner of the trimmed wrap."""
    background, ink, accent = _palette(book.title)
    settings = book.config.book
    esc = html.escape
    # A right-to-left book opens from the right: its front is the left panel, its back the right one.
    rtl = book.direction == "rtl"
    front_left = 0.0 if rtl else g.trim_width + g.spine
    back_left = g.trim_width + g.spine if rtl else 0.0
    named = settings.cover
    credit = _credit(book) or ""
    parts: list[str] = []
    if named:
        parts.append(f'<img class="front-image" src="{esc(named)}" alt=""/>')
    else:
        parts.append(
            '<div class="front"><div class="rule"></div>'
            f'<h1>{esc(book.title)}</h1>'
            + (f'<p class="subtitle">{esc(settings.subtitle)}</p>' if settings.subtitle else "")
            + (f'<p class="credit">{esc(credit)}</p>' if credit else "")
            + "</div>"
        )
    if g.spine_text:
        spine_words = esc(book.title) + (f' <span class="by">{esc(credit.removeprefix("Edited by "))}</span>' if credit else "")
        parts.append(f'<div class="spine"><p>{spine_words}</p></div>')
    back = [f"<p>{esc(p.strip())}</p>" for p in (settings.description or "").split("\n\n") if p.strip()]
    parts.append('<div class="back">' + "".join(back) + "</div>")
    if settings.publisher:
        parts.append(f'<p class="publisher">{esc(settings.publisher)}</p>')
    isbn = print_isbn(settings.isbn)
    if isbn:
        parts.append(f'<div class="barcode"><p>ISBN {esc(isbn)}</p>{ean13_svg(isbn)}</div>')
    body = "\n".join(parts)
    direction = ' dir="rtl"' if rtl else ""
    doc = (
        f'<!DOCTYPE html><html lang="{esc(book.config.book.language)}"{direction}><head><meta charset="utf-8"/>'
        f"<title>{esc(book.title)}: cover</title></head><body>{body}</body></html>"
    )
    spine_box = g.trim_height - 2 * SAFE_IN
    css = f"""
@page {{ size: {_in(2 * g.trim_width + g.spine)} {_in(g.trim_height)}; margin: 0; bleed: {_in(g.bleed)}; background: {background}; }}
html {{ font-family: "Literata", "Frank Ruhl Libre", "Amiri", serif; color: {ink}; }}
body {{ margin: 0; }}
.front-image {{ position: absolute; left: {_in(front_left - (g.bleed if rtl else 0))}; top: {_in(-g.bleed)}; width: {_in(g.trim_width + g.bleed)};
  height: {_in(g.trim_height + 2 * g.bleed)}; object-fit: cover; }}
.front {{ position: absolute; left: {_in(front_left + SAFE_IN + 0.25)}; top: {_in(SAFE_IN + 0.6)};
  width: {_in(g.trim_width - 2 * SAFE_IN - 0.5)}; height: {_in(g.trim_height - 2 * SAFE_IN - 0.6)}; }}
.front .rule {{ width: 1in; height: 0.06in; background: {accent}; margin-bottom: 0.45in; }}
.front h1 {{ font-size: 38pt; line-height: 1.1; font-weight: 620; margin: 0 0 0.3in; hyphens: manual; }}
.front .subtitle {{ font-size: 17pt; font-style: italic; line-height: 1.25; margin: 0; }}
.front .credit {{ position: absolute; bottom: 0.4in; left: 0; right: 0; font-size: 14pt; border-top: 1.5pt solid {accent};
  padding-top: 0.2in; margin: 0; }}
.spine {{ position: absolute; left: {_in(g.trim_width + g.spine / 2 - spine_box / 2)}; top: {_in(g.trim_height / 2 - (g.spine - 2 * SPINE_MARGIN_IN) / 2)};
  width: {_in(spine_box)}; height: {_in(g.spine - 2 * SPINE_MARGIN_IN)}; transform: rotate(90deg);
  display: flex; align-items: center; }}
.spine p {{ margin: 0; width: 100%; font-size: {min(12.0, (g.spine - 2 * SPINE_MARGIN_IN) * 72 * 0.55):.1f}pt; font-weight: 600;
  white-space: nowrap; overflow: hidden; }}
.spine .by {{ font-weight: 400; margin-left: 0.25in; }}
.back {{ position: absolute; left: {_in(back_left + SAFE_IN + 0.25)}; top: {_in(SAFE_IN + 0.6)}; width: {_in(g.trim_width - 2 * SAFE_IN - 0.5)};
  font-size: 11pt; line-height: 1.45; }}
.back p {{ margin: 0 0 0.8em; }}
.publisher {{ position: absolute; left: {_in(back_left + SAFE_IN + 0.25)}; top: {_in(g.trim_height - SAFE_IN - 0.5)}; margin: 0; font-size: 10pt;
  letter-spacing: 0.05em; text-transform: uppercase; }}
.barcode {{ position: absolute; left: {_in(back_left + g.trim_width - SAFE_IN - 0.25 - 38.61 / MM_PER_INCH - 0.1)}; top: {_in(g.trim_height - SAFE_IN - 0.25 - 1.55)};
  background: white; color: black; padding: 0.05in; width: {_in(38.61 / MM_PER_INCH)}; }}
.barcode p {{ margin: 0; font-size: 8pt; text-align: center; }}
.barcode svg {{ display: block; width: 38.61mm; height: 29.938mm; }}
"""
    return doc, css


def make_cover(book: Book, settings: PrintSettings, pages: int) -> Artifact:
    """The wrap cover of an interior of ``pages`` pages printed with ``settings``."""
    g = geometry(settings, pages)
    doc, css = cover_document(book, g)
    document, _ = render_sheet(book, doc, css)
    sheet_settings = dataclasses.replace(settings, bleed=True, marks=False,
                                         profile=dataclasses.replace(settings.profile, bleed=g.bleed * MM_PER_INCH))
    data = write(book, document, sheet_settings)
    prepared = prepare(data, sheet_settings, project_dir=book.config.project_dir, config_path=book.config.path, bound=False)
    isbn = print_isbn(book.config.book.isbn)
    paper = f"{settings.caliper} in a page" if settings.caliper else f"{settings.paper} paper"
    summary = (
        f"wrap cover {g.width:.3f} x {g.height:.3f} in with bleed, spine {g.spine:.3f} in for {pages} pages on {paper}"
        + ("" if g.spine_text else ", no spine text (spine too narrow)")
        + (f", barcode {isbn}" if isbn else ", no barcode (no paperback ISBN in [book] isbn)")
    )
    return Artifact(f"{book.slug}-cover.pdf", data=prepared.data, summary=summary)


def interior_pages(context: BuildContext, interior: Artifact | None = None) -> int:
    """The page count of the interior PDF: ``interior`` when the build made it, else laid out (or cached)."""
    if interior is None:
        printed = print_output(context)
        assert printed is not None and printed.artifact is not None
        interior = printed.artifact
    with pikepdf.open(io.BytesIO(interior.data or b"")) as pdf:
        return len(pdf.pages)


def make_wrap_cover(context: BuildContext, interior: Artifact | None = None) -> Artifact:
    """The wrap cover for the interior printed with ``context.settings`` (``interior``: its PDF, when the build made it)."""
    return make_cover(context.book, context.settings, interior_pages(context, interior))
