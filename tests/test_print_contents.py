"""The print edition's contents page read back: an entry (title, leader, page number, authors) is never split across pages."""

from __future__ import annotations

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
