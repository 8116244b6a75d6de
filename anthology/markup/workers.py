"""Work spread over processes: the chapters' markup rendered by a pool of ``jobs`` workers.

Each chapter is rendered exactly as ``render.render_chapter`` renders it in one process, and the
results are put back in reading order, so the outputs do not depend on the number of workers.
Chapters rendered before with the same inputs come from the markup cache instead.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from ..errors import Diagnostic, SourceError
from ..project.model import Chapter
from .cache import MarkupCache
from .render import ChapterMarkup, render_chapter

# Below this many chapters per worker, starting the workers costs more than it saves.
MIN_CHAPTERS_PER_JOB = 4


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _render(book_dir: Path | None, collect: bool, chapter: Chapter) -> ChapterMarkup | list[Diagnostic]:
    """In a worker: the markup, or the problems (diagnostics travel between processes, errors may not)."""
    try:
        return render_chapter(chapter, book_dir, collect=collect)
    except SourceError as exc:
        return list(exc.diagnostics)


def ignore_interrupt() -> None:
    """A worker's initialiser: Ctrl-C is the parent's to handle (it stops the workers and says so);
    a worker that took it too would print its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
    with ProcessPoolExecutor(max_workers=workers, initializer=ignore_interrupt) as pool:
        return _gather(chapters, kept, pool.map(partial(_render, book_dir, collect), missing, chunksize=chunk), each, cache)


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
