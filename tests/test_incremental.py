"""Parallel and incremental builds give the same bytes as a serial cold build.

A small book (8 chapters, notes, an image) is built cold with one process and no cache; other
builds of it are compared with it byte for byte, in the same folder or in another one. A build that must not lay out the print edition runs with layout made to
fail, so a cache hit is proved, not assumed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pikepdf
import pytest
from helpers import chapter, write_book
from PIL import Image

from anthology.build import build
from anthology.cache import Cache, digest
from anthology.print import chunk_runner, output
from anthology.print import chunks as chunking
from anthology.print.chunk_layout import lay_out_chunk
from anthology.print.chunks import ChunkJob

pytestmark = pytest.mark.slow  # builds whole books

SLUG = "test-book"


def _book(root: Path, dated: bool = True) -> Path:
    chapters = {}
    for n in range(1, 9):
        body = f"Chapter {n} opens here.[^a]\n\n" + ("Words of the story go on. " * (20 + 10 * n)) + "\n\n[^a]: A note.\n"
        if n == 3:
            body += "\n![A blue square](square.png)\n"
        dates = {"date": "2020-01-02"} if dated else {}
        chapters[f"{n:02d}-c.md"] = chapter(title=f"Chapter {n}", author=f"Author {n}", body=body, **dates)
    root = write_book(root, chapters)
    Image.new("RGB", (40, 40), "#2040a0").save(root / "chapters" / "square.png")
    return root


def _outputs(build_dir: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(build_dir.rglob("*")):
        if path.is_file() and ".cache" not in path.parts:
            found[path.relative_to(build_dir).as_posix()] = path.read_bytes()
    return found


def _cold(root: Path, formats: str = "epub,pdf,html", **options: object) -> dict[str, bytes]:
    """The outputs of a serial build without the cache, built in ``root``; its build folder is then emptied."""
    build(root, formats, jobs=1, use_cache=False, **options)  # type: ignore[arg-type]
    made = _outputs(root / "build")
    shutil.rmtree(root / "build")
    return made


def _layouts_seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """The (kind, index) of each chunk laid out from now on."""
    laid: list[tuple[str, int]] = []

    def spy(job: ChunkJob, *args: object) -> object:
        laid.append((job.kind, job.index))
        return lay_out_chunk(job, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(chunk_runner, "lay_out_chunk", spy)
    return laid


def _no_layout(*args: object, **kwargs: object) -> None:
    raise AssertionError("the print edition was laid out again")


def test_parallel_build_is_byte_identical_to_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 2)  # four body chunks: two workers lay them out at once
    root = _book(tmp_path / "book")
    cold = _cold(root)
    build(root, "epub,pdf,html", jobs=2, use_cache=False)
    assert _outputs(root / "build") == cold
    assert not (root / "build" / ".cache").exists()


@pytest.mark.parametrize("layout", ["chunks", "whole"])
def test_the_same_sources_in_another_folder_give_the_same_bytes(tmp_path: Path, layout: str) -> None:
    """Nothing of the folder's absolute path gets into the EPUB or the PDF (the PDF names an image
    from its address inside the book's folder, see anthology.print.patches.image_names)."""
    here = _book(tmp_path / "here" / "book")
    there = tmp_path / "somewhere" / "else" / "another-name"
    shutil.copytree(here, there)
    made = _cold(here, "epub,pdf", chunked=layout == "chunks")
    assert _cold(there, "epub,pdf", chunked=layout == "chunks") == made
    assert set(made) == {"test-book.epub", "test-book.pdf"}


def test_rebuild_from_cache_is_byte_identical_and_lays_nothing_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _book(tmp_path / "book")
    cold = _cold(root)
    build(root, "epub,pdf,html", jobs=2)
    assert _outputs(root / "build") == cold
    monkeypatch.setattr(output, "lay_out_whole", _no_layout)
    monkeypatch.setattr(output, "make_joined", _no_layout)
    shutil.rmtree(root / "build" / "html")
    (root / "build" / f"{SLUG}.pdf").unlink()
    build(root, "epub,pdf,html", jobs=2)
    assert _outputs(root / "build") == cold
    (root / "build" / f"{SLUG}.epub").unlink()
    build(root, "epub", jobs=1)  # an EPUB alone takes the print page numbers from the cache
    assert (root / "build" / f"{SLUG}.epub").read_bytes() == cold[f"{SLUG}.epub"]


