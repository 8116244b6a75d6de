"""The print edition made chunk by chunk: each from the cache or laid out by a worker, then joined.

Steps: ``plan`` (the chunks' XHTML and stylesheets), ``body`` (the body chunks, those the cache
holds taken from it, the rest laid out by ``jobs`` processes at once; a cached chunk whose first
page number has changed is laid out again), ``back`` and ``front`` (they print the chapters' page
numbers), ``check`` (every chunk opens on a right-hand page and numbers its pages as one document
would; otherwise None, and the caller lays out the book as one document), ``join``.

A chunk's cache entry is keyed by everything its layout reads that is known beforehand (its XHTML
and stylesheet, the edition's stylesheets, the print settings, the PDF's date and identifier, the
versions of the libraries) and holds its PDF, the number of its first page and what the join and
the EPUB's page list need; files read during layout are recorded with their hashes and checked.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass

import pikepdf

from ..cache import Cache, digest, file_digests, files_unchanged
from ..layout import Edition
from ..model import Book
from ..print_profiles import PrintSettings
from . import print_chunks
from .chunk_layout import ChunkAborted, ChunkResult, Ledger, LocalLedger, Setup, SharedLedger, bookmark_tree, lay_out_chunk, run_in_worker, start_worker
from .pagemap import Pagination, pagination_of, print_source
from .pdf import layout_inputs
from .pdf_join import join
from .print_chunks import ChunkJob, book_title, chunk_css, chunk_text, chunks, foreign_targets

KIND = "print-chunk"
BATCH = 8  # chunks a worker lays out before it is replaced


@dataclass(frozen=True)
class Joined:
    """The print edition made in chunks."""

    pdf: bytes
    pages: int
    pagination: Pagination
    used: tuple[str, ...]
    refused: tuple[str, ...]


class _Runner:
    """Lays out chunk jobs in this process (``jobs`` 1) or in a pool of forked workers, which are
    replaced after every ``BATCH`` chunks each (WeasyPrint keeps a little of every document it lays
    out, so a worker's memory would otherwise grow with the book)."""

    def __init__(self, setup: Setup, counts: list[int], jobs: int, size: int) -> None:
        self.setup = setup
        # Workers are forked (they start with this process's fonts and stylesheets); where a system
        # cannot fork, the chunks are laid out one after another here.
        self.workers = min(jobs, size) if "fork" in multiprocessing.get_all_start_methods() else 1
        self.ledger: Ledger = SharedLedger(counts) if self.workers > 1 else LocalLedger(counts)
        self.pool: ProcessPoolExecutor | None = None
        if self.workers > 1:
            # The workers are forked from this process with the fonts and stylesheets already loaded
            # (WeasyPrint's font folder then belongs to this process, which removes it at the end),
            # and with this process's objects frozen, so that their garbage collection does not copy
            # every page of memory they share with it.
            setup.render_context()
            gc.collect()
            gc.freeze()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=start_worker, initargs=(self.setup, self.ledger))

    def run(self, jobs: Sequence[ChunkJob]) -> list[ChunkResult]:
        if self.workers <= 1:
            return [lay_out_chunk(job, self.setup, self.ledger) for job in jobs]
        results: list[ChunkResult] = []
        step = self.workers * BATCH
        for first in range(0, len(jobs), step):
            self._stop()  # fresh workers for every batch, and for the back and front matter
            self.pool = self._start()
            futures: list[Future[ChunkResult]] = [self.pool.submit(run_in_worker, job) for job in jobs[first : first + step]]
            try:
                results += [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return results

    def _stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def close(self) -> None:
        self._stop()
        if self.workers > 1:
            gc.unfreeze()


def _result_json(result: ChunkResult) -> bytes:
    fields = asdict(result)
    del fields["pdf"]
    fields["files"] = file_digests(result.used)
    return json.dumps(fields, sort_keys=True).encode("utf-8")


def _from_cache(cache: Cache, key: str) -> ChunkResult | None:
    meta = cache.read_json(KIND, key, "meta.json")
    if not isinstance(meta, dict):
        return None
    try:
        if not files_unchanged(meta.pop("files")):
            return None
        data = cache.read(KIND, key, "chunk.pdf")
        if data is None:
            return None
        meta["bookmarks"] = [[tuple(mark) for mark in page] for page in meta["bookmarks"]]
        meta["starts"] = [tuple(start) for start in meta["starts"]]
        result = ChunkResult(pdf=data, **meta)
    except (KeyError, TypeError, ValueError, OSError):
        return None
    cache.touch(KIND, key)
    return result


def _numbers(results: Sequence[ChunkResult]) -> dict[str, int]:
    found: dict[str, int] = {}
    for result in results:
        for offset, ids in enumerate(result.anchors):
            for anchor in ids:
                found.setdefault(anchor, (result.start or 1) + offset)
    return found


def make_joined(edition: Edition, book: Book, settings: PrintSettings, cache: Cache, jobs: int = 1) -> Joined | None:
    """The print edition laid out in chunks and joined; None when the chunks cannot stand in for one
    document (the caller then lays it out whole)."""
    parts = chunks(edition, print_chunks.CHUNK_DOCUMENTS)
    if len(parts) < 3:
        return None
    title = book_title(edition)
    common = layout_inputs(book, edition, settings) + [pikepdf.__version__]
    body = [i for i, chunk in enumerate(parts) if chunk.kind == "body"]
    back = next((i for i, chunk in enumerate(parts) if chunk.kind == "back"), None)

    keys: dict[int, str] = {}

    def job(index: int, css: str, body_position: int | None, start: int | None, numbers: dict[str, int] | None = None) -> tuple[ChunkJob, str]:
        text, drop = chunk_text(edition, parts, index, numbers or {})
        made = ChunkJob(index, parts[index].kind, text, css, drop, body_position, start)
        keys[index] = digest(common + [made.kind, made.text, made.css, str(made.drop_last), str(made.body), str(made.start)])
        return made, keys[index]

    body_jobs = [job(i, chunk_css(n > 0, title), n, None) for n, i in enumerate(body)]
    found = {i: _from_cache(cache, key) for i, (_, key) in zip(body, body_jobs)}
    counts = [found[i].pages if found[i] is not None else -1 for i in body]  # type: ignore[union-attr]
    setup = Setup(edition, book, settings)
    runner = _Runner(setup, counts, jobs, sum(1 for i in body if found[i] is None) or 1)
    laid: list[int] = []
    results: dict[int, ChunkResult] = {}
    try:
        fresh = [made for (made, _), i in zip(body_jobs, body) if found[i] is None]
        for result in runner.run(fresh):
            results[result.index] = result
        starts, page = {}, 1
        for i in body:
            starts[i] = page
            page += (results.get(i) or found[i]).pages  # type: ignore[union-attr]
        stale = [made for (made, _), i in zip(body_jobs, body) if i not in results and found[i].start != starts[i]]  # type: ignore[union-attr]
        for result in runner.run(stale):
            results[result.index] = result
        for i in body:
            results.setdefault(i, found[i])  # type: ignore[arg-type]
        laid += [made.index for made in fresh + stale]
        order = [results[i] for i in body]
        for index, start in ((back, page), (0, None)):
            if index is None:
                continue
            targets = foreign_targets(parts[index])
            numbers = _numbers(order if index == back else order + ([results[back]] if back is not None else []))
            css = chunk_css(start is not None, title if index != 0 else None)
            made, key = job(index, css, None, start, {t: numbers[t] for t in targets if t in numbers})
            cached = _from_cache(cache, key)
            if cached is None:
                (cached,) = runner.run([made])
                laid.append(index)
            results[index] = cached
    except ChunkAborted:
        return None
    finally:
        runner.close()
    in_order = [results[i] for i in range(len(parts))]
    if any(result.problem for result in in_order):
        return None
    position = 0
    for result in in_order:  # every chunk must open on a right-hand page, as in one document
        if position % 2:
            return None
        position += result.pages
    for index in laid:
        cache.write(KIND, keys[index], {"chunk.pdf": results[index].pdf, "meta.json": _result_json(results[index])}, keep=2 * len(parts) + 4)
    pdf = join([r.pdf for r in in_order], bookmark_tree(in_order), in_order[0].pages)
    pages = sum(r.pages for r in in_order)
    pagination = pagination_of(
        print_source(book, pages), [n for r in in_order for n in r.printed], [s for r in in_order for s in r.starts],
        {unit: text for r in in_order for unit, text in r.texts.items()},
    )
    used = tuple(sorted({path for r in in_order for path in r.used}))
    refused = tuple(dict.fromkeys(url for r in in_order for url in r.refused))
    return Joined(pdf, pages, pagination, used, refused)
