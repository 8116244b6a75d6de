"""What every command shares: the project argument, -q/-v, and turning errors into messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..errors import AnthologyError
from .progress import Reporter

F = TypeVar("F", bound=Callable[..., Any])


def project_argument(function: F) -> F:
    """PROJECT_DIR: the book's folder, the current one by default."""
    return click.argument(
        "project_dir", type=click.Path(path_type=Path, file_okay=False), default=".", metavar="[PROJECT_DIR]"
    )(function)


def output_options(function: F) -> F:
    """-q/--quiet and -v/--verbose."""
    function = click.option("-v", "--verbose", is_flag=True, help="Say more: each chapter, each output's time.")(function)
    function = click.option("-q", "--quiet", is_flag=True, help="Print only errors.")(function)
    return function


def reporter(quiet: bool, verbose: bool) -> Reporter:
    if quiet and verbose:
        raise click.UsageError("choose either --quiet or --verbose")
    return Reporter.from_flags(quiet, verbose)


def fail(error: AnthologyError, shown: Reporter | None = None) -> NoReturn:
    """Print every diagnostic of ``error`` and exit with its code (1 or 2)."""
    (shown or Reporter()).diagnostics(error.diagnostics)
    sys.exit(error.exit_code)
