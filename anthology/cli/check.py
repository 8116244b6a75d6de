"""anthology check: read the whole book and report every problem at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cache import FOLDER as CACHE_FOLDER
from ..cache import Cache
from ..check import check_book
from ..errors import AnthologyError
from .common import fail, output_options, project_argument, reporter


@click.command()
@project_argument
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors.")
@output_options
def check(project_dir: Path, strict: bool, quiet: bool, verbose: bool) -> None:
    """Check the book in PROJECT_DIR and report every problem at once.

    Each problem is one line, 'path:line: level: message (how to fix it)'. Errors stop a build;
    warnings (broken links and footnotes, unused images, images printed below 300 ppi, empty
    chapters, duplicate titles, text cut by a YAML '#' comment) do not, unless --strict is given.
    The print edition is laid out for the image check (taken from build/.cache when a build made it).
    Exit code: 0 when the book is fine, 1 when there are errors (or warnings with --strict),
    2 when there is no book to check. Chapters unchanged since the last build are read from
    build/.cache, which the check never writes.

    \b
    Examples:
      anthology check
      anthology check my-book --strict
      anthology check -q             print the errors only
    """
    shown = reporter(quiet, verbose)
    try:
        report = check_book(project_dir, cache=Cache(project_dir / "build" / CACHE_FOLDER), preflight=True)
    except AnthologyError as error:
        fail(error, shown)
    shown.diagnostics(report.diagnostics)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        summary = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
        if report.failed(strict):
            shown.err.print(summary + (" (--strict: warnings fail)" if strict and not errors else ""), style="bold red")
        else:
            shown.say(summary, style="yellow")
    else:
        shown.result(f"{report.chapters} chapters checked: no problems found", style="green")
    sys.exit(1 if report.failed(strict) else 0)
