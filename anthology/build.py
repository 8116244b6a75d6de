"""Build a book: gather and validate everything first, make every output in memory, then write.

``load_book`` reads config and sources into the model; ``build`` renders the markup once and hands
it to each requested format (``anthology.formats``) in a ``BuildContext``; only when all of them succeeded are the outputs moved into place.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .artifacts import Artifact, check_output_folder, commit_all
from .cache import FOLDER as CACHE_FOLDER
from .cache import Cache
from .context import BuildContext
from .errors import BuildError, ConfigError, Diagnostic
from .formats import registry
from .markup.cache import MarkupCache
from .markup.render import render_book_matter, render_matter
from .markup.workers import default_jobs, render_chapters_in
from .print.profiles import print_settings
from .project import schema
from .project.config import load_config
from .project.model import Book, build_book, has_print_edition
from .project.safety import stylesheet_warnings
from .project.sources import read_chapters, read_matter

if TYPE_CHECKING:
    from .markup.render import ChapterMarkup
    from .print.pagemap import Pagination

PRINT_KIND = "print"  # print.output.KIND, named here so that an EPUB alone need not import WeasyPrint


@dataclass(frozen=True)
class Step:
    """What a build is doing now, for a progress display.

    ``kind`` is "read" (the sources), "chapter" (rendering chapter ``index`` of ``total``, ``name`` is
    its file), "output" (making the output ``name``), "made" (output ``name`` finished) or "write".
    """

    kind: str
    name: str = ""
    index: int = 0
    total: int = 0


@dataclass
class BuildReport:
    outputs: list[tuple[Artifact, Path]] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    chapters: int = 0
    words: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent making each output


def load_book(project_dir: Path) -> Book:
    config = load_config(project_dir)
    return build_book(config, read_chapters(config), read_matter(config))


def parse_formats(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return registry.default_names()
    names = [v.strip().lower() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    known = registry.names()
    unknown = [n for n in names if n not in known]
    if not names:
        raise ConfigError(Diagnostic(None, "--format names no format", key="--format", hint="choose from " + ", ".join(known)))
    if unknown:
        problems = []
        for name in unknown:
            guess = schema.nearest(name, list(known))
            hint = (f"did you mean '{guess}'? " if guess else "") + "choose from " + ", ".join(known)
            problems.append(Diagnostic(None, f"--format: unknown format '{name}'", key="--format", hint=hint))
        raise ConfigError(problems)
    return tuple(dict.fromkeys(names))


def make_outputs(context: BuildContext, formats: tuple[str, ...], report: BuildReport, say: Callable[[Step], None] = lambda step: None) -> list[Artifact]:
    """Make every requested output in memory, in the order asked. A format that lays out the print
    edition (the PDF) is made first: its pages give the EPUB its print page numbers. A format that
    wants them, made without the PDF, takes them from the cache when it holds the pagination of the
    same print edition; otherwise ``context.print_pages`` True lays the print edition out (its PDF is
    then kept in the cache, not written out), None leaves the page list out with a warning, False
    leaves it out. WeasyPrint is imported only when a print layout is made or looked up."""
    made: dict[str, Artifact] = {}
    more: list[Artifact] = []  # further files of a format, written after the requested ones
    pagination: Pagination | None = None
    page_list_warned = False
    for chosen in sorted((registry.named(name) for name in formats), key=lambda f: not f.prints_edition):
        say(Step("output", chosen.name))
        begun = time.perf_counter()
        given: Pagination | None = None
        if chosen.page_list:
            if pagination is None and context.print_pages is not False:
                pagination = epub_pagination(context, lay_out=bool(context.print_pages))
                if pagination is None and not page_list_warned and has_print_edition(context.book):
                    page_list_warned = True
                    report.warnings.append(page_list_missing(chosen.name, context.cache))
            given = pagination
        result = chosen.make(context, registry.Given(given, dict(made)))
        made[chosen.name] = result.artifact
        more.extend(result.more)
        report.warnings.extend(result.warnings)
        if chosen.prints_edition and result.pagination is not None:
            pagination = result.pagination
        report.timings[chosen.name] = time.perf_counter() - begun
        say(Step("made", chosen.name))
    return [made[name] for name in formats] + more


def epub_pagination(context: BuildContext, lay_out: bool) -> Pagination | None:
    """The print edition's pagination for an EPUB made without the PDF: from the cache, else laid out
    when ``lay_out``, else None. Without any print layout in the cache, WeasyPrint is not even imported."""
    if not lay_out and not context.cache.holds(PRINT_KIND):
        return None
    from .print.output import print_output

    printed = print_output(context, want_pdf=False, cached_only=not lay_out)
    return printed.pagination if printed is not None else None




def page_list_missing(name: str, cache: Cache) -> Diagnostic:
    """The note for an EPUB left without the print edition's page numbers: one short line."""
    why = "the cache is off" if cache.root is None else "no print layout in build/.cache"
    return Diagnostic(
        None, f"the {name.upper()} has no print page numbers ({why})",
        level="note", key="--print-pages",
        hint="add them with --format epub,pdf or --print-pages",
    )


