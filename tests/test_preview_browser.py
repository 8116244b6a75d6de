"""The live preview in a real browser: headless Chromium sees an edit on disk without a manual reload."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, find_chromium, opened_chromium, wait_until
from helpers import running_preview

from anthology.preview.server import Preview
from anthology.project.scaffold import new_book

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (scripts/install-tools.sh installs it)"),
]


@pytest.fixture()
def browser() -> Iterator[Browser]:
    with opened_chromium() as opened:
        yield opened


@pytest.fixture()
def preview(tmp_path: Path) -> Iterator[Preview]:
    book = tmp_path / "book"
    new_book(book, title="Browser Book")
    with running_preview(book) as server:
        yield server


def test_edit_on_disk_shows_in_the_open_page(browser: Browser, preview: Preview, tmp_path: Path) -> None:
    chapter = preview.project_dir / "chapters" / "01-welcome.md"
    browser.navigate(preview.url + "ch01-welcome.html")
    wait_until(lambda: "This is the first chapter" in browser.text(), what="the chapter to load")
    assert browser.evaluate("document.getElementById('anthology-preview-print') !== null")

    chapter.write_text(chapter.read_text().replace("This is the first chapter", "Freshly edited words"), encoding="utf-8")
    wait_until(lambda: "Freshly edited words" in browser.text(), what="the edit to appear without a manual reload")

    # a broken chapter: the page stays up and shows the error with its file and line
    good = chapter.read_text()
    chapter.write_text(good.replace("title: Welcome", "title: [Welcome"), encoding="utf-8")
    error = wait_until(
        lambda: browser.evaluate("(document.getElementById('anthology-preview-error') || {}).innerText"),
        what="the build error in the page",
    )
    assert "chapters/01-welcome.md:" in error and "not valid YAML" in error
    chapter.write_text(good, encoding="utf-8")
    wait_until(
        lambda: browser.evaluate("document.getElementById('anthology-preview-error') === null") and "Freshly edited words" in browser.text(),
        what="the error to go away once fixed",
    )

    # the print edition is one click away: its pages are drawn as images
    browser.evaluate("document.getElementById('anthology-preview-print').click()")
    pages = wait_until(
        lambda: browser.evaluate(
            "location.pathname === '/_preview/print' && Array.from(document.images)"
            ".filter(i => i.complete && i.naturalWidth > 0).length >= 2 && Array.from(document.images)"
            ".filter(i => i.complete && i.naturalWidth > 0).length"
        ),
        what="the print edition's pages (each drawn when the page shows it)",
    )
    assert pages >= 2
    browser.screenshot(tmp_path / "print.png")

    # a save while the print view is open: it lays out again what changed, by itself, and reloads
    before = browser.evaluate("performance.timeOrigin")
    chapter.write_text(chapter.read_text().replace("Freshly edited words", "Printed QQ7ZZ anew"), encoding="utf-8")
    wait_until(
        lambda: browser.evaluate(f"performance.timeOrigin > {before} && location.pathname === '/_preview/print'"
                                 " && document.getElementById('anthology-preview-layout') === null")
        and _print_view_holds(preview, "QQ7ZZ"),
        what="the open print view to show the saved edit",
    )


def _print_view_holds(preview: Preview, words: str) -> bool:
    view, _ = preview.print_pages(make=False)
    if view is None or not preview.print_current:
        return False
    texts = (subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout for pdf in {p.pdf for p in view.pages})
    return any(words in text for text in texts)


# Text of the page (outside the preview's toolbar) that the toolbar's box overlaps, as seen now.
COVERED_TEXT = """(() => {
  const bar = document.getElementById('anthology-preview-bar').getBoundingClientRect();
  const covered = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || node.parentElement.closest('#anthology-preview-bar, script, style')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width && r.height && r.left < bar.right && r.right > bar.left && r.top < bar.bottom && r.bottom > bar.top) {
        covered.push(node.textContent.trim().slice(0, 40));
      }
    }
  }
  return covered;
})()"""


@pytest.mark.parametrize(("width", "height", "mobile"), [(390, 844, True), (1280, 800, False)])
def test_chapter_pages_have_navigation_at_both_ends_and_the_toolbar_covers_nothing(
    browser: Browser, preview: Preview, tmp_path: Path, width: int, height: int, mobile: bool
) -> None:
    """On a phone (390 px) and a desktop (1280 px): previous/next links at the top and the foot of a
    chapter, and the preview's toolbar over no text, at the top of the page or scrolled to its end."""
    chapters = preview.project_dir / "chapters"
    long_text = "\n\n".join(f"Paragraph {n} of a long chapter, long enough to need scrolling on any screen." for n in range(40))
    (chapters / "02-second.md").write_text(f"---\ntitle: Second\nauthor: Ann Bee\n---\n\n{long_text}\n", encoding="utf-8")
    browser.set_viewport(width, height, mobile)

    def second_chapter_shown() -> bool:
        browser.navigate(preview.url + "ch02-second.html")
        return bool(wait_until(lambda: browser.evaluate("document.readyState === 'complete'"), what="a page load")) \
            and "Paragraph 39" in browser.text()

    wait_until(second_chapter_shown, 60, interval=0.5, what="the second chapter to be built and shown")
    navs = browser.evaluate(
        "Array.from(document.querySelectorAll('.site-nav nav')).map(n => "
        "[n.closest('header') ? 'top' : n.closest('footer') ? 'foot' : 'elsewhere', "
        "Array.from(n.querySelectorAll('a')).map(a => a.rel + ':' + a.textContent.trim())])"
    )
    assert navs == [["top", ["prev:← Welcome", "next:About the contributors →"]],
                    ["foot", ["prev:← Welcome", "next:About the contributors →"]]], navs
    assert browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the screen"
    for where, script in (("top", "window.scrollTo(0, 0)"), ("end", "window.scrollTo(0, document.documentElement.scrollHeight)")):
        browser.evaluate(script)
        wait_until(lambda: browser.evaluate("document.readyState === 'complete'"), what="the page to settle")
        assert browser.evaluate(COVERED_TEXT) == [], f"the toolbar covers text at the {where} of the page at {width} px"
        browser.screenshot(tmp_path / f"chapter-{width}-{where}.png")
    if os.environ.get("ANTHOLOGY_SCREENSHOTS"):
        import shutil

        for shot in tmp_path.glob("chapter-*.png"):
            shutil.copy(shot, Path(os.environ["ANTHOLOGY_SCREENSHOTS"]) / shot.name)
