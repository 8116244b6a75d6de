"""Work spread over processes: the chapters' markup rendered by a pool of ``jobs`` workers.

Each chapter is rendered exactly as ``render.render_chapter`` renders it in one process, and the
results are put back in reading order, so the outputs do not depend on the number of workers.
Chapters rendered before with the same inputs come from the markup cache instead.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from ..errors import Diagnostic, SourceError
from ..interrupts import forking, ignore_in_worker
from ..project.model import Chapter
from .cache import MarkupCache
from .render import ChapterMarkup, render_chapter

# Below this many chapters per worker, starting the workers costs more than it saves.
MIN_CHAPTERS_PER_JOB = 4
# One chapter's rendering may take this long. The size and nesting limits before Markdown keep any
# chapter far below it (a 2 MB chapter renders in well under a minute); this bounds what they miss.
RENDER_SECONDS = 300.0


class _TooSlow(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _TooSlow


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TooSlow in the block after ``seconds`` (of wall time, by SIGALRM). No limit off the main
    thread, where no signal can be received, nor under a timer a caller already set (theirs stands)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer") \
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _render(book_dir: Path | None, collect: bool, chapter: Chapter) -> ChapterMarkup | list[Diagnostic]:
    """In a worker: the markup, or the problems (diagnostics travel between processes, errors may not)."""
    try:
        with _time_limit(RENDER_SECONDS):
            return render_chapter(chapter, book_dir, collect=collect)
    except SourceError as exc:
        return list(exc.diagnostics)
    except _TooSlow:
        return [Diagnostic(chapter.source, f"took more than {RENDER_SECONDS:.0f} s to turn from Markdown into the book's markup, and was stopped",
                           hint="split the chapter, or look for thousands of brackets, asterisks or HTML tags inside one another")]


def render_chapters_in(
    chapters: tuple[Chapter, ...],
    jobs: int,
    each: Callable[[Chapter], None] | None = None,
    book_dir: Path | None = None,
    cache: MarkupCache | None = None,
    collect: bool = False,
) -> list[ChapterMarkup]:
    """``render.render_chapters`` with ``jobs`` processes; the same results in the same order.

    Chapters whose rendering ``cache`` holds (see ``markup.cache``) are not rendered again; the
    others are, in processes when there are enough of them, and are added to it. ``collect``: errors
    are returned in each markup's diagnostics (as the checker wants them) instead of raised.
    """
    cache = cache or MarkupCache(None, book_dir)
    kept = [cache.get(chapter) for chapter in chapters]
    missing = [chapter for chapter, found in zip(chapters, kept, strict=True) if found is None]
    workers = min(jobs, len(missing) // MIN_CHAPTERS_PER_JOB)
    if workers <= 1:
        fresh: Iterator[ChapterMarkup | list[Diagnostic]] = map(partial(_render, book_dir, collect), missing)
        return _gather(chapters, kept, fresh, each, cache)
    chunk = max(1, len(missing) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, initializer=ignore_in_worker) as pool:
        with forking():  # the workers are forked as the chapters are handed out
            fresh = pool.map(partial(_render, book_dir, collect), missing, chunksize=chunk)
        return _gather(chapters, kept, fresh, each, cache)


def _gather(
    chapters: tuple[Chapter, ...],
    kept: list[ChapterMarkup | None],
    fresh: Iterator[ChapterMarkup | list[Diagnostic]],
    each: Callable[[Chapter], None] | None,
    cache: MarkupCache,
) -> list[ChapterMarkup]:
    """Every chapter's markup in reading order: the kept ones, and the fresh ones as they come."""
    results: list[ChapterMarkup] = []
    problems: list[Diagnostic] = []
    for chapter, found in zip(chapters, kept, strict=True):
        if each is not None:
            each(chapter)
        result = found if found is not None else next(fresh)
        if isinstance(result, list):
            problems.extend(result)
            continue
        if found is None:
            cache.put(result)
        results.append(result)
    cache.prune()
    if problems:
        raise SourceError(problems)
    return results
