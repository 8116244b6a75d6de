"""What the command line shows while it works: a live progress display on a terminal, plain lines
otherwise, diagnostics as ``path:line: level: message``, and a closing summary.

Verbosity: 0 (``-q``) shows errors only; 1 (default) progress, warnings and the summary; 2 (``-v``)
adds one line per chapter and the time each output took. ``NO_COLOR`` turns colour off, and a
terminal that is not interactive (a pipe, a log file, ``TERM=dumb``) gets plain lines.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..build import BuildReport, Step
from ..errors import Diagnostic

QUIET, NORMAL, VERBOSE = 0, 1, 2
LEVEL_STYLES = {"error": "bold red", "warning": "yellow", "note": "cyan"}
OUTPUT_LABELS = {"epub": "EPUB", "pdf": "PDF", "html": "HTML edition", "kepub": "Kobo EPUB", "library": "library kit"}


def wants_colour() -> bool:
    return not os.environ.get("NO_COLOR")


def is_interactive(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:,.1f} MiB"


class Reporter:
    """Everything a command prints, chosen by verbosity and by whether it talks to a terminal."""

    def __init__(self, verbosity: int = NORMAL, live: bool | None = None, base: Path | None = None) -> None:
        colour = wants_colour()
        self.verbosity = verbosity
        self.base = base if base is not None else Path.cwd()
        self.err = Console(stderr=True, highlight=False, soft_wrap=True, no_color=not colour, emoji=False, markup=False)
        self.out = Console(highlight=False, soft_wrap=True, no_color=not colour, emoji=False, markup=False)
        self.live = is_interactive(sys.stderr) if live is None else live
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    @classmethod
    def from_flags(cls, quiet: bool, verbose: bool) -> Reporter:
        return cls(QUIET if quiet else VERBOSE if verbose else NORMAL)

    # diagnostics -------------------------------------------------------------------------------

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        if diagnostic.level != "error" and self.verbosity == QUIET:
            return
        text = Text(f"{diagnostic.location(self.base)}: ")
        text.append(diagnostic.level, style=LEVEL_STYLES.get(diagnostic.level, ""))
        text.append(f": {diagnostic.message}")
        if diagnostic.hint:
            text.append(f" ({diagnostic.hint})", style="dim")
        self.err.print(text)

    def diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.diagnostic(diagnostic)

    def say(self, message: str, style: str = "") -> None:
        """A line of news on stderr (not shown with -q)."""
        if self.verbosity > QUIET:
            self.err.print(Text(message, style=style))

    def result(self, message: str, style: str = "") -> None:
        """A line of the command's result on stdout (not shown with -q)."""
        if self.verbosity > QUIET:
            self.out.print(Text(message, style=style))

    # build progress ----------------------------------------------------------------------------

    @contextmanager
    def building(self) -> Iterator[None]:
        """While a build runs: a live display on a terminal (removed when done), else nothing extra."""
        if not (self.live and self.verbosity > QUIET):
            yield
            return
        progress = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.err,
            transient=True,
        )
        self._progress = progress
        try:
            with progress:
                yield
        finally:
            self._progress = None
            self._tasks.clear()

    def step(self, step: Step) -> None:
        """Called by the build for each step; drives the live display or prints plain lines."""
        if self._progress is not None:
            self._live_step(self._progress, step)
        else:
            self._plain_step(step)

    def _live_step(self, progress: Progress, step: Step) -> None:
        if step.kind == "chapter":
            task = self._tasks.get("chapters")
            if task is None:
                task = self._tasks["chapters"] = progress.add_task("chapters", total=step.total)
            progress.update(task, completed=step.index - 1, description=f"chapter {Path(step.name).name}")
            if self.verbosity >= VERBOSE:
                progress.console.print(Text(f"  rendering {self._short(step.name)}", style="dim"))
        elif step.kind == "output":
            chapters = self._tasks.get("chapters")
            if chapters is not None:
                progress.update(chapters, completed=progress.tasks[chapters].total, description="chapters")
            label = OUTPUT_LABELS.get(step.name, step.name)
            self._tasks[step.name] = progress.add_task(f"making the {label}", total=1)
        elif step.kind == "made" and step.name in self._tasks:
            progress.update(self._tasks[step.name], completed=1)

    def _plain_step(self, step: Step) -> None:
        if step.kind == "read":
            self.say("reading anthology.toml and the chapters")
        elif step.kind == "chapter" and self.verbosity >= VERBOSE:
            self.say(f"  rendering {step.index}/{step.total} {self._short(step.name)}")
        elif step.kind == "output":
            self.say(f"making the {OUTPUT_LABELS.get(step.name, step.name)}")

    def _short(self, name: str) -> str:
        path = Path(name)
        try:
            return str(path.resolve().relative_to(self.base.resolve()))
        except ValueError:
            return name

    # summary -----------------------------------------------------------------------------------

    def summary(self, report: BuildReport, warnings: int = 0) -> None:
        """The closing lines: each file written with its size (and pages or files), then the totals."""
        if self.verbosity == QUIET:
            return
        rows = []
        for artifact, path in report.outputs:
            shown = self._short(str(path)) + ("/" if artifact.data is None else "")
            rows.append((shown, human_size(artifact.size), artifact.summary, artifact.name))
        width = max((len(r[0]) for r in rows), default=0)
        size_width = max((len(r[1]) for r in rows), default=0)
        for shown, size, detail, name in rows:
            line = Text("wrote ", style="green")
            line.append(shown.ljust(width), style="bold")
            line.append(f"  {size.rjust(size_width)}")
            if detail:
                line.append(f"  {detail}", style="dim")
            if self.verbosity >= VERBOSE:
                key = next((k for k in report.timings if name.endswith(f".{k}") or name == k), None)
                if key is not None:
                    line.append(f"  ({report.timings[key]:.1f} s)", style="dim")
            self.out.print(line)
        totals = f"{plural(report.chapters, 'chapter')}, {plural(report.words, 'word')}; done in {report.seconds:.1f} s"
        if warnings:
            totals += f" with {plural(warnings, 'warning')}"
        self.out.print(Text(totals, style="bold"))
