"""Saddle-stitch imposition: booklet order for 4, 8 and 13 pages, read back from the imposed PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import weasyprint
from click.testing import CliRunner
from print_helpers import MM, half_text, write_small_book
from pypdf import PdfReader

from anthology.cli import main
from anthology.formats.booklet import booklet_order, impose, padded_count

# Sides in printing order as (left, right) page numbers from 1; 0 is a blank page.
EXPECTED = {
    4: [(4, 1), (2, 3)],
    8: [(8, 1), (2, 7), (6, 3), (4, 5)],
    13: [(0, 1), (2, 0), (0, 3), (4, 13), (12, 5), (6, 11), (10, 7), (8, 9)],
}


@pytest.mark.parametrize("pages", sorted(EXPECTED))
def test_booklet_order(pages: int) -> None:
    sides = [tuple(0 if p is None else p + 1 for p in side) for side in booklet_order(pages)]
    assert sides == EXPECTED[pages]
    assert padded_count(pages) % 4 == 0 and len(sides) == padded_count(pages) // 2


def _numbered_pdf(pages: int) -> bytes:
    body = "".join(f'<p style="break-after: page">PAGE{n}X</p>' for n in range(1, pages + 1))
    css = weasyprint.CSS(string="@page { size: A5; margin: 20mm } p { margin: 0; font-size: 20pt }")
    return weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf(stylesheets=[css])


def _label(text: str) -> int:
    digits = "".join(ch for ch in text.split("PAGE")[1].split("X")[0] if ch.isdigit()) if "PAGE" in text else ""
    return int(digits) if digits else 0


@pytest.mark.parametrize("pages", sorted(EXPECTED))
def test_imposed_pdf_reads_in_booklet_order(pages: int, tmp_path: Path) -> None:
    imposed = impose(_numbered_pdf(pages), "Numbers")
    path = tmp_path / "booklet.pdf"
    path.write_bytes(imposed.data)
    reader = PdfReader(str(path))
    assert imposed.sheets == padded_count(pages) // 4 and len(reader.pages) == 2 * imposed.sheets
    for page in reader.pages:  # A4 landscape
        assert float(page.mediabox.width) == pytest.approx(297 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(210 * MM, abs=0.5)
    found = [(_label(half_text(path, n, True)), _label(half_text(path, n, False))) for n in range(1, len(reader.pages) + 1)]
    assert found == EXPECTED[pages]


def test_booklet_format_from_the_command_line(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book")
    result = CliRunner().invoke(main, ["build", str(root), "--format", "booklet"])
    assert result.exit_code == 0, result.output
    assert "small-booklet.pdf" in result.output
    assert "3 sheets of A4 for 11 A5 pages and 1 blank" in result.output and "flip on the short edge" in result.output
    reader = PdfReader(str(root / "build" / "small-booklet.pdf"))
    assert len(reader.pages) == 6  # 3 sheets, both sides
    again = CliRunner().invoke(main, ["build", str(root), "--format", "booklet", "--output", str(tmp_path / "again")])
    assert again.exit_code == 0
    assert (tmp_path / "again" / "small-booklet.pdf").read_bytes() == (root / "build" / "small-booklet.pdf").read_bytes()


def test_imposition_keeps_page_content_whole() -> None:
    imposed = impose(_numbered_pdf(4))
    reader = PdfReader(io.BytesIO(imposed.data))
    text = reader.pages[0].extract_text() or ""
    assert "PAGE4X" in text and "PAGE1X" in text