def test_edited_chapter_is_laid_out_again_and_matches_a_cold_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the chunk of the edited chapter is laid out again (chunks of two chapters: 1-2, 3-4, 5-6, 7-8)."""
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 2)
    root = _book(tmp_path / "book")
    build(root, "epub,pdf", jobs=2)
    edited = root / "chapters" / "05-c.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("opens here", "begins here"), encoding="utf-8")
    laid = _layouts_seen(monkeypatch)
    build(root, "epub,pdf", jobs=1)
    assert laid == [("body", 3)]  # front matter is chunk 0; chapters 5 and 6 are the third body chunk
    assert len(list((root / "build" / ".cache" / "print").iterdir())) == 2
    incremental = _outputs(root / "build")
    assert incremental == _cold(root, "epub,pdf")


def test_an_edit_to_a_book_without_dates_lays_out_its_chunk_and_the_front_matter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A book with no date is dated by its newest chapter file, which a save changes: only the front
    matter, whose dates the PDF carries, is laid out again with the edited chapter's chunk."""
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 2)
    root = _book(tmp_path / "book", dated=False)
    build(root, "pdf", jobs=1)
    edited = root / "chapters" / "05-c.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("opens here", "begins here"), encoding="utf-8")
    os.utime(edited, (2_000_000_000, 2_000_000_000))  # a later save than any before: the book's date moves
    laid = _layouts_seen(monkeypatch)
    build(root, "pdf", jobs=1)
    assert sorted(laid) == [("body", 3), ("front", 0)]
    with pikepdf.open(root / "build" / f"{SLUG}.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20330518")  # the saved file's time (2,000,000,000 s)
    assert _outputs(root / "build") == _cold(root, "pdf")


@pytest.mark.parametrize("change", ["stylesheet", "image", "page size"])
def test_a_change_anywhere_the_layout_reads_invalidates_the_cache(tmp_path: Path, change: str) -> None:
    root = _book(tmp_path / "book")
    build(root, "pdf", jobs=1)
    before = (root / "build" / f"{SLUG}.pdf").read_bytes()
    options: dict[str, object] = {}
    if change == "stylesheet":
        (root / "styles").mkdir()
        (root / "styles" / "print.css").write_text("p { letter-spacing: 0.1em; }\n", encoding="utf-8")
    elif change == "image":
        Image.new("RGB", (40, 40), "#a02040").save(root / "chapters" / "square.png")
    else:
        options = {"profile": "a4"}
    build(root, "pdf", jobs=1, print_options=options)
    after = (root / "build" / f"{SLUG}.pdf").read_bytes()
    assert after != before
    assert _cold(root, "pdf", print_options=options)[f"{SLUG}.pdf"] == after


def test_damaged_cache_files_are_ignored(tmp_path: Path) -> None:
    root = _book(tmp_path / "book")
    cold = _cold(root)
    build(root, "epub,pdf,html", jobs=1)
    entry = next((root / "build" / ".cache" / "print").iterdir())
    (entry / "book.pdf").write_bytes(b"%PDF-1.7 not what was stored")
    (entry / "meta.json").write_text("{ truncated", encoding="utf-8")
    build(root, "epub,pdf,html", jobs=1)
    assert _outputs(root / "build") == cold
    (entry / "index.json").write_bytes(b"\x00\xff")
    build(root, "epub,pdf,html", jobs=1)
    assert _outputs(root / "build") == cold


def test_cache_store_checks_what_it_reads(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = digest(["a", "b"])
    assert digest(["ab"]) != key and digest(["a", "b"]) == key
    cache.write("print", key, {"x": b"one"})
    assert cache.read("print", key, "x") == b"one"
    (tmp_path / "print" / key / "x").write_bytes(b"two")
    assert cache.read("print", key, "x") is None
    assert cache.read("print", "missing", "x") is None
    assert Cache(None).read("print", key, "x") is None


def test_epub_alone_takes_print_pages_from_the_cache_or_says_it_has_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """By default an EPUB alone never lays out the print edition: it takes the page numbers from the
    cache, or leaves them out with a warning naming the fix; --print-pages lays it out, and
    --no-print-pages leaves them out even when the cache has them."""
    from click.testing import CliRunner

    from anthology.cli import main

    def epub(*options: str) -> str:
        result = CliRunner().invoke(main, ["build", str(root), "--format", "epub", "--jobs", "1", *options])
        assert result.exit_code == 0, result.output
        return result.output

    root = _book(tmp_path / "book")
    with (root / "anthology.toml").open("a") as toml:  # a book with a print edition: the note is for it
        toml.write('\n[print]\nprofile = "a5"\n')
    cold = _cold(root, "epub,pdf")
    monkeypatch.setattr(output, "lay_out_whole", _no_layout)
    monkeypatch.setattr(output, "make_joined", _no_layout)
    said = epub()
    assert "no print page numbers" in said and "--print-pages" in said and "--format epub,pdf" in said
    assert b"page-list" not in (root / "build" / f"{SLUG}.epub").read_bytes()
    assert "the cache is off" in epub("--no-cache")
    monkeypatch.undo()
    assert "note:" not in epub("--print-pages")
    assert (root / "build" / f"{SLUG}.epub").read_bytes() == cold[f"{SLUG}.epub"]
    shutil.rmtree(root / "build")
    build(root, "pdf", jobs=1)
    monkeypatch.setattr(output, "lay_out_whole", _no_layout)
    monkeypatch.setattr(output, "make_joined", _no_layout)
    assert "note:" not in epub()
    assert (root / "build" / f"{SLUG}.epub").read_bytes() == cold[f"{SLUG}.epub"]
    assert "note:" not in epub("--no-print-pages")
    assert b"page-list" not in (root / "build" / f"{SLUG}.epub").read_bytes()


def test_the_build_looks_for_print_layouts_where_the_output_keeps_them() -> None:
    from anthology.build import PRINT_KIND

    assert PRINT_KIND == output.KIND
