"""The title page of a book without editors names its authors, separated by middle dots: a dot keeps to
the name before it, so no line of the title page starts with one (read back from the PDF)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers import chapter, write_book
from print_helpers import page_texts

from anthology.build import load_book
from anthology.markup.render import render_chapters
from anthology.print.engine import make_pdf

GIVEN = ["Ann", "Bartholomew", "Cy", "Deirdre", "Eli", "Gwendolyn", "Hal", "Ifeoma", "Jo", "Maximiliana"]
FAMILY = ["Ashby", "Brook", "Featherstonehaugh", "Dunn", "Ellis-Carter", "Okonkwo", "Hale", "Wolfe", "Fitzgerald", "Li"]


@pytest.mark.slow
def test_no_title_page_line_starts_with_a_separator(tmp_path: Path) -> None:
    rng = random.Random(3)
    names = sorted({f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(60)})[:30]
    chapters = {f"{i:02d}.md": chapter(f"Chapter {i}", name, "Some text.") for i, name in enumerate(names, 1)}
    root = write_book(tmp_path / "book", chapters, toml='[book]\ntitle = "Thirty Voices"\nlanguage = "en-GB"\neditors = []\n')
    book = load_book(root)
    path = root / "title.pdf"
    path.write_bytes(make_pdf(book, render_chapters(book.chapters)).artifact.data or b"")
    page = next(t for t in page_texts(path) if "·" in t)
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    assert len([line for line in lines if "·" in line]) > 3  # the names run over several lines
    assert not [line for line in lines if line.startswith("·")], lines
