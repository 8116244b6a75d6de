"""Where a build's time goes: when each phase starts and ends, in which process.

    .venv/bin/python benchmarks/phases.py BOOK [--format epub,pdf] [--jobs N] [--no-cache]

Prints one line per event (seconds since the start, process id, event): the build's steps, each
print chunk laid out (with its pages and the worker's peak resident memory), each chunk handed to
the join, the join's end and the EPUB; then the totals of the phases. It wraps a few functions of
the print pipeline while it runs, so it reads the pipeline as it is, not as it was planned.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path
from typing import Any

from anthology.build import Step, build
from anthology.print import chunk_layout, chunk_runner, join

START = time.perf_counter()
spans: dict[str, float] = {}


def say(event: str) -> None:
    print(f"{time.perf_counter() - START:8.2f}  [{os.getpid()}]  {event}", flush=True)


def _wrap_chunks() -> None:
    original = chunk_layout.lay_out_chunk

    def lay_out(job: Any, setup: Any, ledger: Any) -> Any:
        say(f"chunk {job.index} ({job.kind}) laid out")
        result = original(job, setup, ledger)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        say(f"chunk {job.index} done: {result.pages} pages, worker peak {peak} MiB")
        return result

    chunk_layout.lay_out_chunk = lay_out  # run_in_worker looks it up here
    chunk_runner.lay_out_chunk = lay_out  # and the serial path there


def _wrap_join() -> None:
    add, finish = join.Joining.add, join.Joining.finish

    def adding(self: Any, data: bytes, index: int) -> None:
        began = time.perf_counter()
        add(self, data, index)
        spans["join"] = spans.get("join", 0.0) + time.perf_counter() - began
        say(f"chunk {index} joined")

    def finishing(self: Any, *args: Any) -> bytes:
        began = time.perf_counter()
        data = finish(self, *args)
        spans["join"] = spans.get("join", 0.0) + time.perf_counter() - began
        say("join finished")
        return data

    join.Joining.add = adding  # type: ignore[method-assign]
    join.Joining.finish = finishing  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--format", default="epub,pdf")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    _wrap_chunks()
    _wrap_join()

    def progress(step: Step) -> None:
        if step.kind != "chapter":
            say(f"step {step.kind} {step.name}".rstrip())

    report = build(args.book, args.format, output_dir=Path(os.environ.get("TMPDIR", "/tmp")) / "anthology-phases",
                   progress=progress, jobs=args.jobs, use_cache=not args.no_cache)
    say("done")
    print()
    for name, seconds in sorted(report.timings.items(), key=lambda item: item[1], reverse=True):
        print(f"  output {name:<8} {seconds:8.2f} s")
    print(f"  join (in this process, overlapping the layout) {spans.get('join', 0.0):.2f} s")
    print(f"  whole build {report.seconds:.2f} s, {report.chapters} chapters")


if __name__ == "__main__":
    main()
