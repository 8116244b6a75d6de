"""The fixed words in the book's and each chapter's language, in every edition; [labels] over them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers import chapter, epubcheck_messages, normalise_space, pdf_page_texts, write_book

from anthology.build import build
from anthology.errors import ConfigError
from anthology.project.config import load_config

WELSH = """\
[book]
title = "Lleisiau'r Cwm"
language = "cy"
editors = ["Ann Bee", "Elin Ifans"]
license = "CC-BY-4.0"
date = 2024-03-01
"""

XREF = "Gweler [yr ail bennod](02-ail.md)."


@pytest.fixture(scope="module")
def welsh_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cymraeg") / "book"
    write_book(root, {
        "01-cyntaf.md": chapter("Y bennod gyntaf", "Ann Bee", XREF + "[^1]\n\n[^1]: Nodyn."),
        "02-ail.md": chapter("Ail bennod", "Dai Jones", "Testun.", license="CC0-1.0"),
        "03-fr.md": chapter("Un chapitre", "Jean Dupont", "Texte.[^1]\n\n[^1]: Une note.", lang="fr"),
    }, WELSH)
    (root / "front").mkdir()
    (root / "front" / "foreword.md").write_text("Gair o groeso.\n", encoding="utf-8")
    build(root, "epub,kepub,pdf,html,booklet", jobs=1, use_cache=False)
    return root / "build"


def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as epub:
        return "\n".join(epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith(".xhtml"))


def test_a_welsh_book_has_welsh_labels_in_the_epub_and_the_kobo_epub(welsh_build: Path) -> None:
    for name in ("lleisiau-r-cwm.epub", "lleisiau-r-cwm.kepub.epub"):
        text = epub_text(welsh_build / name)
        for words in ("Cynnwys", "Am y cyfranwyr", "Golygwyd gan Ann Bee ac Elin Ifans", "Rhagair", "Wynebddalen",
                      "Hawlfraint", "Tirnodau", "Dechrau&#39;r cynnwys", "Cysodwyd gydag anthology",
                      "Oni nodir yn wahanol mewn pennod", "Nodiadau", "Penodau gan Dai Jones", "Clawr"):
            assert words in text, (name, words)
        for english in ("Contents", "About the contributors", "Edited by", "Foreword", "Title page", "Landmarks",
                        "Typeset with", "Chapters by"):
            assert english not in text, (name, english)
    assert epubcheck_messages(welsh_build / "lleisiau-r-cwm.epub") == []


def test_a_chapter_in_french_has_french_labels_in_a_welsh_book(welsh_build: Path) -> None:
    text = epub_text(welsh_build / "lleisiau-r-cwm.epub")
    assert 'aria-label="Notes"' in text and "appel de note 1 dans le texte" in text
    assert 'aria-label="Nodiadau"' in text and "Yn ôl at nodyn 1 yn y testun" in text


def test_a_welsh_book_has_welsh_labels_in_the_pdf_and_the_booklet(welsh_build: Path) -> None:
    for name in ("lleisiau-r-cwm.pdf", "lleisiau-r-cwm-booklet.pdf"):
        text = normalise_space(" ".join(pdf_page_texts(welsh_build / name)))
        for words in ("Cynnwys", "Am y cyfranwyr", "Golygwyd gan Ann Bee ac Elin Ifans", "Rhagair", "© 2024 y cyfranwyr",
                      "Cyhoeddwyd 1 Mawrth 2024", "(t. "):
            assert words in text, (name, words)
        assert "Contents" not in text and "Edited by" not in text and "(p. " not in text, name


def test_a_welsh_book_has_welsh_labels_in_the_html_edition(welsh_build: Path) -> None:
    html = welsh_build / "html"
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "Cynnwys" in index and "Golygwyd gan" in index and "Contents" not in index
    page = (html / "ch01-y-bennod-gyntaf.html").read_text(encoding="utf-8")
    assert page.count('aria-label="Tudalennau"') == 2  # the navigation at the top and at the foot
    assert "Ann Bee" in page and "Nodiadau" in page and "Pages" not in page


def test_labels_in_anthology_toml_override_the_translations(tmp_path: Path) -> None:
    toml = WELSH + '\n[labels]\ncontents = "Tabl cynnwys"\n\n[labels.fr]\nnotes = "Les notes"\n'
    root = write_book(tmp_path / "book", {
        "01-cyntaf.md": chapter("Y bennod gyntaf", "Ann Bee", "Testun.[^1]\n\n[^1]: Nodyn."),
        "02-fr.md": chapter("Un chapitre", "Jean Dupont", "Texte.[^1]\n\n[^1]: Une note.", lang="fr"),
    }, toml)
    build(root, "epub,html", jobs=1, use_cache=False)
    text = epub_text(root / "build" / "lleisiau-r-cwm.epub")
    assert "Tabl cynnwys" in text and ">Cynnwys<" not in text
    assert 'aria-label="Les notes"' in text and 'aria-label="Nodiadau"' in text
    assert "Tabl cynnwys" in (root / "build" / "html" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("labels", "says"),
    [
        ('contnts = "x"', "unknown label 'contnts' in [labels] (did you mean 'contents'?)"),
        ('edited_by = "Gol."', "label 'edited_by' in [labels] must hold {names}"),
        ('[labels.fr]\nnotes = 3', "label 'notes' in [labels.fr] must be text"),
    ],
)
def test_a_wrong_label_is_named_with_its_fix(tmp_path: Path, labels: str, says: str) -> None:
    body = labels if labels.startswith("[") else "[labels]\n" + labels
    write_book(tmp_path, {"a.md": chapter()}, WELSH + "\n" + body + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert says in str(info.value)


def test_an_english_book_keeps_its_words(tmp_path: Path) -> None:
    toml = '[book]\ntitle = "Plain"\nlanguage = "en-GB"\neditors = ["Ann Bee", "Cy Dee", "Ed Eff"]\n'
    root = write_book(tmp_path / "book", {"a.md": chapter()}, toml)
    build(root, "epub", jobs=1, use_cache=False)
    text = epub_text(root / "build" / "plain.epub")
    assert "Edited by Ann Bee, Cy Dee and Ed Eff" in text and ">Contents<" in text and "About the contributors" in text
