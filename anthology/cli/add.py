"""anthology add: the next numbered chapter file, with its front matter filled in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import AnthologyError
from ..project import schema
from ..project.scaffold import add_chapter
from .common import fail, output_options, reporter


def _date(context: click.Context, parameter: click.Parameter, value: str | None) -> dt.date | None:
    """--date as written by a person: what is wrong with it, and the fix, in their own numbers."""
    if value is None:
        return None
    try:
        return schema.date(value)
    except schema.FieldError as exc:
        raise click.BadParameter(f"{exc}; {exc.hint}" if exc.hint else str(exc)) from None


@click.command(short_help="Add the next numbered chapter, front matter filled in.")
@click.argument("title")
@click.option("--author", "authors", multiple=True, required=True, help="The chapter's author; repeat for several.")
@click.option("--date", "date", callback=_date, default=None, help="The chapter's date, year-month-day such as 2019-11-01 [default: today].")
@click.option("--project", "project_dir", type=click.Path(path_type=Path, file_okay=False), default=".", help="The book's folder [default: the current one].")
@output_options
def add(title: str, authors: tuple[str, ...], date: dt.date | None, project_dir: Path, quiet: bool, verbose: bool) -> None:
    """Add a chapter called TITLE: writes chapters/NN-title.md, numbered after the last one.

    \b
    Examples:
      anthology add "Co-production and rugby union" --author "Steve Palmer"
      anthology add "Two voices" --author "Ann Bee" --author "Cy Dee" --date 2019-11-01
      anthology add "Elsewhere" --author "Ann Bee" --project my-book
    """
    shown = reporter(quiet, verbose)
    try:
        path, listed = add_chapter(project_dir, title, list(authors), date)
    except AnthologyError as error:
        fail(error, shown)
    shown.result(f"created {path}", style="green")
    if listed:
        relative = path.relative_to(project_dir).as_posix()
        shown.say(f'anthology.toml lists the chapters: add "{relative}" to chapters there to include it', style="yellow")
