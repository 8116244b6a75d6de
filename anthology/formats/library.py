"""The library kit (``--format library``): ``library/SLUG/`` with the EPUB, an archival PDF (PDF/A-3u),
the cover as an RGB JPEG, ONIX 3.0, MARC 21 and MARCXML, Dublin Core, an accessibility statement,
SHA256SUMS and a README.

Steps: ``archival_pdf`` (the print edition, PDF/A-3u, no bleed or marks; its pages also give the EPUB
its page list), ``epub`` (the same bytes as the EPUB output), ``cover_jpeg``, then the records.
"""

from __future__ import annotations

import dataclasses
import io
from typing import TYPE_CHECKING

from PIL import Image

from ..artifacts import Artifact
from ..context import BuildContext
from ..layout.accessibility import accessibility_facts
from ..layout.cover import Cover
from ..library.kit import kit_artifact, kit_files
from ..library.record import catalogue_record
from .epub import build_date, epub_bytes
from .registry import Format, Made

if TYPE_CHECKING:
    from ..print.output import PrintOutput

ARCHIVAL_VARIANT = "pdf/a-3u"
COVER_SIZE = (1600, 2560)


def archival_pdf(context: BuildContext) -> PrintOutput:
    """The print edition as PDF/A-3u, through the same chunks and cache as the PDF output."""
    from ..print.output import print_output  # WeasyPrint is loaded only when a print edition is made

    chosen = dataclasses.replace(context.settings, pdf_variant=ARCHIVAL_VARIANT, bleed=False, marks=False)
    made = print_output(context.with_settings(chosen))
    assert made is not None and made.artifact is not None
    return made


def cover_jpeg(cover: Cover) -> tuple[bytes, tuple[int, int]]:
    """The cover as an RGB JPEG at least 1600x2560 pixels (scaled up, never cropped, when smaller)."""
    with Image.open(io.BytesIO(cover.data)) as image:
        picture = image.convert("RGB")
    scale = max(COVER_SIZE[0] / picture.width, COVER_SIZE[1] / picture.height, 1.0)
    if scale > 1.0:
        size = (round(picture.width * scale), round(picture.height * scale))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=92, optimize=True, progressive=False, subsampling=0)
    return out.getvalue(), picture.size


def make_library(context: BuildContext) -> Artifact:
    book = context.book
    printed = archival_pdf(context)
    assert printed.artifact is not None
    pagination = printed.pagination
    pages = len(pagination.pages)
    epub, parts = epub_bytes(context, pagination)
    facts = accessibility_facts(book, context.markups, page_list=bool(parts.pages))
    jpeg, size = cover_jpeg(parts.cover)
    record = catalogue_record(book, facts, pages)
    when = build_date(book).date()
    files = kit_files(book.slug, record, epub, printed.artifact.data or b"", jpeg, size, when)
    return kit_artifact(book.slug, files)


FORMAT = Format(
    "library", "the kit for libraries: EPUB, archival PDF, cover, ONIX, MARC 21, Dublin Core", "library/SLUG/",
    make=lambda context, given: Made(make_library(context)),
    order=60, layout="pdf", cover=True,
)
