"""`anthology import`: blog exports, feeds, saved blog pages and Word documents become chapters.

Each source is read as a stream of Posts (one at a time, so a large export stays in bounded memory);
each selected post is converted to Markdown and staged; only when every post has been read and
nothing is wrong are the chapters and their images moved into chapters/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, ImportSourceError
from ..project.config import CONFIG_NAME
from .detect import open_source
from .htmltomd import parse, take_front_matter, to_markdown
from .images import ImageSink
from .post import Post, Selection, parse_selection
from .writer import ChapterWriter, Written, front_matter

__all__ = ["ImportReport", "Post", "Selection", "import_source", "parse_selection"]


@dataclass
class ImportReport:
    kind: str  # "WordPress export", "Atom feed", …
    written: list[Written] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    read: int = 0  # posts read from the source
    unselected: int = 0  # posts left out by --select
    skipped: int = 0  # drafts, trash, comments, attachments and other non-posts


def import_source(
    source: Path,
    project_dir: Path,
    select: tuple[str, ...] | list[str] = (),
    force: bool = False,
    default_author: str | None = None,
) -> ImportReport:
    """Import every selected post of `source` into PROJECT_DIR/chapters; raise ImportSourceError if anything is wrong."""
    selection = parse_selection(select)
    reader = open_source(source)
    report = ImportReport(reader.name)
    writer = ChapterWriter(project_dir)
    problems: list[Diagnostic] = []
    try:
        for post in reader.posts():
            report.read += 1
            try:
                soup = parse(post)
                take_front_matter(soup, post)
            except RecursionError:
                problems.append(_too_deep(source, post))
                continue
            _complete(post, report, default_author)
            if not selection.matches(post):
                report.unselected += 1
                continue
            if not post.authors:
                problems.append(
                    Diagnostic(
                        source,
                        f"{post.where} '{post.title}' names no author",
                        hint="pass --author NAME, or --select to leave the post out",
                    )
                )
                continue
            planned = writer.plan(post)
            if planned.replaces and not force:
                problems.append(
                    Diagnostic(
                        planned.path,
                        f"already holds '{post.title}' ({post.where} of {source.name})",
                        hint="pass --force to replace it, or --select to leave the post out",
                    )
                )
                continue
            sink = ImageSink(stem=planned.path.stem, base=post.base, alts=post.image_alts)
            try:
                body = to_markdown(soup, sink)
            except RecursionError:
                problems.append(_too_deep(source, post))
                continue
            writer.stage(planned.path, front_matter(post) + "\n" + body, sink.images)
            report.warnings.extend(Diagnostic(planned.path, w, level="warning") for w in sink.warnings)
            report.written.append(
                Written(
                    planned.path,
                    post.title,
                    tuple(post.authors),
                    post.date.isoformat() if post.date else None,
                    len(sink.images),
                    planned.replaces,
                )
            )
        report.skipped = reader.skipped
        if problems:
            raise ImportSourceError(problems)
        if not report.written:
            raise ImportSourceError(_nothing_found(source, report, selection))
        writer.commit()
        if not (project_dir / CONFIG_NAME).is_file():
            report.warnings.append(
                Diagnostic(project_dir / "anthology.toml", "not found: the chapters are written, but the book needs its settings to build", level="warning", hint="see README, 'anthology.toml'")
            )
    finally:
        writer.discard()
    return report


def _too_deep(source: Path, post: Post) -> Diagnostic:
    return Diagnostic(source, f"{post.where} '{post.title}' is nested too deeply to convert", hint="simplify its HTML, or --select to leave it out")


def _complete(post: Post, report: ImportReport, default_author: str | None) -> None:
    """Fill what the source left out: a title, an author given on the command line."""
    if not post.title:
        post.title = post.fallback_title or f"Untitled ({post.where})"
        if not post.fallback_title:
            report.warnings.append(
                Diagnostic(None, f"{post.where} has no title; it was called '{post.title}'", level="warning", hint="edit the chapter's title:")
            )
    if not post.authors and default_author:
        post.authors = [default_author]


def _nothing_found(source: Path, report: ImportReport, selection: Selection) -> Diagnostic:
    if report.read == 0:
        return Diagnostic(source, f"holds no published posts (this {report.kind} had {report.skipped} other items)")
    return Diagnostic(
        source,
        f"no post matched --select {' '.join(selection.given)} ({report.read} posts read)",
        hint="titles and authors match on any part, ignoring case; dates are YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO",
    )
