"""The one exception hierarchy. Every user-facing error says where (file, line or key) and how to fix it.

Only the CLI turns these into messages and exit codes: ``ConfigError`` and its kin exit 2
(usage or configuration), ``BuildError`` exits 1 (build or validation failed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the book's sources, with where it is and what to do."""

    path: Path | None
    message: str
    line: int | None = None
    key: str | None = None
    hint: str | None = None
    level: str = "error"

    def location(self, base: Path | None = None) -> str:
        if self.path is None:
            where = "anthology"
        else:
            where = str(_relative(self.path, base))
        if self.line is not None:
            where += f":{self.line}"
        return where

    def format(self, base: Path | None = None) -> str:
        text = f"{self.location(base)}: {self.level}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def _relative(path: Path, base: Path | None) -> Path:
    if base is None:
        return path
    try:
        return path.resolve().relative_to(base.resolve())
    except ValueError:
        return path


class AnthologyError(Exception):
    """Base of every error anthology reports to a user."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic | str) -> None:
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(None, diagnostics)]
        elif isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[AnthologyError], tuple[list[Diagnostic]]]:
        """Pickled with its diagnostics, so that an error raised in a worker process keeps its file, key and hint."""
        return type(self), (self.diagnostics,)

    def format(self, base: Path | None = None) -> str:
        return "\n".join(d.format(base) for d in self.diagnostics)


class ConfigError(AnthologyError):
    """anthology.toml or a chapter's front matter is missing, malformed or wrong (exit 2)."""

    exit_code = 2


class SourceError(ConfigError):
    """A chapter file cannot be read or its front matter is wrong (exit 2)."""


class ImportSourceError(ConfigError):
    """A file given to `anthology import` cannot be read, is malformed, or would overwrite a chapter (exit 2)."""


class BuildError(AnthologyError):
    """A stage failed while making an output, or an output failed validation (exit 1)."""

    exit_code = 1


def collect(items: Iterable[T], make: Callable[[T], R]) -> list[R]:
    """``make(item)`` for every item, in order. The SourceErrors they raise are gathered and raised as
    one once every item has been tried, so that a user sees all the problems at once."""
    results: list[R] = []
    problems: list[Diagnostic] = []
    for item in items:
        try:
            results.append(make(item))
        except SourceError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SourceError(problems)
    return results
