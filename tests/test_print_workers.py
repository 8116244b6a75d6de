"""The print edition's chunks in worker processes: what the join and the font instances promise.

- A chunk that fails in a worker stops the build with its own message, not a hang or a traceback.
- When WeasyPrint does not lay out margins where the chunks expect, the book is laid out as one
  document and reads the same.
- A static font instance is made once, kept in the cache folder, and a damaged copy there is made again;
  a font file handed over again is known by its bytes; an instance that cannot be made leaves the
  font to WeasyPrint.
- The joined PDF is a PDF that poppler reads page by page, with the outline of the whole book.
- The front matter laid out beside the back matter or after it gives the same PDF, and the join
  puts chunks added in any order back in the book's order.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
import weasyprint.layout
from pypdf import PdfReader
from test_incremental import _book

from anthology.build import build
from anthology.errors import BuildError, Diagnostic
from anthology.layout.fonts import book_fonts
from anthology.print import chunk_layout, chunk_runner, join, static_fonts
from anthology.print import chunks as chunking

pytestmark = pytest.mark.slow  # builds whole books


def test_a_chunk_failing_in_a_worker_fails_the_build_with_its_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers are forked, so they fail as patched here; the error crosses back whole."""
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 2)
    root = _book(tmp_path / "book")

    def fail(*args: object, **kwargs: object) -> bytes:
        raise BuildError(Diagnostic(None, "the chunk could not be written", key="--pdf-variant", hint="try another"))

    monkeypatch.setattr(chunk_layout, "write", fail)
    with pytest.raises(BuildError) as raised:
        build(root, "pdf", jobs=2, use_cache=False)
    (problem,) = raised.value.diagnostics
    assert (problem.message, problem.key, problem.hint) == ("the chunk could not be written", "--pdf-variant", "try another")
    assert not (root / "build" / "test-book.pdf").exists()


def test_without_the_margin_hook_the_book_is_laid_out_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _book(tmp_path / "book")
    build(root, "pdf", jobs=1, use_cache=False, output_dir=tmp_path / "chunks")
    original = weasyprint.layout.make_margin_boxes

    def moved(layout_context: Any, page: Any, state: Any) -> Any:  # as if a WeasyPrint release renamed its parameters
        return original(layout_context, page, state)

    monkeypatch.setattr(weasyprint.layout, "make_margin_boxes", moved)
    build(root, "pdf", jobs=1, use_cache=False, output_dir=tmp_path / "fallback")
    build(root, "pdf", jobs=1, use_cache=False, chunked=False, output_dir=tmp_path / "whole")
    assert (tmp_path / "fallback" / "test-book.pdf").read_bytes() == (tmp_path / "whole" / "test-book.pdf").read_bytes()
    texts = [
        subprocess.run(["pdftotext", "-layout", str(tmp_path / name / "test-book.pdf"), "-"], capture_output=True, text=True, check=True).stdout
        for name in ("chunks", "whole")
    ]
    assert texts[0] == texts[1]


def test_static_instances_are_made_once_and_damaged_copies_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(static_fonts, "_instances", {})
    face = book_fonts()[0]
    data = face.path.read_bytes()
    made = static_fonts.instance(data, 0, {"wght": 600.0, "opsz": 14.0})
    (kept,) = (tmp_path / "anthology" / "fonts").glob("*.ttf")
    assert kept.read_bytes() == made and b"fvar" not in made[:400]
    monkeypatch.setattr(static_fonts, "_instances", {})
    monkeypatch.setattr(static_fonts, "_make", lambda *args: pytest.fail("made again although kept"))
    assert static_fonts.instance(data, 0, {"wght": 600.0, "opsz": 14.0}) == made
    kept.write_bytes(made[:-10] + b"0123456789")
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(static_fonts, "_instances", {})
    assert static_fonts.instance(data, 0, {"wght": 600.0, "opsz": 14.0}) == made


def test_an_instance_that_cannot_be_made_leaves_the_font_to_weasyprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tested fallback: when HarfBuzz cannot make an instance, WeasyPrint embeds the variable font
    its own way and the PDF still holds the book's text in Literata."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(static_fonts, "_instances", {})
    tried: list[dict[str, float]] = []

    def refuse(data: bytes, index: int, location: dict[str, float]) -> bytes:
        tried.append(location)
        raise ValueError("no instance here")

    monkeypatch.setattr(static_fonts, "_make", refuse)
    root = _book(tmp_path / "book")
    build(root, "pdf", jobs=1, use_cache=False, chunked=False)
    pdf = root / "build" / "test-book.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert tried and "Literata" in fonts and "Chapter 1" in text
    assert not list((tmp_path / "cache").rglob("*.ttf"))


