"""Links from one chapter to another: recorded by markup, resolved by layout for every edition, reported
when they lead nowhere, and kept up to date by the markup cache."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hardening_helpers import png_bytes
from helpers import DEFAULT_TOML, chapter, epubcheck_messages, write_book
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

from anthology.build import build, load_book
from anthology.check import check_book
from anthology.errors import SourceError
from anthology.markup import workers
from anthology.markup.render import XREF_SCHEME, render_chapter
from anthology.print import chunk_runner, output
from anthology.print import chunks as chunking

pytestmark = pytest.mark.slow  # builds whole books

XHTML = "{http://www.w3.org/1999/xhtml}"
FILLER = "\n\n".join(["The hills were quiet and the river ran low all that year. " * 6] * 3)

CHAPTERS = {
    "01-opening.md": chapter(
        title="Opening", author="Ann Bee",
        body="As Sam writes in [Why we stayed](02-why-we-stayed.md), we stayed.\n\n"
        "The worst of it is in [the second winter](./02-why-we-stayed.md#the-second-winter).\n\n"
        "Compare [the mill](../chapters/04-our%20town.md#the-mill), and a note.[^n]\n\n"
        + FILLER + "\n\n[^n]: See [the ending](03-ending.md).\n",
    ),
    "02-why-we-stayed.md": chapter(
        title="Why we stayed", author="Sam Lee",
        body=FILLER + "\n\n## The second winter\n\n" + FILLER + "\n\n## An aside {: #aside }\n\nShort.\n",
    ),
    "03-ending.md": chapter(
        title="Ending", author="Cy Dee",
        body="Back to [the opening](01-opening.md) and [the aside](02-why-we-stayed.md#aside).\n\n"
        "Nowhere: [gone](09-missing.md), [a third winter](02-why-we-stayed.md#the-third-winter), [notes](notes.txt).\n",
    ),
    "04-our town.md": chapter(title="Our town", author="Di Eve", body="## The mill\n\nIt turned.\n"),
}


def _write(root: Path) -> Path:
    root = write_book(root, CHAPTERS)
    (root / "front").mkdir()
    (root / "front" / "foreword.md").write_text("We begin with [an aside by Sam](../chapters/02-why-we-stayed.md#aside).\n\nNot [this one](../chapters/99-gone.md).\n", encoding="utf-8")
    return root


BUILD_WARNINGS: list[str] = []


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _write(tmp_path_factory.mktemp("xrefs") / "book")
    report = build(root, "epub,pdf,html", jobs=1, use_cache=False, chunked=False)
    BUILD_WARNINGS[:] = [d.format(root) for d in report.warnings]
    return root


def _markup(root: Path, name: str):  # type: ignore[no-untyped-def]
    found = next(c for c in load_book(root).chapters if c.source.name == name)
    return render_chapter(found, root)


def test_markup_records_cross_references(book: Path) -> None:
    markup = _markup(book, "01-opening.md")
    got = [(x.number, x.target, x.fragment, x.line) for x in markup.xrefs]
    assert got == [
        (1, "chapters/02-why-we-stayed.md", "", 6),
        (2, "chapters/02-why-we-stayed.md", "the-second-winter", 8),
        (3, "chapters/04-our town.md", "the-mill", 10),
        (4, "chapters/03-ending.md", "", 18),
    ]
    assert f'href="{XREF_SCHEME}1"' in markup.xhtml
    assert f'href="{XREF_SCHEME}4"' in markup.notes[0].xhtml
    target = _markup(book, "02-why-we-stayed.md")
    assert ("the-second-winter", "c2-the-second-winter") in target.anchors and ("aside", "c2-aside") in target.anchors


def _links(page: etree._Element) -> dict[str, str]:
    return {"".join(a.itertext()): a.get("href") for a in page.iter(f"{XHTML}a", "a") if "xref" in (a.get("class") or "")}


def _ids(page: etree._Element) -> set[str]:
    return {e.get("id") for e in page.iter() if e.get("id")}


EXPECTED = {  # link text: (target page, id in it; '' for the chapter's opening)
    "Why we stayed": ("ch02-why-we-stayed", ""),
    "the second winter": ("ch02-why-we-stayed", "c2-the-second-winter"),
    "the mill": ("ch04-our-town", "c4-the-mill"),
    "the ending": ("ch03-ending", ""),
}


def _expected(extension: str) -> dict[str, str]:
    return {text: page + extension + (f"#{anchor}" if anchor else "") for text, (page, anchor) in EXPECTED.items()}


def _check_targets(links: dict[str, str], read: object) -> None:
    """Every link's page exists and holds its id."""
    for href in links.values():
        name, _, anchor = href.partition("#")
        ids = _ids(read(name))  # type: ignore[operator]
        assert ids and (not anchor or anchor in ids), href


