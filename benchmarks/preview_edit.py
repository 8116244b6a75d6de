"""The editing loop of the preview: how long after a chapter is saved its page shows the change.

Generates a book (200 chapters of 1,500 words by default), starts the preview on it as
``anthology preview`` does, opens the print view once (so the print layout is in the book's
build/.cache, as it is after the first look), then saves one chapter in the middle of the book with
a new sentence, several times, and prints for each save:

- html: seconds from the save until the preview serves that chapter's HTML page with the sentence;
- print: seconds from the save until the print view (``/_preview/print``) is served with pages whose
  text holds the sentence, plus the time to draw the image of the page that shows it (the print
  view draws each page's image when the browser first asks for it, from the PDF of the chunk of
  the print edition that holds it; a save lays out only the chunks it changed).

    python benchmarks/preview_edit.py --chapters 200 --edits 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402 (the benchmark's own generator, beside this file)

from anthology.build import load_book  # noqa: E402
from anthology.preview.printview import PrintView  # noqa: E402
from anthology.preview.server import Preview  # noqa: E402


def fetch(url: str, timeout: float = 600, data: bytes | None = None) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=timeout) as response:
        return response.read().decode("utf-8")


def lay_out(preview: Preview) -> str:
    """The print view's button: a POST with the session's token lays the print edition out."""
    return fetch(preview.url + "_preview/print", data=f"token={preview.token}".encode())


def wait_for(condition, timeout: float, interval: float = 0.02) -> float:  # type: ignore[no-untyped-def]
    """Poll ``condition`` until it is true; the monotonic time when it was."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(interval)
    raise TimeoutError(f"not seen within {timeout:.0f} s")


def page_holding(view: PrintView, word: str) -> int | None:
    """The number (place in the book, from 1) of the print view's first page whose text holds ``word``."""
    texts: dict[Path, list[str]] = {}
    for number, page in enumerate(view.pages, start=1):
        if page.pdf not in texts:
            done = subprocess.run(["pdftotext", str(page.pdf), "-"], capture_output=True, text=True, check=True)
            texts[page.pdf] = done.stdout.split("\f")
        if word in texts[page.pdf][page.page - 1]:
            return number
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=200)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="anthology-preview-bench-"))
    try:
        book = generate(work / "book", args.chapters, args.words)
        chapters = sorted((book / "chapters").glob("*.md"))
        target = chapters[len(chapters) // 2]
        started = time.monotonic()
        preview = Preview(book, port=0)
        preview.start()
        print(f"load average before: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} CPUs)", flush=True)
        print(f"{args.chapters} chapters of about {args.words} words; first build of the HTML edition "
              f"{time.monotonic() - started:.1f} s", flush=True)
        try:
            begun = time.monotonic()
            lay_out(preview)
            print(f"first print view (the whole print edition laid out) {time.monotonic() - begun:.1f} s", flush=True)
            chapter = next(c for c in load_book(book).chapters if c.source.resolve() == target.resolve())
            page = preview.url + chapter.id + ".html"
            html_times, print_times = [], []
            original = target.read_text(encoding="utf-8")
            for edit in range(1, args.edits + 1):
                marker = f"QQ{edit}ZZ"  # one word, never hyphenated
                sentence = f"An edited sentence, {marker}, saved by the benchmark."
                before = preview.state.version
                target.write_text(original.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")
                saved = time.monotonic()
                shown = wait_for(lambda sentence=sentence: sentence in fetch(page), 120)
                # the open page reloads when the preview's build version changes; the print view is asked for then
                wait_for(lambda before=before: preview.state.version != before, 120)
                lay_out(preview)  # served once the PDF of the saved sources is laid out
                served = time.monotonic()
                view, error = preview.print_pages(make=False)
                if view is None or error:
                    raise AssertionError(f"no print view: {error}")
                number = page_holding(view, marker)
                if number is None:
                    raise AssertionError("the print view was served without the edit")
                begun = time.monotonic()
                with urllib.request.urlopen(preview.url + f"_preview/pages/page-{number}.png?token={preview.token}", timeout=120) as image:
                    assert image.read(8) == b"\x89PNG\r\n\x1a\n"
                drawn = time.monotonic() - begun
                printed = served - saved + drawn
                html_times.append(shown - saved)
                print_times.append(printed)
                moved = f", {len(view.renumbered)} pages numbered as before" if view.renumbered else ""
                print(f"edit {edit}: html {shown - saved:.2f} s, print {printed:.2f} s (page {number}; "
                      f"{view.laid} of {view.chunks} chunks laid out{moved})", flush=True)
            print(f"load average after: {os.getloadavg()[0]:.1f}")
            print(f"median of {args.edits}: html {statistics.median(html_times):.2f} s (target < 1 s), "
                  f"print {statistics.median(print_times):.2f} s (target < 5 s)")
        finally:
            preview.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
