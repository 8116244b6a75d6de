"""Time anthology against pandoc on synthetic anthologies of N chapters; print a table of figures.

For each N: generate the book (benchmarks/generate.py), then run, each as a separate process,
  - anthology build --format epub (cold, it has no print layout at hand, so no page list),
    --format pdf, and --format epub,pdf, each cold (--no-cache),
  - the incremental rebuild: epub,pdf built once with the cache, one chapter edited (same length),
    then built again,
  - when pandoc is installed: pandoc's EPUB, and pandoc's HTML laid out by WeasyPrint into a PDF,
and print wall time, peak memory (of all its processes together), PDF pages, and the ratio anthology/pandoc,
then whether each of the issue's targets is met by the figures of this run.

    python benchmarks/run.py --chapters 50 200 1000 --words 1500
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

# Runs one command in a fresh process and reports its wall time and its peak memory: the largest sum,
# over samples taken every 500 ms, of the proportional set size (PSS: shared pages split between the
# processes sharing them) of the command and every process it started, so that worker processes
# count, and count once. A sample costs the kernel about 9 ms of processor time for a build's three
# processes (measured): every 500 ms that is under 2% of one core, taken from a build that keeps
# both cores busy but not from a one-process build, so it is kept rare.
MEASURE = r"""
import json, os, subprocess, sys, tempfile, time

def tree(root):
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            pass
    return found

def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

start = time.perf_counter()
log = tempfile.TemporaryFile()
process = subprocess.Popen(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=log)
peak = 0
while process.poll() is None:
    peak = max(peak, sum(pss_kib(pid) for pid in tree(process.pid)))
    time.sleep(0.5)
