"""The EPUB: conformance (EPUBCheck, Ace), accessibility metadata, navigation, notes, cover, contributors."""

from __future__ import annotations

import io
import itertools
import re
import shutil
from pathlib import Path

import pytest
from ace import ace_violations
from click.testing import CliRunner
from epub_books import png
from epub_read import EPUB_TYPE, NS, Epub
from helpers import chapter, epubcheck_messages, write_book
from PIL import Image

from anthology.build import build, load_book
from anthology.cli import main
from anthology.errors import ConfigError

pytestmark = pytest.mark.slow  # builds whole books

BIG = "voices-from-the-valleys"
SAMPLE = "co-production-week-2019"


@pytest.fixture(scope="module")
def big(big_build: Path) -> Epub:
    return Epub(big_build / f"{BIG}.epub")


@pytest.mark.parametrize("name", [f"{BIG}.epub", f"{BIG}.kepub.epub"])
def test_big_book_passes_epubcheck(big_build: Path, name: str) -> None:
    assert epubcheck_messages(big_build / name) == []


@pytest.mark.parametrize(("which", "name"), [("big", f"{BIG}.epub"), ("big", f"{BIG}.kepub.epub"), ("sample", f"{SAMPLE}.epub")])
def test_ace_reports_no_violations(big_build: Path, sample_build: Path, which: str, name: str) -> None:
    folder = big_build if which == "big" else sample_build
    assert ace_violations(folder / name) == []


def test_accessibility_metadata_follows_the_content(big: Epub, sample_build: Path) -> None:
    assert big.meta("schema:accessMode") == ["textual", "visual"]
    assert big.meta("schema:accessModeSufficient") == ["textual", "textual,visual"]
    features = big.meta("schema:accessibilityFeature")
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder", "alternativeText", "printPageNumbers"):
        assert feature in features
    assert big.meta("schema:accessibilityHazard") == ["none"]
    summary = big.meta("schema:accessibilitySummary")[0]
    assert "30 chapters" in summary and "(cy)" in summary and "description" in summary
    assert big.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert big.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    sample = Epub(sample_build / f"{SAMPLE}.epub")  # no images: nothing visual, no alternative text to claim
    assert sample.meta("schema:accessMode") == ["textual"]
    assert sample.meta("schema:accessModeSufficient") == ["textual"]
    assert "alternativeText" not in sample.meta("schema:accessibilityFeature")


def test_image_without_description_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter(body="Text.\n\n![](pic.png)\n")})
    png(root / "chapters" / "pic.png", "#123456")
    result = CliRunner().invoke(main, ["build", str(root), "--format", "epub"])
    assert result.exit_code == 2, result.output
    assert "a.md:8: error: image 'pic.png' has no alt text" in result.output
    assert "{: .decorative }" in result.output and "Traceback" not in result.output
    assert not (root / "build" / "test-book.epub").exists()


def test_decorative_image_needs_no_description_and_claims_stay_true(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter(body="Text.\n\n![](pic.png){: .decorative }\n")})
    png(root / "chapters" / "pic.png", "#123456")
    build(root, "epub")
    book = Epub(root / "build" / "test-book.epub")
    assert book.meta("schema:accessMode") == ["textual"]
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")
    assert book.meta("dcterms:conformsTo")


def test_own_templates_withdraw_the_conformance_claim(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter()})
    (root / "templates").mkdir()
    shutil.copy(Path(__file__).parent.parent / "anthology" / "layout" / "templates" / "titlepage.html", root / "templates")
    build(root, "epub")
    book = Epub(root / "build" / "test-book.epub")
    assert book.meta("dcterms:conformsTo") == []
    assert "WCAG" not in book.meta("schema:accessibilitySummary")[0]


