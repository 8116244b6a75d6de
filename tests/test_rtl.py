"""Right-to-left chapters and books: the direction of a language tag, and dir in every edition.

One left-to-right book with a Hebrew and an Arabic chapter between two English ones (EPUB, PDF and
HTML built once), and one Hebrew book with an English chapter (EPUB and PDF built once).
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import chapter, epubcheck_messages, write_book
from lxml import etree

from anthology.build import build, load_book
from anthology.project.direction import direction

pytestmark = pytest.mark.slow  # builds whole books

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"

HEBREW_SENTENCE = "זהו פרק בעברית על שיתוף פעולה בין אנשים, קהילות ושירותים ציבוריים."
HEBREW = "\n\n".join([
    " ".join([HEBREW_SENTENCE] * 6),
    "טקסט עם הערה.[^1]",
    "- פריט ראשון ברשימה\n- פריט שני ברשימה",
    "> ציטוט קצר מתוך שיחה.",
    "סוף הפרק.",
    "[^1]: הערה בעברית.",
])
ARABIC = "\n\n".join([
    " ".join(["هذا فصل باللغة العربية عن العمل المشترك بين الناس والمجتمعات."] * 5),
    "- البند الأول\n- البند الثاني",
    "نهاية الفصل.",
])
ENGLISH = "\n\n".join([
    " ".join(["An English chapter about working together, with long enough lines to fill the measure."] * 4),
    "- first item\n- second item",
    "The end.",
])
LONG_HEBREW = "\n\n".join([" ".join([HEBREW_SENTENCE] * 6)] * 6) + "\n\n" + HEBREW  # runs over three pages
HEBREW_TITLE = "שיתוף פעולה בקהילה"
ARABIC_TITLE = "العمل المشترك"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("he", "rtl"), ("he-IL", "rtl"), ("ar", "rtl"), ("ar-EG", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("yi", "rtl"),
        ("ckb", "rtl"), ("en", "ltr"), ("en-GB", "ltr"), ("cy", "ltr"), ("fr-CA", "ltr"), ("zh-Hant-TW", "ltr"),
        ("ar-EG-1996", "rtl"), ("az-Arab", "rtl"), ("ar-Latn", "ltr"),
        ("qaa", "ltr"), ("xx-YY", "ltr"), ("", "ltr"), ("not a tag", "ltr"),
    ],
)
def test_direction_of_a_language_tag(tag: str, expected: str) -> None:
    assert direction(tag) == expected


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An English book with a Hebrew and an Arabic chapter, built as EPUB, PDF and HTML."""
    root = write_book(tmp_path_factory.mktemp("rtl") / "book", {
        "01-english.md": chapter("Working together", "Ann Author", ENGLISH),
        "02-hebrew.md": chapter(HEBREW_TITLE, "Noa Levi", HEBREW, lang="he"),
        "03-arabic.md": chapter(ARABIC_TITLE, "Layla Haddad", ARABIC, lang="ar"),
        "04-english.md": chapter("After the others", "Ben Writer", ENGLISH),
    })
    build(root, "epub,pdf,html", use_cache=False)
    return root