def test_a_font_file_seen_again_is_known_by_its_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint hands over a new copy of a font file for every PDF: the copy gets the same key, and
    another file of the same length its own."""
    import hashlib

    monkeypatch.setattr(static_fonts, "_digests", {})
    data = book_fonts()[0].path.read_bytes()
    copy, other = bytes(bytearray(data)), data[:-1] + bytes([data[-1] ^ 1])
    assert copy is not data and len(other) == len(data)
    assert static_fonts._digest(data) == static_fonts._digest(copy) == hashlib.sha256(data).hexdigest()
    assert static_fonts._digest(other) == hashlib.sha256(other).hexdigest() != static_fonts._digest(data)


def test_the_joined_pdf_reads_page_by_page_with_one_outline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 1)
    root = _book(tmp_path / "book")
    build(root, "pdf", jobs=2, use_cache=False)
    pdf = root / "build" / "test-book.pdf"
    reader = PdfReader(str(pdf))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert [t for t in titles if t.startswith("Chapter")] == [f"Chapter {n}" for n in range(1, 9)]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and f"Pages:           {len(reader.pages)}" in info
    for number in range(1, len(reader.pages) + 1):
        subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True, check=True)


def test_static_instances_do_not_depend_on_the_build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache folder is shared by every book: an instance made for one must serve another byte for byte."""
    data = book_fonts()[1].path.read_bytes()
    made = []
    for epoch in ("0", "1900000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        made.append(static_fonts._make(data, 0, {"wght": 400.0, "opsz": 12.0}))
    assert made[0] == made[1]


def test_front_matter_beside_the_back_matter_or_after_it_gives_the_same_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The contents of this book names only the opening of the back matter, so the front matter may
    be laid out beside it, with that page number known beforehand; the PDF is the same either way."""
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 2)
    root = _book(tmp_path / "book")
    beside: list[bool] = []
    for allowed in (True, False):
        def decide(*args: object, allowed: bool = allowed) -> bool:
            beside.append(allowed)
            return allowed

        monkeypatch.setattr(chunk_runner, "side_by_side", decide)
        build(root, "pdf", jobs=2, use_cache=False, output_dir=tmp_path / str(allowed))
    assert beside == [True, False]
    assert (tmp_path / "True" / "test-book.pdf").read_bytes() == (tmp_path / "False" / "test-book.pdf").read_bytes()


def test_the_join_takes_chunks_in_any_order_and_keeps_the_book_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks added out of order (as the front matter is, last) are put back in the book's order:
    the same pages, page labels and text of every page, whichever order they came in."""
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 2)
    root = _book(tmp_path / "book")
    parts: list[tuple[int, bytes]] = []
    original = join.Joining.add

    def keep(self: join.Joining, data: bytes, index: int) -> None:
        parts.append((index, data))
        original(self, data, index)

    monkeypatch.setattr(join.Joining, "add", keep)
    build(root, "pdf", jobs=1, use_cache=False, output_dir=tmp_path / "built")
    added = [index for index, _ in parts]
    assert added[-1] == 0 and sorted(added) == list(range(len(added)))  # the front matter came last
    in_order = [data for _, data in sorted(parts)]
    backwards = join.Joining()
    for index in reversed(range(len(in_order))):
        original(backwards, in_order[index], index)
    joined = tmp_path / "backwards.pdf"
    joined.write_bytes(backwards.finish([], len(PdfReader(io.BytesIO(in_order[0])).pages)))
    built = tmp_path / "built" / "test-book.pdf"
    want, got = PdfReader(str(built)), PdfReader(str(joined))
    assert len(got.pages) == len(want.pages) and got.page_labels == want.page_labels
    texts = [
        subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
        for path in (built, joined)
    ]
    assert texts[0] == texts[1]


def test_workers_replaced_one_by_one_give_the_pdf_of_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker lays out BATCH chunks, never collecting its garbage, and is then replaced on its own;
    the chunks still come back in the book's order, and the PDF is that of a serial build."""
    monkeypatch.setattr(chunking, "CHUNK_DOCUMENTS", 1)
    monkeypatch.setattr(chunk_runner, "BATCH", 2)
    root = _book(tmp_path / "book")
    started: list[int] = []
    original = chunk_runner._Runner._start

    def start(self: chunk_runner._Runner) -> object:
        started.append(len(started))
        return original(self)

    monkeypatch.setattr(chunk_runner._Runner, "_start", start)
    build(root, "pdf", jobs=2, use_cache=False, output_dir=tmp_path / "workers")
    # eight body chapters, two at a time per worker: at least four workers for the body, then the back and front matter's
    assert len(started) >= 5
    build(root, "pdf", jobs=1, use_cache=False, output_dir=tmp_path / "serial")
    assert (tmp_path / "workers" / "test-book.pdf").read_bytes() == (tmp_path / "serial" / "test-book.pdf").read_bytes()
