"""The EAN-13 barcode of an ISBN, as SVG vectors drawn by python-barcode (MIT), for a printed cover.

Bars are 0.33 mm modules (100 % of the EAN-13 nominal size, 37.3 x 25.9 mm with the quiet zones),
black on white; the human-readable ISBN is set above the bars, as the ISBN agencies ask.
"""

from __future__ import annotations

import io
import re

import barcode
from barcode.writer import SVGWriter

from ..project.isbns import normalise_isbn

MODULE_MM = 0.33
BAR_HEIGHT_MM = 22.85
QUIET_ZONE_MM = 11 * MODULE_MM


def ean13_svg(isbn: str) -> str:
    """The barcode of ``isbn`` (any form python-stdnum reads) as an inline <svg> element."""
    digits = normalise_isbn(isbn).replace("-", "")
    code = barcode.get("ean13", digits, writer=SVGWriter())
    out = io.BytesIO()
    code.write(out, options={
        "module_width": MODULE_MM, "module_height": BAR_HEIGHT_MM, "quiet_zone": QUIET_ZONE_MM, "font_size": 9,
        "text_distance": 3.5, "background": "white", "foreground": "black", "compress": False,
    })
    text = out.getvalue().decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, flags=re.S)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S).strip()


def print_isbn(isbns: tuple[tuple[str, str], ...]) -> str | None:
    """The ISBN of the printed book among ``[book] isbn``: paperback, print or hardback, in that order."""
    found = dict(isbns)
    return next((found[kind] for kind in ("paperback", "print", "hardback") if kind in found), None)
