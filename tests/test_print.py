"""The print edition read back: notes on the page of their call, running heads, contents numbers,
page labels, bookmarks, hyphenation, images and tables inside the text block, fonts, tagging."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyphen
import pytest
from print_helpers import page_texts, write_print_book
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes as wp_boxes

from anthology.build import load_book
from anthology.markup.render import render_chapters
from anthology.print.engine import PrintResult, make_pdf

TITLES = ["A long chapter with notes. And a subtitle that runs on and on", "Pictures and tables", "Ein deutsches Kapitel"]


@dataclass
class Printed:
    path: Path
    result: PrintResult
    texts: list[str]
    reader: PdfReader


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    root = write_print_book(tmp_path_factory.mktemp("print") / "book")
    book = load_book(root)
    result = make_pdf(book, render_chapters(book.chapters))
    path = root / "print-test.pdf"
    path.write_bytes(result.artifact.data or b"")
    return Printed(path, result, page_texts(path), PdfReader(str(path)))


def _start_pages(printed: Printed) -> dict[str, int]:
    """Index of the page where each chapter opens: the page whose text begins with its title."""
    starts = {}
    for title in TITLES:
        starts[title] = next(i for i, t in enumerate(printed.texts) if " ".join(t.split()).startswith(title.split(".")[0]))
    return starts


@pytest.mark.slow
def test_each_note_stands_on_the_page_of_its_call(printed: Printed) -> None:
    calls = {n: i for i, t in enumerate(printed.texts) for n in re.findall(r"CALL(\d+)x", t)}
    notes = {n: i for i, t in enumerate(printed.texts) for n in re.findall(r"NOTE(\d+)x", t)}
    assert set(calls) == {"3", "7", "12", "13"}
    assert calls == notes
    assert len(set(calls.values())) > 1  # the notes are spread over several pages
    # the notes are not repeated at the end of the chapter
    assert sum(t.count("NOTE3x") for t in printed.texts) == 1


@pytest.mark.slow
def test_note_numbers_restart_in_each_chapter(printed: Printed) -> None:
    first = " ".join(next(t for t in printed.texts if "NOTE3x" in t).split())
    second = " ".join(next(t for t in printed.texts if "NOTEAx" in t).split())
    assert "1. NOTE3x" in first
    assert "1. NOTEAx" in second


@pytest.mark.slow
def test_chapters_open_on_right_hand_pages_without_running_heads(printed: Printed) -> None:
    for title, index in _start_pages(printed).items():
        assert index % 2 == 0, f"{title} opens on a left-hand page"
        first_line = printed.texts[index].strip().splitlines()[0]
        assert title.split(".")[0] in first_line  # nothing above the title: no running head


@pytest.mark.slow
def test_running_heads_book_title_left_chapter_and_author_right(printed: Printed) -> None:
    starts = sorted(_start_pages(printed).values())
    long_pages = range(starts[0] + 1, starts[1])
    lefts = [i for i in long_pages if i % 2 == 1 and printed.texts[i].strip()]
    rights = [i for i in long_pages if i % 2 == 0 and printed.texts[i].strip()]
    assert lefts and rights
    for i in lefts:
        assert printed.texts[i].strip().splitlines()[0].strip() == "Print Test"
    for i in rights:
        head = " ".join(printed.texts[i].strip().splitlines()[0].split())
        assert head == "A long chapter with notes · Ann Author"


@pytest.mark.slow
def test_blank_pages_carry_nothing(printed: Printed) -> None:
    blank = [i for i, t in enumerate(printed.texts) if not t.strip()]
    assert blank, "the sample should need a blank page before a right-hand opening"
    for i in blank:
        page = printed.reader.pages[i]
        assert not (page.extract_text() or "").strip()


@pytest.mark.slow
def test_page_labels_roman_front_matter_then_arabic(printed: Printed) -> None:
    labels = printed.reader.page_labels
    first = _start_pages(printed)[TITLES[0]]
    roman = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
    assert first >= 4 and labels[:first] == roman[:first]
    assert labels[first] == "1"
    assert printed.result.first_body_page == first
    # the number printed at the foot of a body page is its label
    last_line = printed.texts[first + 1].strip().splitlines()[-1].strip()
    assert last_line == "2"
    contents = next(t for t in printed.texts if t.strip().startswith("Contents"))
    # half-title i, its blank back ii, title page iii, imprint iv, contents v
    assert contents.strip().splitlines()[-1].strip() == "v"


@pytest.mark.slow
def test_contents_numbers_are_the_start_pages(printed: Printed) -> None:
    labels = printed.reader.page_labels
    contents = " ".join(next(t for t in printed.texts if t.strip().startswith("Contents")).split())
    for title, index in _start_pages(printed).items():
        ending = " ".join(title.split()[-3:])
        rest = contents[contents.index(ending) + len(ending):]
        match = re.match(r"[\s.]*?(\.\s*){2,}(\d+)", rest)
        assert match, (title, rest[:40])  # a dot leader (two dots at least, after a space), then the number
        assert match.group(2) == labels[index], title


@pytest.mark.slow
def test_contents_entries_have_the_author_beneath(printed: Printed) -> None:
    contents = [t for t in printed.texts if t.strip().startswith("Contents")][0]
    lines = [line.strip() for line in contents.splitlines() if line.strip()]
    after = lines[lines.index(next(line for line in lines if line.startswith("Pictures and tables"))) + 1]
    assert after == "Bea Bee and Cy Sea"


@pytest.mark.slow
def test_bookmarks_nested_chapters_and_sections(printed: Printed) -> None:
    outline = printed.reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == ["Contents"] + TITLES + ["About the contributors"]
    first_chapter = top.index(TITLES[0])
    children = outline[first_chapter + 1]
    assert isinstance(children, list) and [c.title for c in children] == ["A section heading"]


@pytest.mark.slow
def test_hyphenation_follows_the_chapter_language(printed: Printed) -> None:
    german = pyphen.Pyphen(lang="de")
    start = _start_pages(printed)["Ein deutsches Kapitel"]
    text = "\n".join(printed.texts[start:])
    breaks = re.findall(r"(\w+)[-\u2010\u00ad]\n[ \t]*(\w+)", text)
    assert breaks, "the German chapter should hyphenate its long compounds"
    for head, tail in breaks:
        assert len(head) in german.positions(head + tail), (head, tail)


def _text_width(result: PrintResult, page_index: int) -> float:
    page_box = result.document.pages[page_index]._page_box
    return page_box.width


def _descendants(box: wp_boxes.Box) -> list[wp_boxes.Box]:
    found = [box]
    for child in getattr(box, "children", []) or []:
        found.extend(_descendants(child))
    return found


@pytest.mark.slow
def test_images_and_tables_fit_the_text_block(printed: Printed) -> None:
    images = tables = 0
    for index, page in enumerate(printed.result.document.pages):
        width = _text_width(printed.result, index)
        left = page._page_box.content_box_x()
        for box in _descendants(page._page_box):
            if isinstance(box, wp_boxes.ReplacedBox) and box.element_tag == "img":
                images += 1
                assert box.margin_width() <= width + 0.5
                assert box.position_x >= left - 0.5
            if isinstance(box, wp_boxes.TableBox):
                tables += 1
                assert box.margin_width() <= width + 0.5
    assert images == 2 and tables >= 1


@pytest.mark.slow
def test_images_carry_their_captions(printed: Printed) -> None:
    text = " ".join(" ".join(printed.texts).split())
    assert "A wide field of blue" in text and "Under the tall one" in text
    page = next(t for t in printed.texts if "A wide field of blue" in t)
    assert "More text." in page


@pytest.mark.slow
def test_fonts_embedded_and_subset(printed: Printed) -> None:
    names = set()
    for page in printed.reader.pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            assert re.match(r"^/[A-Z]{6}\+", str(font["/BaseFont"])), font["/BaseFont"]
            names.add(str(font["/BaseFont"]))
    assert names


@pytest.mark.slow
def test_tagged_pdf_ua_with_title_and_language(printed: Printed) -> None:
    root = printed.reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root["/Lang"] == "en-GB"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert printed.reader.metadata.title == "Print Test"


@pytest.mark.slow
def test_no_crop_marks_or_bleed_by_default(printed: Printed) -> None:
    for page in printed.reader.pages:
        media = [float(v) for v in page.mediabox]
        assert [float(v) for v in page.trimbox] == pytest.approx(media, abs=0.01)
        assert [float(v) for v in page.bleedbox] == pytest.approx(media, abs=0.01)


@pytest.mark.slow
def test_streams_are_compressed_at_zlib_s_default_level_and_pydyf_is_left_as_it_was(printed: Printed) -> None:
    """pydyf asks zlib for level 9 (slow, for little); anthology writes at 6, only while it writes."""
    import zlib

    import pikepdf
    import pydyf

    from anthology.print import patches

    with pikepdf.open(printed.path) as opened:
        stream = opened.pages[0].obj.Contents
        stream = stream[0] if isinstance(stream, pikepdf.Array) else stream
        assert stream.Filter == pikepdf.Name.FlateDecode
        raw = stream.read_raw_bytes()  # as stored, still compressed
    assert raw[:2] == b"\x78\x9c"  # a zlib header saying "default level" (level 9 writes 78 DA)
    assert patches.FLATE_LEVEL == 6 and pydyf.zlib is zlib
