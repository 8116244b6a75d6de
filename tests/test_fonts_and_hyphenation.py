"""Fonts and hyphenation: check names every character no font of the book has (file, line, key),
[book] fallback_fonts are read, embedded in the PDF and shipped in the EPUB and the HTML edition,
the PDF never holds a system font, Welsh is hyphenated at its patterns' points, and a language
without patterns is warned about."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pyphen
import pytest
from font_fixtures import FAMILY, symbol_font
from helpers import chapter, write_book

from anthology.build import build
from anthology.check import check_book
from anthology.errors import ConfigError
from anthology.print import hyphenation
from anthology.project.config import load_config

TOML = '[book]\ntitle = "Fonts"\nlanguage = "en"\neditors = []\n'
# the PDF's fonts: the book fonts (each a subset, named as WeasyPrint names its instances) and the fallbacks
BOOK_FONT = re.compile(r"^[A-Z]{6}\+(Literata|Frank-Ruhl-Libre|Amiri|Source-Code-Pro|Anthology-Fallback)(-[A-Za-z-]+)?$")


def _font_warnings(root: Path) -> list:
    return [d for d in check_book(root, jobs=1).diagnostics if "no font of the book has" in d.message]


def _pdf_fonts(pdf: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [line.split()[0] for line in listing]


# check: characters no font has ----------------------------------------------------------------


def test_check_names_each_missing_character_once_per_file_with_its_first_line(tmp_path: Path) -> None:
    body = "A star ★ here.\n\nThe star ★ again, and 中文 and &#x1F600;.\n\nPlain café, naïve, Ŵyn, שלום, مرحبا, `code`."
    toml = TOML + '# a comment with ★ prints nowhere\nsubtitle = "Sêr ★"\n'
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body=body), "02-b.md": chapter("Plain", body="Nothing odd.")}, toml)
    warnings = _font_warnings(root)
    assert [(d.path.name, d.line) for d in warnings] == [("anthology.toml", 6), ("01-a.md", 6)]
    settings, first = warnings
    assert settings.key == "book.subtitle" and "★ (U+2605, line 6, book.subtitle)" in settings.message
    assert first.message.startswith("4 characters no font of the book has: ★ (U+2605, line 6), 中 (U+4E2D, line 8), 文 (U+6587, line 8), 😀 (U+1F600, line 8)")
    assert first.level == "warning" and "fallback_fonts" in (first.hint or "")


def test_many_missing_characters_make_one_short_warning(tmp_path: Path) -> None:
    text = "".join(chr(0x4E00 + n) for n in range(40))
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body=text)}, TOML)
    (warning,) = _font_warnings(root)
    assert warning.message.startswith("40 characters") and warning.message.endswith("and 28 more")


def test_a_fallback_font_covers_what_it_has(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body="A star ★, 中文 and 😀.")},
                      TOML + 'fallback_fonts = ["fonts/symbols.ttf"]\n')
    symbol_font(root / "fonts" / "symbols.ttf")
    (warning,) = _font_warnings(root)
    assert warning.message.startswith("1 character no font of the book has: 😀 (U+1F600, line 6)")


def test_a_font_package_is_a_fallback_by_its_family_name(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()}, TOML + 'fallback_fonts = ["Source Code Pro"]\n')
    faces = load_config(root).fallback_fonts
    assert {(face.style, face.weight) for face in faces} == {("normal", "200 900"), ("italic", "200 900")}


@pytest.mark.parametrize(("entry", "message", "hint"), [
    ("fonts/none.ttf", "fallback font 'fonts/none.ttf' not found", "check the path"),
    ("fonts/text.ttf", "fallback font 'fonts/text.ttf' is not a font anthology can read", "TrueType"),
    ("fonts/outside.ttf", "fallback font 'fonts/outside.ttf' leads outside the book's folder", "copy the file into the book's folder"),
    ("fonts/symbols.woff2", "is not a .ttf or .otf file", "convert it"),
    ("Noto Sans Symbols 2", "'Noto Sans Symbols 2' is neither a font file nor an installed font package", "pip install fontpkg-noto-sans-symbols-2"),
])
def test_a_fallback_font_that_cannot_be_used_is_a_settings_error(tmp_path: Path, entry: str, message: str, hint: str) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()}, TOML + f'fallback_fonts = ["{entry}"]\n')
    (root / "fonts").mkdir()
    (root / "fonts" / "text.ttf").write_text("not a font", encoding="utf-8")
    symbol_font(tmp_path / "elsewhere.ttf")
    (root / "fonts" / "outside.ttf").symlink_to(tmp_path / "elsewhere.ttf")
    with pytest.raises(ConfigError) as raised:
        load_config(root)
    (problem,) = raised.value.diagnostics
    assert message in problem.message and hint in (problem.hint or "")
    assert (problem.line, problem.key) == (5, "book.fallback_fonts")


# the PDF: the book's fonts only -----------------------------------------------------------------


def test_the_pdf_holds_no_system_font(tmp_path: Path) -> None:
    """Characters no book font has print as boxes, not in a font of the machine (DejaVu, Droid Sans
    Fallback, an emoji font), and code is set in the book's own monospaced font."""
    from anthology.print.font_config import BookFontConfiguration, system_fonts

    assert system_fonts(BookFontConfiguration()) == 0
    body = "A star ★, 中文, 😀, ❦ and ∮.\n\n    code = 1  # in Source Code Pro\n\nשלום and مرحبا, *italic* and **bold**."
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body=body)}, TOML)
    build(root, "pdf", jobs=1, use_cache=False, chunked=False)
    fonts = _pdf_fonts(root / "build" / "fonts.pdf")
    assert fonts and [name for name in fonts if not BOOK_FONT.match(name)] == []
    assert any("Source-Code-Pro" in name for name in fonts)


