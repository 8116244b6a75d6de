"""A tall picture fits on one screen in the EPUB and the HTML edition (a paginated reading system would
cut it or split it): headless Chromium at a phone's 390 x 640 px and a desktop's 1280 x 800 px."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from browser import Browser, find_chromium, wait_until
from helpers import chapter, write_book
from PIL import Image

from anthology.build import build

pytestmark = pytest.mark.slow  # builds a book and runs a browser

CHROMIUM = find_chromium()
MEASURE = ("(() => { const r = document.querySelector('figure img').getBoundingClientRect(); "
           "return [r.width, r.height, window.innerHeight]; })()")


def test_a_tall_figure_fits_the_screen(tmp_path: Path) -> None:
    assert CHROMIUM is not None, "Chromium is not installed: run scripts/install-tools.sh"
    body = 'A tall picture follows.\n\n![A lighthouse, drawn tall](tall.png "The lighthouse")\n\nAfter it.\n'
    root = write_book(tmp_path / "book", {"a.md": chapter("Lights", "Ann Bee", body)})
    Image.new("RGB", (600, 1800), (160, 120, 90)).save(root / "chapters" / "tall.png")
    build(root, "epub,html", output_dir=root / "out", use_cache=False)
    with zipfile.ZipFile(next((root / "out").glob("*.epub"))) as epub:
        epub.extractall(root / "unpacked")
    pages = {"epub": next((root / "unpacked" / "EPUB").glob("ch01-*.xhtml")), "html": next((root / "out" / "html").glob("ch01-*.html"))}
    browser = Browser(CHROMIUM)
    try:
        for edition, page in pages.items():
            for width, height in ((390, 640), (1280, 800)):
                browser.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 500)
                url = f"{page.as_uri()}?{width}"
                browser.navigate(url)
                wait_until(lambda url=url: browser.evaluate(f"location.href === {url!r} && document.readyState === 'complete' "
                                                             "&& Array.from(document.images).every(i => i.complete)"), what=page.name)
                shown_width, shown_height, screen = browser.evaluate(MEASURE)  # in CSS px (a phone's layout may be wider)
                assert screen >= height
                assert 0 < shown_height <= 0.9 * screen + 1, (edition, width, shown_height, screen)
                assert abs(shown_width * 3 - shown_height) <= 3, (edition, width, shown_width, shown_height)  # not squashed
    finally:
        browser.close()
