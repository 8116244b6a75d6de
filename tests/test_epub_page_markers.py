"""The EPUB's print-page markers change nothing a reader sees: a paragraph after a heading, list, table,
figure or poem opens flush whether or not a marker stands between them (headless Chromium)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from browser import Browser, find_chromium, wait_until
from helpers import chapter, write_book

from anthology.build import build

pytestmark = pytest.mark.slow  # builds a book and runs a browser

CHROMIUM = find_chromium()
BEFORE = {
    "h2": "<h2>A heading</h2>",
    "ul": "<ul><li>one</li></ul>",
    "table": "<table><tr><td>1</td></tr></table>",
    "figure": "<figure><figcaption>A figure</figcaption></figure>",
    "verse": '<div class="verse"><div class="stanza"><p class="line">A line</p></div></div>',
}
MARKER = '<span id="page-{n}" epub:type="pagebreak" role="doc-pagebreak" aria-label="{n}" title="{n}"/>'


def test_a_page_marker_keeps_the_next_paragraph_flush(tmp_path: Path) -> None:
    assert CHROMIUM is not None, "Chromium is not installed: run scripts/install-tools.sh"
    root = write_book(tmp_path / "book", {"a.md": chapter("A", "Ann Bee", "Some text.")})
    build(root, "epub", output_dir=root / "out", use_cache=False)
    folder = root / "unpacked"
    with zipfile.ZipFile(next((root / "out").glob("*.epub"))) as epub:
        epub.extractall(folder)
    styles = sorted(p.relative_to(folder / "EPUB").as_posix() for p in (folder / "EPUB" / "styles").glob("*.css"))
    assert "styles/epub.css" in styles
    body = "".join(
        f'<div id="{name}">{block}<p class="after">Flush.</p></div>'
        f'<div id="{name}-marked">{block}{MARKER.format(n=n)}<p class="after">Flush too.</p></div>'
        for n, (name, block) in enumerate(BEFORE.items(), 1)
    ) + '<div id="plain"><p>One.</p><span role="doc-pagebreak" epub:type="pagebreak"/><p class="after">Indented.</p></div>'
    links = "".join(f'<link rel="stylesheet" type="text/css" href="{s}"/>' for s in styles)
    page = folder / "EPUB" / "markers.xhtml"
    page.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="en"><head><title>markers</title>{links}</head><body>{body}</body></html>',
        encoding="utf-8",
    )
    browser = Browser(CHROMIUM)
    try:
        browser.navigate(page.as_uri())
        wait_until(lambda: browser.evaluate("document.readyState === 'complete' && document.styleSheets.length > 0"), what="the page")
        indents = browser.evaluate(
            "Object.fromEntries(Array.from(document.querySelectorAll('body > div')).map("
            "d => [d.id, parseFloat(getComputedStyle(d.querySelector('p.after')).textIndent)]))"
        )
    finally:
        browser.close()
    assert indents["plain"] > 0  # an ordinary paragraph is indented, marker or not
    assert {name: value for name, value in indents.items() if name != "plain" and value != 0} == {}