def test_landmarks_and_contents(big: Epub) -> None:
    nav = big.tree("nav.xhtml")
    landmarks = {a.get(EPUB_TYPE): a.get("href") for a in nav.iterfind(".//x:nav[@id='landmarks']//x:a", NS)}
    assert landmarks == {
        "cover": "cover.xhtml",
        "titlepage": "titlepage.xhtml",
        "toc": "contents.xhtml",
        "bodymatter": "ch01-chapter-1-a-story-of-working-together.xhtml",
    }
    entries = ["".join(a.itertext()) for a in nav.iterfind(".//x:nav[@id='toc']/x:ol/x:li/x:a", NS)]
    chapters = [e for e in entries if e.startswith("Chapter ")]
    assert chapters[0] == "Chapter 1 – A story of working together\u00a0— Author Number1 Person"  # the dash never opens a line
    assert len(chapters) == 30 and entries[0] == "Title page"
    contents = big.tree("contents.xhtml")
    assert contents.find(".//x:nav", NS).get(EPUB_TYPE) == "toc"
    listed = ["".join(a.itertext()) for a in contents.iterfind(".//x:li/x:a", NS)]
    assert chapters[0] in listed
    welsh = [li for li in contents.iterfind(".//x:li", NS) if "Stori" in "".join(li.itertext())]
    assert len(welsh) == 6 and all(li.get("lang") == "cy" for li in welsh)
    nav_welsh = [li for li in nav.iterfind(".//x:nav[@id='toc']/x:ol/x:li", NS) if "Stori" in "".join(li.itertext())]
    assert all(li.get("lang") == "cy" for li in nav_welsh)
    title = big.tree("titlepage.xhtml").find(".//x:section", NS)
    assert title.get(EPUB_TYPE) == "titlepage"


def test_chapters_carry_roles_language_and_ordered_headings(big: Epub) -> None:
    chapters = [n for n in big.spine() if n.startswith("ch")]
    assert len(chapters) == 30
    for name in chapters:
        tree = big.tree(name)
        section = tree.find(".//x:section", NS)
        assert section.get(EPUB_TYPE) == "chapter" and section.get("role") == "doc-chapter"
        welsh = "stori" in name
        assert tree.get("lang") == section.get("lang") == ("cy" if welsh else "en-GB")
        levels = [int(h.tag[-1]) for h in tree.iter() if isinstance(h.tag, str) and re.fullmatch(r"\{[^}]+\}h[1-6]", h.tag)]
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (name, levels)


def test_footnotes_are_popup_asides_in_their_own_chapter(big: Epub) -> None:
    tree = big.tree("ch07-chapter-7-a-story-of-working-together.xhtml")
    refs = tree.findall(".//x:a[@role='doc-noteref']", NS)
    assert len(refs) == 2
    for ref in refs:
        assert ref.get(EPUB_TYPE) == "noteref"
        target = ref.get("href")
        assert target.startswith("#")  # the note is in the same document
        aside = tree.find(f".//x:aside[@id='{target[1:]}']", NS)
        assert aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
        back = aside.find(".//x:a[@role='doc-backlink']", NS)
        assert back.get("href") == "#" + ref.get("id")


def test_contributors_in_the_metadata(big: Epub) -> None:
    creators = big.opf.findall(".//dc:creator", NS)
    assert [c.text for c in creators[:2]] == ["Dr Gary Hickey", "Clare Evans MBE"]
    for creator in creators[:2]:
        uid = creator.get("id")
        assert big.opf.find(f".//opf:meta[@refines='#{uid}'][@property='role']", NS).text == "edt"
    assert big.opf.find(f".//opf:meta[@refines='#{creators[0].get('id')}'][@property='file-as']", NS).text == "Hickey, Gary"
    authors = creators[2:]  # the chapter authors are creators too (calibre lists only dc:creator)
    assert len(authors) == 30
    for author in authors:
        uid = author.get("id")
        assert big.opf.find(f".//opf:meta[@refines='#{uid}'][@property='role']", NS).text == "aut"
        sort = big.opf.find(f".//opf:meta[@refines='#{uid}'][@property='file-as']", NS).text
        assert sort.startswith("Person, Author Number")


def test_generated_cover_is_first_and_marked(big: Epub) -> None:
    assert big.spine()[0] == "cover.xhtml"
    assert big.item("images/cover.png").get("properties") == "cover-image"
    image = Image.open(io.BytesIO(big.files["EPUB/images/cover.png"]))
    assert image.size == (1600, 2560)
    img = big.tree("cover.xhtml").find(".//x:img", NS)
    assert img.get("role") == "doc-cover"
    assert img.get("alt") == "Cover: Voices from the Valleys. Thirty pieces on working together. Edited by Dr Gary Hickey and Clare Evans MBE."
    # Light ink on a dark ground or the reverse: the title is legible.
    colours = sorted(image.getcolors(2**16), reverse=True)
    ground, ink = colours[0][1], next(c for _, c in colours[1:] if abs(sum(c) - sum(colours[0][1])) > 300)
    assert abs(sum(ground) - sum(ink)) > 300


def test_cover_named_in_anthology_toml(tmp_path: Path) -> None:
    toml = '[book]\ntitle = "T"\nlanguage = "en"\ncover = "art/front.png"\n'
    root = write_book(tmp_path / "book", {"a.md": chapter()}, toml)
    (root / "art").mkdir()
    png(root / "art" / "front.png", "#884422", (1600, 2560))
    build(root, "epub")
    book = Epub(root / "build" / "t.epub")
    assert book.files["EPUB/images/cover.png"] == (root / "art" / "front.png").read_bytes()
    assert book.item("images/cover.png").get("properties") == "cover-image"


