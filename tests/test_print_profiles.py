"""Print profiles, bleed and crop marks, the [print] table and command-line options, PDF variants,
reproducible bytes."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from print_helpers import MM, write_small_book
from pypdf import PdfReader

from anthology.build import build, load_book
from anthology.cli import main
from anthology.errors import ConfigError
from anthology.markup.render import render_chapters
from anthology.print.engine import make_pdf
from anthology.print.profiles import PROFILES, print_settings

SIZES_MM = {"a5": (148, 210), "a4": (210, 297), "letter": (215.9, 279.4), "trade-6x9": (152.4, 228.6), "royal": (156, 234)}
BLEED_PT = {"a5": 3 * MM, "a4": 3 * MM, "letter": 9.0, "trade-6x9": 9.0, "royal": 3 * MM}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_book(tmp_path_factory.mktemp("profiles") / "book")


def _pdf(root: Path, **options: object) -> PdfReader:
    book = load_book(root)
    settings = print_settings(book.config.print, options)
    result = make_pdf(book, render_chapters(book.chapters), settings)
    return PdfReader(io.BytesIO(result.artifact.data or b""))


def _box(page: object, name: str) -> list[float]:
    """A box of the page, measured from the lower-left corner of its MediaBox."""
    media = page.mediabox  # type: ignore[attr-defined]
    x, y = float(media.left), float(media.bottom)
    box = getattr(page, name)
    return [float(box.left) - x, float(box.bottom) - y, float(box.right) - x, float(box.top) - y]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SIZES_MM))
def test_profile_page_size_trim_and_bleed_boxes(small: Path, name: str) -> None:
    width, height = (v * MM for v in SIZES_MM[name])
    plain = _pdf(small, profile=name)
    for page in plain.pages:
        assert _box(page, "mediabox") == pytest.approx([0, 0, width, height], abs=0.05)
        assert _box(page, "trimbox") == pytest.approx([0, 0, width, height], abs=0.05)
        assert _box(page, "bleedbox") == pytest.approx([0, 0, width, height], abs=0.05)
    bled = _pdf(small, profile=name, bleed=True)
    b = BLEED_PT[name]
    # Bound pages bleed on the outer, top and bottom edges, never at the spine: the first page is a
    # recto, bound on its left; the second a verso, bound on its right.
    recto, verso = bled.pages[0], bled.pages[1]
    for page, trim_left in ((recto, 0), (verso, b)):
        assert _box(page, "mediabox") == pytest.approx([0, 0, width + b, height + 2 * b], abs=0.05)
        assert _box(page, "trimbox") == pytest.approx([trim_left, b, trim_left + width, height + b], abs=0.05)
        assert _box(page, "bleedbox") == pytest.approx([0, 0, width + b, height + 2 * b], abs=0.05)


def _corner_ink(pdf: bytes, tmp: Path) -> float:
    """Darkest pixel in the top-left 15 mm corner of the first page, 0 black to 255 white."""
    path = tmp / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", "-f", "1", "-l", "1", str(path), str(tmp / "p")], check=True)
    image = Image.open(next(tmp.glob("p*.png")))
    size = int(15 / 25.4 * 100)
    return float(image.convert("L").crop((0, 0, size, size)).getextrema()[0])


@pytest.mark.slow
def test_crop_marks_only_when_asked(small: Path, tmp_path: Path) -> None:
    book = load_book(small)
    markups = render_chapters(book.chapters)
    marked = make_pdf(book, markups, print_settings(None, {"bleed": True, "marks": True})).artifact.data or b""
    reader = PdfReader(io.BytesIO(marked))
    page = reader.pages[0]
    media, trim, bleed = _box(page, "mediabox"), _box(page, "trimbox"), _box(page, "bleedbox")
    assert trim[2] - trim[0] == pytest.approx(148 * MM, abs=0.05)
    assert bleed[2] == pytest.approx(trim[2] + 3 * MM, abs=0.05)  # the bleed stays 3 mm on the outer edge ...
    assert bleed[0] == pytest.approx(trim[0], abs=0.05)  # ... none at the spine (a recto's left edge) ...
    assert media[0] < bleed[0] - 10  # ... and the marks stand outside it
    (tmp_path / "m").mkdir()
    (tmp_path / "u").mkdir()
    assert _corner_ink(marked, tmp_path / "m") < 128
    unmarked = make_pdf(book, markups, print_settings(None, {"bleed": True})).artifact.data or b""
    assert _corner_ink(unmarked, tmp_path / "u") > 250
    marks_only = PdfReader(io.BytesIO(make_pdf(book, markups, print_settings(None, {"marks": True})).artifact.data or b""))
    page = marks_only.pages[0]
    assert _box(page, "bleedbox") == pytest.approx(_box(page, "trimbox"), abs=0.05)  # no bleed asked
    assert _box(page, "mediabox")[2] > _box(page, "trimbox")[2] + 20  # room for the marks


@pytest.mark.slow
def test_print_table_in_anthology_toml(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book", '\n[print]\nprofile = "royal"\nbleed = true\n')
    report = build(root, "pdf")
    reader = PdfReader(str(report.outputs[0][1]))
    assert float(reader.pages[0].trimbox.width) == pytest.approx(156 * MM, abs=0.05)
    assert float(reader.pages[0].mediabox.width) == pytest.approx(159 * MM, abs=0.05)  # bleed outside only
    # the command line wins over the file
    report = build(root, "pdf", print_options={"profile": "a4", "bleed": False})
    reader = PdfReader(str(report.outputs[0][1]))
    assert float(reader.pages[0].mediabox.width) == pytest.approx(210 * MM, abs=0.05)


def test_unknown_profile_in_toml_names_key_and_nearest(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book", '\n[print]\nprofile = "royl"\n')
    with pytest.raises(ConfigError) as caught:
        load_book(root)
    text = caught.value.format()
    assert "anthology.toml:7" in text and "royl" in text and "royal" in text


@pytest.mark.slow
def test_cli_print_options(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book")
    runner = CliRunner()
    bad = runner.invoke(main, ["build", str(root), "--format", "pdf", "--profile", "a6"])
    assert bad.exit_code == 2 and "--profile" in bad.output and "a5" in bad.output and "Traceback" not in bad.output
    bad = runner.invoke(main, ["build", str(root), "--format", "pdf", "--pdf-variant", "pdf/z-9"])
    assert bad.exit_code == 2 and "--pdf-variant" in bad.output
    good = runner.invoke(main, ["build", str(root), "--format", "pdf", "--profile", "trade-6x9", "--bleed", "--marks"])
    assert good.exit_code == 0, good.output
    assert "trade-6x9, bleed outside, crop marks" in good.output
    reader = PdfReader(str(root / "build" / "small.pdf"))
    assert float(reader.pages[0].trimbox.width) == pytest.approx(6 * 72, abs=0.05)


@pytest.mark.slow
def test_pdf_a_3u_builds(small: Path) -> None:
    reader = _pdf(small, pdf_variant="pdf/a-3u")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def _build_at(small: Path, clock: float, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The PDF as built when the clock says ``clock`` (font subsets are stamped with a time)."""
    monkeypatch.setattr(time, "time", lambda: clock)
    book = load_book(small)
    return make_pdf(book, render_chapters(book.chapters)).artifact.data or b""


@pytest.mark.slow
def test_same_sources_same_bytes(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = _build_at(small, 1_750_000_000.0, monkeypatch)
    assert first == _build_at(small, 1_760_000_000.0, monkeypatch)  # the book's date, never the clock
    assert PdfReader(io.BytesIO(first)).metadata["/CreationDate"].startswith("D:20200102")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = _build_at(small, 1_750_000_000.0, monkeypatch)
    assert dated == _build_at(small, 1_760_000_000.0, monkeypatch)
    assert PdfReader(io.BytesIO(dated)).metadata["/CreationDate"].startswith("D:20231114")
    assert dated != first  # the date is the only input that changed, and it shows


def test_every_profile_is_tested() -> None:
    assert set(PROFILES) == set(SIZES_MM)
