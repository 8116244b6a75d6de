"""The title page of a book without editors names its authors (six at most), separated by middle dots:
a dot keeps to the name before it, so no line of the title page starts with one (read back from the PDF)."""

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


def _title_page(root: Path, names: list[str]) -> list[str]:
    chapters = {f"{i:02d}.md": chapter(f"Chapter {i}", name, "Some text.") for i, name in enumerate(names, 1)}
    write_book(root, chapters, toml='[book]\ntitle = "Many Voices"\nlanguage = "en-GB"\neditors = []\n')
    book = load_book(root)
    path = root / "title.pdf"
    path.write_bytes(make_pdf(book, render_chapters(book.chapters)).artifact.data or b"")
    half_title, page, *_ = [t for t in page_texts(path) if "Many Voices" in t]
    assert half_title.split() == ["Many", "Voices"]
    return [line.strip() for line in page.splitlines() if line.strip()]


@pytest.mark.slow
def test_no_title_page_line_starts_with_a_separator(tmp_path: Path) -> None:
    rng = random.Random(3)
    names = sorted({f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(60)}, key=len)[-6:]  # the longest
    lines = _title_page(tmp_path / "six", names)
    assert len([line for line in lines if "·" in line]) >= 2, lines  # the names run over several lines
    assert not [line for line in lines if line.startswith("·")], lines
    assert all(any(name.split()[-1] in line for line in lines) for name in names), lines


@pytest.mark.slow
def test_a_title_page_without_editors_leaves_out_a_crowd_of_authors(tmp_path: Path) -> None:
    lines = _title_page(tmp_path / "seven", [f"{given} {family}" for given, family in zip(GIVEN[:7], FAMILY[:7], strict=True)])
    assert lines[0].startswith("Many Voices") and not [line for line in lines if "·" in line or "Ashby" in line], lines