def test_epub_links_lead_to_the_chapter_and_heading(book: Path) -> None:
    epub = book / "build" / "test-book.epub"
    assert epubcheck_messages(epub) == []
    with zipfile.ZipFile(epub) as archive:
        pages = {Path(n).name: etree.fromstring(archive.read(n)) for n in archive.namelist() if n.endswith(".xhtml")}
    links = _links(pages["ch01-opening.xhtml"])
    assert links == _expected(".xhtml")
    _check_targets(links, pages.__getitem__)
    assert _links(pages["foreword.xhtml"]) == {"an aside by Sam": "ch02-why-we-stayed.xhtml#c2-aside"}
    ending = pages["ch03-ending.xhtml"]
    assert _links(ending) == {"the opening": "ch01-opening.xhtml", "the aside": "ch02-why-we-stayed.xhtml#c2-aside"}
    text = "".join(ending.itertext())
    assert "gone" in text and "a third winter" in text and XREF_SCHEME not in etree.tostring(ending, encoding="unicode")


def test_html_links_lead_to_the_page_and_id(book: Path) -> None:
    folder = book / "build" / "html"
    links = _links(lxml_html.parse(str(folder / "ch01-opening.html")).getroot())
    assert links == _expected(".html")
    _check_targets(links, lambda name: lxml_html.parse(str(folder / name)).getroot())
    assert _links(lxml_html.parse(str(folder / "foreword.html")).getroot()) == {"an aside by Sam": "ch02-why-we-stayed.html#c2-aside"}


def _pdf_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in out.split("\f")]


def _outline_pages(reader: PdfReader) -> dict[str, int]:
    found: dict[str, int] = {}

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.setdefault(item.title, reader.get_destination_page_number(item))  # type: ignore[attr-defined]

    walk(reader.outline)
    return found


def _link_targets(reader: PdfReader) -> list[tuple[int, int]]:
    """(page of the link, page it leads to) for every internal link of the PDF."""
    names = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            destination = annotation.get("/Dest") or (annotation.get("/A") or {}).get("/D")
            if destination is None:
                continue
            if isinstance(destination, str) or not hasattr(destination, "__getitem__") or isinstance(destination, bytes):
                destination = names[str(destination)]
                found.append((number, reader.get_destination_page_number(destination)))
            else:
                found.append((number, reader.get_page_number(destination[0].get_object()) if hasattr(destination[0], "get_object") else int(destination[0])))
    return found


def _assert_print_links(pdf: Path, links: dict[str, str]) -> None:
    """Each link text in ``links`` prints the page label of the outline entry it names, and a link
    annotation on its page leads to that page."""
    reader = PdfReader(str(pdf))
    texts = _pdf_texts(pdf)
    outline = _outline_pages(reader)
    labels = reader.page_labels
    targets = _link_targets(reader)
    for text, title in links.items():
        on = [(n, m.group(1)) for n, page in enumerate(texts) for m in [re.search(re.escape(text) + r" \(p\. (\d+)\)", page)] if m]
        assert on, f"no '{text} (p. N)' in the PDF"
        page, printed = on[0]
        target = outline[title]
        assert printed == labels[target], (text, printed, labels[target])
        assert (page, target) in targets, (text, page, target)


PRINT_LINKS = {"Why we stayed": "Why we stayed", "the second winter": "The second winter", "the mill": "The mill"}


def test_print_links_show_and_lead_to_the_target_page(book: Path) -> None:
    pdf = book / "build" / "test-book.pdf"
    _assert_print_links(pdf, PRINT_LINKS)
    _assert_print_links(pdf, {"the opening": "Opening"})
    _assert_print_links(pdf, {"an aside by Sam": "An aside"})  # from the foreword


