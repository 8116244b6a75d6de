"""anthology build: check the book, then make the EPUB, the PDF and the HTML edition."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..build import build as build_book
from ..build import parse_formats
from ..cache import FOLDER as CACHE_FOLDER
from ..cache import Cache
from ..check import check_book
from ..errors import AnthologyError
from ..formats import registry
from .common import fail, output_options, project_argument, reporter


class FormatOption(click.Option):
    """``--format``, whose help lists the registered formats: found when the help is shown, so that
    starting the command line does not load every format."""

    @property
    def help(self) -> str:
        return registry.help_text() + " [default: " + ",".join(registry.default_names()) + "]"

    @help.setter
    def help(self, value: str | None) -> None:
        pass


@click.command()
@project_argument
@click.option("--format", "formats", cls=FormatOption, default=None, help="")
@click.option("-o", "--output", "output_dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Folder for the outputs [default: PROJECT_DIR/build].")
@click.option("--printer", default=None, help="Printer preset: office, print-shop, kdp, ingramspark (trim, bleed edges, marks, colour, PDF variant, page-count rules) [default: [print] printer].")
@click.option("--profile", default=None, help="Print profile of the PDF: a5, a4, letter, trade-6x9, royal [default: [print] profile, else a5].")
@click.option("--bleed/--no-bleed", default=None, help="Add the profile's bleed (3 mm, or 0.125 in) to the PDF.")
@click.option("--marks/--no-marks", default=None, help="Add crop marks to the PDF.")
@click.option("--pdf-variant", default=None, help="PDF standard, passed to WeasyPrint: pdf/ua-1 (default), pdf/a-3u, …")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Processes to use [default: the number of CPUs].")
@click.option("--cache/--no-cache", default=True, show_default=True, help="Reuse the chapters' markup and the print layout kept in build/.cache when nothing they depend on changed.")
@click.option("--layout", type=click.Choice(["chunks", "whole"]), default="chunks", show_default=True, help="Lay out the PDF a few chapters at a time, in --jobs processes, and join the PDFs; or as one document.")
@click.option("--print-pages/--no-print-pages", default=None, help="An EPUB built without the PDF takes the print edition's page numbers from build/.cache when it has them; otherwise it leaves them out and says so. --print-pages lays out the print edition for them instead (slow); --no-print-pages always leaves them out.")
@click.option("--strict", is_flag=True, default=False, help="Fail (exit 1) on warnings too, the checks' and the build's (an image printed below 300 ppi, …), writing nothing.")
@click.option("--force", is_flag=True, default=False, help="Make a booklet above the saddle-stitch limit ([booklet] max_sheets), with a warning, rather than refusing it.")
@output_options
def build(
    project_dir: Path,
    formats: str | None,
    output_dir: Path | None,
    printer: str | None,
    profile: str | None,
    bleed: bool | None,
    marks: bool | None,
    pdf_variant: str | None,
    jobs: int | None,
    cache: bool,
    layout: str,
    print_pages: bool | None,
    strict: bool,
    force: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the book in PROJECT_DIR (default: the current folder).

    The same checks as 'anthology check' run first: errors stop the build before anything is
    written, warnings are printed and the build goes on.

    \b
    Examples:
      anthology build
      anthology build my-book --format epub
      anthology build my-book --format epub --print-pages
      anthology build --output /tmp/out -v
      anthology build --format pdf,booklet --profile a5
      anthology build --format pdf --printer kdp
      anthology build --format pdf --printer print-shop --profile royal
      anthology build --jobs 1 --no-cache
    """
    options = {"printer": printer, "profile": profile, "bleed": bleed, "marks": marks, "pdf_variant": pdf_variant}
    shown = reporter(quiet, verbose)
    try:
        parse_formats(formats)
        checked = check_book(project_dir, jobs, Cache(project_dir / "build" / CACHE_FOLDER) if cache else None)
    except AnthologyError as error:
        fail(error, shown)
    shown.diagnostics(checked.diagnostics)
    if checked.errors:
        count = len(checked.errors)
        shown.err.print(f"{count} error{'s' if count != 1 else ''}: nothing was built", style="bold red")
        sys.exit(2)
    if strict and checked.warnings:
        count = len(checked.warnings)
        shown.err.print(f"{count} warning{'s' if count != 1 else ''} (--strict: warnings fail): nothing was built", style="bold red")
        sys.exit(1)
    try:
        with shown.building():
            report = build_book(project_dir, formats, output_dir, progress=shown.step, print_options=options,
                                use_cache=cache, jobs=jobs,
                                chunked=layout == "chunks", print_pages=print_pages, force=force, strict=strict)
    except AnthologyError as error:
        fail(error, shown)
    shown.diagnostics(report.warnings)
    shown.summary(report, warnings=len(checked.warnings) + sum(d.level == "warning" for d in report.warnings))
