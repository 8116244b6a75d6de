"""anthology import: blog exports, feeds, saved blog pages and Word documents become chapters."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import AnthologyError
from ..importers.visibility import describe
from .common import fail, project_argument


@click.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@project_argument
@click.option("--select", "select", multiple=True, metavar="WHAT", help="Only posts matching: title:WORDS, author:NAME, date:FROM..TO (repeatable).")
@click.option("--author", "default_author", default=None, metavar="NAME", help="Author of posts whose source names none.")
@click.option("--force", is_flag=True, help="Replace chapters that already hold an imported post.")
@click.option("--include-drafts", is_flag=True, help="Import drafts, posts pending review and scheduled posts too.")
@click.option("--include-private", is_flag=True, help="Import private and password-protected posts too.")
@click.option("--include-pages", is_flag=True, help="Import the blog's pages (About, Contact…) as well as its posts.")
@click.option("--site", default=None, metavar="URL", help="The blog's address, for exports that do not give it (sources of the chapters).")
@click.option("--fetch-images", is_flag=True, help="Download the web images the posts show into chapters/images/.")
@click.option("--allow-local", is_flag=True, help="With --fetch-images: allow local and private network addresses.")
def import_command(
    source: Path,
    project_dir: Path,
    select: tuple[str, ...],
    default_author: str | None,
    force: bool,
    include_drafts: bool,
    include_private: bool,
    include_pages: bool,
    site: str | None,
    fetch_images: bool,
    allow_local: bool,
) -> None:
    """Turn SOURCE into chapters in PROJECT_DIR/chapters (default: the current folder).

    SOURCE is a local file: a WordPress export (WXR), a Blogger export, an RSS or Atom feed,
    a saved blog page (.html) or a Word document (.docx). Nothing is fetched from the web
    unless --fetch-images is given.

    \b
    Examples:
      anthology import blog.wordpress.xml
      anthology import feed.atom my-book --select date:2019-04
      anthology import essay.docx --select author:Evans --force
    """
    from ..importers import Include, import_source
    from .progress import is_interactive

    if site is not None and not site.startswith(("http://", "https://")):
        raise click.BadParameter(f"'{site}' is not a web address starting http:// or https://", param_hint="--site")
    include = Include(drafts=include_drafts, private=include_private, pages=include_pages)
    with Progress(
        TextColumn("downloading images"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True, disable=not (fetch_images and is_interactive(sys.stderr)),
    ) as bar:
        task = bar.add_task("images", total=None)

        def progress(done: int, total: int, url: str) -> None:
            bar.update(task, completed=done, total=total)

        try:
            report = import_source(
                source, project_dir, select, force=force, default_author=default_author, include=include,
                site=site, fetch=fetch_images, allow_local=allow_local, progress=progress,
            )
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
    left += [f"skipped {describe(report.skipped)}"] if sum(report.skipped.values()) else []
    click.echo(f"imported {len(report.written)} of {report.read} posts from {report.kind} {source.name}" + (f"; {'; '.join(left)}" if left else ""))
    if report.linked:
        click.echo(f"{report.linked} link{'s' if report.linked != 1 else ''} to imported posts now lead to their chapters")
    if report.settings is not None:
        title = f"'{report.settings.title}', from the {report.kind}" if report.settings.title else "from the folder's name"
        language = f"'{report.settings.language}'" if report.settings.language else "'en' (the source gives none)"
        click.echo(f"wrote {project_dir / 'anthology.toml'}: the book's settings, every one explained; its title is {title}, "
                   f"its language {language}. Edit them there, then: anthology build {project_dir}")
    if report.downloaded or report.failed:
        failed = f"; {len(report.failed)} failed (see the warnings above)" if report.failed else ""
        click.echo(f"downloaded {report.downloaded} of {report.downloaded + len(report.failed)} images{failed}")
