"""The print PDF (``--format pdf``): the print edition laid out by ``anthology.print``, through the
build cache, with the image preflight's warnings (an image printed below 300 ppi) and a warning for each note
too long for the foot of a page (``notes.too_long_notes``). Its pagination
gives the EPUB made in the same build its print page numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Diagnostic
from .registry import Format, Made

if TYPE_CHECKING:
    from ..context import BuildContext


def make_pdf(context: BuildContext) -> Made:
    from ..print.notes import too_long_notes
    from ..print.output import print_output  # WeasyPrint is loaded only when a print edition is made
    from ..print.preflight import image_warnings

    result = print_output(context)
    if result is None or result.artifact is None:
        raise RuntimeError("the print edition was not made")
    warnings = tuple(image_warnings(result.artifact.data or b"", context.markups, context.book.config.project_dir)) + tuple(
        Diagnostic(None, f"refused to load {url}", level="warning", hint="only files inside the book's folder are used")
        for url in result.refused
    ) + tuple(too_long_notes(context.markups, context.settings))
    return Made(result.artifact, result.pagination, warnings)


FORMAT = Format(
    "pdf", "print PDF in the chosen print profile, tagged for screen readers", "SLUG.pdf",
    make=lambda context, given: make_pdf(context),
    order=20, layout="pdf", default=True, prints_edition=True,
)
