"""One chunk of the print edition laid out and written as a PDF, in a worker process or in this one.

A body chunk cannot know the number of its first page before the chunks ahead of it are laid out,
but the number changes nothing in its layout: it is printed only in the page margins, which
WeasyPrint lays out after the whole chunk has been paginated. So every body chunk is laid out at
once, numbered from 1, and when its pagination is done (at the first margin box) it records its page
count in a ``Ledger`` shared by the workers and waits for the counts of the chunks ahead of it;
their sum gives its first number, and the margins are laid out with the page counter moved on by
that much. Chunks are handed out in order, so the earliest unfinished chunk never waits.

This relies on where WeasyPrint lays out margin boxes (``patches.margin_state``); should that
move, the chunks give up and the book is laid out as one document.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from lxml import etree
from weasyprint.anchors import make_page_bookmark_tree
from weasyprint.matrix import Matrix

from ..interrupts import ignore_in_worker
from ..layout import Edition
from ..markup.render import XHTML_NS
from ..project.model import Book
from . import patches
from .call_stack import roomy
from .chunks import END, ChunkJob, chunk_edition
from .engine import RenderContext, render_context, write
from .pagemap import flow_text_boxes, page_starts
from .profiles import PrintSettings

PX_TO_PT = 0.75
WAIT_SECONDS = 0.5  # how often a waiting chunk looks whether another has failed


class ChunkAborted(Exception):
    """Another chunk failed: this one stops too."""


class Ledger(Protocol):
    def settle(self, body: int, pages: int) -> int:
        """Record that body chunk ``body`` has ``pages`` pages; return the number of its first page."""

    def fail(self, body: int) -> None:
        """Body chunk ``body`` failed: chunks waiting for it give up."""


class LocalLedger:
    """The page counts of the body chunks in one process: chunks are laid out in order, or known."""

    def __init__(self, counts: list[int]) -> None:
        self.counts = list(counts)  # -1: not yet known

    def settle(self, body: int, pages: int) -> int:
        self.counts[body] = pages
        earlier = self.counts[:body]
        if any(count < 0 for count in earlier):
            raise ChunkAborted(f"the chunks before body chunk {body} were not laid out first")
        return 1 + sum(earlier)

    def fail(self, body: int) -> None:
        self.counts[body] = -2


class SharedLedger:
    """The page counts of the body chunks, shared by worker processes (-1 unknown, -2 failed)."""

    def __init__(self, counts: list[int]) -> None:
        context = multiprocessing.get_context("fork")
        self.counts = context.Array("i", counts or [0], lock=False)
        self.condition = context.Condition()
        self.size = len(counts)

    def settle(self, body: int, pages: int) -> int:
        with self.condition:
            self.counts[body] = pages
            self.condition.notify_all()
            while True:
                earlier = self.counts[:body]
                if any(count == -2 for count in earlier):
                    raise ChunkAborted(f"a chunk before body chunk {body} failed")
                if all(count >= 0 for count in earlier):
                    return 1 + sum(earlier)
                self.condition.wait(WAIT_SECONDS)

    def fail(self, body: int) -> None:
        with self.condition:
            self.counts[body] = -2
            self.condition.notify_all()

    def known(self) -> list[int]:
        with self.condition:
            return list(self.counts[: self.size])


@dataclass(frozen=True)
class ChunkResult:
    """A chunk's PDF and what the join and the EPUB's page list need to know of its pages."""

    index: int
    pdf: bytes
    pages: int  # pages kept (without the copy of the next chunk's opening)
    start: int | None  # number of its first page, for a numbered chunk
    anchors: list[list[str]]  # ids on each kept page
    bookmarks: list[list[tuple[int, str, float, float, str]]]  # each kept page's: level, label, x, y (PDF points), state
    printed: list[str | None]  # the number printed on each kept page
    starts: list[tuple[str | None, int]]  # where each kept page's text starts (see pagemap)
    texts: dict[str, str]
    used: list[str]  # files the layout read
    refused: list[str]
    problem: str | None = None  # why this chunk cannot stand in for its part of one document


@dataclass
class Setup:
    """What every chunk of one edition shares, made once per process."""

    edition: Edition
    book: Book
    settings: PrintSettings
    context: RenderContext | None = None

    def render_context(self) -> RenderContext:
        if self.context is None:
            self.context = render_context(chunk_edition(self.edition))
        return self.context


_SETUP: Setup | None = None
_LEDGER: Ledger | None = None


def start_worker(setup: Setup, ledger: Ledger) -> None:
    """Initialiser of a worker process (forked: nothing here is pickled)."""
    global _SETUP, _LEDGER
    _SETUP, _LEDGER = setup, ledger
    ignore_in_worker()  # Ctrl-C is the parent's to handle (see interrupts)
    # A worker lays out a few chunks and exits: what their layout leaves in reference cycles goes
    # with the process, so the cycle collector, which would spend a tenth of the time, stays off.
    gc.disable()


def run_in_worker(job: ChunkJob) -> ChunkResult:
    assert _SETUP is not None and _LEDGER is not None
    return lay_out_chunk(job, _SETUP, _LEDGER)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while one chunk is laid out, and one collection of what the
    chunk made when it is done.

    Layout makes millions of short-lived objects, almost none of them in reference cycles; left on,
    the collector's passes take a tenth of a chunk's time. The objects alive before the chunk are
    frozen meanwhile, so that the collection afterwards looks only at the chunk's own. A worker
    process runs with the collector off and never collects (see ``start_worker``)."""
    enabled = gc.isenabled()
    if not enabled:  # a worker's (see start_worker), or the caller's own choice
        yield
        return
    thawed = gc.get_freeze_count() == 0
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        if thawed:
            gc.unfreeze()
        if enabled:
            gc.enable()


