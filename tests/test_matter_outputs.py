"""A book with parts, a foreword, shared contributors and multi-author chapters: one structure in all three outputs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import epubcheck_messages, normalise_space, pdf_page_texts
from lxml import html as lxml_html
from matter_book import CHAPTER_TITLES, write_matter_book
from matter_read import (
    epub_nav,
    epub_ncx,
    epub_section_types,
    epub_spine,
    html_contents,
    html_index_sections,
    labels,
    pdf_bookmarks,
)

from anthology.build import build

pytestmark = pytest.mark.slow  # builds whole books
SLUG = "rivers-and-roads"
SPINE = [
    "halftitle", "titlepage", "imprint", "dedication", "epigraph", "contents", "foreword",
    "part1-water", "ch01-at-the-source", "ch02-the-estuary", "part2-land", "ch03-hedges",
    "contributors", "afterword", "acknowledgements",
]
# What the contents list after the contents page, nested by part (with the authors, where a target shows them).
OUTLINE = [
    ("Foreword", []),
    ("Part I: Water", ["At the source", "The estuary"]),
    ("Part II: Land", ["Hedges"]),
    ("About the contributors", []),
    ("After the walk", []),
    ("Acknowledgements", []),
]
AUTHORS = {"At the source": "Ann Bee and Dr Cy van Dee", "The estuary": "Ann Bee", "Hedges": "Eve Zed and Dr Cy van Dee",
           "Foreword": "Mara Quill"}


def with_authors(tree: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    def label(title: str) -> str:
        return f"{title} — {AUTHORS[title]}" if title in AUTHORS else title
    return [(label(title), [label(c) for c in children]) for title, children in tree]


def shape(tree: list) -> list[tuple[str, list[str]]]:
    """A navigation tree down to two levels (sub-headings inside chapters are left out)."""
    return [(label, [child for child, _ in children]) for label, children in tree]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_matter_book(tmp_path_factory.mktemp("matter") / "book")
    build(root)
    return root / "build"


def test_epub_spine_and_types(built: Path) -> None:
    epub = built / f"{SLUG}.epub"
    assert epub_spine(epub) == ["cover"] + SPINE  # the cover is shown first
    types = epub_section_types(epub)
    assert types["halftitle"] == "halftitlepage" and types["imprint"] == "copyright-page"
    assert types["foreword"] == "foreword" and types["part1-water"] == "part"
    assert types["contributors"] == "contributors" and types["acknowledgements"] == "acknowledgments"


def test_epubcheck_reports_nothing(built: Path) -> None:
    assert epubcheck_messages(built / f"{SLUG}.epub") == []


def test_epub_navigation_nests_chapters_in_parts(built: Path) -> None:
    epub = built / f"{SLUG}.epub"
    expected = [("Title page", []), ("Copyright", []), ("Contents", [])] + with_authors(OUTLINE)
    assert shape(epub_nav(epub)) == expected
    assert shape(epub_ncx(epub)) == expected
    upstream = epub_nav(epub)[4][1][0][1]
    assert labels(upstream) == ["Upstream"]  # sub-headings still listed under their chapter


def test_pdf_bookmarks_nest_chapters_in_parts(built: Path) -> None:
    assert shape(pdf_bookmarks(built / f"{SLUG}.pdf")) == [("Contents", [])] + OUTLINE


def test_pdf_pages_in_reading_order(built: Path) -> None:
    texts = [normalise_space(t) for t in pdf_page_texts(built / f"{SLUG}.pdf")]
    filled = [t for t in texts if t]

    def page_of(predicate) -> int:
        return next(i for i, t in enumerate(filled) if predicate(t))

    order = [
        page_of(lambda t: t == "Rivers and Roads"),  # half-title: the title alone
        page_of(lambda t: t.startswith("Rivers and Roads Writing from the edges Edited by Mara Quill")),
        page_of(lambda t: "Typeset with anthology" in t),
        page_of(lambda t: "For everyone who walked with us" in t),
        page_of(lambda t: "The road goes ever on." in t),
        page_of(lambda t: t.startswith("Contents")),
        page_of(lambda t: t.startswith("Foreword")),
        page_of(lambda t: t.startswith("Part I") and "Water" in t),
        page_of(lambda t: "At the source Ann Bee and Dr Cy van Dee" in t),
        page_of(lambda t: t.startswith("The estuary")),
        page_of(lambda t: t.startswith("Part II") and "Land" in t),
        page_of(lambda t: t.startswith("Hedges")),
        page_of(lambda t: t.startswith("About the contributors")),
        page_of(lambda t: t.startswith("After the walk")),
        page_of(lambda t: t.startswith("Acknowledgements")),
    ]
    assert order == sorted(order) and len(set(order)) == len(order)
    assert order[:2] == [0, 1]


def test_pdf_imprint(built: Path) -> None:
    imprint = next(normalise_space(t) for t in pdf_page_texts(built / f"{SLUG}.pdf") if "Typeset with anthology" in t)
    assert "© 2024 the contributors" in imprint
    assert "Creative Commons Attribution 4.0 International licence (CC BY 4.0)" in imprint
    assert "“Hedges” is published under the Creative Commons Attribution Share Alike 4.0 International licence" in imprint
    assert "ISBN 978-0-306-40615-7 (EPUB)" in imprint and "ISBN 978-1-234-56789-7 (PDF)" in imprint
    assert "First edition, 1 May 2024" in imprint and "Little Harbour Press, Bristol" in imprint


def test_pdf_contributors_sorted_with_page_numbers(built: Path) -> None:
    texts = [normalise_space(t) for t in pdf_page_texts(built / f"{SLUG}.pdf")]
    page = next(t for t in texts if t.startswith("About the contributors"))
    assert page.index("Ann Bee") < page.index("Dr Cy van Dee") < page.index("Eve Zed")  # Bee, Dee (sort_as), Zed
    assert "Ann Bee writes about rivers" in page and "Eve Zed lays hedges in Somerset." in page
    for title in CHAPTER_TITLES:
        start = next(i for i, t in enumerate(texts) if re.match(r"^(\d+\. )?" + title, t) and "Contents" not in t)
        folio = int(texts[start].split()[-1])
        assert re.search(re.escape(title) + r"[ .]+" + str(folio) + r"\b", page), (title, folio, page)
    assert len(re.findall(r"At the source[ .]+3\b", page)) == 2  # shared by Ann Bee and Cy van Dee


def test_pdf_contents_numbers_front_matter_in_roman(built: Path) -> None:
    texts = [normalise_space(t) for t in pdf_page_texts(built / f"{SLUG}.pdf")]
    contents = next(t for t in texts if t.startswith("Contents"))
    foreword = next(t for t in texts if t.startswith("Foreword"))
    assert re.search(r"Foreword[ .]*" + foreword.split()[-1] + r"\b", contents)
    assert re.fullmatch(r"[ivx]+", foreword.split()[-1])
    part = re.search(r"Water[ .]*(\d+)", contents)
    assert part is not None and part.group(1) == "1"  # the body starts at 1 on the first part's page


def test_pdf_chapter_front_matter(built: Path) -> None:
    texts = [normalise_space(t) for t in pdf_page_texts(built / f"{SLUG}.pdf")]
    hedges = next(t for t in texts if t.startswith("Hedges"))
    assert hedges.startswith("Hedges What a hedge remembers, and what it forgets. Eve Zed and Dr Cy van Dee")
    assert "First published at example.org on 5 November 2022." in hedges
    assert "Published under the CC BY-SA 4.0 licence." in hedges
    assert "A hedge is a slow wall. — Eve’s grandfather" in hedges
    water = next(t for t in texts if t.startswith("Part I"))
    assert "Three writers on rivers, floods and the sea." in water


def test_html_index_lists_everything(built: Path) -> None:
    index = built / "html" / "index.html"
    assert html_index_sections(index) == ["halftitle", "titlepage", "imprint", "dedication", "book-epigraph", "contents"]
    assert shape(html_contents(index)) == with_authors(OUTLINE)
    pages = {p.stem for p in (built / "html").glob("*.html")}
    assert pages == {"index"} | set(SPINE[SPINE.index("contents") + 1 :])


def test_html_pages_link_in_reading_order(built: Path) -> None:
    folder = built / "html"
    stems = SPINE[SPINE.index("contents") + 1 :]
    for here, stem in enumerate(stems):
        root = lxml_html.parse(str(folder / f"{stem}.html")).getroot()
        for end in ("header", "footer"):  # the same links at the top and at the foot of the page
            prev = root.xpath(f"//{end}//a[@rel='prev']/@href")
            following = root.xpath(f"//{end}//a[@rel='next']/@href")
            assert prev == (["index.html"] if here == 0 else [f"{stems[here - 1]}.html"])
            assert following == ([] if here == len(stems) - 1 else [f"{stems[here + 1]}.html"])


def test_html_contributors_link_to_chapters_and_back(built: Path) -> None:
    folder = built / "html"
    contributors = lxml_html.parse(str(folder / "contributors.html")).getroot()
    cy = contributors.get_element_by_id("contributor-dr-cy-van-dee")
    assert cy.xpath(".//a/@href") == ["ch01-at-the-source.html", "ch03-hedges.html"]
    part = lxml_html.parse(str(folder / "part1-water.html")).getroot()
    assert part.xpath("//ol[@class='part-contents']//a/@href") == ["ch01-at-the-source.html", "ch02-the-estuary.html"]
    chapter = (folder / "ch01-at-the-source.html").read_text()
    assert 'href="contributors.html#contributor-ann-bee"' in chapter
    assert 'href="contributors.html#contributor-dr-cy-van-dee"' in chapter


def test_foreword_without_parts_keeps_the_body_from_page_1(tmp_path: Path) -> None:
    from helpers import chapter, write_book

    root = write_book(tmp_path / "book", {"a.md": chapter("Alpha"), "b.md": chapter("Beta", "Bo Cole")})
    (root / "front").mkdir()
    (root / "front" / "introduction.md").write_text("Why we made this.\n\n" + "More words. " * 400 + "\n")
    build(root, formats="pdf,html")
    pdf = root / "build" / "test-book.pdf"
    assert shape(pdf_bookmarks(pdf)) == [("Contents", []), ("Introduction", []), ("Alpha", []), ("Beta", []),
                                         ("About the contributors", [])]
    texts = [normalise_space(t) for t in pdf_page_texts(pdf)]
    alpha = next(t for t in texts if t.startswith("Alpha"))
    assert alpha.split()[-1] == "1"
    contents = next(t for t in texts if t.startswith("Contents"))
    assert re.search(r"Introduction[ .]*[ivx]+ ", contents) and re.search(r"Alpha[ .]*1 ", contents)
    imprint = next(t for t in texts if "Typeset with anthology" in t)
    assert "© the contributors" in imprint and "licence" not in imprint and "ISBN" not in imprint
    index = root / "build" / "html" / "index.html"
    assert labels(html_contents(index)) == ["Introduction", "Alpha — Ann Author", "Beta — Bo Cole", "About the contributors"]


def test_images_in_front_matter_and_part_intros_are_packaged(tmp_path: Path) -> None:
    import zipfile

    from helpers import DEFAULT_TOML, chapter, write_book
    from PIL import Image

    toml = DEFAULT_TOML + '\n[[parts]]\ntitle = "One"\nintro = "![A hill](front/hill.png)"\nchapters = ["chapters/a.md"]\n'
    root = write_book(tmp_path / "book", {"a.md": chapter("Alpha")}, toml)
    (root / "front").mkdir()
    Image.new("RGB", (8, 8), "green").save(root / "front" / "map.png")
    Image.new("RGB", (8, 8), "blue").save(root / "front" / "hill.png")
    (root / "front" / "foreword.md").write_text("![The map](map.png)\n")
    build(root, formats="epub,html,pdf")
    with zipfile.ZipFile(root / "build" / "test-book.epub") as z:
        images = [n for n in z.namelist() if n.startswith("EPUB/images/") and n != "EPUB/images/cover.png"]
        foreword = z.read("EPUB/foreword.xhtml").decode()
        part = z.read("EPUB/part1-one.xhtml").decode()
    assert len(images) == 2
    assert 'src="images/' in foreword and 'alt="The map"' in foreword and 'alt="A hill"' in part
    assert len(list((root / "build" / "html" / "images").iterdir())) == 2
    assert epubcheck_messages(root / "build" / "test-book.epub") == []
