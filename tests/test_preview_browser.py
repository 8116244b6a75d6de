"""The live preview in a real browser: headless Chromium sees an edit on disk without a manual reload."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, find_chromium, wait_until

from anthology.preview.server import Preview
from anthology.project.scaffold import new_book

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (scripts/install-tools.sh installs it)"
)


@pytest.fixture()
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None, "Chromium is not installed: run scripts/install-tools.sh"
    opened = Browser(CHROMIUM)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture()
def preview(tmp_path: Path) -> Iterator[Preview]:
    book = tmp_path / "book"
    new_book(book, title="Browser Book")
    server = Preview(book, port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_edit_on_disk_shows_in_the_open_page(browser: Browser, preview: Preview, tmp_path: Path) -> None:
    chapter = preview.project_dir / "chapters" / "01-welcome.md"
    browser.navigate(preview.url + "ch01-welcome.html")
    wait_until(lambda: "This is the first chapter" in browser.text(), 15, what="the chapter to load")
    assert browser.evaluate("document.getElementById('anthology-preview-print') !== null")

    chapter.write_text(chapter.read_text().replace("This is the first chapter", "Freshly edited words"), encoding="utf-8")
    wait_until(lambda: "Freshly edited words" in browser.text(), 20, what="the edit to appear without a manual reload")

    # a broken chapter: the page stays up and shows the error with its file and line
    good = chapter.read_text()
    chapter.write_text(good.replace("title: Welcome", "title: [Welcome"), encoding="utf-8")
    error = wait_until(
        lambda: browser.evaluate("(document.getElementById('anthology-preview-error') || {}).innerText"),
        20,
        what="the build error in the page",
    )
    assert "chapters/01-welcome.md:" in error and "not valid YAML" in error
    chapter.write_text(good, encoding="utf-8")
    wait_until(
        lambda: browser.evaluate("document.getElementById('anthology-preview-error') === null") and "Freshly edited words" in browser.text(),
        20,
        what="the error to go away once fixed",
    )

    # the print edition is one click away: its pages are drawn as images
    browser.evaluate("document.getElementById('anthology-preview-print').click()")
    pages = wait_until(
        lambda: browser.evaluate(
            "location.pathname === '/_preview/print' && Array.from(document.images)"
            ".filter(i => i.complete && i.naturalWidth > 0).length"
        ),
        60,
        what="the print edition's pages",
    )
    assert pages >= 2
    browser.screenshot(tmp_path / "print.png")
