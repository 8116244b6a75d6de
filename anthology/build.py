"""Build a book: gather and validate everything first, make every output in memory, then write.

``load_book`` reads config and sources into the model; ``build`` renders the markup once and hands
it to each requested backend; only when all of them succeeded are the outputs moved into place.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .backends.artifacts import Artifact
from .config import load_config
from .errors import ConfigError, Diagnostic
from .markup import ChapterMarkup, render_book_matter, render_chapters, render_matter
from .model import Book, build_book
from .sources import read_chapters, read_matter

FORMATS = ("epub", "pdf", "html")


@dataclass
class BuildReport:
    outputs: list[tuple[Artifact, Path]] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0


def load_book(project_dir: Path) -> Book:
    config = load_config(project_dir)
    return build_book(config, read_chapters(config), read_matter(config))


def parse_formats(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return FORMATS
    names = [v.strip().lower() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise ConfigError(
            Diagnostic(None, f"unknown format '{', '.join(unknown) or value}'", key="--format", hint="choose from " + ", ".join(FORMATS))
        )
    return tuple(dict.fromkeys(names))


def make_outputs(book: Book, markups: list[ChapterMarkup], formats: tuple[str, ...], report: BuildReport) -> list[Artifact]:
    from .backends.epub import make_epub
    from .backends.html import make_html
    from .backends.pdf import make_pdf

    artifacts: list[Artifact] = []
    for name in formats:
        if name == "epub":
            artifacts.append(make_epub(book, markups))
        elif name == "pdf":
            result = make_pdf(book, markups)
            artifacts.append(result.artifact)
            for url in result.refused:
                report.warnings.append(Diagnostic(None, f"refused to load {url}", level="warning", hint="only files inside the book's folder are used"))
        elif name == "html":
            artifacts.append(make_html(book, markups))
    return artifacts


def build(
    project_dir: Path,
    formats: str | Iterable[str] | None = None,
    output_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the book in ``project_dir``; raise an AnthologyError (nothing written) if anything fails."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    chosen = parse_formats(formats)
    project_dir = Path(project_dir)
    say("reading anthology.toml and chapters")
    book = load_book(project_dir)
    say(f"rendering {len(book.chapters)} chapters")
    markups = render_chapters(book.chapters)
    render_matter.cache_clear()  # images may have changed since an earlier build in this process
    render_book_matter(book)  # the editors' texts: checked now, rendered once, laid out with the chapters
    report = BuildReport()
    artifacts = []
    for name in chosen:
        say(f"making the {name.upper()}")
        artifacts.extend(make_outputs(book, markups, (name,), report))
    target = Path(output_dir) if output_dir is not None else project_dir / "build"
    target.mkdir(parents=True, exist_ok=True)
    for artifact in artifacts:
        report.outputs.append((artifact, artifact.commit(target)))
    report.seconds = time.perf_counter() - started
    return report
