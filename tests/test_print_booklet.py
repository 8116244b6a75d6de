"""Saddle-stitch imposition: booklet order for 4, 8 and 13 pages, read back from the imposed PDF."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from click.testing import CliRunner
from print_helpers import MM, half_text, write_small_book
from pypdf import PdfReader

from anthology.cli import main
from anthology.formats.booklet import booklet_order, impose, padded_count
from anthology.project.booklet_settings import booklet_table

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


@pytest.mark.slow
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


@pytest.mark.slow
def test_booklet_format_from_the_command_line(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book")
    result = CliRunner().invoke(main, ["build", str(root), "--format", "booklet"])
    assert result.exit_code == 0, result.output
    assert "small-booklet.pdf" in result.output
    assert "4 sheets of A4 for 11 A5 pages and the cover and 1 blank" in result.output and "flip on the short edge" in result.output
    reader = PdfReader(str(root / "build" / "small-booklet.pdf"))
    assert len(reader.pages) == 8  # 4 sheets, both sides: the cover is the outer sheet
    again = CliRunner().invoke(main, ["build", str(root), "--format", "booklet", "--output", str(tmp_path / "again")])
    assert again.exit_code == 0
    assert (tmp_path / "again" / "small-booklet.pdf").read_bytes() == (root / "build" / "small-booklet.pdf").read_bytes()


def test_imposition_keeps_page_content_whole() -> None:
    imposed = impose(_numbered_pdf(4))
    reader = PdfReader(io.BytesIO(imposed.data))
    text = reader.pages[0].extract_text() or ""
    assert "PAGE4X" in text and "PAGE1X" in text


def _placements(data: bytes) -> list[list[tuple[float, float]]]:
    """For each side of the imposed PDF, the (clip left, page origin x) of each page placed on it."""
    sides = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            found: list[tuple[float, float]] = []
            clip = 0.0
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "re":
                    clip = float(operands[0])
                elif str(operator) == "cm":
                    found.append((clip, float(operands[4])))
            sides.append(found)
    return sides


def test_creep_moves_each_sheet_towards_the_fold_more_than_the_last() -> None:
    paper = 0.25  # mm
    imposed = impose(_numbered_pdf(16), "Numbers", paper_mm=paper)
    assert imposed.creep_mm == pytest.approx((0, 0.25, 0.5, 0.75))
    sides = _placements(imposed.data)
    shifts = []
    for _number, side in enumerate(sides):
        (left_clip, left_origin), (right_clip, right_origin) = side
        left_shift, right_shift = left_origin - left_clip, right_origin - right_clip
        assert left_shift == pytest.approx(-right_shift, abs=1e-3)  # both halves towards the fold
        shifts.append(left_shift / MM)
    fronts = shifts[0::2]
    assert fronts == pytest.approx([0, 0.25, 0.5, 0.75], abs=1e-3)
    assert all(b > a for a, b in itertools.pairwise(fronts))
    assert shifts[1::2] == pytest.approx(fronts, abs=1e-3)


def test_booklet_above_the_saddle_stitch_limit_is_refused_unless_forced(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book", "\n[booklet]\nmax_sheets = 2\npaper_gsm = 100\n")
    refused = CliRunner().invoke(main, ["build", str(root), "--format", "booklet"])
    assert refused.exit_code == 1, refused.output
    assert "4 sheets of 100 gsm is more than a stapled booklet holds (2 sheets" in refused.output and "--force" in refused.output
    assert not (root / "build" / "small-booklet.pdf").exists()
    forced = CliRunner().invoke(main, ["build", str(root), "--format", "booklet", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "more than a stapled booklet holds" in forced.output and (root / "build" / "small-booklet.pdf").exists()


def test_default_limit_follows_the_paper_weight() -> None:
    assert booklet_table(None).max_sheets == 20 and booklet_table(None).paper_mm == pytest.approx(0.1)
    heavy = booklet_table({"paper_gsm": 160})
    assert heavy.max_sheets == 10 and heavy.paper_mm == pytest.approx(0.2)


def test_booklet_cover_outer_sheet_and_separate(tmp_path: Path) -> None:
    extra = 'description = "Two short chapters, stapled."\npublisher = "Test Press"\nisbn = { paperback = "978-0-306-40615-7" }\n'
    root = write_small_book(tmp_path / "book", extra)
    CliRunner().invoke(main, ["build", str(root), "--format", "booklet"])
    path = root / "build" / "small-booklet.pdf"
    back, front = half_text(path, 1, True), half_text(path, 1, False)
    assert "Two short chapters, stapled." in back and "TEST PRESS" in back.upper()
    assert "Small" in front and "Ann Author and Bo Author" in front
    assert half_text(path, 2, True).strip() == "" and half_text(path, 2, False).strip() == ""  # inside covers blank
    (root / "anthology.toml").write_text((root / "anthology.toml").read_text() + '\n[booklet]\ncover = "separate"\n')
    result = CliRunner().invoke(main, ["build", str(root), "--format", "booklet"])
    assert result.exit_code == 0, result.output
    cover = root / "build" / "small-booklet-cover.pdf"
    assert len(PdfReader(str(cover)).pages) == 2 and "Two short chapters" in half_text(cover, 1, True)
    assert len(PdfReader(str(path)).pages) == 6  # the 11 pages alone: 3 sheets
