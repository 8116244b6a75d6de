"""anthology build: check the book, then make the EPUB, the PDF and the HTML edition."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..build import build as build_book
from ..build import parse_formats
from ..check import check_book
from ..errors import AnthologyError
from .common import fail, output_options, project_argument, reporter


@click.command()
@project_argument
@click.option("--format", "formats", default="epub,pdf,html", show_default=True, help="Outputs to make, comma-separated: epub, pdf, html.")
@click.option("--output", "output_dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Folder for the outputs [default: PROJECT_DIR/build].")
@output_options
def build(project_dir: Path, formats: str, output_dir: Path | None, quiet: bool, verbose: bool) -> None:
    """Build the book in PROJECT_DIR (default: the current folder).

    The same checks as 'anthology check' run first: errors stop the build before anything is
    written, warnings are printed and the build goes on.

    \b
    Examples:
      anthology build
      anthology build my-book --format epub
      anthology build --output /tmp/out -v
    """
    shown = reporter(quiet, verbose)
    try:
        parse_formats(formats)
        checked = check_book(project_dir)
    except AnthologyError as error:
        fail(error, shown)
    shown.diagnostics(checked.diagnostics)
    if checked.errors:
        count = len(checked.errors)
        shown.err.print(f"{count} error{'s' if count != 1 else ''}: nothing was built", style="bold red")
        sys.exit(2)
    try:
        with shown.building():
            report = build_book(project_dir, formats, output_dir, progress=shown.step)
    except AnthologyError as error:
        fail(error, shown)
    shown.diagnostics(report.warnings)
    shown.summary(report, warnings=len(checked.warnings) + len(report.warnings))
