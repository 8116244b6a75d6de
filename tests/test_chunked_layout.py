"""The print edition laid out in chunks reads the same as laid out in one document.

Two small books (parts, front and back matter, notes, an image; and eight plain chapters) are
laid out both ways, the chunked one with one document per chunk so that every boundary is a join.
Compared: page count, page labels, the text of every page (pdftotext), bookmarks with their
pages, the targets of the links, and the EPUB's page list made from each layout.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from matter_book import write_matter_book
from pypdf import PdfReader
from test_incremental import _book

from anthology.build import build
from anthology.print import chunk_runner, output
from anthology.print import chunks as chunking

pytestmark = pytest.mark.slow  # builds whole books


def _reading(pdf: Path) -> dict[str, object]:
    reader = PdfReader(str(pdf))
    texts = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")

    def outline(items: list[object], depth: int = 0) -> list[tuple[int, str, int]]:
        found = []
        for item in items:
            if isinstance(item, list):
                found += outline(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))  # type: ignore[attr-defined]
        return found

    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            destination = annotation.get("/Dest") or (annotation.get("/A") or {}).get("/D")
            links.append((number, str(destination)))
    return {
        "pages": len(reader.pages),
        "labels": reader.page_labels,
        "texts": texts,
        "outline": outline(reader.outline),
        "links": links,
    }


def _no_whole_layout(*args: object, **kwargs: object) -> None:
    raise AssertionError("the chunked layout fell back to one document")


@pytest.fixture(scope="module", params=["matter", "plain"])
def both(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp(request.param)
    root = write_matter_book(folder / "book") if request.param == "matter" else _book(folder / "book")
    build(root, "pdf,epub", jobs=1, use_cache=False, chunked=False, output_dir=folder / "whole")
    patch = pytest.MonkeyPatch()
    patch.setattr(chunking, "CHUNK_DOCUMENTS", 1)
    patch.setattr(output, "lay_out_whole", _no_whole_layout)  # proves that the chunks stood in for one document
    try:
        build(root, "pdf,epub", jobs=2, use_cache=False, chunked=True, output_dir=folder / "chunks")
    finally:
        patch.undo()
    return folder / "whole", folder / "chunks"


def test_chunked_layout_reads_the_same_as_one_document(both: tuple[Path, Path]) -> None:
    whole, chunks = both
    (pdf,) = [p.name for p in whole.glob("*.pdf")]
    expected, got = _reading(whole / pdf), _reading(chunks / pdf)
    assert got["pages"] == expected["pages"]
    assert got["labels"] == expected["labels"]
    assert got["outline"] == expected["outline"]  # every chapter starts on the same page
    assert got["links"] == expected["links"]
    for number, (want, have) in enumerate(zip(expected["texts"], got["texts"], strict=True)):  # type: ignore[arg-type]
        assert have == want, f"page {number + 1}"


def test_chunked_layout_gives_the_same_epub_and_a_pdf_whose_joins_hold(both: tuple[Path, Path]) -> None:
    """The EPUB's page list is the same; in the joined PDF every link, destination, structure element
    and font subset refers to something of its own document."""
    whole, chunks = both
    (epub,) = [p.name for p in whole.glob("*.epub")]
    assert (chunks / epub).read_bytes() == (whole / epub).read_bytes()
    (pdf,) = chunks.glob("*.pdf")
    with pikepdf.open(pdf) as joined:
        assert joined.check_pdf_syntax() == []
        pages = {page.obj.objgen for page in joined.pages}
        names = joined.Root.Names.Dests.Names
        destinations = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        assert all(d[0].objgen in pages for d in destinations.values())
        parents = joined.Root.StructTreeRoot.ParentTree.Nums
        keys = [int(parents[i]) for i in range(0, len(parents), 2)]
        assert keys == list(range(len(keys))) and int(joined.Root.StructTreeRoot.ParentTreeNextKey) == len(keys)
        used, links, tags = set(), 0, {}
        for page in joined.pages:
            used.add(int(page.obj.StructParents))
            for annotation in page.obj.get("/Annots", []):
                used.add(int(annotation.StructParent))
                if "/Dest" in annotation:
                    links += 1
                    assert str(annotation.Dest) in destinations
                else:
                    assert not str(annotation.A.URI).startswith(chunking.CROSS_LINK)
            for font in page.obj.Resources.get("/Font", {}).values():
                tags.setdefault(str(font.BaseFont), set()).add(font.objgen)
        assert used == set(keys) and links > 0
        assert all(len(objects) == 1 for objects in tags.values()), "two font subsets share a tag"

        def elements(element: object) -> Iterator[object]:
            for kid in element.get("/K", []) if isinstance(element.get("/K"), pikepdf.Array) else [element.get("/K")]:  # type: ignore[attr-defined]
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    yield kid
                    yield from elements(kid)

        document = joined.Root.StructTreeRoot.K[0]
        found = list(elements(document))
        assert len(found) > len(joined.pages)
        assert all(e.Pg.objgen in pages for e in found if "/Pg" in e)  # type: ignore[attr-defined]
        assert all(kid.P.objgen == document.objgen for kid in document.K)


def test_chunks_open_with_a_body_document_and_keep_front_and_back_apart(tmp_path: Path) -> None:
    from anthology.build import load_book
    from anthology.markup.render import render_book_matter, render_chapters
    from anthology.print.engine import print_edition

    book = load_book(write_matter_book(tmp_path / "book"))
    render_book_matter(book)
    edition = print_edition(book, render_chapters(book.chapters))
    parts = chunking.chunks(edition, 2)
    assert [c.kind for c in parts][0] == "front" and parts[-1].kind == "back"
    assert [d.id for c in parts for d in c.documents] == [d.id for d in edition.documents]
    assert all(c.documents[0].body_matter for c in parts if c.kind == "body")
    marker = chunking._end_marker(parts[1].documents[0])
    assert chunking.END in marker.body and f'id="{parts[1].documents[0].id}"' not in marker.body


@pytest.mark.parametrize("css", ["@page :nth(1 of first-chapter) { counter-reset: page 7; }", ".chapter { break-before: auto; }"])
def test_what_the_chunks_cannot_follow_falls_back_to_one_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str) -> None:
    """Numbering the chunks do not know, and chapters that do not open on a page of their own."""
    root = _book(tmp_path / "book")
    (root / "styles").mkdir()
    (root / "styles" / "print.css").write_text(css + "\n", encoding="utf-8")
    build(root, "pdf", jobs=1, use_cache=False, chunked=False, output_dir=tmp_path / "whole")
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 1)
    results = []

    def spy(*args: object, **kwargs: object) -> object:
        results.append(chunk_runner.make_joined(*args, **kwargs))  # type: ignore[arg-type]
        return results[-1]

    monkeypatch.setattr(output, "make_joined", spy)
    build(root, "pdf", jobs=1, use_cache=False, chunked=True, output_dir=tmp_path / "chunks")
    assert results == [None]
    whole, chunks = _reading(tmp_path / "whole" / "test-book.pdf"), _reading(tmp_path / "chunks" / "test-book.pdf")
    assert chunks == whole