@pytest.fixture(scope="module")
def chunked(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same book laid out one document per chunk, so that every link crosses a join."""
    folder = tmp_path_factory.mktemp("xref-chunks")
    _build_in_chunks(book, folder)
    return folder / "test-book.pdf"


def _build_in_chunks(book: Path, folder: Path) -> None:
    """The book's PDF laid out one document per chunk (never as one document), into ``folder``."""
    patch = pytest.MonkeyPatch()
    patch.setattr(chunking, "CHUNK_DOCUMENTS", 1)

    def no_whole(*args: object, **kwargs: object) -> None:
        raise AssertionError("the chunked layout fell back to one document")

    patch.setattr(output, "lay_out_whole", no_whole)
    try:
        build(book, "pdf", jobs=2, use_cache=False, chunked=True, output_dir=folder)
    finally:
        patch.undo()


def test_chunked_print_links_cross_chunks_with_their_page_numbers(book: Path, chunked: Path) -> None:
    _assert_print_links(chunked, PRINT_LINKS)
    _assert_print_links(chunked, {"the opening": "Opening", "the aside": "An aside"})
    assert _pdf_texts(chunked) == _pdf_texts(book / "build" / "test-book.pdf")


def test_the_books_own_wording_of_print_links_wins_in_chunks_as_in_one_document(tmp_path: Path) -> None:
    """docs/chapters.md: restyle ``a.xref::after`` in styles/print.css to change the wording. The chunks print
    the pages of other chunks' targets with the book's rule, not with one of the engine's own."""
    root = _write(tmp_path / "book")
    (root / "styles").mkdir()
    (root / "styles" / "print.css").write_text(
        'a.xref::after { content: " [see page " target-counter(attr(href), page) "]"; }\n', encoding="utf-8"
    )
    build(root, "pdf", jobs=1, use_cache=False, chunked=False, output_dir=tmp_path / "whole")
    _build_in_chunks(root, tmp_path / "chunks")
    whole, chunks = _pdf_texts(tmp_path / "whole" / "test-book.pdf"), _pdf_texts(tmp_path / "chunks" / "test-book.pdf")
    reader = PdfReader(str(tmp_path / "chunks" / "test-book.pdf"))
    opening = _outline_pages(reader)["Opening"]
    for text, title in PRINT_LINKS.items():
        printed = reader.page_labels[_outline_pages(reader)[title]]
        assert f"{text} [see page {printed}]" in chunks[opening], (text, chunks[opening])
    assert "(p." not in " ".join(chunks)
    assert chunks == whole


def test_links_that_lead_nowhere_are_reported_with_file_line_and_fix(book: Path) -> None:
    report = check_book(book, jobs=1)
    found = {d.message.split("'")[1]: d for d in report.warnings if d.path is not None and d.path.name == "03-ending.md"}
    missing = found["09-missing.md"]
    assert missing.line == 8 and "names no chapter of the book" in missing.message
    assert "'01-opening.md'" in (missing.hint or "") or "'02-why-we-stayed.md'" in (missing.hint or "")
    winter = found["02-why-we-stayed.md#the-third-winter"]
    assert winter.line == 8 and "no heading or anchor with the id 'the-third-winter'" in winter.message
    assert (winter.hint or "").startswith("use one of its ids: '#the-second-winter'")
    assert "not a web address" in found["notes.txt"].message
    assert missing.format(book).startswith("chapters/03-ending.md:8: warning: link to '09-missing.md' names no chapter")
    assert "'03-ending.md'" not in (missing.hint or "")  # the linking file itself is not suggested
    assert not [d for d in report.warnings if d.path is not None and d.path.name == "01-opening.md"]


def test_check_reports_the_editors_texts_links_that_lead_nowhere(book: Path) -> None:
    found = [d.format(book) for d in check_book(book, jobs=1).warnings if "99-gone" in d.message]
    assert found == [
        "front/foreword.md:3: warning: link to '../chapters/99-gone.md' names no chapter of the book: "
        "'chapters/99-gone.md' is not one of its chapter files; only its text is kept "
        "(link to a chapter file of the book, relative to this file: '../chapters/01-opening.md', "
        "'../chapters/04-our town.md', '../chapters/03-ending.md')"
    ]
    assert not [w for w in BUILD_WARNINGS if "99-gone" in w]  # the checker's, not said twice by the build


def test_check_finds_what_would_stop_the_build_in_an_editors_text_and_a_part_introduction(tmp_path: Path) -> None:
    toml = DEFAULT_TOML + '[[parts]]\ntitle = "One"\nchapters = ["chapters/01-a.md"]\nintro = "See ![a map](map.png)."\n'
    root = write_book(tmp_path / "book", {"01-a.md": chapter()}, toml)
    (root / "back").mkdir()
    (root / "back" / "afterword.md").write_text("Last words.\n\n![the end](gone.jpg)\n\n![a seal](../seal.png)\n", encoding="utf-8")
    (root / "seal.png").write_bytes(png_bytes())
    report = check_book(root, jobs=1)
    assert not [d for d in report.warnings if d.path is not None and d.path.name == "seal.png"]  # used, by the afterword
    errors = [d.format(root) for d in report.errors]
    assert any(e.startswith("back/afterword.md:3: error:") and "gone.jpg" in e for e in errors), errors
    assert any(e.startswith("anthology.toml:") and "map.png" in e for e in errors), errors
    with pytest.raises(SourceError) as raised:
        build(root, "epub", jobs=1, use_cache=False)
    assert sorted(d.format(root) for d in raised.value.diagnostics) == sorted(errors)


@pytest.fixture()
def rendered(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    names: list[str] = []
    original = workers.render_chapter

    def counting(chapter, *args, **kwargs):  # type: ignore[no-untyped-def]
        names.append(chapter.source.name)
        return original(chapter, *args, **kwargs)

    monkeypatch.setattr(workers, "render_chapter", counting)
    yield names


def test_renamed_heading_updates_the_links_to_it_without_rendering_the_linking_chapter(
    tmp_path: Path, rendered: list[str]
) -> None:
    root = write_book(tmp_path / "book", {
        "01-a.md": chapter(title="A", body="See [the winter](02-b.md#the-long-winter)."),
        "02-b.md": chapter(title="B", body="## The short winter\n\nCold.\n"),
    })
    build(root, "html", jobs=1)
    page = root / "build" / "html" / "ch01-a.html"
    assert _links(lxml_html.parse(str(page)).getroot()) == {}
    assert "See the winter." in " ".join(lxml_html.parse(str(page)).getroot().itertext())
    (root / "chapters" / "02-b.md").write_text(chapter(title="B", body="## The long winter\n\nCold.\n"), encoding="utf-8")
    rendered.clear()
    build(root, "html", jobs=1)
    assert rendered == ["02-b.md"]
    assert _links(lxml_html.parse(str(page)).getroot()) == {"the winter": "ch02-b.html#c2-the-long-winter"}


def test_part_introduction_links_to_a_chapter(tmp_path: Path) -> None:
    toml = (
        '[book]\ntitle = "Test Book"\nlanguage = "en"\n\n[[parts]]\ntitle = "One"\n'
        'intro = "Start with [the second](chapters/02-b.md#later)."\nchapters = ["chapters/01-a.md", "chapters/02-b.md"]\n'
    )
    root = write_book(tmp_path / "book", {"01-a.md": chapter(title="A"), "02-b.md": chapter(title="B", body="## Later\n\nOn.\n")}, toml)
    build(root, "html", jobs=1, use_cache=False)
    page = lxml_html.parse(str(root / "build" / "html" / "part1-one.html")).getroot()
    assert _links(page) == {"the second": "ch02-b.html#c2-later"}


def test_chunked_rebuild_takes_the_linking_chunks_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "book")
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the PDF's date, else the newest file's
    build(root, "pdf", jobs=1)
    laid: list[str] = []
    original = chunk_runner.lay_out_chunk

    def counting(job, *args, **kwargs):  # type: ignore[no-untyped-def]
        laid.append(f"{job.kind}{job.index}")
        return original(job, *args, **kwargs)

    monkeypatch.setattr(chunk_runner, "lay_out_chunk", counting)
    town = root / "chapters" / "04-our town.md"
    town.write_text(town.read_text(encoding="utf-8").replace("It turned.", "It stopped."), encoding="utf-8")
    build(root, "pdf", jobs=1)
    assert laid == ["body4"], laid  # only the edited chapter's chunk; those that link to other chapters come from the cache
    _assert_print_links(root / "build" / "test-book.pdf", PRINT_LINKS)