wall = time.perf_counter() - start
log.seek(0)
err = log.read()
print(json.dumps({"wall": wall, "peak_kib": peak, "code": process.returncode, "err": err.decode()[-400:]}))
"""


@dataclass
class Figure:
    name: str
    wall: float
    peak_mib: float
    pages: int | None = None


ONLY: set[str] = set()  # names of the builds to run (--only); empty: all


def measure(name: str, command: list[str], env: dict[str, str] | None = None) -> Figure:
    if ONLY and name not in ONLY:
        return Figure(name, float("nan"), float("nan"))
    out = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(command)], capture_output=True, text=True, env=env, check=True)
    data = json.loads(out.stdout)
    if data["code"] != 0:
        raise SystemExit(f"{name} failed ({data['code']}): {data['err']}")
    return Figure(name, data["wall"], data["peak_kib"] / 1024)


def pdf_pages(path: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    if not path.exists():
        return None
    return len(PdfReader(str(path)).pages)


def anthology_command() -> list[str]:
    found = shutil.which("anthology", path=str(Path(sys.executable).parent)) or shutil.which("anthology")
    return [found] if found else [sys.executable, "-m", "anthology.cli"]


def edit_one_chapter(book: Path) -> None:
    """Change one word of the middle chapter for another of the same length."""
    files = sorted((book / "chapters").glob("*.md"))
    chosen = files[len(files) // 2]
    text = chosen.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    words = body.split(" ")
    middle = len(words) // 2
    index = next(i for i in range(middle, len(words)) if words[i].isalpha() and len(words[i]) >= 4)
    words[index] = words[index][::-1] if words[index][::-1] != words[index] else words[index].upper()
    chosen.write_text(head + sep + " ".join(words), encoding="utf-8")


def run_size(chapters: int, words: int, work: Path, extra: list[str], incremental: bool, pandoc: bool = True) -> list[Figure]:
    book = generate(work / f"book-{chapters}", chapters, words)
    out = book / "build"
    figures: list[Figure] = []
    ours = anthology_command()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1556668800"}
    cold = ["--no-cache"] + extra
    figures.append(measure("anthology epub", ours + ["build", str(book), "--format", "epub"] + cold, env))
    fig = measure("anthology pdf", ours + ["build", str(book), "--format", "pdf"] + cold, env)
    fig.pages = pdf_pages(out / f"benchmark-anthology-{chapters}.pdf")
    figures.append(fig)
    fig = measure("anthology epub+pdf", ours + ["build", str(book), "--format", "epub,pdf"] + cold, env)
    fig.pages = pdf_pages(out / f"benchmark-anthology-{chapters}.pdf")
    figures.append(fig)
    if incremental:
        subprocess.run(ours + ["build", str(book), "--format", "epub,pdf", "-q"] + extra, env=env, check=True)
        edit_one_chapter(book)
        fig = measure("anthology epub+pdf, 1 edited", ours + ["build", str(book), "--format", "epub,pdf"] + extra, env)
        fig.pages = pdf_pages(out / f"benchmark-anthology-{chapters}.pdf")
        figures.append(fig)
    if pandoc and shutil.which("pandoc"):
        files = sorted(str(p) for p in (book / "chapters").glob("*.md"))
        common = ["pandoc", "--resource-path", str(book / "chapters"), "--metadata", f"title=Benchmark anthology {chapters}"]
        figures.append(measure("pandoc epub", common + ["-o", str(work / "pandoc.epub")] + files))
        html = work / "pandoc.html"
        p_html = measure("pandoc html", common + ["-s", "--embed-resources" if _pandoc_has("--embed-resources") else "--self-contained", "-o", str(html)] + files)
        weasy = shutil.which("weasyprint", path=str(Path(sys.executable).parent)) or "weasyprint"
        p_pdf = measure("weasyprint pdf", [weasy, str(html), str(work / "pandoc.pdf")])
        pages = pdf_pages(work / "pandoc.pdf")
        p_pdf.pages = pages
        p_epub = figures[-1]
        figures.append(p_pdf)
        figures.append(Figure("pandoc epub+pdf", p_html.wall + p_pdf.wall + p_epub.wall, max(p_html.peak_mib, p_pdf.peak_mib, p_epub.peak_mib), pages))
        figures.append(Figure("pandoc html+weasyprint pdf", p_html.wall + p_pdf.wall, max(p_html.peak_mib, p_pdf.peak_mib), pages))
    return figures


def _pandoc_has(option: str) -> bool:
    return option in subprocess.run(["pandoc", "--help"], capture_output=True, text=True).stdout


def report(chapters: int, figures: list[Figure]) -> None:
    by_name = {f.name: f for f in figures}
    print(f"\n{chapters} chapters")
    print(f"  {'build':32} {'wall s':>8} {'peak MiB':>9} {'pages':>6} {'s/page':>8}")
    for f in figures:
        if f.wall != f.wall:  # left out with --only
            continue
        per_page = f"{f.wall / f.pages * 1000:.1f}ms" if f.pages else ""
        print(f"  {f.name:32} {f.wall:8.2f} {f.peak_mib:9.0f} {f.pages or '':>6} {per_page:>8}")
    pairs = [("anthology epub", "pandoc epub"), ("anthology epub+pdf", "pandoc epub+pdf"),
             ("anthology pdf", "pandoc html+weasyprint pdf"), ("anthology pdf", "weasyprint pdf"), ("anthology epub+pdf, 1 edited", "anthology epub+pdf")]
    for ours, theirs in pairs:
        if ours in by_name and theirs in by_name and by_name[ours].wall == by_name[ours].wall:
            print(f"  ratio {ours} / {theirs}: {by_name[ours].wall / by_name[theirs].wall:.2f}")
    RESULTS[chapters] = by_name


RESULTS: dict[int, dict[str, Figure]] = {}


def _ran(figure: Figure | None) -> bool:
    return figure is not None and figure.wall == figure.wall


def targets() -> None:
    """The issue's targets, checked against the figures of this run (those it has)."""
    lines = []
    at = RESULTS.get(200, {})
    ours, theirs = at.get("anthology epub"), at.get("pandoc epub")
    if _ran(ours) and _ran(theirs):
        lines.append(("200: EPUB alone <= pandoc's EPUB", ours.wall / theirs.wall, 1.0))  # type: ignore[union-attr]
    ours, theirs = at.get("anthology epub+pdf"), at.get("pandoc epub+pdf")
    if _ran(ours) and _ran(theirs):
        lines.append(("200: EPUB+PDF <= 1/2 of pandoc's EPUB+PDF", ours.wall / theirs.wall, 0.5))  # type: ignore[union-attr]
    edited, cold = at.get("anthology epub+pdf, 1 edited"), at.get("anthology epub+pdf")
    if _ran(edited) and _ran(cold):
        lines.append(("200: one chapter edited <= 15% of cold", edited.wall / cold.wall, 0.15))  # type: ignore[union-attr]
    big = RESULTS.get(1000, {})
    ours, single = big.get("anthology pdf"), big.get("weasyprint pdf")
    if _ran(ours) and _ran(single):
        lines.append(("1000: PDF <= 1/3 of one WeasyPrint document", ours.wall / single.wall, 1 / 3))  # type: ignore[union-attr]
    if _ran(ours):
        lines.append(("1000: PDF peak memory < 600 MiB", ours.peak_mib / 600, 1.0))  # type: ignore[union-attr]
    small = RESULTS.get(50, {}).get("anthology pdf")
    if _ran(ours) and _ran(small) and ours.pages and small.pages:  # type: ignore[union-attr]
        lines.append(("1000 vs 50: PDF cost per page <= 1.2x", (ours.wall / ours.pages) / (small.wall / small.pages), 1.2))  # type: ignore[union-attr]
    if lines:
        print("\ntargets (figure / limit)")
        for name, value, limit in lines:
            print(f"  {name:48} {value:6.2f} / {limit:.2f}  {'met' if value <= limit else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--keep", type=Path, help="keep the generated books and outputs in this folder")
    parser.add_argument("--layout", choices=["chunks", "whole"], default="chunks", help="passed to anthology build")
    parser.add_argument("--jobs", type=int, default=None, help="passed to anthology build")
    parser.add_argument("--no-incremental", action="store_true", help="leave out the incremental rebuild")
    parser.add_argument("--no-pandoc", action="store_true", help="leave out pandoc's builds")
    parser.add_argument("--only", nargs="+", default=[], help="run only these anthology builds, e.g. 'anthology pdf'")
    args = parser.parse_args()
    ONLY.update(args.only)
    extra = ["--layout", args.layout] + (["--jobs", str(args.jobs)] if args.jobs else [])
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} {platform.release()}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="anthology-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for n in args.chapters:
            report(n, run_size(n, args.words, work, extra, not args.no_incremental, not args.no_pandoc))
        targets()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
