"""anthology new: start a book that builds at once."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import AnthologyError
from ..project.scaffold import new_book
from .common import fail, output_options, reporter


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="The book's title [default: from the folder's name].")
@click.option("--language", default="en", show_default=True, help="The book's language, a BCP 47 tag such as en-GB.")
@click.option("--author", default="Your Name", show_default=True, help="Author of the example chapter.")
@output_options
def new(folder: Path, title: str | None, language: str, author: str, quiet: bool, verbose: bool) -> None:
    """Create a new book in FOLDER (a new or empty folder).

    It holds anthology.toml with every setting explained, chapters/ with one example chapter,
    styles/base.css for your own styles and a .gitignore; it builds at once.

    \b
    Examples:
      anthology new my-book
      anthology new coproweek --title "Co-production Week 2019" --language en-GB
    """
    shown = reporter(quiet, verbose)
    try:
        written = new_book(folder, title=title, language=language, author=author)
    except AnthologyError as error:
        fail(error, shown)
    for path in written:
        shown.say(f"created {path}", style="green")
    shown.result(f"\nYour book is in {folder}. Next:")
    shown.result(f"  cd {folder}")
    shown.result('  anthology add "Second chapter" --author "Name"')
    shown.result("  anthology preview      see it in your browser as you write")
    shown.result("  anthology build        make the EPUB, PDF and HTML edition")
