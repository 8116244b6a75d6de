"""Time anthology against pandoc on synthetic anthologies of N chapters; print a table of figures.

For each N: generate the book (benchmarks/generate.py), then run, each as a separate process,
  - anthology build --format epub (with and without --no-print-pages), --format pdf, and
    --format epub,pdf, each cold (--no-cache),
  - the incremental rebuild: epub,pdf built once with the cache, one chapter edited (same length),
    then built again,
  - when pandoc is installed: pandoc's EPUB, and pandoc's HTML laid out by WeasyPrint into a PDF,
and print wall time, peak memory (the largest process), PDF pages, and the ratio anthology/pandoc.

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

# Runs one command in a fresh process and reports its wall time and the peak RSS of its children.
MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "peak_kib": peak, "code": done.returncode, "err": done.stderr.decode()[-400:]}))
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
    figures.append(measure("anthology epub, no print pages", ours + ["build", str(book), "--format", "epub", "--no-print-pages"] + cold, env))
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
        figures.append(Figure("pandoc epub+pdf", p_html.wall + p_pdf.wall + figures[-1].wall, max(p_html.peak_mib, p_pdf.peak_mib, figures[-1].peak_mib), pdf_pages(work / "pandoc.pdf")))
        figures.append(Figure("pandoc html+weasyprint pdf", p_html.wall + p_pdf.wall, max(p_html.peak_mib, p_pdf.peak_mib), pdf_pages(work / "pandoc.pdf")))
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
    pairs = [("anthology epub", "pandoc epub"), ("anthology epub, no print pages", "pandoc epub"), ("anthology epub+pdf", "pandoc epub+pdf"), ("anthology pdf", "pandoc html+weasyprint pdf"),
             ("anthology epub+pdf, 1 edited", "anthology epub+pdf")]
    for ours, theirs in pairs:
        if ours in by_name and theirs in by_name and by_name[ours].wall == by_name[ours].wall:
            print(f"  ratio {ours} / {theirs}: {by_name[ours].wall / by_name[theirs].wall:.2f}")


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
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
