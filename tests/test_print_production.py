"""Print production: printer presets, bleed edges, gray text, honest PDF/X, the wrap cover and its barcode.

PDFs are read back with pikepdf (boxes, content-stream operators, image colour spaces, output
intents), Ghostscript's inkcov device (ink per page) and zbarimg (the barcode, from a 300 dpi
rendering by pdftoppm).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from helpers import chapter, write_book
from PIL import Image
from print_helpers import long_chapter, write_print_book, write_small_book

from anthology.build import build, load_book
from anthology.check import check_book
from anthology.cli import main
from anthology.errors import BuildError, ConfigError
from anthology.print import colour
from anthology.print.profiles import PrintTable, print_settings
from anthology.print.wrap_cover import make_cover

IN = 72.0
HAS_GS = shutil.which("gs") is not None
HAS_ZBAR = shutil.which("zbarimg") is not None
ISBN = "978-0-306-40615-7"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book of 20-odd 6 x 9 pages with two RGB images and a transparent one: over KDP's minimum."""
    root = write_print_book(tmp_path_factory.mktemp("production") / "book",
                            f'description = "A book made to test covers.\\n\\nIt has two paragraphs."\npublisher = "Test Press"\n'
                            f'isbn = {{ paperback = "{ISBN}" }}\n')
    for n in range(4, 7):
        (root / "chapters" / f"0{n}-more.md").write_text(long_chapter().replace("A long chapter", f"Chapter {n}"), encoding="utf-8")
    Image.new("RGBA", (1200, 600), (200, 40, 40, 120)).save(root / "chapters" / "see-through.png")
    text = (root / "chapters" / "04-more.md").read_text(encoding="utf-8")
    (root / "chapters" / "04-more.md").write_text(text + '\n\n![A red veil](see-through.png "A veil")\n', encoding="utf-8")
    return root


_built: dict[tuple[str, str], Path] = {}


def _build(root: Path, printer: str, formats: str = "pdf", **options: object) -> Path:
    key = (str(root), printer + formats + repr(sorted(options.items())))
    if key not in _built:
        out = root / "out" / f"{printer}-{formats.replace(',', '-')}-{len(_built)}"
        build(root, formats, out, print_options={"printer": printer, **options}, use_cache=False, jobs=1)
        _built[key] = out
    return _built[key]


def _pdf(root: Path, printer: str) -> pikepdf.Pdf:
    return pikepdf.open(_build(root, printer) / "print-test.pdf")


def _streams(pdf: pikepdf.Pdf) -> list[tuple[int, object]]:
    """Every content stream: each page's and each form XObject's under it, with the page number."""
    found: list[tuple[int, object]] = []
    for number, page in enumerate(pdf.pages, start=1):
        found.append((number, page))
        stack = [page.obj]
        seen: set[tuple[int, int]] = set()
        while stack:
            holder = stack.pop()
            for _, item in ((holder.get("/Resources") or {}).get("/XObject") or {}).items():
                if item.get("/Subtype") == "/Form" and item.objgen not in seen:
                    seen.add(item.objgen)
                    found.append((number, item))
                    stack.append(item)
    return found


def _numbers(operands: list[object]) -> list[float]:
    return [float(v) for v in operands if isinstance(v, (int, float, Decimal))]


def _operators(pdf: pikepdf.Pdf) -> list[tuple[int, str, list[float]]]:
    return [(n, str(op), _numbers(list(operands))) for n, owner in _streams(pdf) for operands, op in pikepdf.parse_content_stream(owner)]


