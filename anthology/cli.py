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
@click.option("--format", "formats", default="epub,pdf,html", show_default=True, help="Outputs to make, comma-separated: epub, pdf, html, booklet.")
@click.option("--output", "output_dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Folder for the outputs [default: PROJECT_DIR/build].")
@click.option("--profile", default=None, help="Print profile of the PDF: a5, a4, letter, trade-6x9, royal [default: [print] profile, else a5].")
@click.option("--bleed/--no-bleed", default=None, help="Add the profile's bleed (3 mm, or 0.125 in) to the PDF.")
@click.option("--marks/--no-marks", default=None, help="Add crop marks to the PDF.")
@click.option("--pdf-variant", default=None, help="PDF standard, passed to WeasyPrint: pdf/ua-1 (default), pdf/a-3u, …")
def build(
    project_dir: Path, formats: str, output_dir: Path | None,
    profile: str | None, bleed: bool | None, marks: bool | None, pdf_variant: str | None,
) -> None:
    """Build the book in PROJECT_DIR (default: the current folder).

    \b
    Examples:
      anthology build
      anthology build my-book --format epub
      anthology build --output /tmp/out
      anthology build --format pdf,booklet --profile a5
      anthology build --format pdf --profile trade-6x9 --bleed --marks
    """
    options = {"profile": profile, "bleed": bleed, "marks": marks, "pdf_variant": pdf_variant}
    try:
        report = build_book(project_dir, formats, output_dir, print_options=options)
    except AnthologyError as error:
        _fail(error, Path.cwd())
        return
    for warning in report.warnings:
        click.echo(warning.format(Path.cwd()), err=True)
    for artifact, path in report.outputs:
        size = artifact.size / 1024
        click.echo(f"wrote {path} ({size:,.0f} KiB{', ' + artifact.summary if artifact.summary else ''})")
    click.echo(f"done in {report.seconds:.1f} s")


if __name__ == "__main__":
    main()
