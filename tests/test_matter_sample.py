"""The sample book opens with half-title, title page, imprint and contents, and ends with About the contributors."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import normalise_space, pdf_page_texts
from lxml import html as lxml_html
from matter_read import epub_nav, epub_spine, html_contents, html_index_sections, labels, pdf_bookmarks

pytestmark = pytest.mark.slow  # builds whole books

SLUG = "co-production-week-2019"
# Each author's byline, as the sample's chapters give it, is their bio; sorted by surname.
BIOS = [
    ("Clare Evans MBE", "First director of Wiltshire Users Network, 1991-1997"),
    ("Dr Gary Hickey", "Senior Public Involvement Manager, INVOLVE"),
    ("Steve Palmer", "Communications manager at #coproweek organisers SCIE"),
    ("Helen Sanderson", "CEO of Helen Sanderson Associates"),
]


def test_epub_order(sample_build: Path) -> None:
    spine = epub_spine(sample_build / f"{SLUG}.epub")
    assert spine[:5] == ["cover", "halftitle", "titlepage", "imprint", "contents"]
    assert [s for s in spine[5:] if not s.startswith("ch")] == ["contributors"]
    assert spine[-1] == "contributors"
    nav = labels(epub_nav(sample_build / f"{SLUG}.epub"))
    assert nav[:3] == ["Title page", "Copyright", "Contents"] and nav[-1] == "About the contributors"
    assert len(nav) == 3 + 4 + 1


def test_pdf_order(sample_build: Path) -> None:
    texts = [normalise_space(t) for t in pdf_page_texts(sample_build / f"{SLUG}.pdf")]
    filled = [(i, t) for i, t in enumerate(texts) if t]
    assert filled[0] == (0, "Co-production Week 2019")  # the half-title: the title alone
    assert filled[1][1].startswith("Co-production Week 2019 Steve Palmer")  # the title page
    assert "Typeset with anthology" in filled[2][1]  # the imprint
    assert filled[3][1].startswith("Contents")
    assert filled[-1][1].startswith("About the contributors")
    assert labels(pdf_bookmarks(sample_build / f"{SLUG}.pdf"))[-1] == "About the contributors"


def test_pdf_contributors_page_uses_bylines(sample_build: Path) -> None:
    page = normalise_space(pdf_page_texts(sample_build / f"{SLUG}.pdf")[-1])
    positions = [page.index(name) for name, _ in BIOS]
    assert positions == sorted(positions)
    for _name, bio in BIOS:
        assert bio in page
    assert "Foreword" not in " ".join(pdf_page_texts(sample_build / f"{SLUG}.pdf"))  # nothing invented


def test_html_order(sample_build: Path) -> None:
    index = sample_build / "html" / "index.html"
    assert html_index_sections(index) == ["halftitle", "titlepage", "imprint", "contents"]
    assert labels(html_contents(index))[-1] == "About the contributors"
    page = lxml_html.parse(str(sample_build / "html" / "contributors.html")).getroot()
    names = [normalise_space(h.text_content()) for h in page.find_class("contributor-name")]
    assert names == [name for name, _ in BIOS]
