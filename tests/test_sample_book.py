"""The sample book built end to end: EPUBCheck clean, PDF contents numbers right, fonts embedded."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers import epubcheck_messages, normalise_space, pdf_page_texts
from pypdf import PdfReader

pytestmark = pytest.mark.slow  # builds whole books

SLUG = "co-production-week-2019"
TITLES = [
    "Co-production and rugby union. Did we give the ball back?",
    "Co-production – the Wiltshire perspective",
    "Ruth’s story. Designing co-production in from the start – Wellbeing Teams",
    "What is co-produced research? A vogue term or the opportunity for innovation?",
]
AUTHORS = ["Steve Palmer", "Clare Evans MBE", "Helen Sanderson", "Dr Gary Hickey"]


def test_outputs_exist(sample_build: Path) -> None:
    assert (sample_build / f"{SLUG}.epub").is_file()
    assert (sample_build / f"{SLUG}.pdf").is_file()
    assert (sample_build / "html" / "index.html").is_file()
    assert len(list((sample_build / "html").glob("ch*.html"))) == 4


def test_epubcheck_reports_nothing(sample_build: Path) -> None:
    assert epubcheck_messages(sample_build / f"{SLUG}.epub") == []


def test_epub_package(sample_build: Path) -> None:
    with zipfile.ZipFile(sample_build / f"{SLUG}.epub") as z:
        assert z.namelist()[0] == "mimetype"
        assert z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
        first = next(n for n in z.namelist() if n.startswith("EPUB/ch01-"))
        chapter = z.read(first).decode()
    for author in AUTHORS:  # no editors: the authors are the book's creators
        assert f">{author}</dc:creator>" in opf
    assert opf.count('<meta refines="#author-') >= 8  # role and file-as for each author
    assert "<dc:description>Four posts from the Co-production Week 2019 blog" in opf
    assert "Hickey, Gary" in opf
    assert "Co-production and rugby union. Did we give the ball back?\u00a0— Steve Palmer" in nav  # the dash never opens a line
    # each chapter's sub-headings beneath it
    assert 'ch01-co-production-and-rugby-union-did-we-giv.xhtml#c1-not-just-doing-us-a-favour">Not just doing us a favour</a>' in nav
    assert 'href="styles/base.css"' in chapter and 'href="styles/epub.css"' in chapter
    assert 'epub:type="chapter"' in chapter and 'role="doc-chapter"' in chapter
    assert "#coproweek organisers SCIE" in chapter


def test_pdf_contents_numbers_match_chapter_start_pages(sample_build: Path) -> None:
    reader = PdfReader(str(sample_build / f"{SLUG}.pdf"))
    texts = pdf_page_texts(sample_build / f"{SLUG}.pdf")
    labels = reader.page_labels
    contents_index = next(i for i, t in enumerate(texts) if t.strip().startswith("Contents"))
    contents = normalise_space(texts[contents_index])
    for title in TITLES:
        start = next(i for i, t in enumerate(texts) if normalise_space(t).startswith(normalise_space(title)))
        printed = _footer_number(texts[start + 1]) - 1 if start + 1 < len(texts) else None
        # The number printed in the contents right after the title is the page's number.
        after = contents.split(normalise_space(title).split(" ")[-1], 1)[1]
        number = int("".join(ch for ch in after.lstrip(" .").split(" ")[0] if ch.isdigit()))
        assert printed == number, (title, printed, number, labels)


def _footer_number(text: str) -> int:
    last = text.strip().split()[-1]
    return int(last)


def test_pdf_fonts_all_embedded(sample_build: Path) -> None:
    reader = PdfReader(str(sample_build / f"{SLUG}.pdf"))
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert fonts and all(name.startswith("Literata") for name in fonts)


def test_pdf_bookmarks_and_metadata(sample_build: Path) -> None:
    reader = PdfReader(str(sample_build / f"{SLUG}.pdf"))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    for title in TITLES:
        assert titles.count(title) == 1
    assert reader.metadata.title == "Co-production Week 2019"
    assert all(a in (reader.metadata.author or "") for a in AUTHORS)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_html_edition_links_resolve(sample_build: Path) -> None:
    html = sample_build / "html"
    index = (html / "index.html").read_text()
    for page in html.glob("ch*.html"):
        assert f'href="{page.name}"' in index
    chapter = next(html.glob("ch01*.html")).read_text()
    assert 'href="styles/base.css"' in chapter and (html / "styles" / "base.css").is_file()
    css = (html / "styles" / "base.css").read_text()
    assert 'url("../fonts/literata-normal.ttf")' in css and (html / "fonts" / "literata-normal.ttf").is_file()


def test_pdf_bylines_are_never_hyphenated(sample_build: Path) -> None:
    """A byline's role line names people too ('… and father to Stanley'): none of its words is split at a line's end."""
    import re
    import subprocess

    out = subprocess.run(["pdftotext", str(sample_build / f"{SLUG}.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    chapters = Path(__file__).parents[1] / "chapters"
    bylines = [m.group(1).strip('"') for f in sorted(chapters.glob("*.md")) if (m := re.search(r"^byline: (.+)$", f.read_text(encoding="utf-8"), re.M))]
    words = {w for line in bylines for w in re.findall(r"\w+", line)}
    assert "Stanley" in words
    broken = {a + b for a, b in re.findall(r"(\w+)[-\u2010\u00ad]\n(\w+)", out)}
    assert not broken & words, broken & words
