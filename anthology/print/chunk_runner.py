"""The print edition made chunk by chunk: each from the cache or laid out by a worker, then joined.

Steps: ``plan`` (the chunks' XHTML and stylesheets), ``body`` (the body chunks, those the cache
holds taken from it, the rest laid out by ``jobs`` processes at once; a cached chunk whose first
page number has changed is laid out again), ``back`` and ``front`` (they print the chapters' page
numbers), ``check`` (every chunk opens on a right-hand page and numbers its pages as one document
would; otherwise None, and the caller lays out the book as one document), ``join``.

``lay_out_chunks`` stops before the join: the preview's print view shows the chunks' pages as they
are. Without ``renumber`` it lays out only the chunks whose text changed; a chunk whose text is
unchanged keeps its cached layout even when the pages before it grew or shrank (its pages then
print the numbers they were laid out with), and the numbers that other chunks print for its pages
(the contents, the list of contributors, links between chapters) are those it was laid out with,
so that they too stay as they were.

A chunk's cache entry is keyed by everything its layout reads that is known beforehand (its XHTML
and stylesheet, the edition's stylesheets, the print settings, the PDF's date and identifier, the
versions of the libraries) and holds its PDF, the number of its first page and what the join and
the EPUB's page list need; files read during layout are recorded with their hashes and checked.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, replace

import pikepdf

from ..cache import Cache, digest, file_digests, files_unchanged
from ..context import BuildContext
from ..interrupts import forking
from ..layout import Edition
from ..project.model import Book
from . import chunks as chunking
from .chunk_layout import (
    ChunkAborted,
    ChunkResult,
    Ledger,
    LocalLedger,
    Setup,
    SharedLedger,
    bookmark_tree,
    lay_out_chunk,
    run_in_worker,
    start_worker,
    warm_up,
)
from .chunks import ChunkJob, anchors, book_title, chunk_css, chunk_text, chunks, foreign_targets, xref_targets
from .engine import layout_inputs
from .join import Joining
from .pagemap import Pagination, pagination_of, print_source

KIND = "print-chunk"
BATCH = 4  # chunks a worker lays out before it is replaced
AHEAD = 2  # chunks a worker holds at once (the one it lays out and its next)
PAGE_CHARACTERS = 2500  # about how much of a chapter's XHTML fills a page


@dataclass(frozen=True)
class Joined:
    """The print edition made in chunks."""

    pdf: bytes
    pages: int
    pagination: Pagination
    used: tuple[str, ...]
    refused: tuple[str, ...]


class _Slot:
    """One worker process at a time, replaced by a fresh one after it has been given ``BATCH`` chunks
    (WeasyPrint keeps a little of every document it lays out, and a worker never collects its
    garbage: it goes when the process does). Holds at most ``AHEAD`` chunks at once, so that a
    worker has its next chunk while this process is joining."""

    def __init__(self, start: Callable[[], ProcessPoolExecutor]) -> None:
        self.start = start
        self.pool: ProcessPoolExecutor | None = None
        self.given = 0
        self.running: list[Future[ChunkResult]] = []

    def ready(self, depth: int) -> bool:
        """Whether it can take a chunk now, holding at most ``depth`` others."""
        self.running = [future for future in self.running if not future.done()]
        if self.pool is not None and self.given >= BATCH:
            if self.running:
                return False
            self.pool.shutdown(wait=False)  # its process exits; the next chunk forks a fresh one
            self.pool = None
        return len(self.running) <= depth

    def submit(self, job: ChunkJob) -> Future[ChunkResult]:
        with forking():  # the first job given to a new pool forks its process
            if self.pool is None:
                self.pool, self.given = self.start(), 0
            future = self.pool.submit(run_in_worker, job)
        self.given += 1
        self.running.append(future)
        return future

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def kill(self) -> None:
        """Stop at once (after Ctrl-C): the worker is ended, not waited for."""
        if self.pool is not None:
            processes: dict[int, multiprocessing.process.BaseProcess] = getattr(self.pool, "_processes", None) or {}
            for process in list(processes.values()):
                process.terminate()
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


class _Runner:
    """Lays out chunk jobs in this process (``jobs`` 1) or in forked workers, one per ``_Slot``, each
    replaced on its own when it has laid out ``BATCH`` chunks (no worker waits for the others to
    finish a batch). With workers, this process joins the chunks that are done while the others are
    laid out."""

    def __init__(self, setup: Setup, counts: list[int], jobs: int, size: int, sample: ChunkJob | None = None) -> None:
        """``size``: how many body chunks are to be laid out; ``sample``: the first of them."""
        self.setup = setup
        # Workers are forked (they start with this process's fonts and stylesheets); where a system
        # cannot fork, the chunks are laid out one after another here.
        pooled = jobs > 1 and "fork" in multiprocessing.get_all_start_methods()
        self.workers = max(1, min(jobs, size)) if pooled else 0
        self.ledger: Ledger = SharedLedger(counts) if self.workers else LocalLedger(counts)
        self.slots: list[_Slot] = []
        if self.workers:
            # The workers are forked from this process with the fonts and stylesheets already loaded
            # (WeasyPrint's font folder then belongs to this process, which removes it at the end),
            # and with this process's objects frozen, so that their garbage collection does not copy
            # every page of memory they share with it.
            setup.render_context()
            if sample is not None and size > self.workers * BATCH:
                # worth it when workers are replaced: each then starts with what a first layout loads
                warm_up(setup, sample)
            gc.collect()
            gc.freeze()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(1, mp_context=context, initializer=start_worker, initargs=(self.setup, self.ledger))

    def run(self, jobs: Sequence[ChunkJob], each: Callable[[ChunkResult], None], meanwhile: Callable[[], None] = lambda: None) -> None:
        """Lay out ``jobs``, handing each result to ``each`` in the order of ``jobs``; ``meanwhile``
        is called once, while the workers start on the first jobs."""
        if not self.workers:
            meanwhile()
            for job in jobs:
                each(lay_out_chunk(job, self.setup, self.ledger))
            return
        self._stop()  # fresh workers for every run: the back and front matter are the biggest chunks
        self.slots = [_Slot(self._start) for _ in range(min(self.workers, len(jobs)))]
        # Chunks are handed out in order, so that the earliest unfinished one never waits (see chunk_layout).
        futures: list[Future[ChunkResult]] = []

        def hand_out() -> None:  # to the idle workers first, then a next chunk to each
            for depth in range(AHEAD):
                for slot in self.slots:
                    if len(futures) < len(jobs) and slot.ready(depth):
                        futures.append(slot.submit(jobs[len(futures)]))

        try:
            hand_out()
            meanwhile()
            for position in range(len(jobs)):
                while not futures[position].done():
                    wait([future for future in futures if not future.done()], return_when=FIRST_COMPLETED)
                    hand_out()
                result = futures[position].result()
                hand_out()
                each(result)
        except BaseException as exc:
            self._abandon(futures, interrupted=isinstance(exc, KeyboardInterrupt))
            raise

    def _abandon(self, futures: list[Future[ChunkResult]], interrupted: bool) -> None:
        """Cancel the chunks not begun; on Ctrl-C also kill the workers, which ignore it."""
        for future in futures:
            future.cancel()
        if interrupted:
            for slot in self.slots:
                slot.kill()
            self.slots = []

    def _stop(self) -> None:
        for slot in self.slots:
            slot.stop()
        self.slots = []

    def close(self) -> None:
        self._stop()
        if self.workers:
            gc.unfreeze()


def _result_json(result: ChunkResult) -> bytes:
    fields = asdict(result)
    del fields["pdf"]
    fields["files"] = file_digests(result.used)
    return json.dumps(fields, sort_keys=True).encode("utf-8")


def _from_cache(cache: Cache, key: str, index: int) -> ChunkResult | None:
    """The chunk stored under ``key``, as chunk ``index`` of this build (it may have had another place)."""
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
        meta["index"] = index
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


class _Sequence:
    """The chunks handed to the join as soon as each is final, in a fixed order (the body, the back
    matter, the front matter; the join puts the front matter's pages first), so that the bytes do
    not depend on which worker finished first. A body chunk is final when laid out in this build,
    or when its cached layout starts on the page that the chunks before it end on (any cached
    layout, without ``renumber``). Each chunk laid out is stored in the cache when it is joined, and
    its PDF then let go (kept, without ``joining``)."""

    def __init__(self, body: list[int], found: dict[int, ChunkResult | None], cache: Cache, keys: dict[int, str], keep: int,
                 held: set[int] | None = None, joining: bool = True, renumber: bool = True) -> None:
        self.body, self.found, self.cache, self.keys, self.keep = body, found, cache, keys, keep
        # body chunks to be laid out again with the page numbers of their links to other chapters:
        # not joined until ``release``
        self.held = set(held or ())
        self.joining: Joining | None = Joining() if joining else None
        self.renumber = renumber
        self.results: dict[int, ChunkResult] = {}
        self.laid: set[int] = set()
        self.next = 0  # position in ``body`` of the next chunk to join
        self.page = 1  # number of its first page

    def laid_out(self, result: ChunkResult) -> None:
        self.results[result.index] = result
        self.laid.add(result.index)
        if result.index in self.held:  # its first layout, kept so that the next build need not make it again
            self._store(result)
        self.advance()

    def made(self, runner: _Runner, jobs: Sequence[ChunkJob], into: dict[int, ChunkResult],
             usable: Callable[[ChunkResult], bool] = lambda cached: True) -> None:
        """Each job's result into ``into``: from the cache when it holds one that ``usable`` accepts,
        else laid out by ``runner``."""
        todo = []
        for made in jobs:
            cached = _from_cache(self.cache, self.keys[made.index], made.index)
            if cached is not None and usable(cached):
                into[made.index] = cached
            else:
                todo.append(made)
        runner.run(todo, lambda result: into.__setitem__(result.index, result))
        self.laid |= {made.index for made in todo}

    def _store(self, result: ChunkResult) -> None:
        self.cache.write(KIND, self.keys[result.index], {"chunk.pdf": result.pdf, "meta.json": _result_json(result)}, keep=self.keep)

    def release(self, final: dict[int, ChunkResult]) -> None:
        """The held chunks' final layouts: joined in their turn."""
        self.results.update(final)
        self.held.clear()
        self.advance()

    def advance(self) -> None:
        while self.next < len(self.body):
            index = self.body[self.next]
            result = self.results.get(index)
            if result is None:
                cached = self.found[index]
                if cached is None or (self.renumber and cached.start != self.page):
                    return  # still being laid out, or to be laid out again from another first page
                result = self.results[index] = cached
            if index in self.held:
                return
            self.join(result)
            self.page += result.pages
            self.next += 1

    @property
    def body_done(self) -> bool:
        return self.next == len(self.body)

    def join(self, result: ChunkResult) -> None:
        index = result.index
        if self.joining is not None:
            self.joining.add(result.pdf, index)
        if index in self.laid:
            self._store(result)
        self.results[index] = replace(result, pdf=b"") if self.joining is not None else result


def side_by_side(front: ChunkJob, back: ChunkJob, body: Sequence[ChunkJob]) -> bool:
    """Whether the front and back matter are laid out at once: unless together they are bigger than
    two of the largest body chunks (about the most the workers held at once so far; a long book's
    contents and list of contributors are), which would raise the build's peak memory."""
    return len(front.text) + len(back.text) <= 2 * max((len(made.text) for made in body), default=0)


def _opening_id(chunk: chunking.Chunk) -> str | None:
    """The id of the chunk's outermost first element: certainly on its first page."""
    if not chunk.documents:
        return None
    match = chunking.OPENING_TAG.match(chunk.documents[0].body)
    found = chunking.ID.search(match.group(2)) if match else None
    return found.group(1) if found else None


def _rough_numbers(parts: list[chunking.Chunk], body: list[int], linking: set[int]) -> dict[int, dict[str, int]]:
    """For the first layout of the body chunks that link to other chapters: a page number for each
    target with as many digits as the body probably has pages (the real ones are known only after it).
    Only the number of digits counts, so that editing a chapter seldom changes these chunks' first layout."""
    if not linking:
        return {}
    size = sum(len(document.body) for i in body for document in parts[i].documents)
    rough = 10 ** (len(str(max(1, size // PAGE_CHARACTERS))) - 1)
    return {i: {target: rough for target in xref_targets(parts[i])} for i in linking}


def _with_xref_pages(
    parts: list[chunking.Chunk], body: list[int], linking: set[int], results: dict[int, ChunkResult], found: dict[int, ChunkResult | None],
    job: Callable[..., ChunkJob], title: str | None, runner: _Runner, sequence: _Sequence, renumber: bool = True,
) -> bool:
    """The body chunks that link to other chapters laid out again, now that every body page number is
    known, printing their targets' pages; False when that changes how many pages one of them has
    (the book is then laid out as one document)."""
    first = {i: results.get(i) or found[i] for i in body}
    numbers = _numbers([result for result in first.values() if result is not None])
    final: dict[int, ChunkResult] = {}
    again = [
        job(index, chunk_css(position > 0, title), position, None, {t: numbers[t] for t in xref_targets(parts[index]) if t in numbers})
        for position, index in enumerate(body) if index in linking
    ]
    sequence.made(runner, again, final, usable=lambda cached: not renumber or cached.start == first[cached.index].start)  # type: ignore[union-attr]
    if any(final[i].pages != first[i].pages for i in linking):  # type: ignore[union-attr]
        return False
    sequence.release(final)
    return True


def _body_starts(body: list[int], results: dict[int, ChunkResult], found: dict[int, ChunkResult | None]) -> tuple[dict[int, int], int]:
    """The page each body chunk starts on, as laid out or cached, and the page after the last."""
    starts, page = {}, 1
    for i in body:
        starts[i] = page
        page += (results.get(i) or found[i]).pages  # type: ignore[union-attr]
    return starts, page


@dataclass(frozen=True)
class LaidOut:
    """The print edition's chunks, each as laid out, in the book's order (not joined)."""

    results: tuple[ChunkResult, ...]
    keys: tuple[str, ...]  # each chunk's cache key (a body chunk's leaves out the number of its first page)
    kinds: tuple[str, ...]  # "front", "body" or "back"
    laid: frozenset[int]  # the chunks laid out by this call (the others came from the cache)


def _moved_body(body: list[int], body_jobs: list[ChunkJob], found: dict[int, ChunkResult | None], runner: _Runner, sequence: _Sequence) -> int:
    """With ``sequence.renumber``, the cached body chunks whose first page has moved laid out again;
    the number that the page after the body gets. Without, nothing is laid out, and the back matter
    goes on from the number of the last body page as laid out (the page after the body unless a
    cached chunk keeps the numbers of an earlier layout)."""
    results = sequence.results
    starts, page = _body_starts(body, results, found)
    if sequence.renumber:
        runner.run([made for made, i in zip(body_jobs, body, strict=True) if i not in results and found[i].start != starts[i]], sequence.laid_out)  # type: ignore[union-attr]
        return page
    last = results.get(body[-1]) or found[body[-1]]
    return (last.start or 1) + last.pages  # type: ignore[union-attr]


def make_joined(context: BuildContext, edition: Edition) -> Joined | None:
    """The print edition (``edition``, of ``context.settings``) laid out in chunks by ``context.jobs``
    processes and joined; None when the chunks cannot stand in for one document (the caller then
    lays it out whole)."""
    made = _made_in_chunks(context, edition, joining=True, renumber=True)
    if made is None:
        return None
    in_order, sequence, _ = made
    return _joined(in_order, sequence, context.book)


def lay_out_chunks(context: BuildContext, edition: Edition, renumber: bool = False, alone: frozenset[str] = frozenset()) -> LaidOut | None:
    """The print edition's chunks as ``make_joined`` makes them, without the join; ``renumber``
    False lays out only the chunks whose text changed (see the module's docstring); the documents
    named in ``alone`` are chunks of their own (see ``chunks.chunks``). None when the chunks cannot
    stand in for one document."""
    made = _made_in_chunks(context, edition, joining=False, renumber=renumber, alone=alone)
    if made is None:
        return None
    in_order, sequence, keys = made
    if not _stands_in(in_order):
        return None
    kinds = tuple(chunk.kind for chunk in chunks(edition, chunking.CHUNK_DOCUMENTS, alone))
    return LaidOut(tuple(in_order), tuple(keys[r.index] for r in in_order), kinds, frozenset(sequence.laid))


def _made_in_chunks(
    context: BuildContext, edition: Edition, joining: bool, renumber: bool, alone: frozenset[str] = frozenset(),
) -> tuple[list[ChunkResult], _Sequence, dict[int, str]] | None:
    """Every chunk laid out or taken from the cache, in the book's order, with the sequence that
    joined them (when ``joining``) and the chunks' cache keys; None when they cannot stand in for one document."""
    book, settings, cache, jobs = context.book, context.settings, context.cache, context.jobs
    parts = chunks(edition, chunking.CHUNK_DOCUMENTS, alone)
    if len(parts) < 3:
        return None
    title = book_title(edition)
    common = layout_inputs(book, edition, settings) + [pikepdf.__version__]
    undated = layout_inputs(book, edition, settings, dated=False) + [pikepdf.__version__]  # only the front matter is dated
    body = [i for i, chunk in enumerate(parts) if chunk.kind == "body"]
    back = next((i for i, chunk in enumerate(parts) if chunk.kind == "back"), None)

    keys: dict[int, str] = {}

    def job(index: int, css: str, body_position: int | None, start: int | None, numbers: dict[str, int] | None = None) -> ChunkJob:
        text, drop = chunk_text(edition, parts, index, numbers or {})
        made = ChunkJob(index, parts[index].kind, text, css, drop, body_position, start)
        # Not the body chunk's position: its layout does not depend on it (its first page number is
        # stored with it), so a chunk keeps its entry when the chunks before it are cut otherwise.
        keys[index] = digest((common if made.kind == "front" else undated) + [made.kind, made.text, made.css, str(made.drop_last), str(made.start)])
        return made

    linking = {i for i in body if xref_targets(parts[i])}  # body chunks with links to other chapters
    rough = _rough_numbers(parts, body, linking)
    body_jobs = [job(i, chunk_css(n > 0, title), n, None, rough.get(i)) for n, i in enumerate(body)]
    found = {i: _from_cache(cache, keys[i], i) for i in body}
    counts = [found[i].pages if found[i] is not None else -1 for i in body]  # type: ignore[union-attr]
    setup = Setup(edition, book, settings)
    todo = [made for made, i in zip(body_jobs, body, strict=True) if found[i] is None]
    runner = _Runner(setup, counts, jobs, len(todo) or 1, todo[0] if todo else None)
    sequence = _Sequence(body, found, cache, keys, keep=2 * len(parts) + 4, held=linking, joining=joining, renumber=renumber)
    results = sequence.results
    try:
        # The cached chunks ahead of the first to lay out are joined while it is laid out.
        runner.run(todo, sequence.laid_out, meanwhile=sequence.advance)
        page = _moved_body(body, body_jobs, found, runner, sequence)
        if linking and not _with_xref_pages(parts, body, linking, results, found, job, title, runner, sequence, renumber):
            return None
        assert sequence.body_done
        order = [results[i] for i in body]
        numbers = _numbers(order)
        front_targets = foreign_targets(parts[0])

        def front_job(known: dict[str, int]) -> ChunkJob:
            return job(0, chunk_css(False, None), None, None, {t: known[t] for t in front_targets if t in known})

        aside: list[ChunkJob] = []
        guess: ChunkJob | None = None
        if back is not None:
            back_targets = foreign_targets(parts[back])
            back_job = job(back, chunk_css(True, title), None, page, {t: numbers[t] for t in back_targets if t in numbers})
            aside.append(back_job)
            # The contents usually names only the opening of the back matter, whose page is known
            # now: then the front matter can be laid out beside the back matter, not after it.
            opening = _opening_id(parts[back])
            later = anchors(parts[back]) - {opening}
            if opening is not None and not later.intersection(front_targets):
                guess = front_job({**numbers, opening: page})
                if not side_by_side(guess, back_job, body_jobs):
                    guess = None
        else:
            guess = front_job(numbers)
        if guess is not None:
            aside.append(guess)
        sequence.made(runner, aside, results)
        numbers = _numbers(order + ([results[back]] if back is not None else []))
        if back is not None:
            sequence.join(results[back])
        final = front_job(numbers)
        if guess is None or guess.text != final.text:
            results.pop(0, None)
            sequence.made(runner, [final], results)
        sequence.join(results[0])
    except ChunkAborted:
        return None
    finally:
        runner.close()
    return [results[i] for i in range(len(parts))], sequence, keys


def _stands_in(in_order: list[ChunkResult]) -> bool:
    """Whether the chunks stand in for one document: none had a problem, each opens on a right-hand page."""
    if any(result.problem for result in in_order):
        return False
    position = 0
    for result in in_order:
        if position % 2:
            return False
        position += result.pages
    return True


def _joined(in_order: list[ChunkResult], sequence: _Sequence, book: Book) -> Joined | None:
    """The chunks, every one laid out, joined into the book; None when one had a problem or would not
    open on a right-hand page, as in one document."""
    if not _stands_in(in_order) or sequence.joining is None:
        return None
    pdf = sequence.joining.finish(bookmark_tree(in_order), in_order[0].pages)
    pages = sum(r.pages for r in in_order)
    pagination = pagination_of(
        print_source(book, pages), [n for r in in_order for n in r.printed], [s for r in in_order for s in r.starts],
        {unit: text for r in in_order for unit, text in r.texts.items()},
    )
    used = tuple(sorted({path for r in in_order for path in r.used}))
    refused = tuple(dict.fromkeys(url for r in in_order for url in r.refused))
    return Joined(pdf, pages, pagination, used, refused)