def test_missing_cover_is_a_config_error(tmp_path: Path) -> None:
    toml = '[book]\ntitle = "T"\nlanguage = "en"\ncover = "nope.jpg"\n'
    root = write_book(tmp_path / "book", {"a.md": chapter()}, toml)
    with pytest.raises(ConfigError) as info:
        build(root, "epub")
    text = info.value.format(root)
    assert "anthology.toml: error: cover image 'nope.jpg' not found" in text
    assert info.value.diagnostics[0].key == "book.cover"


def test_typographic_cover_fits_a_long_title(tmp_path: Path) -> None:
    from anthology.layout.cover import HEIGHT, WIDTH, typographic_cover

    toml = '[book]\ntitle = "' + "Extraordinarily " * 12 + 'Long"\nlanguage = "en"\nsubtitle = "' + "and more " * 10 + '"\n'
    book = load_book(write_book(tmp_path / "book", {"a.md": chapter()}, toml))
    image = Image.open(io.BytesIO(typographic_cover(book)))
    assert image.size == (WIDTH, HEIGHT)
    assert typographic_cover(book) == typographic_cover(book)


def test_kobo_edition(big_build: Path, big: Epub) -> None:
    kobo = Epub(big_build / f"{BIG}.kepub.epub")
    name = "ch07-chapter-7-a-story-of-working-together.xhtml"
    tree = kobo.tree(name)
    spans = tree.findall(".//x:span[@class='koboSpan']", NS)
    assert spans and all(re.fullmatch(r"kobo\.\d+\.\d+", s.get("id")) for s in spans)
    assert tree.find(".//x:body/x:div[@id='book-columns']/x:div[@id='book-inner']", NS) is not None
    plain = big.tree(name)
    assert _text(tree) == _text(plain)  # the same words, only wrapped
    assert "Co-production means working together from the very start to the very end of a project. " in [s.text for s in spans]
    assert kobo.meta("pageBreakSource") == big.meta("pageBreakSource")


def _text(tree) -> str:
    body = tree.find(".//x:body", NS)
    return re.sub(r"\s+", " ", "".join(body.itertext())).strip()


def test_two_builds_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chapters = {"a.md": chapter("One", body="Text[^1].\n\n[^1]: Note."), "b.md": chapter("Two", "Bo Bee", lang="cy")}
    first = write_book(tmp_path / "first", chapters)
    second = write_book(tmp_path / "second", chapters)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1572566400")  # 2019-11-01T00:00:00Z
    build(first, "epub", tmp_path / "out1", print_pages=True)  # laid out for its page list, as with the PDF
    build(second, "epub", tmp_path / "out2", print_pages=True)
    build(first, "epub,pdf", tmp_path / "out3")
    one = (tmp_path / "out1" / "test-book.epub").read_bytes()
    assert one == (tmp_path / "out2" / "test-book.epub").read_bytes()
    assert one == (tmp_path / "out3" / "test-book.epub").read_bytes()  # with or without the PDF alongside
    epub = Epub(tmp_path / "out1" / "test-book.epub")
    assert epub.meta("dcterms:modified") == ["2019-11-01T00:00:00Z"]
    import zipfile

    with zipfile.ZipFile(tmp_path / "out1" / "test-book.epub") as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2019, 11, 1, 0, 0, 0)}


def test_accessibility_facts_of_an_animated_image(tmp_path: Path) -> None:
    from anthology.layout.accessibility import accessibility_facts
    from anthology.markup.render import render_chapters

    root = write_book(tmp_path / "book", {"a.md": chapter(body="![A spinning wheel](wheel.gif)\n\nText[^1].\n\n[^1]: Note.\n")})
    frames = [Image.new("RGB", (40, 40), colour) for colour in ("red", "blue", "green")]
    frames[0].save(root / "chapters" / "wheel.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    book = load_book(root)
    facts = accessibility_facts(book, render_chapters(book.chapters), page_list=False)
    assert facts.access_modes == ("textual", "visual")
    assert "unknownFlashingHazard" in facts.hazards and "none" not in facts.hazards
    assert "annotations" in facts.features and "printPageNumbers" not in facts.features
    assert "not been checked for flashing" in facts.summary
    assert ("schema:accessibilitySummary", facts.summary) in facts.meta()
