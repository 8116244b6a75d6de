"""The print edition through the build cache: the PDF and its pagination, laid out only when needed.

The whole book's entry is keyed by the hash of everything the layout reads that the build knows
beforehand: the combined XHTML of the edition, its stylesheets, the print settings, the PDF's
identifier and date, and the versions of anthology, WeasyPrint and pydyf. Files WeasyPrint reads
while laying out (fonts, images, anything a stylesheet names) are recorded with their hashes in the
entry, and a cached layout is used only when every one of them is unchanged. When the book has
changed, ``chunk_runner`` makes it chunk by chunk, each chunk from its own cache entry if it can.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from ..artifacts import Artifact
from ..cache import Cache, digest, file_digests, files_unchanged
from ..context import BuildContext
from .chunk_runner import make_joined
from .engine import lay_out_whole, layout_inputs, pdf_summary, print_edition
from .pagemap import PageStart, Pagination, paginate, print_source
from .prepress import prepare

KIND = "print"


@dataclass(frozen=True)
class PrintOutput:
    """The PDF (when asked for), where its pages begin, and what layout refused to load."""

    artifact: Artifact | None
    pagination: Pagination
    refused: tuple[str, ...]
    cached: bool = False


def pagination_json(pagination: Pagination) -> dict[str, object]:
    return {
        "source": pagination.source,
        "pages": [[p.label, p.unit, p.offset] for p in pagination.pages],
        "texts": pagination.texts,
    }


def pagination_from_json(data: dict[str, object]) -> Pagination:
    pages = tuple(PageStart(str(label), None if unit is None else str(unit), int(offset)) for label, unit, offset in cast(list[list[Any]], data["pages"]))
    texts = {str(k): str(v) for k, v in cast(dict[str, Any], data["texts"]).items()}
    return Pagination(str(data["source"]), pages, texts)


def _cached(cache: Cache, key: str, want_pdf: bool) -> PrintOutput | None:
    meta = cache.read_json(KIND, key, "meta.json")
    if not isinstance(meta, dict) or not files_unchanged(meta.get("files")):
        return None
    try:
        pagination = pagination_from_json(meta["pagination"])
        refused = tuple(str(url) for url in meta["refused"])
        artifact = None
        if want_pdf:
            data = cache.read(KIND, key, "book.pdf")
            if data is None:
                return None
            artifact = Artifact(str(meta["name"]), data=data, summary=str(meta["summary"]))
    except (KeyError, TypeError, ValueError):
        return None
    return PrintOutput(artifact, pagination, refused, cached=True)


def print_output(context: BuildContext, want_pdf: bool = True, cached_only: bool = False) -> PrintOutput | None:
    """The print edition of ``context.settings``: its PDF (if ``want_pdf``) and pagination, from the
    cache when it is current. ``context.chunked``: laid out in chunks by ``context.jobs`` processes and
    joined (see ``chunk_runner``), else as one document. ``cached_only``: None rather than a layout
    when the cache does not have it."""
    book, settings, cache, chunked = context.book, context.settings, context.cache, context.chunked
    edition = print_edition(book, context.markups, settings)
    whole = edition.whole()
    key = digest(layout_inputs(book, edition, settings) + ["chunks" if chunked else "whole", whole])
    found = _cached(cache, key, want_pdf)
    if found is not None or cached_only:
        return found
    joined = make_joined(context, edition) if chunked else None
    if joined is not None:
        data, pages, pagination, used, refused = joined.pdf, joined.pages, joined.pagination, joined.used, joined.refused
    else:
        result = lay_out_whole(book, edition, settings, whole)
        data, pages, used, refused = result.artifact.data or b"", len(result.document.pages), result.used, result.refused
        pagination = paginate(result.document, print_source(book, pages))
    prepared = prepare(data, settings, rtl=book.direction == "rtl", project_dir=book.config.project_dir, config_path=book.config.path)
    data = prepared.data
    artifact = Artifact(f"{book.slug}.pdf", data=data, summary=pdf_summary(settings, prepared.pages, prepared.blanks_added))
    meta = {
        "files": file_digests(used),
        "pagination": pagination_json(pagination),
        "refused": list(refused),
        "name": artifact.name,
        "summary": artifact.summary,
    }
    cache.write(KIND, key, {"book.pdf": data, "meta.json": json.dumps(meta, sort_keys=True).encode("utf-8")})
    return PrintOutput(artifact if want_pdf else None, pagination, tuple(refused))
