"""The command line: a thin layer over the library. Only here are errors printed and exit codes chosen.

Exit codes: 0 ok, 1 build or validation failed, 2 usage or configuration error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import build as build_book
from .errors import AnthologyError


def _fail(error: AnthologyError, base: Path | None) -> None:
    for line in error.format(base).splitlines():
        click.echo(line, err=True)
    sys.exit(error.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="anthology")
def main() -> None:
    """Publish a book of chapters by many authors as EPUB, PDF and HTML."""


@main.command()
@click.argument("project_dir", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--format", "formats", default="epub,pdf,html", show_default=True, help="Outputs to make, comma-separated: epub, pdf, html.")
@click.option("--output", "output_dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Folder for the outputs [default: PROJECT_DIR/build].")
def build(project_dir: Path, formats: str, output_dir: Path | None) -> None:
    """Build the book in PROJECT_DIR (default: the current folder).

    \b
    Examples:
      anthology build
      anthology build my-book --format epub
      anthology build --output /tmp/out
    """
    try:
        report = build_book(project_dir, formats, output_dir)
    except AnthologyError as error:
        _fail(error, Path.cwd())
        return
    for warning in report.warnings:
        click.echo(warning.format(Path.cwd()), err=True)
    for artifact, path in report.outputs:
        size = artifact.size / 1024
        click.echo(f"wrote {path} ({size:,.0f} KiB{', ' + artifact.summary if artifact.summary else ''})")
    click.echo(f"done in {report.seconds:.1f} s")


@main.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("project_dir", type=click.Path(path_type=Path, file_okay=False), default=".")
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
    from .importers import import_source

    try:
        report = import_source(source, project_dir, select, force=force, default_author=default_author)
    except AnthologyError as error:
        _fail(error, Path.cwd())
        return
    for warning in report.warnings:
        click.echo(warning.format(Path.cwd()), err=True)
    for item in report.written:
        details = ", ".join(filter(None, [" and ".join(item.authors), item.date, f"{item.images} image{'s' if item.images != 1 else ''}" if item.images else None]))
        verb = "replaced" if item.replaced else "wrote"
        click.echo(f"{verb} {item.path} ({item.title} — {details})")
    left = [f"{report.unselected} not selected"] if report.unselected else []
    left += [f"{report.skipped} skipped (drafts, comments and other non-posts)"] if report.skipped else []
    click.echo(f"imported {len(report.written)} of {report.read} posts from {report.kind} {source.name}" + (f"; {', '.join(left)}" if left else ""))


if __name__ == "__main__":
    main()
