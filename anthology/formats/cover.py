"""The full-wrap cover of a print-on-demand paperback (``--format cover``): back, spine and front on
one PDF page with bleed, sized from the interior's page count (the PDF made in the same build, else
the print edition laid out or taken from the cache) and the paper; see ``anthology.print.wrap_cover``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import Format, Given, Made

if TYPE_CHECKING:
    from ..context import BuildContext


def make_cover(context: BuildContext, given: Given) -> Made:
    from ..print.wrap_cover import make_wrap_cover  # WeasyPrint is loaded only when a print edition is made

    return Made(make_wrap_cover(context, interior=given.made.get("pdf")))


FORMAT = Format(
    "cover", "the full-wrap cover for print on demand: back, spine and front with bleed", "SLUG-cover.pdf",
    make=make_cover,
    order=70, cover=True,
)
