"""Print page numbers in the EPUB: every marker sits where its page of the PDF begins."""

from __future__ import annotations

import copy
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from epub_read import EPUB_TYPE, NS, Epub
from helpers import chapter, write_book
from lxml import etree

from anthology.build import build
from anthology.cli import main
from anthology.print.pagemap import _locate, _map_offset, fill_labels, significant

pytestmark = pytest.mark.slow  # builds whole books

BIG = "voices-from-the-valleys"
SAMPLE = "co-production-week-2019"
MARK = "\ue000"


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF, as poppler reads it (in reading order, floats in place)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def squeeze(text: str) -> str:
    """Text as both editions can be compared: no spaces, no hyphens (layout adds some), ligatures undone."""
    return re.sub(r"[\s\-\u2010\u00ad]", "", unicodedata.normalize("NFKC", text))


def marker_texts(epub: Epub) -> list[tuple[str, str, str, str]]:
    """(label, document, text before, text after) for every page-break marker, in reading order."""
    found = []
    for name in epub.spine():
        tree = copy.deepcopy(epub.tree(name))
        markers = tree.findall(".//x:span[@role='doc-pagebreak']", NS)
        labels = []
        for marker in markers:
            assert marker.get(EPUB_TYPE) == "pagebreak"
            assert marker.get("aria-label") == marker.get("title")
            labels.append(marker.get("aria-label"))
            marker.text = MARK
        text = squeeze("".join(tree.find(".//x:body", NS).itertext()))
        pieces = text.split(MARK)
        for index, label in enumerate(labels):
            found.append((label, name, pieces[index], pieces[index + 1]))
    return found


def printed_number(page_text: str) -> str | None:
    lines = [line.strip() for line in page_text.strip().splitlines() if line.strip()]
    if lines and re.fullmatch(r"\d+|[ivxlcdm]+", lines[-1]):
        return lines[-1]
    return None


def _without_heads(page_text: str, title: str) -> str:
    """The page's text without the running heads and the page number."""
    lines = [line.strip() for line in page_text.splitlines()]
    return " ".join(line for line in lines if line != title and "\u00b7" not in line and printed_number(line) is None)


def check_markers(epub_path: Path, pdf_path: Path) -> int:
    epub = Epub(epub_path)
    title = epub.opf.findtext(".//dc:title", namespaces=NS)
    pages = pdf_pages(pdf_path)
    markers = marker_texts(epub)
    assert len(markers) == len(pages)
    checked = 0
    for number, (page_text, (label, name, before, after)) in enumerate(zip(pages, markers, strict=True)):
        printed = printed_number(page_text)
        if printed is not None:
            assert label == printed, (number, label, printed)
        body = squeeze(page_text)
        if after == "":  # a blank page: its marker comes just before the next page's
            assert not squeeze(_without_heads(page_text, title)), (label, page_text)
            continue
        # A page that begins inside a word is marked at the nearest word boundary: the text after
        # the marker starts at most a word earlier or later than the page does.
        shifts = range(-WORD, WORD + 1)
        start = after[:20] if name.startswith("ch") else after[:20].split("\u2014")[0]  # the EPUB's contents adds " — "
        assert start and any(_shifted(before, after, k)[1] in body for k in shifts), (label, name, start, body[:200])
        if before and name.startswith("ch"):
            previous = squeeze(pages[number - 1])
            assert any(_shifted(before, after, k)[0] in previous for k in shifts), (label, name, before[-20:], previous[-200:])
        checked += 1
    return checked


WORD = 16  # the longest word part a page may start or end with


def _shifted(before: str, after: str, k: int) -> tuple[str, str]:
    """The last 20 characters before and the first 20 after a marker moved by ``k`` characters."""
    text, at = before + after, len(before) + k
    if at < 0 or at > len(text):
        return "\0", "\0"
    head = text[max(0, at - 20) : at]
    tail = text[at : at + 20].split("\u2014")[0]  # the EPUB's contents adds " — "
    return head, tail or "\0"


def test_every_marker_starts_its_pdf_page_in_the_big_book(big_build: Path) -> None:
    assert check_markers(big_build / f"{BIG}.epub", big_build / f"{BIG}.pdf") > 40


def test_every_marker_starts_its_pdf_page_in_the_sample(sample_build: Path) -> None:
    assert check_markers(sample_build / f"{SAMPLE}.epub", sample_build / f"{SAMPLE}.pdf") >= 10