@pytest.fixture(scope="module")
def hebrew_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Hebrew book with one English chapter, built as EPUB and PDF."""
    toml = '[book]\ntitle = "ספר בדיקה"\nlanguage = "he"\n'
    root = write_book(tmp_path_factory.mktemp("rtl-book") / "book", {
        "01-hebrew.md": chapter(HEBREW_TITLE, "Noa Levi", LONG_HEBREW),
        "02-english.md": chapter("Working together", "Ann Author", ENGLISH, lang="en"),
        "03-hebrew.md": chapter("פרק שלישי", "Dan Cohen", HEBREW),
    }, toml)
    build(root, "epub,pdf", use_cache=False)
    return root


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def epub_file(book: Path, name: str) -> etree._Element:
    epub = next((book / "build").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        return parse(archive.read(f"EPUB/{name}"))


def chapter_section(root: etree._Element) -> etree._Element:
    return next(e for e in root.iter(f"{XHTML}section") if "chapter" in (e.get("class") or "").split())


def chapter_names(book: Path, ext: str) -> dict[str, str]:
    """Chapter file name by language: 'en' (the first English chapter), 'en-2' (the second), 'he', 'ar'."""
    names: dict[str, str] = {}
    for item in load_book(book).chapters:
        names["-".join([item.lang] + ([str(sum(k.startswith(item.lang) for k in names) + 1)] if item.lang in names else []))] = item.id + ext
    return names


def test_mixed_epub_passes_epubcheck(mixed: Path) -> None:
    assert epubcheck_messages(next((mixed / "build").glob("*.epub"))) == []


@pytest.mark.parametrize("lang", ["he", "ar"])
def test_rtl_chapter_documents_of_the_epub_run_right_to_left(mixed: Path, lang: str) -> None:
    root = epub_file(mixed, chapter_names(mixed, ".xhtml")[lang])
    body = root.find(f"{XHTML}body")
    assert root.get("dir") == "rtl" and root.get("lang") == lang
    assert body is not None and body.get("dir") == "rtl"
    assert chapter_section(root).get("dir") == "rtl"


def test_english_chapters_of_a_left_to_right_book_carry_no_dir(mixed: Path) -> None:
    names = chapter_names(mixed, ".xhtml")
    for lang in ("en", "en-2"):
        root = epub_file(mixed, names[lang])
        assert [e.tag for e in root.iter() if e.get("dir")] == []
    package = epub_file(mixed, "content.opf")
    spine = package.find(f"{OPF}spine")
    assert spine is not None and spine.get("page-progression-direction") is None


def test_navigation_and_contents_set_rtl_titles_apart(mixed: Path) -> None:
    nav = epub_file(mixed, "nav.xhtml")
    assert nav.get("dir") is None
    titles = {"".join(e.itertext()): e.get("dir") for e in nav.iter(f"{XHTML}span")}
    assert titles == {HEBREW_TITLE: "rtl", ARABIC_TITLE: "rtl"}
    contents = epub_file(mixed, "contents.xhtml")
    spans = {"".join(e.itertext()): e.get("dir") for e in contents.iter(f"{XHTML}span") if e.get("class") == "toc-title"}
    assert spans == {"Working together": None, HEBREW_TITLE: "rtl", ARABIC_TITLE: "rtl", "After the others": None, "About the contributors": None}
    contributors = epub_file(mixed, "contributors.xhtml")
    entries = {"".join(e.itertext()): (e.get("lang"), e.get("dir")) for e in contributors.iter(f"{XHTML}span") if e.getparent().get("class") == "contributor-chapter"}
    assert entries[HEBREW_TITLE] == ("he", "rtl") and entries[ARABIC_TITLE] == ("ar", "rtl")
    assert entries == {HEBREW_TITLE: ("he", "rtl"), ARABIC_TITLE: ("ar", "rtl")}  # English titles are not wrapped


def test_html_edition_sets_rtl_chapters_right_to_left(mixed: Path) -> None:
    names = chapter_names(mixed, ".html")
    for lang in ("he", "ar"):
        root = parse((mixed / "build" / "html" / names[lang]).read_bytes())
        assert root.get("dir") == "rtl" and chapter_section(root).get("dir") == "rtl"
        header = next(e for e in root.iter(f"{XHTML}header") if e.get("class") == "site-nav")
        assert (header.get("lang"), header.get("dir")) == ("en", "ltr")  # the book's own links stay English
    english = parse((mixed / "build" / "html" / names["en"]).read_bytes())
    assert english.get("dir") is None and [e.tag for e in chapter_section(english).iter() if e.get("dir")] == []
    after = next(e for e in english.iter(f"{XHTML}a") if e.get("rel") == "next")  # the next page is the Hebrew chapter
    assert [(e.get("lang"), e.get("dir"), e.text) for e in after.iter(f"{XHTML}span")] == [("he", "rtl", HEBREW_TITLE)]
    index = (mixed / "build" / "html" / "index.html").read_text(encoding="utf-8")
    assert f'<span class="toc-title" dir="rtl">{HEBREW_TITLE}</span>' in index
    assert '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">' in index


def test_print_edition_sets_the_rtl_chapters_right_to_left(mixed: Path) -> None:
    from anthology.markup.render import render_chapters
    from anthology.print.engine import print_edition

    book = load_book(mixed)
    root = parse(print_edition(book, render_chapters(book.chapters)).whole().encode("utf-8"))
    assert root.get("dir") is None
    sections = {e.get("lang"): e.get("dir") for e in root.iter(f"{XHTML}section") if "chapter" in (e.get("class") or "").split()}
    assert sections == {"en": None, "he": "rtl", "ar": "rtl"}


def pdf_lines(pdf: Path) -> list[tuple[int, float, float, str]]:
    """Every line of the PDF as (page index, xMin, xMax, its words in logical order), from poppler."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    lines = []
    for number, page in enumerate(root.iter(f"{XHTML}page")):
        for line in page.iter(f"{XHTML}line"):
            words = " ".join(w.text or "" for w in line.iter(f"{XHTML}word"))
            lines.append((number, float(line.get("xMin")), float(line.get("xMax")), words))
    return lines


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_hebrew_chapter_is_right_aligned_in_the_pdf(mixed: Path) -> None:
    pdf = next((mixed / "build").glob("*.pdf"))
    assert "שיתוף" in pdf_text(pdf) and "العمل" in pdf_text(pdf)
    lines = pdf_lines(pdf)
    page, *end = next((p, x0, x1) for p, x0, x1, words in lines if "הפרק" in words or "קרפה" in words)
    body = [(x0, x1) for p, x0, x1, words in lines if p == page]
    left, right = min(x0 for x0, _ in body), max(x1 for _, x1 in body)
    assert right - end[1] < 2, "the last, short paragraph ends at the right edge of the text block"
    assert end[0] - left > (right - left) / 2, "and leaves the left of the line empty"
    english = next(p for p, _, _, words in lines if "English chapter about" in words)
    short = next((x0, x1) for p, x0, x1, words in lines if p == english and words == "The end.")
    left_en = min(x0 for p, x0, _, _ in lines if p == english)
    assert abs(short[0] - left_en) < 2 and short[1] - left_en < (right - left) / 2


