"""Every note starts on the page of its call, and no justified paragraph has a line of one word
above a full line, read back from the PDF: a generated book of twelve chapters and 168 notes (short
ones, long ones, several to a paragraph, calls at the foot of pages) with emphasis in its text, in
two profiles and both layout modes."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from helpers import chapter, normalise_space, pdf_page_texts, write_book
from notes_book import _text, notes_off_their_page, stray_lines, write_notes_book

from anthology.build import build, load_book
from anthology.markup.render import render_chapters
from anthology.print.notes import too_long_notes
from anthology.print.profiles import print_settings


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


def test_a_note_too_long_for_any_page_is_named(tmp_path: Path) -> None:
    """WeasyPrint cannot split a note across pages: one longer than a page's note area is a warning
    naming its file and line (a 220-word note, the longest in the book above, is not)."""
    import random

    rng = random.Random(1)
    body = "A call.[^long] Another.[^short]\n\n" + f"[^long]: {_text(rng, 300)}\n\n[^short]: {_text(rng, 220)}\n"
    root = write_book(tmp_path / "book", {"a.md": chapter(body=body)})
    book = load_book(root)
    found = too_long_notes(render_chapters(book.chapters), print_settings(None))
    assert [(d.path, d.line, d.level) for d in found] == [(root / "chapters" / "a.md", 8, "warning")]
    assert "note 1 is too long" in found[0].message and "a5" in found[0].message and "set after the chapter" in found[0].message
    assert too_long_notes(render_chapters(book.chapters), print_settings(None, {"profile": "a4"})) == []


@pytest.mark.slow
def test_a_note_too_long_for_the_foot_of_a_page_is_set_whole_after_its_chapter(tmp_path: Path) -> None:
    """It would run past the foot of the page after its call, its end lost: it is an endnote instead,
    after the chapter's last paragraph, whole; the other notes stay at the foot of their pages."""
    import random

    rng = random.Random(2)
    paragraphs = [_text(rng, 70) + ("[^short]" if n == 1 else "[^long]" if n == 2 else "") for n in range(6)]
    body = "\n\n".join(paragraphs + ["The last words of the chapter."]) + (
        f"\n\n[^short]: A short note.\n\n[^long]: Long note begins. {_text(rng, 480)} Long note ends.\n")
    root = write_book(tmp_path / "book", {"a.md": chapter(body=body), "b.md": chapter("Next", "Cy Dee", _text(rng, 60))})
    build(root, "pdf", root / "out", use_cache=False, jobs=1)
    (pdf,) = (root / "out").glob("*.pdf")
    pages = [normalise_space(page) for page in pdf_page_texts(pdf)]
    text = " ".join(pages)
    assert "Long note ends." in text  # whole
    assert text.index("The last words of the chapter.") < text.index("Long note begins.") < text.index("Next Cy Dee")
    short = next(page for page in pages if "A short note." in page)
    assert "A short note." in short and "Long note begins" not in short
    for number, words in enumerate(_words(pdf), 1):  # nothing runs past a page's foot onto its folio
        foot = (210 - 21) * 72 / 25.4  # A5: the text block ends 21 mm above the page's foot; the folio stands below
        assert [text for y, text in words if y > foot and not re.fullmatch(r"\d+|[ivx]+", text)] == [], f"page {number}"


def _words(path: Path) -> list[list[tuple[float, str]]]:
    """Each page's words as (yMin, text), from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [[(float(y), html.unescape(t)) for y, t in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', page)]
            for page in out.split("<page ")[1:]]
