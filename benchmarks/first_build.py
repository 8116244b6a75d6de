"""The first build of the sample book on a fresh machine: a copy of the book without build/, and an
empty font cache (XDG_CACHE_HOME pointed at a new folder), so the static font instances are made.

    .venv/bin/python benchmarks/first_build.py [--runs 3]

Prints, for each run, the wall time, the processor time of this process and its workers, and the
machine's load average (on a shared machine the wall time follows the load; the processor time
does not).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE_BUILD = """
import resource, sys, time
from anthology.cli import main
start = time.perf_counter()
try:
    main(["build", sys.argv[1], "--quiet"], standalone_mode=False)
finally:
    wall = time.perf_counter() - start
    cpu = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    print(f"{wall:.2f} {cpu:.2f}")
"""


def first_build() -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="anthology-first-") as folder:
        book, cache = Path(folder) / "book", Path(folder) / "cache"
        book.mkdir()
        shutil.copy(ROOT / "anthology.toml", book / "anthology.toml")
        for name in ("chapters", "styles"):
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, book / name)
        env = dict(os.environ, XDG_CACHE_HOME=str(cache))
        done = subprocess.run([sys.executable, "-c", ONE_BUILD, str(book)], env=env, capture_output=True, text=True, check=True)
        wall, cpu = done.stdout.split()[-2:]
        return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for run in range(1, args.runs + 1):
        wall, cpu = first_build()
        print(f"run {run}: build {wall:.2f} s wall, {cpu:.2f} s processor, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
