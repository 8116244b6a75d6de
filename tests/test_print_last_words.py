"""A paragraph's last word is never hyphenated in print: no paragraph ends with a line holding only
the end of a word. Read back from the PDF with pdftotext."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from helpers import chapter, pdf_page_texts, write_book

from anthology.build import build
from anthology.markup.render import ChapterMarkup
from anthology.print.last_words import whole_last_words

ENDINGS = ["organisations", "collaboratively", "understanding", "neighbourhoods", "commissioners", "relationships",
           "professionals", "independently", "participation", "responsibility", "opportunities", "conversations"]
WORDS = "we met the people who use the services and their families to talk about what matters most to them".split()


def _paragraphs(seed: int, count: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    found = []
    for n in range(count):
        ending = rng.choice(ENDINGS)
        words = [rng.choice(WORDS) for _ in range(rng.randint(12, 60))]
        found.append((" ".join(words).capitalize() + f" {ending}.", ending))
        if n % 5 == 0:  # one ends with a note call after its last word, one with emphasis
            found[-1] = (found[-1][0][:-1] + f".[^n{n}]", ending)
        elif n % 7 == 0:
            found[-1] = (found[-1][0][: -len(ending) - 1] + f"*{ending}*.", ending)
    return found


@pytest.mark.slow
def test_no_paragraph_ends_with_a_fragment_of_a_word(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    chapters = {}
    endings: list[str] = []
    for c in range(3):
        paragraphs = _paragraphs(c, 40)
        notes = "\n".join(f"[^n{n}]: A note." for n in range(0, 40, 5))
        chapters[f"{c + 1:02d}.md"] = chapter(f"Chapter {c + 1}", body="\n\n".join(p for p, _ in paragraphs) + "\n\n" + notes)
        endings += [e for _, e in paragraphs]
    root = write_book(tmp_path / "book", chapters)
    build(root, "pdf", root / "out", use_cache=False, jobs=1)
    # the whole_lines patch measured a line of a layout already freed in this book (patches.py)
    assert "Pango-CRITICAL" not in capfd.readouterr().err
    (pdf,) = (root / "out").glob("*.pdf")
    text = "\n".join(pdf_page_texts(pdf))
    broken = [line for line in text.splitlines() if re.fullmatch(r"[a-z]{2,8}\.(\s*\d+)?", line.strip())]
    assert not broken, f"paragraphs ending with a fragment of a word: {broken[:10]}"
    assert sum(text.count(e) for e in set(endings)) >= len(endings)  # each last word whole


def test_the_last_word_is_marked_past_a_note_call_and_inside_emphasis() -> None:
    xhtml = ('<p>First paragraph ends with <em>responsibility</em>.</p>'
             '<p>Second ends with understanding.<sup><a class="noteref" href="#fn-1">1</a></sup></p><p>Short end.</p>')
    marked = whole_last_words(ChapterMarkup(chapter=None, xhtml=xhtml)).xhtml  # type: ignore[arg-type]
    assert '<em><span class="last-word">responsibility</span></em>.' in marked
    assert '<span class="last-word">understanding.</span><sup>' in marked
    assert "Short end." in marked and marked.count("last-word") == 2  # 'end.' is too short to be hyphenated