class _Numbering:
    """Moves the page counter of a body chunk's margins on to the chunk's real first number."""

    def __init__(self, job: ChunkJob, ledger: Ledger) -> None:
        self.job, self.ledger = job, ledger
        self.start: int | None = job.start
        self.shift: int | None = None

    def state(self, context: Any, state: Any) -> Any:
        if self.shift is None:
            pages = len(context.page_maker) - 1 - (1 if self.job.drop_last else 0)
            if self.job.body is not None:
                self.start = self.ledger.settle(self.job.body, pages)
            self.shift = (self.start or 1) - 1
        if not self.shift:
            return state
        quote_depth, counters, scopes, groups = state
        counters = dict(counters)
        if "page" in counters:
            counters["page"] = [value + self.shift for value in counters["page"]]
        return (quote_depth, counters, scopes, groups)


def _bookmarks(page: Any) -> list[tuple[int, str, float, float, str]]:
    matrix = Matrix(a=PX_TO_PT, d=-PX_TO_PT, f=page.height * PX_TO_PT)
    out = []
    for level, label, (x, y), state in page.bookmarks:
        x, y = matrix.transform_point(x, y)
        out.append((int(level), str(label), float(x), float(y), str(state)))
    return out


@roomy  # WeasyPrint's recursion would otherwise map and unmap stack thousands of times a page
def lay_out_chunk(job: ChunkJob, setup: Setup, ledger: Ledger) -> ChunkResult:
    try:
        with _collector_paused():
            return _lay_out(job, setup, ledger)
    except BaseException:
        if job.body is not None:
            ledger.fail(job.body)
        raise


def _lay_out(job: ChunkJob, setup: Setup, ledger: Ledger) -> ChunkResult:
    context = setup.render_context()
    numbering = _Numbering(job, ledger)
    numbered = job.body is not None or job.start is not None
    if not numbered:
        document = context.render(job.text, job.css)
    else:
        with patches.margin_state(numbering.state) as wrapped:
            if not wrapped:
                raise ChunkAborted("this WeasyPrint lays out page margins where anthology does not look for them")
            document = context.render(job.text, job.css)
    pages = list(document.pages)
    problem = None
    kept = len(pages) - (1 if job.drop_last else 0)
    if job.drop_last:
        last = pages[-1]
        if END not in last.anchors or any(True for _ in flow_text_boxes(last._page_box)):
            problem = "the next chunk would not open on a page of its own"
    printed, starts, texts = page_starts(document)
    if numbered and problem is None:
        first = numbering.start or 1
        for offset, number in enumerate(printed[:kept]):
            if number is not None and number.isdigit() and int(number) != first + offset:
                problem = "the stylesheets number the pages otherwise than the chunks assume"
                break
    document = document.copy(pages[:kept])
    data = write(setup.book, document, setup.settings, dated=job.kind == "front")  # the joined PDF's dates are the front matter's
    return ChunkResult(
        index=job.index,
        pdf=data,
        pages=kept,
        start=numbering.start if numbered else None,
        anchors=[sorted(page.anchors) for page in pages[:kept]],
        bookmarks=[_bookmarks(page) for page in pages[:kept]],
        printed=printed[:kept],
        starts=starts[:kept],
        texts=texts,
        used=sorted(str(path) for path in context.fetcher.used),
        refused=list(context.fetcher.refused),
        problem=problem,
    )


def warm_up(setup: Setup, job: ChunkJob, keep: int = 6) -> None:
    """Lay out and write the opening of ``job`` (its first section, every element cut to its first
    ``keep`` children) in this process, and throw the result away: what stays is what a first layout
    loads (font faces, hyphenation patterns, the font subsetter), which workers forked afterwards
    then start with. A fresh worker's first chunk otherwise takes about a sixth longer. Nothing of
    it is kept or reported: should it fail, the chunk itself fails the same way when laid out."""
    context = setup.render_context()
    used, refused = set(context.fetcher.used), list(context.fetcher.refused)
    try:
        root = etree.fromstring(job.text.encode("utf-8"))
        body = root.find(f"{{{XHTML_NS}}}body")
        if body is None:
            return
        for element in list(body)[1:]:
            body.remove(element)
        for element in body.iter():
            for child in list(element)[keep:]:
                element.remove(child)
        write(setup.book, context.render(etree.tostring(root, encoding="unicode"), job.css), setup.settings)
    except Exception:  # noqa: BLE001 - only a head start; the real layout reports any problem
        return
    finally:
        context.fetcher.used, context.fetcher.refused = used, refused


def bookmark_tree(results: list[ChunkResult]) -> list[Any]:
    """The outline of the joined book, built as WeasyPrint builds one document's (page indices of the whole)."""
    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth: list[Any] = [root]
    previous = 0
    number = 0
    identity = Matrix()
    for result in results:
        for marks in result.bookmarks:
            page = _Marks([(level, label, (x, y), state) for level, label, x, y, state in marks])
            previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number, identity)
            number += 1
    return root


@dataclass(frozen=True)
class _Marks:
    bookmarks: list[Any]


__all__ = ["ChunkAborted", "ChunkResult", "LocalLedger", "SharedLedger", "Setup", "bookmark_tree", "lay_out_chunk", "run_in_worker", "start_worker"]
