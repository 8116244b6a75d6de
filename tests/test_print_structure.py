"""The print edition's structure tree, walked as a screen reader walks it (issue 21): one Sect per
chapter, one P per paragraph across pages, notes as Note elements after the paragraph that calls
them, the calls References to them, running heads, folios and dot leaders as Artifacts, the words
broken by hyphenation whole, /Lang where the language changes, figures' BBoxes on their page, and
no marked content the tree does not reach. On the sample book and on a 12-chapter book in English
and Welsh (tests/tagged_book.py). docs/print.md lists the PDF/UA-1 (Matterhorn) checkpoints these
tests cover and those left to veraPDF or PAC."""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from structure_walk import Element, document, marked_content, marks_in_order, orphans, quoted, sections, struct_text, text_of, texts
from tagged_book import CHAPTERS, WELSH_CHAPTERS, write_tagged_book

from anthology.build import build, load_book

SOFT_HYPHEN = "\u00ad"
HYPHEN = "\u2010"  # what WeasyPrint draws at the end of a line broken inside a word
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Built:
    path: Path
    pdf: pikepdf.Pdf
    root: Element
    text: str  # pdfinfo -struct-text
    titles: list[str]  # the chapters' titles
    known: dict[tuple[tuple[int, int], int], str]  # each marked content's text


def _built(path: Path, book: Path) -> Built:
    pdf = pikepdf.open(path)
    root, text = document(pdf), struct_text(path)
    return Built(path, pdf, root, text, [chapter.title for chapter in load_book(book).chapters], texts(root, text))


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Built:
    book = write_tagged_book(tmp_path_factory.mktemp("tagged") / "book")
    build(book, "epub,pdf")
    return _built(book / "build" / "tagged-book.pdf", book)


@pytest.fixture(scope="module")
def sample(sample_build: Path) -> Built:
    return _built(next(sample_build.glob("*.pdf")), sample_build.parent)


def _text(element: Element, built: Built) -> str:
    """The text of ``element`` as pdfinfo prints it: found by its place among the Document's children."""
    index = built.root.kids.index(element)
    return sections(built.text)[index]


def _title(element: Element, built: Built) -> str:
    """The text of the first H1 under ``element`` (its lines joined by spaces)."""
    heading = next((e for e in element.walk() if e.s == "/H1"), None)
    if heading is None:
        return ""
    return " ".join(" ".join(built.known[mark] for mark in marks_in_order(heading)).split())


