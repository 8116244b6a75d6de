"""French spacing as writers type it: the space inside « guillemets » and before ; : ! ? keeps to its
word in every edition, so no printed line ends with « nor starts with », ;, :, ! or ?."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers import chapter, write_book
from print_helpers import page_texts

from anthology.build import load_book
from anthology.markup.render import render_chapters
from anthology.print.engine import make_pdf
from anthology.text import french_spaces

WORDS = ("le port", "les bateaux", "la commune", "un atelier", "les habitants", "la coopération", "le quai", "les pêcheurs")


def test_guillemets_and_high_punctuation_keep_to_their_words() -> None:
    assert french_spaces("écrivait-elle ; « et les bateaux rentrent. »") == "écrivait-elle\u00a0; «\u00a0et les bateaux rentrent.\u00a0»"
    assert french_spaces("« Nous voulons », a-t-elle dit. Quoi ?! Non !") == "«\u00a0Nous voulons\u00a0», a-t-elle dit. Quoi\u00a0?! Non\u00a0!"
    assert french_spaces("« ") == "«\u00a0" and french_spaces(" »") == "\u00a0»"  # around emphasis: « <em>mot</em> »
    for kept in ("er sagte »Hallo« und", "»Hej« sagde", "«Grüezi»", "a: b", "at 10:30", "what?", "http://example.org"):
        assert french_spaces(kept) == kept


def test_french_spacing_in_the_markup_but_not_in_code(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter("A", "Ann Bee", "« Oui », dit-il ; `a ; b` et « *non* ».", lang="fr")})
    xhtml = render_chapters(load_book(root).chapters)[0].xhtml
    assert "«\u00a0Oui\u00a0», dit-il\u00a0;" in xhtml
    assert "<code>a ; b</code>" in xhtml
    assert "«\u00a0<em>non</em>\u00a0»" in xhtml


@pytest.mark.slow
def test_no_printed_line_ends_with_an_opening_guillemet_or_starts_with_high_punctuation(tmp_path: Path) -> None:
    rng = random.Random(7)
    paragraphs = []
    for _ in range(14):
        sentences = []
        for _ in range(8):
            a, b, c = rng.sample(WORDS, 3)
            sentences.append(rng.choice([f"« {a.capitalize()} et {b} », dit-elle ; {c} aussi.",
                                         f"Pourquoi {a} ? Parce que « {b} » : {c} !",
                                         f"Elle écrit : « {a} » ; puis « {b} et {c} »."]))
        paragraphs.append(" ".join(sentences))
    root = write_book(tmp_path / "book", {"a.md": chapter("Les feux du port", "Camille Dubois", "\n\n".join(paragraphs), lang="fr")},
                      toml='[book]\ntitle = "Le port"\nlanguage = "fr"\n')
    book = load_book(root)
    path = root / "fr.pdf"
    path.write_bytes(make_pdf(book, render_chapters(book.chapters)).artifact.data or b"")
    lines = [line.strip() for text in page_texts(path) for line in text.splitlines() if line.strip()]
    assert sum("«" in line for line in lines) > 80  # the text was set
    ends = [line for line in lines if line.endswith("«")]
    starts = [line for line in lines if line[0] in "»;:!?"]
    assert not ends and not starts, (ends, starts)
