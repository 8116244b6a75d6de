"""The PDF's document properties, read back with pdfinfo and pikepdf: Author is the editors (or a
few authors and "and others"), the subtitle is in the title and the subject, and the XMP carries
the language, in the PDF/UA default, PDF/A, PDF/X and the booklet."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from helpers import chapter, write_book

from anthology.build import build, load_book
from anthology.print.metadata import pdf_author, pdf_title

DC = "{http://purl.org/dc/elements/1.1/}"
AUTHORS = ["Ann Bee", "Cy Dee", "Eve Eff", "Gus Aitch", "Ida Jay", "Kim Ell"]


def _book(root: Path, toml: str) -> Path:
    chapters = {f"{n:02d}.md": chapter(f"Chapter {n}", name, "Some text. " * 40) for n, name in enumerate(AUTHORS, 1)}
    return write_book(root, chapters, toml='[book]\ntitle = "Small Places"\nlanguage = "en-GB"\ndate = 2020-05-01\n' + toml)


def _info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def _xmp(path: Path) -> dict[str, object]:
    with pikepdf.open(path) as pdf:
        return dict(pdf.open_metadata())


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _book(tmp_path_factory.mktemp("meta") / "book", 'subtitle = "Writing from a hundred towns"\neditors = ["Alexandra Stanley-Hughes", "Ifeoma Okonkwo"]\n')
    build(root, "pdf,booklet", output_dir=root / "out", jobs=2, use_cache=False)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("variant", [None, "pdf/a-3u", "pdf/x-4"])
def test_the_pdf_names_its_editors_subtitle_and_language(edited: Path, tmp_path: Path, variant: str | None) -> None:
    if variant is None:
        path = edited / "out" / "small-places.pdf"
    else:
        build(edited, "pdf", output_dir=tmp_path, print_options={"pdf_variant": variant}, jobs=2, use_cache=False, chunked=False)
        path = tmp_path / "small-places.pdf"
    info, xmp = _info(path), _xmp(path)
    assert info["Author"] == "Alexandra Stanley-Hughes and Ifeoma Okonkwo"
    assert info["Title"] == "Small Places: Writing from a hundred towns"
    assert info["Subject"] == "Writing from a hundred towns"
    assert xmp[DC + "creator"] == [info["Author"]]
    assert xmp[DC + "title"] == info["Title"]
    assert xmp[DC + "language"] == {"en-GB"}


@pytest.mark.slow
def test_the_booklet_keeps_the_properties(edited: Path) -> None:
    path = edited / "out" / "small-places-booklet.pdf"
    info, xmp = _info(path), _xmp(path)
    assert info["Author"] == "Alexandra Stanley-Hughes and Ifeoma Okonkwo"
    assert info["Subject"] == "Writing from a hundred towns"
    assert info["Title"].startswith("Small Places")
    assert xmp[DC + "language"] == {"en-GB"} and xmp[DC + "creator"] == [info["Author"]]


@pytest.mark.slow
def test_a_book_without_editors_names_a_few_authors(tmp_path: Path) -> None:
    root = _book(tmp_path / "book", "editors = []\n")
    build(root, "pdf", output_dir=root / "out", jobs=2, use_cache=False)
    info = _info(root / "out" / "small-places.pdf")
    assert info["Author"] == "Ann Bee, Cy Dee, Eve Eff and others"
    assert info["Title"] == "Small Places" and "Subject" not in info


def test_the_author_line_in_other_languages(tmp_path: Path) -> None:
    root = _book(tmp_path / "cy", "editors = []\n")
    assert pdf_author(load_book(root)) == "Ann Bee, Cy Dee, Eve Eff and others"
    (root / "anthology.toml").write_text('[book]\ntitle = "Lleoedd"\nlanguage = "cy"\neditors = []\n', encoding="utf-8")
    assert pdf_author(load_book(root)) == "Ann Bee, Cy Dee, Eve Eff ac eraill"
    (root / "anthology.toml").write_text('[book]\ntitle = "Lleoedd"\nlanguage = "cy"\neditors = ["Ann Bee", "Cy Dee"]\n', encoding="utf-8")
    assert pdf_author(load_book(root)) == "Ann Bee a Cy Dee"
    (root / "chapters" / "05.md").unlink()
    (root / "chapters" / "06.md").unlink()
    (root / "anthology.toml").write_text('[book]\ntitle = "Lieux"\nlanguage = "fr"\nsubtitle = "Récits"\neditors = []\n', encoding="utf-8")
    assert pdf_author(load_book(root)) == "Ann Bee, Cy Dee, Eve Eff et Gus Aitch"
    assert pdf_title(load_book(root)) == "Lieux\u00a0: Récits"