def test_page_list_and_page_source(big_build: Path) -> None:
    epub = Epub(big_build / f"{BIG}.epub")
    nav = epub.tree("nav.xhtml")
    page_list = nav.find(".//x:nav[@id='page-list']", NS)
    assert page_list.get(EPUB_TYPE) == "page-list" and page_list.get("role") == "doc-pagelist"
    links = page_list.findall(".//x:a", NS)
    assert [a.text for a in links] == [m[0] for m in marker_texts(epub)]
    for link in links:
        name, target = link.get("href").split("#")
        assert epub.tree(name).find(f".//x:span[@id='{target}']", NS).get("role") == "doc-pagebreak"
    assert links[0].text == "i" and "1" in [a.text for a in links]
    pages = len(pdf_pages(big_build / f"{BIG}.pdf"))
    assert epub.meta("pageBreakSource") == [f"Voices from the Valleys, print edition ({BIG}.pdf, {pages} pages)"]


def test_no_marker_sits_inside_a_heading(big_build: Path) -> None:
    epub = Epub(big_build / f"{BIG}.epub")
    for name in epub.spine():
        for marker in epub.tree(name).iterfind(".//x:span[@role='doc-pagebreak']", NS):
            assert not any(re.search(r"\}h[1-6]$", a.tag) for a in marker.iterancestors()), name


def test_epub_alone_gets_the_print_page_numbers_with_print_pages(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter(body="Some words. " * 400)})
    result = CliRunner().invoke(main, ["build", str(root), "--format", "epub", "--print-pages"])
    assert result.exit_code == 0, result.output
    assert re.search(r"test-book\.epub .*1 chapter, \d+ print pages", result.output), result.output
    assert not (root / "build" / "test-book.pdf").exists()
    epub = Epub(root / "build" / "test-book.epub")
    assert len(epub.tree("nav.xhtml").findall(".//x:nav[@id='page-list']//x:a", NS)) >= 4


def test_labels_of_pages_that_print_no_number() -> None:
    assert fill_labels([None, None, "iii", None, "1", "2", None]) == ["i", "ii", "iii", "iv", "1", "2", "3"]
    assert fill_labels(["4", "4", None]) == ["4", "4-2", "5"]
    assert fill_labels([None, None]) == ["1", "2"]


def test_significant_characters_ignore_spaces_and_invisible_ones() -> None:
    assert significant(" a\u00adb\n c\u200b ") == "abc"


def test_marker_is_well_formed_xhtml(big_build: Path) -> None:
    epub = Epub(big_build / f"{BIG}.epub")
    raw = epub.files["EPUB/ch01-chapter-1-a-story-of-working-together.xhtml"].decode()
    assert raw.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html')
    etree.fromstring(raw.encode())


def test_markers_stay_right_when_print_hides_some_text(tmp_path: Path) -> None:
    words = " ".join(f"word{n}" for n in range(1500))
    body = "Opening words.\n\nOnly on screen, never in print.\n{: .screen-only }\n\n" + words + "\n"
    root = write_book(tmp_path / "book", {"a.md": chapter(body=body)})
    (root / "styles").mkdir()
    (root / "styles" / "print.css").write_text(".screen-only { display: none; }\n")
    build(root, "epub,pdf")
    assert "neverinprint" not in squeeze("".join(pdf_pages(root / "build" / "test-book.pdf")))
    assert check_markers(root / "build" / "test-book.epub", root / "build" / "test-book.pdf") >= 4


def test_locating_a_text_box_in_its_unit() -> None:
    assert _locate("abcdef", 0, "abc") == (0, 3)
    assert _locate("abcdef", 0, "abc\u2010") == (0, 3)  # a hyphen added at the end of a line
    assert _locate("hiddenwordsshown", 0, "shown") == (11, 16)  # text print leaves out is passed over


def test_mapping_an_offset_where_the_epub_text_differs() -> None:
    entries = [(f"Chapter{n}–Astoryofworkingtogether", f"AuthorNumber{n}Person") for n in range(1000)]
    printed = "".join(title + author for title, author in entries)
    epub = "".join(title + "\u2014" + author for title, author in entries)
    offset = printed.index("Chapter517–")
    assert _map_offset(printed, epub, offset) == epub.index("Chapter517–")
    assert _map_offset(printed, epub, printed.index("AuthorNumber999")) == epub.index("AuthorNumber999")
    assert _map_offset("abc", "abc", 2) == 2
