"""Work spread over processes: the chapters' markup rendered by a pool of ``jobs`` workers.

Each chapter is rendered exactly as ``markup.render_chapter`` renders it in one process, and the
results are put back in reading order, so the outputs do not depend on the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from .errors import Diagnostic, SourceError
from .markup import ChapterMarkup, render_chapter, render_chapters
from .model import Chapter

# Below this many chapters per worker, starting the workers costs more than it saves.
MIN_CHAPTERS_PER_JOB = 4


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _render(book_dir: Path | None, chapter: Chapter) -> ChapterMarkup | list[Diagnostic]:
    """In a worker: the markup, or the problems (diagnostics travel between processes, errors may not)."""
    try:
        return render_chapter(chapter, book_dir)
    except SourceError as exc:
        return list(exc.diagnostics)


def render_chapters_in(
    chapters: tuple[Chapter, ...], jobs: int, each: Callable[[Chapter], None] | None = None, book_dir: Path | None = None
) -> list[ChapterMarkup]:
    """``markup.render_chapters`` with ``jobs`` processes; the same results in the same order."""
    workers = min(jobs, len(chapters) // MIN_CHAPTERS_PER_JOB)
    if workers <= 1:
        return render_chapters(chapters, each, book_dir)
    results: list[ChapterMarkup] = []
    problems: list[Diagnostic] = []
    chunk = max(1, len(chapters) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chapter, result in zip(chapters, pool.map(partial(_render, book_dir), chapters, chunksize=chunk)):
            if each is not None:
                each(chapter)
            if isinstance(result, list):
                problems.extend(result)
            else:
                results.append(result)
    if problems:
        raise SourceError(problems)
    return results
