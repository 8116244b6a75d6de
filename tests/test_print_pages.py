"""Print-only layout: notes at their calls, figures, short running heads, the profiles' page CSS."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import chapter, write_book
from PIL import Image

from anthology.build import load_book
from anthology.markup.render import ChapterMarkup, render_chapters
from anthology.print.notes import notes_at_calls
from anthology.print.profiles import PROFILES, PrintSettings, page_css
from anthology.print.running_heads import running_head

pytestmark = pytest.mark.slow  # builds whole books


def test_running_head_keeps_short_titles() -> None:
    assert running_head("Co-production – the Wiltshire perspective") == "Co-production – the Wiltshire perspective"


def test_running_head_cuts_at_the_first_sentence() -> None:
    assert running_head("Ruth’s story. Designing co-production in from the start – Wellbeing Teams") == "Ruth’s story"
    assert running_head("What is co-produced research? A vogue term or the opportunity for innovation?") == "What is co-produced research?"


def test_running_head_cuts_a_long_sentence_at_a_word() -> None:
    head = running_head("An extraordinarily long title without any sentence break that runs across the page")
    assert head.endswith("…") and len(head) <= 46 and " " not in head[-2:]


def test_page_css_mirrors_margins_and_adds_bleed_and_marks() -> None:
    profile = PROFILES["royal"]
    css = page_css(PrintSettings(profile, bleed=True, marks=True))
    assert "size: 156mm 234mm" in css and "marks: crop" in css and "bleed: 12mm" in css
    assert f"@page :left {{ margin-left: {profile.outer:g}mm; margin-right: {profile.inner:g}mm; }}" in css
    assert profile.inner > profile.outer
    plain = page_css(PrintSettings(profile))
    assert "marks: none" in plain and "bleed: 0mm" in plain


def _markups(tmp_path: Path, body: str) -> list[ChapterMarkup]:
    root = write_book(tmp_path / "book", {"a.md": chapter("Notes", "Ann Author", body)})
    book = load_book(root)
    return render_chapters(book.chapters)


def test_notes_move_to_their_calls_for_print_only(tmp_path: Path) -> None:
    body = "## Head[^h]\n\nText.[^t] Again.[^t]\n\n[^h]: In the head.\n[^t]: First para.\n\n    Second para.\n"
    markup = _markups(tmp_path, body)[0]
    printed = notes_at_calls(markup)
    assert printed.notes == () and len(markup.notes) == 2  # the EPUB's markup keeps its notes
    assert printed.xhtml.count('class="footnote"') == 2  # one per note, at the first call
    assert 'data-number="1"' in printed.xhtml and 'data-number="2"' in printed.xhtml
    assert 'data-label="Head"' in printed.xhtml  # the bookmark leaves the call out
    note = printed.xhtml[printed.xhtml.index('data-number="2"'):]
    assert '"><span class="note-p">First para.</span><span class="note-p">Second para.</span></span>' in note
    assert printed.xhtml.index("Text.") < printed.xhtml.index("First para.") < printed.xhtml.index("Again.")


def test_lone_images_become_captioned_figures_in_every_edition(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter("Pictures", "Ann Author", '![A](p.png "The caption")\n\nText ![B](p.png) inline.\n')})
    Image.new("RGB", (10, 10)).save(root / "chapters" / "p.png")
    book = load_book(root)
    printed = render_chapters(book.chapters)[0]  # the markup every edition lays out
    assert printed.xhtml.count("<figure") == 1
    assert "<figcaption>The caption</figcaption></figure>" in printed.xhtml
    assert "Text <img" in printed.xhtml