def _chapters(built: Built) -> list[Element]:
    """The Document's children that open with a chapter's title, in order."""
    return [kid for kid in built.root.kids if _title(kid, built) in built.titles]


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample", "tagged"])
def test_one_sect_per_chapter_across_its_pages(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    kids = [kid.s for kid in built.root.kids]
    assert set(kids) == {"/Sect"}, kids  # front matter pieces, chapters, back matter: each one Sect
    chapters = _chapters(built)
    assert [_title(chapter, built) for chapter in chapters] == built.titles
    assert len(kids) == len(chapters) + 5  # half-title, title page, imprint, contents; About the contributors
    for chapter in chapters:
        pages = {page for element in chapter.walk() for page, _ in element.mcids}
        assert len(pages) >= 2 or which == "sample"
        assert sum(1 for e in chapter.walk() if e.s == "/H1") == 1


@pytest.mark.slow
def test_a_paragraph_across_a_page_is_one_p(tagged: Built) -> None:
    split = 0
    for chapter in _chapters(tagged):
        body = next(kid for kid in chapter.kids if kid.s == "/Div")
        paragraphs = [kid for kid in body.kids if kid.s == "/P"]
        assert len(paragraphs) == 4  # FIRST, CALL, the long one, LAST: none cut in two
        for paragraph in paragraphs:
            pages = {page for element in paragraph.walk() for page, _ in element.mcids}
            split += len(pages) > 1
    assert split >= 6


@pytest.mark.slow
def test_each_note_follows_the_paragraph_that_calls_it(tagged: Built) -> None:
    notes = [e for e in tagged.root.walk() if e.s == "/Note"]
    assert len(notes) == 2 * CHAPTERS
    assert len({str(note.obj.ID) for note in notes}) == len(notes)
    destinations = {str(k): v for k, v in pikepdf.NameTree(tagged.pdf.Root.Names.Dests).items()}
    for chapter in _chapters(tagged):
        body = next(kid for kid in chapter.kids if kid.s == "/Div")
        for index, kid in enumerate(body.kids):
            if kid.s != "/Note":
                continue
            before = body.kids[index - 1]
            assert before.s == "/P"
            calls = [e for e in before.walk() if e.s == "/Reference"]
            assert len(calls) == 1 and [k.s for k in calls[0].kids] == ["/Link"]
            annotation = calls[0].kids[0].objrs[0].Obj
            assert str(annotation.Dest) == str(kid.obj.ID) and str(kid.obj.ID) in destinations
        assert sum(1 for e in chapter.walk() if e.s == "/Note") == 2
    # Each chapter reads as its pages do, each note right after the paragraph of its call.
    for number, chapter in enumerate(_chapters(tagged), start=1):
        text = "\n".join(quoted(_text(chapter, tagged)))
        order = [f"FIRST{number}x", f"CALL{number}x", f"NOTEA{number}x", f"LAST{number}x", f"NOTEB{number}x"]
        assert [text.index(marker) for marker in order] == sorted(text.index(marker) for marker in order)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample", "tagged"])
def test_no_marked_content_outside_the_tree(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    assert orphans(built.pdf, built.root) == 0
    assert sum(marked_content(page.obj).unmarked for page in built.pdf.pages) == 0  # text, rules, images
    assert sum(marked_content(page.obj).nested for page in built.pdf.pages) == 0  # no Artifact in tagged content, nor the other way
    # The parent tree leads from each marked content back to the element holding it.
    parents = {int(k): v for k, v in pikepdf.NumberTree(built.pdf.Root.StructTreeRoot.ParentTree).items()}
    for element in built.root.walk():
        for page, mcid in element.mcids:
            assert parents[int(built.pdf.get_object(page).StructParents)][mcid].objgen == element.obj.objgen
    # … and to nothing outside the tree.
    reached = {element.obj.objgen for element in built.root.walk()}
    values = [v for value in parents.values() for v in (value if isinstance(value, pikepdf.Array) else [value])]
    assert all(v.objgen in reached for v in values if isinstance(v, pikepdf.Dictionary))


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample", "tagged"])
def test_running_heads_folios_and_leaders_are_artifacts(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    kinds = [(a.get("/Type"), a.get("/Subtype")) for page in built.pdf.pages for a in marked_content(page.obj).artifacts]
    assert ("/Pagination", "/Header") in kinds and ("/Pagination", "/Footer") in kinds
    assert ("/Layout", None) in kinds  # the contents' dot leaders
    lines = quoted(built.text)
    assert not [line for line in lines if line.strip() in (".", ". ")]
    for chapter in _chapters(built):
        chapter_lines = quoted(_text(chapter, built))
        # No folio: a number standing alone is a note's call or in a table, nowhere else.
        calls_and_cells = {mark for e in chapter.walk() if e.s in ("/Reference", "/Table") for mark in marks_in_order(e)}
        alone = [built.known[mark] for mark in marks_in_order(chapter) if mark not in calls_and_cells and re.fullmatch(r"\d+|[ivxlc]+", built.known[mark].strip())]
        assert not alone
        assert not [line for line in chapter_lines if "\u2002·\u2002" in line]  # no running head


@pytest.mark.slow
def test_words_broken_by_hyphenation_read_whole(tagged: Built) -> None:
    broken = [line for line in quoted(tagged.text) if line.endswith(HYPHEN)]
    assert len(broken) > 20
    actual = [str(e.obj.ActualText) for e in tagged.root.walk() if "/ActualText" in e.obj]
    assert len(actual) == len(broken) and all(text.endswith(SOFT_HYPHEN) and HYPHEN not in text for text in actual)
    # Text extraction from the pages (which follows the marked content's ActualText) has no hyphen left.
    pages = subprocess.run(["pdftotext", str(tagged.path), "-"], capture_output=True, text=True, check=True).stdout
    assert HYPHEN not in pages


@pytest.mark.slow
def test_lang_where_the_language_changes(tagged: Built) -> None:
    assert str(tagged.pdf.Root.Lang) == "en-GB"
    chapters = _chapters(tagged)
    known = tagged.known
    for number, chapter in enumerate(chapters, start=1):
        assert chapter.lang() == ("cy" if number in WELSH_CHAPTERS else None)
        inline = "community care" if number in WELSH_CHAPTERS else "gofal cymunedol"
        holder = next(e for e in chapter.walk() if e.s == "/Span" and "/Lang" in e.obj and text_of(e, known).strip() == inline)
        assert holder.lang() == ("en" if number in WELSH_CHAPTERS else "cy")


@pytest.mark.slow
def test_figures_bboxes_are_where_their_images_are(tagged: Built) -> None:
    built = tagged  # the sample book has no images
    figures = [e for e in built.root.walk() if e.s == "/Figure"]
    assert len(figures) == CHAPTERS
    for figure in figures:
        page = built.pdf.get_object(figure.mcids[0][0])
        left, bottom, right, top = (float(v) for v in page.MediaBox)
        x1, y1, x2, y2 = (float(v) for v in figure.obj.A.BBox)
        assert left <= x1 < x2 <= right and bottom <= y1 < y2 <= top
        placed = _image_placements(page)
        assert any(abs(x1 - px) < 1 and abs(y1 - py) < 1 and abs(x2 - (px + w)) < 1 and abs(y2 - (py + h)) < 1 for px, py, w, h in placed), (figure.obj.A.BBox, placed)
        assert str(figure.obj.get("/Alt", ""))


def _image_placements(page: pikepdf.Object) -> list[tuple[float, float, float, float]]:
    """Where each image is drawn on the page (x, y, width, height in points), from the content's matrices."""
    out = []
    stack = [pikepdf.Matrix()]
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(stack[-1])
        elif op == "Q":
            stack.pop()
        elif op == "cm":
            stack[-1] = pikepdf.Matrix(*[float(Decimal(str(v))) for v in operands]) @ stack[-1]
        elif op == "Do":
            m = stack[-1]
            corners = [m.transform((x, y)) for x in (0, 1) for y in (0, 1)]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            out.append((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    return out


@pytest.mark.slow
def test_the_epub_and_the_pdf_tell_a_reader_the_same(tagged: Built) -> None:
    """Ace-style parity: the same chapters with the same titles and languages, the same notes in each,
    the same inline spans in another language, tables, lists and figures."""
    epub = tagged.path.with_suffix(".epub")
    pdf_chapters = _chapters(tagged)
    with zipfile.ZipFile(epub) as archive:
        names = sorted(n for n in archive.namelist() if re.search(r"/ch\d+-.*\.xhtml$", n))
        assert len(names) == len(pdf_chapters)
        for name, chapter in zip(names, pdf_chapters, strict=True):
            root = etree.fromstring(archive.read(name))
            section = next(e for e in root.iter(f"{XHTML}section") if "chapter" in (e.get("class") or "").split())
            title = "".join(section.find(f".//{XHTML}h1").itertext()).strip()
            assert _title(chapter, tagged) == title
            epub_lang = section.get("lang")
            assert (chapter.lang() or "en-GB") == epub_lang
            asides = [a.get("id") for a in section.iter(f"{XHTML}aside") if "footnote" in (a.get("class") or "")]
            assert asides == [str(e.obj.ID) for e in chapter.walk() if e.s == "/Note"]
            spans = [s for s in section.iter(f"{XHTML}span") if s.get("lang")]
            assert len(spans) == sum(1 for e in chapter.walk() if e.s == "/Span" and "/Lang" in e.obj)
            for tag, kind in (("table", "/Table"), ("ul", "/L"), ("img", "/Figure")):
                assert len(list(section.iter(f"{XHTML}{tag}"))) == sum(1 for e in chapter.walk() if e.s == kind), tag


@pytest.mark.slow
def test_a_table_across_a_page_is_one_table_with_one_header(tagged: Built) -> None:
    tables = [e for e in tagged.root.walk() if e.s == "/Table"]
    assert len(tables) == CHAPTERS
    first = tables[0]
    assert len({page for e in first.walk() for page, _ in e.mcids}) > 1  # it does cross a page
    for table in tables:
        headers = [e for e in table.walk() if e.s == "/TH"]
        assert len(headers) == 3  # the header row repeated on the next page is an Artifact
        ids = {bytes(th.obj.ID) for th in headers}
        cells = [e for e in table.walk() if e.s == "/TD"]
        assert cells and all({bytes(h) for h in cell.obj.A.Headers} <= ids for cell in cells)
    assert sum(1 for e in first.walk() if e.s == "/TR") == 40


def test_a_note_of_several_paragraphs_is_one_note(tmp_path: Path) -> None:
    """A note of two paragraphs and a list: WeasyPrint wraps the lines before its second paragraph
    in an anonymous block of the note's own element, which was tagged a second Note, with the same
    /ID, inside the first (Matterhorn 19-004: IDs unique). One Note, holding the note's text in order."""
    from helpers import chapter, write_book

    note = "[^1]: NOTEA first paragraph.\n\n    NOTEB second paragraph.\n\n    - NOTEC an item\n    - NOTED another\n"
    book = write_book(tmp_path / "book", {"a.md": chapter(body=f"A paragraph with a call.[^1] And more.\n\n{note}")})
    build(book, "pdf")
    path = next((book / "build").glob("*.pdf"))
    with pikepdf.open(path) as pdf:
        root = document(pdf)
        notes = [e for e in root.walk() if e.s == "/Note"]
        assert len(notes) == 1 and not any(a.s == "/Note" for a in notes[0].ancestors())
        known = texts(root, struct_text(path))
        read = " ".join(known[mark] for mark in marks_in_order(notes[0]))
        assert [read.index(m) for m in ("NOTEA", "NOTEB", "NOTEC", "NOTED")] == sorted(read.index(m) for m in ("NOTEA", "NOTEB", "NOTEC", "NOTED"))