def _images(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    seen: dict[tuple[int, int], pikepdf.Object] = {}
    for _, owner in _streams(pdf):
        holder = owner.obj if isinstance(owner, pikepdf.Page) else owner
        for _, item in ((holder.get("/Resources") or {}).get("/XObject") or {}).items():
            if item.get("/Subtype") == "/Image":
                seen[item.objgen] = item
    return list(seen.values())


def _box(page: pikepdf.Page, name: str) -> list[float]:
    return [float(v) for v in page.obj[name]]


def test_kdp_interior_bleeds_outside_top_and_bottom_never_at_the_spine(big: Path) -> None:
    pdf = _pdf(big, "kdp")
    assert len(pdf.pages) >= 24 and len(pdf.pages) % 2 == 0
    for index, page in enumerate(pdf.pages):
        media, trim, bleed = _box(page, "/MediaBox"), _box(page, "/TrimBox"), _box(page, "/BleedBox")
        assert (media[2] - media[0]) / IN == pytest.approx(6.125, abs=1e-3)
        assert (media[3] - media[1]) / IN == pytest.approx(9.25, abs=1e-3)
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((6 * IN, 9 * IN), abs=0.01)
        assert bleed == pytest.approx(media, abs=0.01)  # no marks: nothing beyond the bleed
        assert trim[1] - bleed[1] == pytest.approx(9, abs=0.01) and bleed[3] - trim[3] == pytest.approx(9, abs=0.01)
        if index % 2 == 0:  # a recto: bound on its left edge
            assert (bleed[0], bleed[2]) == pytest.approx((trim[0], trim[2] + 9), abs=0.01)
        else:
            assert (bleed[0], bleed[2]) == pytest.approx((trim[0] - 9, trim[2]), abs=0.01)


def test_print_shop_has_crop_marks_and_bleeds_outside_only(big: Path) -> None:
    pdf = _pdf(big, "print-shop")
    for index, page in enumerate(pdf.pages[:2]):
        media, trim, bleed = _box(page, "/MediaBox"), _box(page, "/TrimBox"), _box(page, "/BleedBox")
        assert media[0] < bleed[0] - 20 and media[2] > bleed[2] + 20  # room for the marks
        spine = 0 if index % 2 == 0 else 2
        assert bleed[spine] == pytest.approx(trim[spine], abs=0.01)
        outer = 2 - spine
        assert abs(bleed[outer] - trim[outer]) == pytest.approx(3 * 72 / 25.4, abs=0.01)
    assert "/OutputIntents" in pdf.Root and pdf.pdf_version == "1.6"


@pytest.mark.parametrize("printer", ["kdp", "print-shop"])
def test_pdfx_has_an_output_intent_no_rgb_and_embedded_fonts(big: Path, printer: str) -> None:
    pdf = _pdf(big, printer)
    intent = pdf.Root.OutputIntents[0]
    assert intent.S == "/GTS_PDFX" and int(intent.DestOutputProfile.N) == 4
    assert intent.DestOutputProfile.read_bytes()[16:20] == b"CMYK"
    operators = _operators(pdf)
    assert not [op for op in operators if op[1] in ("rg", "RG", "sc", "scn", "cs", "CS")]
    images = _images(pdf)
    assert len(images) == 3
    for image in images:
        assert image.ColorSpace == "/DeviceCMYK"
        if printer == "kdp":  # PDF/X-1a: no transparency, the veil flattened on white
            assert "/SMask" not in image
    for _, owner in _streams(pdf):
        holder = owner.obj if isinstance(owner, pikepdf.Page) else owner
        for _, font in ((holder.get("/Resources") or {}).get("/Font") or {}).items():
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            assert any(k in described.FontDescriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert not [page for page in pdf.pages if "/Annots" in page.obj]  # no links on the printed pages
    tree, elements = pdf.Root.StructTreeRoot, []  # ... nor in the structure tree: no element leads to a removed link
    stack = [tree]
    while stack:
        kids = stack.pop().get("/K")
        kids = [kids] if isinstance(kids, pikepdf.Dictionary) else list(kids or [])
        elements += [k for k in kids if isinstance(k, pikepdf.Dictionary)]
        stack += [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") not in ("/MCR", "/OBJR")]
    assert any(e.get("/S") == "/Link" for e in elements) and not [e for e in elements if e.get("/Type") == "/OBJR"]
    values = list(tree.ParentTree.Nums)[1::2]
    assert values and all(isinstance(v, pikepdf.Array) for v in values)
    if printer == "kdp":
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2003" and pdf.pdf_version == "1.4"
        assert "/Outlines" not in pdf.Root  # KDP refuses bookmarks


def test_a_pdfx_4_is_the_same_bytes_from_two_builds(big: Path, tmp_path: Path) -> None:
    """WeasyPrint names a PDF/X-4 with a random xmpMM:DocumentID (and a file identifier made from it)."""
    first = (_build(big, "print-shop") / "print-test.pdf").read_bytes()
    build(big, "pdf", tmp_path, print_options={"printer": "print-shop"}, use_cache=False, jobs=1)
    assert (tmp_path / "print-test.pdf").read_bytes() == first
    assert str(pikepdf.open(io.BytesIO(first)).open_metadata()["xmpMM:DocumentID"]).startswith("xmp.did:")


@pytest.mark.parametrize("printer", ["office", "print-shop", "kdp", "ingramspark"])
def test_text_and_rules_are_gray_in_every_print_profile(big: Path, printer: str) -> None:
    operators = _operators(_pdf(big, printer))
    grays = [op for op in operators if op[1] in ("g", "G")]
    assert any(values == [0.0] for _, _, values in grays)  # black text, in black ink alone
    assert not [op for op in operators if op[1] in ("rg", "RG") and len(set(op[2])) == 1]


@pytest.mark.skipif(not HAS_GS, reason="Ghostscript (gs) is not installed: scripts/install-tools.sh")
def test_text_pages_print_with_black_ink_only(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book")
    out = tmp_path / "out"
    build(root, "pdf", out, use_cache=False, jobs=1)
    lines = subprocess.run(["gs", "-q", "-o", "-", "-sDEVICE=inkcov", str(out / "small.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Error" not in lines
    inks = [[float(v) for v in line.split()[:4]] for line in lines.splitlines() if line.strip()]
    assert inks and any(k > 0 for *_, k in inks)
    assert all(c == m == y == 0 for c, m, y, _ in inks)


def test_kdp_refuses_a_book_under_its_minimum_and_marks(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book")
    with pytest.raises(BuildError, match="kdp prints at least 24"):
        build(root, "pdf", tmp_path / "out", print_options={"printer": "kdp"}, use_cache=False, jobs=1)
    with pytest.raises(ConfigError, match="refuses files with crop marks"):
        print_settings(None, {"printer": "kdp", "marks": True})
    with pytest.raises(ConfigError, match="pdf/x-5g"):
        print_settings(None, {"pdf_variant": "pdf/x-5g"})


def test_an_odd_page_count_gets_a_blank_page(tmp_path: Path) -> None:
    root = write_small_book(tmp_path / "book")
    out = tmp_path / "out"
    report = build(root, "pdf", out, print_options={"printer": "office"}, use_cache=False, jobs=1)
    with pikepdf.open(out / "small.pdf") as pdf:
        assert len(pdf.pages) % 2 == 0
    assert "pages" in report.outputs[0][0].summary


def test_pdfx_without_an_output_profile_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(colour, "SYSTEM_PROFILES", (tmp_path / "none.icc",))
    root = write_small_book(tmp_path / "book")
    with pytest.raises(BuildError, match="needs a CMYK output profile"):
        build(root, "pdf", tmp_path / "out", print_options={"pdf_variant": "pdf/x-1a"}, use_cache=False, jobs=1)


def test_transparency_is_refused_in_pdfx_1a(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter("Veiled", "Ann Author", "Half seen. " * 40)},
                      toml='[book]\ntitle = "Veiled"\nlanguage = "en"\n')
    (root / "styles").mkdir()
    (root / "styles" / "print.css").write_text("p { opacity: 0.5; }\n", encoding="utf-8")
    with pytest.raises(BuildError, match="cannot be pdf/x-1a: .*transparency"):
        build(root, "pdf", tmp_path / "out", print_options={"pdf_variant": "pdf/x-1a"}, use_cache=False, jobs=1)


def _spine(pages: int, per_page: float = 0.002252) -> float:
    return pages * per_page


@pytest.mark.parametrize("pages", [24, 100, 400])
def test_wrap_cover_size_follows_the_page_count_and_paper(big: Path, pages: int) -> None:
    book = load_book(big)
    for paper, per_page in (("white", 0.002252), ("cream", 0.0025)):
        settings = print_settings(PrintTable(paper=paper), {"printer": "kdp"})
        with pikepdf.open(io.BytesIO(make_cover(book, settings, pages).data or b"")) as pdf:
            page = pdf.pages[0]
            media, trim = _box(page, "/MediaBox"), _box(page, "/TrimBox")
            assert (media[2] - media[0]) / IN == pytest.approx(0.125 + 6 + _spine(pages, per_page) + 6 + 0.125, abs=2e-4)
            assert (media[3] - media[1]) / IN == pytest.approx(9.25, abs=2e-4)
            assert (trim[2] - trim[0]) / IN == pytest.approx(12 + _spine(pages, per_page), abs=2e-4)
            assert _box(page, "/BleedBox") == pytest.approx(media, abs=0.01)
            assert "/OutputIntents" in pdf.Root
            assert not [op for op in _operators(pdf) if op[1] in ("rg", "RG")]


def _text(path: Path, *area: int) -> str:
    crop = ["-x", str(area[0]), "-y", str(area[1]), "-W", str(area[2]), "-H", str(area[3])] if area else []
    return subprocess.run(["pdftotext", "-r", "72", *crop, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_wrap_cover_spine_text_only_when_wide_enough(big: Path, tmp_path: Path) -> None:
    book = load_book(big)
    settings = print_settings(None, {"printer": "kdp"})
    for pages, expected in ((100, False), (400, True)):
        path = tmp_path / f"cover-{pages}.pdf"
        path.write_bytes(make_cover(book, settings, pages).data or b"")
        left = int((0.125 + 6) * IN)
        spine = _text(path, left, 0, int(_spine(pages) * IN), int(9.25 * IN))
        assert ("Print Test" in spine) is expected
        back = _text(path, 0, 0, left, int(9.25 * IN))
        assert "A book made to test covers." in back and "TEST PRESS" in back.upper()


@pytest.mark.skipif(not HAS_ZBAR, reason="zbarimg is not installed: scripts/install-tools.sh")
def test_wrap_cover_barcode_decodes_to_the_print_isbn(big: Path, tmp_path: Path) -> None:
    out = _build(big, "kdp", "pdf,cover")
    cover = out / "print-test-cover.pdf"
    with pikepdf.open(cover) as pdf:
        with pikepdf.open(out / "print-test.pdf") as interior:
            pages = len(interior.pages)
        width = float(pdf.pages[0].MediaBox[2]) - float(pdf.pages[0].MediaBox[0])
        assert width / IN == pytest.approx(12.25 + _spine(pages), abs=2e-4)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(cover), str(tmp_path / "cover")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "cover.png")], capture_output=True, text=True).stdout.split()
    assert decoded == [ISBN.replace("-", "")]


def _book_with_images(root: Path) -> Path:
    body = "Two pictures.\n\n![A green field, small](small.png)\n\nAnd a large one.\n\n![A blue sky, large](large.png)\n"
    book = write_book(root, {"a.md": chapter("Pictures", "Ann Author", body)}, toml='[book]\ntitle = "Pictures"\nlanguage = "en"\n')
    Image.new("RGB", (400, 300), (10, 100, 30)).save(book / "chapters" / "small.png")
    Image.new("RGB", (2400, 1800), (30, 60, 200)).save(book / "chapters" / "large.png")
    return book


def test_check_and_build_warn_of_an_image_below_300_ppi(tmp_path: Path) -> None:
    root = _book_with_images(tmp_path / "book")
    report = check_book(root, jobs=1, preflight=True)
    warned = [d for d in report.warnings if "ppi" in d.message]
    assert len(warned) == 1, [d.format() for d in report.warnings]
    warning = warned[0]
    assert warning.path == root / "chapters" / "a.md" and warning.line == 8
    # 400 pixels across the image's natural 400 CSS px (4.17 in): 96 ppi; 300 ppi needs 1250x938
    assert "'small.png' prints at 96 ppi" in warning.message and "1250x938 pixels" in (warning.hint or "")
    strict = CliRunner().invoke(main, ["check", str(root), "--strict"])
    assert strict.exit_code == 1 and "a.md:8: warning: image 'small.png' prints at 96 ppi" in strict.output
    built = build(root, "pdf", tmp_path / "out", use_cache=False, jobs=1)
    assert [d.message for d in built.warnings if "ppi" in d.message] == [warning.message]
    with pytest.raises(BuildError, match="prints at 96 ppi"):
        build(root, "pdf", tmp_path / "strict", use_cache=False, jobs=1, strict=True)
    assert not (tmp_path / "strict").exists()


def test_spine_edge_follows_the_reading_direction() -> None:
    from anthology.print.prepress import spine_on_left

    assert [spine_on_left(i, rtl=False) for i in range(4)] == [True, False, True, False]  # recto bound on its left
    assert [spine_on_left(i, rtl=True) for i in range(4)] == [False, True, False, True]  # a right-to-left book opens from the right


def test_recolour_leaves_text_strings_alone() -> None:
    from anthology.print.prepress import recolour

    stream = b"q 0 0 0 rg BT [(says 1 1 1 rg \\) here) 2] TJ ET 0.2 0.2 0.2 RG 1 0 0 rg"
    assert recolour(stream, None) == b"q 0 g BT [(says 1 1 1 rg \\) here) 2] TJ ET 0.2 G 1 0 0 rg"


def test_a_right_to_left_book_has_its_front_on_the_left(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter("\u05e4\u05e8\u05e7", "Dana Dror", "\u05e9\u05dc\u05d5\u05dd. " * 30)},
                      toml=f'[book]\ntitle = "\u05e1\u05e4\u05e8"\nlanguage = "he"\nisbn = {{ paperback = "{ISBN}" }}\n')
    path = tmp_path / "cover.pdf"
    path.write_bytes(make_cover(load_book(root), print_settings(None, {"printer": "kdp"}), 100).data or b"")
    left, right = _text(path, 0, 0, int(6.125 * IN), int(9.25 * IN)), _text(path, int(6.4 * IN), 0, int(6.2 * IN), int(9.25 * IN))
    assert "Dana Dror" in left and "ISBN" not in left  # the front: the credit
    assert f"ISBN {ISBN}" in right and "Dana Dror" not in right  # the back: the barcode