def test_fallback_fonts_are_embedded_in_the_pdf_and_shipped_in_the_epub_and_the_html_edition(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body="A star ★ and 中文.")},
                      TOML + 'fallback_fonts = ["fonts/symbols.ttf"]\n')
    symbol_font(root / "fonts" / "symbols.ttf")
    build(root, "pdf,epub,html", jobs=1, use_cache=False, chunked=False)
    fonts = _pdf_fonts(root / "build" / "fonts.pdf")
    assert [name for name in fonts if not BOOK_FONT.match(name)] == [] and any("Anthology-Fallback" in name for name in fonts)
    text = subprocess.run(["pdftotext", str(root / "build" / "fonts.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "A star ★ and 中文." in text
    with zipfile.ZipFile(io.BytesIO((root / "build" / "fonts.epub").read_bytes())) as package:
        opf = package.read("EPUB/content.opf").decode("utf-8")
        css = package.read("EPUB/styles/base.css").decode("utf-8")
        shipped = package.read("EPUB/fonts/anthology-fallback-1-normal-400.ttf")
    assert re.search(r'<item [^>]*href="fonts/anthology-fallback-1-normal-400.ttf"[^>]*media-type="font/ttf"', opf), opf
    assert shipped == (root / "fonts" / "symbols.ttf").read_bytes()
    assert 'src: url("../fonts/anthology-fallback-1-normal-400.ttf")' in css and "unicode-range: U+2605, U+4E2D, U+6587;" in css
    assert '"Literata"' not in css.split("html {")[0]  # the EPUB leaves the book fonts to the reading system
    html_css = (root / "build" / "html" / "styles" / "base.css").read_text(encoding="utf-8")
    assert (root / "build" / "html" / "fonts" / "anthology-fallback-1-normal-400.ttf").is_file() and FAMILY not in html_css
    assert 'font-family: "Anthology Fallback"' in html_css


def test_a_fallback_font_changed_in_place_is_laid_out_again(tmp_path: Path) -> None:
    """The print cache's key holds each fallback font's bytes, not only its name."""
    from anthology.build import load_book
    from anthology.print.engine import layout_inputs, print_edition, settings_for

    root = write_book(tmp_path / "book", {"01-a.md": chapter(body="A star ★.")}, TOML + 'fallback_fonts = ["fonts/symbols.ttf"]\n')
    symbol_font(root / "fonts" / "symbols.ttf")
    book = load_book(root)
    settings = settings_for(book)
    edition = print_edition(book, [], settings)
    before = layout_inputs(book, edition, settings)
    symbol_font(root / "fonts" / "symbols.ttf", "★☆")
    assert layout_inputs(book, edition, settings) != before


@pytest.mark.slow
def test_an_epub_with_a_fallback_font_passes_epubcheck(tmp_path: Path) -> None:
    from helpers import epubcheck_messages

    root = write_book(tmp_path / "book", {"01-a.md": chapter(body="A star ★.")}, TOML + 'fallback_fonts = ["fonts/symbols.ttf"]\n')
    symbol_font(root / "fonts" / "symbols.ttf")
    build(root, "epub", jobs=1, use_cache=False)
    assert epubcheck_messages(root / "build" / "fonts.epub") == []


# hyphenation ------------------------------------------------------------------------------------

# long words, so that many lines end inside one
WELSH = " ".join(["llenyddiaeth", "ddiwylliannol", "cenedlaethol", "llywodraethau", "datblygiadau", "gwybodaeth", "cymdeithasol",
                  "llyfrgelloedd", "prifysgolion", "ysgrifenwyr"] * 8) + "."


def test_welsh_patterns_break_known_words_at_their_syllables() -> None:
    hyphenation.register()
    welsh = pyphen.Pyphen(lang="cy-GB", left=2, right=3)
    assert [welsh.inserted(word) for word in ("cymraeg", "llyfrgell", "prifysgol", "datblygiad", "llenyddiaeth", "gwybodaeth")] == [
        "cym-raeg", "llyfr-gell", "prif-ysgol", "dat-blyg-iad", "llen-ydd-iaeth", "gwybod-aeth"]


def test_a_welsh_paragraph_is_hyphenated_in_print_at_the_patterns_points(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter("Llyfrau", body=WELSH)}, TOML.replace('"en"', '"cy"'))
    build(root, "pdf", jobs=1, use_cache=False)
    text = subprocess.run(["pdftotext", str(root / "build" / "fonts.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    # pdftotext reads a hyphenated line's ActualText, which ends in a soft hyphen (see docs/print.md)
    broken = [(lines[n].split()[-1][:-1], lines[n + 1].split()[0]) for n in range(len(lines) - 1) if lines[n].endswith(("‐", "\u00ad")) and lines[n + 1].strip()]
    assert len(broken) >= 3, text
    welsh = pyphen.Pyphen(lang="cy", left=2, right=2)
    for head, tail in broken:
        word = re.sub(r"\W+$", "", head + tail)
        assert len(head) in welsh.positions(word.lower()), (head, tail)


def test_a_language_without_patterns_is_warned_about_per_chapter_and_for_the_book(tmp_path: Path) -> None:
    chapters = {"01-a.md": chapter("Brezhoneg", body="Brezhoneg.", lang="br"), "02-b.md": chapter("Cymraeg", body="Cymraeg.", lang="cy"),
                "03-c.md": chapter("Arabic", body="مرحبا", lang="ar"), "04-d.md": chapter("English", body="English.")}
    root = write_book(tmp_path / "book", chapters, TOML)
    warnings = [d for d in check_book(root, jobs=1).diagnostics if "hyphenation patterns" in d.message]
    assert [(d.path.name, d.line, d.key) for d in warnings] == [("01-a.md", 4, "lang")]
    assert "Breton (br), the language of 'Brezhoneg'" in warnings[0].message and ":lang(br)" in (warnings[0].hint or "")
    (root / "anthology.toml").write_text(TOML.replace('"en"', '"br"'), encoding="utf-8")
    warnings = [d for d in check_book(root, jobs=1).diagnostics if "hyphenation patterns" in d.message]
    assert [(d.path.name, d.line, d.key) for d in warnings] == [("anthology.toml", 3, "book.language")]
