"""The print edition's contents page read back: an entry (title, leader, page number, authors) is never split across
pages, and its dot leader keeps clear of the title."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from helpers import chapter, write_book
from print_helpers import page_texts

from anthology.build import load_book
from anthology.markup.render import render_chapters
from anthology.print.engine import make_pdf


@pytest.mark.slow
def test_a_contents_entry_keeps_its_authors_on_its_page(tmp_path: Path) -> None:
    # A long first title pushes the page break of the contents to fall between the tenth entry's
    # title and its author line (A5): the author must go over with the title, never alone.
    long_title = "A chapter whose title runs on " + "and on " * 13 + "about the harbour"
    chapters = {"01.md": chapter(long_title, "Author01 Person", "Some text.")}
    chapters.update({f"{i:02d}.md": chapter(f"Chapter {i}", f"Author{i:02d} Person", "Some text.") for i in range(2, 14)})
    root = write_book(tmp_path / "book", chapters, toml='[book]\ntitle = "Harbour Writing"\nlanguage = "en-GB"\neditors = ["Ed Itor"]\n')
    book = load_book(root)
    path = root / "contents.pdf"
    path.write_bytes(make_pdf(book, render_chapters(book.chapters)).artifact.data or b"")
    texts = page_texts(path)
    first = next(i for i, t in enumerate(texts) if t.strip().startswith("Contents"))
    contents = texts[first : first + 2]
    assert "About the contributors" in contents[1]  # the contents run onto a second page
    for number in range(2, 14):
        title_page = next(i for i, t in enumerate(contents) if f"Chapter {number} ." in t)
        author_page = next(i for i, t in enumerate(contents) if f"Author{number:02d} Person" in t)
        assert title_page == author_page, f"Chapter {number}'s author is set on the page after its title"


@pytest.mark.slow
def test_a_dot_leader_never_touches_the_title(tmp_path: Path) -> None:
    # Leader dots stand on a grid counted from the page number, so the first dot may fall right
    # after the title's last letter ("harbwr. . . ." reads as a full stop). Titles of many widths
    # land everywhere on the grid: the gap before the first dot must be at least a thin space.
    words = ["harbwr", "port", "quay", "tides", "breakwater", "gull", "lantern", "mooring", "slipway", "net", "anchorage", "buoy"]
    chapters = {f"{i:02d}.md": chapter(f"Goleuadau’r {word}", f"Author{i:02d} Person", "Some text.") for i, word in enumerate(words, 1)}
    root = write_book(tmp_path / "book", chapters, toml='[book]\ntitle = "Harbour Writing"\nlanguage = "en-GB"\neditors = ["Ed Itor"]\n')
    book = load_book(root)
    path = root / "contents.pdf"
    path.write_bytes(make_pdf(book, render_chapters(book.chapters)).artifact.data or b"")
    first = next(i for i, t in enumerate(page_texts(path)) if t.strip().startswith("Contents"))
    box = subprocess.run(["pdftotext", "-bbox", "-f", str(first + 1), "-l", str(first + 2), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', box)
    placed = [(float(x0), float(y0), float(x1), html.unescape(text)) for x0, y0, x1, text in found]
    gaps = {before[3]: dot[0] - before[2] for before, dot in zip(placed, placed[1:], strict=False)
            if dot[3] == "." and before[3] != "." and abs(dot[1] - before[1]) < 1}
    assert len(gaps) == len(words) + 1  # every chapter and About the contributors (over two pages)
    assert min(gaps.values()) >= 1.8, gaps  # points; a space of the text face is about 2.5
