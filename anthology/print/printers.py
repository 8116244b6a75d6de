"""Printer presets: what each kind of printer accepts, as print settings.

A preset is chosen with ``--printer`` or ``[print] printer = "kdp"`` in anthology.toml. It sets the
trim (profile), whether the pages bleed, crop marks, the colour of the file, the PDF variant and the
page-count rules; keys given beside it in ``[print]`` or on the command line still win, except that
the print-on-demand presets never take crop marks (their printers refuse files with marks).

Figures, from the printers' own file specifications:

- Amazon KDP (paperback submission guidelines): no crop or trim marks; bleed 0.125 in on the top,
  bottom and outside edges, so a 6 x 9 in interior with bleed is 6.125 x 9.25 in; 24 to 828 pages;
  images at 300 dpi or more; fonts embedded; transparency flattened.
- IngramSpark (file requirements and FAQ): no crop, registration or printer marks; PDF/X-1a; CMYK
  or grayscale; bleed 0.125 in; at least 18 pages, whatever the binding; an even page count, the
  last page blank (it adds one otherwise); fonts embedded. Its maximum depends on trim and paper
  and is left to its upload check.
- A print shop (offset or digital, trimmed after printing): 3 mm bleed with crop marks, PDF/X-4
  with a CMYK output intent.
- An office printer (duplex, no trimming): no bleed, no marks, PDF/UA, an even page count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..project import schema
from ..project.schema import FieldError


@dataclass(frozen=True)
class Printer:
    """One preset. ``profile`` None keeps the book's own trim; ``colour`` is 'gray' (neutral text and
    rules in gray or K only, colour images as they are) or 'cmyk' (everything CMYK or gray)."""

    name: str
    description: str
    profile: str | None
    bleed: bool
    marks: bool
    pdf_variant: str
    colour: str
    min_pages: int = 2
    max_pages: int | None = None
    marks_allowed: bool = True
    spine_text_from: int = 0  # the fewest pages whose cover spine may carry text


PRINTERS: dict[str, Printer] = {
    p.name: p
    for p in (
        Printer("office", "office or home printer, duplex, untrimmed", None, False, False, "pdf/ua-1", "gray"),
        Printer("print-shop", "print shop: 3 mm bleed, crop marks, PDF/X-4 with a CMYK output intent", None, True, True, "pdf/x-4", "cmyk"),
        Printer("kdp", "Amazon KDP paperback: 6 x 9 in, bleed 0.125 in outside, no marks, PDF/X-1a, 24-828 pages",
                "trade-6x9", True, False, "pdf/x-1a", "cmyk", min_pages=24, max_pages=828, marks_allowed=False, spine_text_from=80),
        Printer("ingramspark", "IngramSpark paperback: 6 x 9 in, bleed 0.125 in outside, no marks, PDF/X-1a, 18 pages or more",
                "trade-6x9", True, False, "pdf/x-1a", "cmyk", min_pages=18, marks_allowed=False, spine_text_from=48),
    )
}


def printer_name(value: Any) -> str:
    name = schema.text(value).lower()
    if name not in PRINTERS:
        guess = schema.nearest(name, list(PRINTERS))
        raise FieldError(f"unknown printer {value!r}" + (f" (did you mean '{guess}'?)" if guess else ""))
    return name
