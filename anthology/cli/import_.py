"""anthology import: blog exports, feeds, saved blog pages and Word documents become chapters."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import AnthologyError
from .common import fail, project_argument


@click.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@project_argument
@click.option("--select", "select", multiple=True, metavar="WHAT", help="Only posts matching: title:WORDS, author:NAME, date:FROM..TO (repeatable).")
@click.option("--author", "default_author", default=None, metavar="NAME", help="Author of posts whose source names none.")
@click.option("--force", is_flag=True, help="Replace chapters that already hold an imported post.")
def import_command(source: Path, project_dir: Path, select: tuple[str, ...], default_author: str | None, force: bool) -> None:
    """Turn SOURCE into chapters in PROJECT_DIR/chapters (default: the current folder).

    SOURCE is a local file: a WordPress export (WXR), a Blogger export, an RSS or Atom feed,
    a saved blog page (.html) or a Word document (.docx). Nothing is fetched from the web.

    \b
    Examples:
      anthology import blog.wordpress.xml
      anthology import feed.atom my-book --select date:2019-04
      anthology import essay.docx --select author:Evans --force
    """
    from ..importers import import_source

    try:
        report = import_source(source, project_dir, select, force=force, default_author=default_author)
    except AnthologyError as error:
        fail(error)
    for warning in report.warnings:
        click.echo(warning.format(Path.cwd()), err=True)
    for item in report.written:
        images = f"{item.images} image{'s' if item.images != 1 else ''}" if item.images else None
        details = ", ".join(filter(None, [" and ".join(item.authors), item.date, images]))
        verb = "replaced" if item.replaced else "wrote"
        click.echo(f"{verb} {item.path} ({item.title} — {details})")
    left = [f"{report.unselected} not selected"] if report.unselected else []
    left += [f"{report.skipped} skipped (drafts, comments and other non-posts)"] if report.skipped else []
    click.echo(f"imported {len(report.written)} of {report.read} posts from {report.kind} {source.name}" + (f"; {', '.join(left)}" if left else ""))