def check_sources(book: Book, formats: tuple[str, ...]) -> None:
    """What would make an output unusable: a cover image that cannot be used."""
    from .layout.cover import named_cover

    if any(registry.named(name).cover for name in formats):
        named_cover(book)


def read_and_render(project_dir: Path, jobs: int, cache: Cache, say: Callable[[Step], None] = lambda step: None) -> tuple[Book, list[ChapterMarkup]]:
    """The book and its chapters' markup (from ``cache`` or this process's memory when unchanged);
    the editors' texts rendered too, so that an error in one stops the build now."""
    book = load_book(project_dir)
    total = len(book.chapters)
    markups = render_chapters_in(
        book.chapters, jobs, each=lambda chapter: say(Step("chapter", str(chapter.source), chapter.number, total)),
        book_dir=project_dir, cache=MarkupCache(cache, project_dir),
    )
    render_matter.cache_clear()  # images may have changed since an earlier build in this process
    render_book_matter(book)  # the editors' texts: rendered once, laid out with the chapters
    return book, markups


def build(
    project_dir: Path,
    formats: str | Iterable[str] | None = None,
    output_dir: Path | None = None,
    progress: Callable[[Step], None] | None = None,
    print_options: Mapping[str, object] | None = None,
    jobs: int | None = None,
    use_cache: bool = True,
    chunked: bool = True,
    print_pages: bool | None = None,
    durable: bool = True,
    force: bool = False,
    strict: bool = False,
) -> BuildReport:
    """Build the book in ``project_dir``; raise an AnthologyError (nothing written) if anything fails.

    ``durable`` False writes the HTML edition's files without syncing each to the disk (the preview's
    temporary folder).

    ``print_options`` ('profile', 'bleed', 'marks', 'pdf_variant', 'printer') override the book's ``[print]`` table.
    ``jobs`` is the number of processes (default: the CPUs); ``use_cache`` keeps and reuses the
    chapters' markup and the print layout in ``build/.cache`` of the project; ``chunked`` lays out the
    print edition a few chapters at a time, in ``jobs`` processes, and joins their PDFs (False: as one
    document, slower for long books); ``print_pages``
    is what an EPUB made without the PDF does for its print page numbers when the cache lacks them
    (see ``make_outputs``): True lays the print edition out, None (the default) leaves them out with a
    warning, False leaves them out, cache or not. ``force`` makes a booklet above the saddle-stitch limit
    (with a warning) rather than refusing it; ``strict`` fails the build on its warnings (an image
    printed below 300 ppi, …) before anything is written.
    """
    started = time.perf_counter()
    say = progress or (lambda step: None)
    chosen = parse_formats(formats)
    project_dir = Path(project_dir)
    target = Path(output_dir) if output_dir is not None else project_dir / "build"
    check_output_folder(target)
    say(Step("read"))
    jobs = jobs or default_jobs()
    cache = Cache(project_dir / "build" / CACHE_FOLDER if use_cache else None)
    book, markups = read_and_render(project_dir, jobs, cache, say)
    settings = print_settings(book.config.print, print_options)
    total = len(book.chapters)
    check_sources(book, chosen)
    report = BuildReport(chapters=total, words=sum(m.word_count for m in markups))
    # The warnings of the chapters and the editors' texts come from the checker, which runs first;
    # these only a build finds.
    report.warnings.extend(stylesheet_warnings(project_dir))
    context = BuildContext(book, markups, settings, cache, jobs, chunked, print_pages, force=force, strict=strict)
    artifacts = make_outputs(context, chosen, report, say)
    if strict and report.warnings:
        raise BuildError(report.warnings + [Diagnostic(None, "--strict: the build's warnings fail it; nothing was written", key="--strict")])
    say(Step("write", str(target)))
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(Diagnostic(target, f"cannot make the output folder: {exc.strerror or exc}", hint="choose another --output folder")) from None
    report.outputs.extend(zip(artifacts, commit_all(artifacts, target, durable), strict=True))
    report.seconds = time.perf_counter() - started
    return report