def test_rtl_book_epub(hebrew_book: Path) -> None:
    epub = next((hebrew_book / "build").glob("*.epub"))
    assert epubcheck_messages(epub) == []
    spine = epub_file(hebrew_book, "content.opf").find(f"{OPF}spine")
    assert spine is not None and spine.get("page-progression-direction") == "rtl"
    names = chapter_names(hebrew_book, ".xhtml")
    with zipfile.ZipFile(epub) as archive:
        documents = [n for n in archive.namelist() if n.endswith(".xhtml")]
    for name in documents:
        root = epub_file(hebrew_book, name.removeprefix("EPUB/"))
        expected = "ltr" if name == f"EPUB/{names['en']}" else "rtl"
        assert root.get("dir") == expected, name
    english = epub_file(hebrew_book, names["en"])
    assert chapter_section(english).get("dir") == "ltr"


def test_rtl_book_pdf_opens_chapters_on_left_hand_rectos(hebrew_book: Path) -> None:
    """The first page of a right-to-left book is a left-hand page: the gutter (inner margin) is on
    its right, and every chapter opens on such a page, so its text block sits left of the centre."""
    pdf = next((hebrew_book / "build").glob("*.pdf"))
    lines = pdf_lines(pdf)
    page = next(p for p, _, _, words in lines if "זהו" in words or "והז" in words)
    assert page % 2 == 0  # a recto: page indices 0, 2, 4, … as in a left-to-right book
    on_page = [(x0, x1) for p, x0, x1, _ in lines if p == page]
    following = [(x0, x1) for p, x0, x1, _ in lines if p == page + 1]
    assert following, "the chapter runs on to a second page"
    # the recto's block is further left than the verso's: the gutter is on its right
    assert max(x1 for _, x1 in on_page) < max(x1 for _, x1 in following) - 3


def test_rtl_booklet_is_bound_on_the_right() -> None:
    """Folded, a right-to-left booklet opens from the right: page 1 on the left half of the outer
    sheet's front, page 2 on the right half of its back."""
    from anthology.formats.booklet import booklet_order

    sides = [tuple(0 if p is None else p + 1 for p in side) for side in booklet_order(8, rtl=True)]
    assert sides == [(1, 8), (7, 2), (3, 6), (5, 4)]


@pytest.mark.parametrize("title", ["ספר בדיקה", "Café au lait", 'a "quoted" \\u0041 title 😀'])
def test_running_head_title_keeps_its_spaces_in_a_chunk(title: str) -> None:
    """Each print chunk is told the book's title as a CSS string of escapes: a space after an
    escaped character (the Hebrew title's, or 'Café au lait') stays in the running head."""
    import tinycss2

    from anthology.print.chunks import chunk_css

    rule = chunk_css(False, title).splitlines()[-1]
    strings = [t.value for t in tinycss2.parse_stylesheet(rule)[0].content if t.type == "string"]
    assert strings == [title]


def test_rtl_book_pdf_reads_right_to_left_in_viewers(hebrew_book: Path, mixed: Path) -> None:
    from pypdf import PdfReader

    def direction_of(book: Path) -> object:
        preferences = PdfReader(next((book / "build").glob("*.pdf"))).trailer["/Root"].get("/ViewerPreferences")
        return preferences.get_object().get("/Direction") if preferences is not None else None

    assert direction_of(hebrew_book) == "/R2L"
    assert direction_of(mixed) is None
