"""Every note starts on the page of its call, and no justified paragraph has a line of one word
above a full line, read back from the PDF: a generated book of twelve chapters and 168 notes (short
ones, long ones, several to a paragraph, calls at the foot of pages) with emphasis in its text, in
two profiles and both layout modes."""

from __future__ import annotations

from pathlib import Path

import pytest
from notes_book import notes_off_their_page, stray_lines, write_notes_book

from anthology.build import build


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_notes_book(tmp_path_factory.mktemp("notes") / "book")


@pytest.mark.slow
@pytest.mark.parametrize(("profile", "chunked"), [("a5", True), ("trade-6x9", False)])
def test_every_note_starts_on_the_page_of_its_call(book: Path, tmp_path: Path, profile: str, chunked: bool) -> None:
    build(book, "pdf", output_dir=tmp_path, print_options={"profile": profile}, jobs=2, use_cache=False, chunked=chunked)
    pdf = next(tmp_path.glob("*.pdf"))
    count, off = notes_off_their_page(pdf)
    assert count >= 150
    assert off == []
    assert stray_lines(pdf) == []
