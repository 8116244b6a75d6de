"""The EPUB in real reading systems: metadata that calibre, stores and readers show; a look that
survives a reader's own stylesheet; notes in pop-ups; page markers between words; calibre's book
checker; the Kobo edition and the NCX of older readers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, find_chromium, opened_chromium, wait_until
from calibre_check import CALIBRE_DEBUG, calibre_findings
from epub_read import NS, Epub
from helpers import epubcheck_messages
from lxml import etree
from reader_book import write_reader_book

from anthology.build import build
from anthology.print.pagemap import PageStart, Pagination, mark_pages

pytestmark = pytest.mark.slow  # builds whole books, runs calibre and a browser

CHROMIUM = find_chromium()
NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
BIG = "voices-from-the-valleys"
SAMPLE = "co-production-week-2019"
CHAPTER = "ch01-the-harbour-lights-and-the-keepers-who-w.xhtml"
needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (scripts/install-tools.sh)")
needs_calibre = pytest.mark.skipif(CALIBRE_DEBUG is None, reason="calibre is not installed (scripts/install-tools.sh installs it)")


@pytest.fixture(scope="module")
def reader_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small reader book without editors, as EPUB (with the print page list) and Kobo EPUB."""
    book = write_reader_book(tmp_path_factory.mktemp("reader") / "book")
    build(book, "epub,pdf,kepub")
    return book / "build"


@pytest.fixture(scope="module")
def reader(reader_build: Path) -> Epub:
    return Epub(reader_build / "harbour-lights.epub")


# ---------------------------------------------------------------- metadata


def _creators(epub: Epub) -> list[tuple[str, str, str]]:
    found = []
    for creator in epub.opf.findall(".//dc:creator", NS):
        uid = creator.get("id")
        role = epub.opf.find(f".//opf:meta[@refines='#{uid}'][@property='role']", NS)
        file_as = epub.opf.find(f".//opf:meta[@refines='#{uid}'][@property='file-as']", NS)
        assert role.get("scheme") == "marc:relators"
        found.append((creator.text, role.text, file_as.text))
    return found


def test_without_editors_the_authors_are_the_creators(reader: Epub) -> None:
    assert _creators(reader) == [("Morwenna Trelawny", "aut", "Trelawny, Morwenna"), ("Jory Pascoe", "aut", "Pascoe, Jory")]
    assert reader.opf.findall(".//dc:contributor", NS) == []


def test_editors_come_first_then_every_author(big: Epub) -> None:
    creators = _creators(big)
    assert creators[:2] == [("Dr Gary Hickey", "edt", "Hickey, Gary"), ("Clare Evans MBE", "edt", "Evans, Clare")]
    authors = creators[2:]
    assert len(authors) == 30 and {role for _, role, _ in authors} == {"aut"}
    assert authors[0] == ("Author Number1 Person", "aut", "Person, Author Number1")


def test_subtitle_is_a_title_and_the_description_is_the_books(reader: Epub) -> None:
    titles = reader.opf.findall(".//dc:title", NS)
    assert [(t.get("id"), t.text) for t in titles] == [("title", "Harbour Lights"), ("subtitle", "Pieces from the quayside")]
    assert reader.opf.find(".//opf:meta[@refines='#title'][@property='title-type']", NS).text == "main"
    assert reader.opf.find(".//opf:meta[@refines='#subtitle'][@property='title-type']", NS).text == "subtitle"
    assert [d.text for d in reader.opf.findall(".//dc:description", NS)] == [
        "Two writers on the harbour at night: the lights, the boats and the people who keep them."
    ]
    assert [s.text for s in reader.opf.findall(".//dc:source", NS)] == ["https://example.org/harbour/lights", "https://example.org/harbour/boats"]


@pytest.mark.skipif(shutil.which("ebook-meta") is None, reason="calibre is not installed (scripts/install-tools.sh installs it)")
def test_calibre_shows_the_authors_and_description(sample_build: Path, big_build: Path) -> None:
    shown = subprocess.run(["ebook-meta", str(sample_build / f"{SAMPLE}.epub")], capture_output=True, text=True, check=True).stdout
    fields = dict(re.findall(r"^(\S[^:]*?)\s*: (.*)$", shown, re.MULTILINE))
    assert fields["Author(s)"].startswith("Steve Palmer & Clare Evans MBE & Helen Sanderson & Dr Gary Hickey [")
    assert fields["Comments"].startswith("Four posts from the Co-production Week 2019 blog")
    big = subprocess.run(["ebook-meta", str(big_build / f"{BIG}.epub")], capture_output=True, text=True, check=True).stdout
    assert all(f"Author Number{n} Person" in big for n in range(1, 31))  # every author of the anthology is findable
    assert "Thirty pieces on working together" not in re.search(r"^Comments.*$|$", big, re.MULTILINE).group(0)


@pytest.fixture(scope="module")
def big(big_build: Path) -> Epub:
    return Epub(big_build / f"{BIG}.epub")


# ---------------------------------------------------------------- page markers


def _marked(xhtml: str, offset: int) -> str:
    pages = {"a.xhtml": xhtml}
    text = re.sub(r"<[^>]+>|\s", "", xhtml.split("<body>")[1])
    changed, targets = mark_pages(pages, Pagination("print", (PageStart("1", "u", 0), PageStart("2", "u", offset)), {"u": text}))
    body = changed["a.xhtml"].split("<body>")[1]
    body = re.sub(r'<span[^>]* id="page-1"[^>]*/>\s*', "", body)
    return re.sub(r"<[^>]+>|\n", "", re.sub(r'<span[^>]* id="page-2"[^>]*/>', "|", body)).strip()


HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>'


@pytest.mark.parametrize(
    ("body", "word_start", "expected"),
    [
        ("<p>A bitter service ends.</p>", "Abit", "A |bitter service ends."),  # "bit|ter": as near either end, before
        ("<p>A bitter service ends.</p>", "Abitterser", "A bitter |service ends."),  # "ser|vice": nearest boundary
        ("<p>A bitter service ends.</p>", "Abitterservi", "A bitter service |ends."),  # "servi|ce": after the word
        ("<p>A bitt<em>er</em> day.</p>", "Abitt", "A bitter |day."),  # a word across elements stays whole
        ("<p>A</p><p>bitter day.</p>", "A", "A|bitter day."),  # the edge of a block is a boundary: unchanged
        ("<p>A bitter day.</p>", "A", "A |bitter day."),  # already between words: unchanged
    ],
)
def test_page_markers_fall_between_words(body: str, word_start: str, expected: str) -> None:
    xhtml = HEAD + f'<section id="u">{body}</section></body></html>'
    assert _marked(xhtml, len(word_start)) == expected


def test_no_page_marker_splits_a_word_in_a_built_book(tmp_path: Path) -> None:
    """Three chapters of the benchmark's generated text: justified and hyphenated in print, 5 of
    its 27 pages begin inside a word (profes-sional, pro-ject)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", Path(__file__).parent.parent / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = module.generate(tmp_path / "book", chapters=3, words=1200)
    build(root, "epub,pdf")
    epub = Epub(next((root / "build").glob("*.epub")))
    count = 0
    for name in epub.spine():
        text = _text_with_markers(epub.tree(name).find(".//x:body", NS))
        for match in re.finditer("\0+", text):
            count += 1
            before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
            assert before.isspace() or after.isspace() or not before or not after, text[match.start() - 20 : match.end() + 20]
    assert count > 20


def _text_with_markers(element: etree._Element) -> str:
    if element.get("role") == "doc-pagebreak":
        return "\0" + (element.tail or "")
    inner = (element.text or "") + "".join(_text_with_markers(child) for child in element if isinstance(child.tag, str))
    return inner + (element.tail or "")


# ---------------------------------------------------------------- NCX


def test_ncx_has_its_depth_and_the_page_list_of_the_navigation(reader: Epub, tmp_path: Path) -> None:
    ncx = etree.fromstring(reader.files["EPUB/toc.ncx"])
    meta = {m.get("name"): m.get("content") for m in ncx.iterfind("n:head/n:meta", NCX)}
    assert meta["dtb:depth"] == "1"
    nav = reader.tree("nav.xhtml")
    page_list = [(a.text, a.get("href")) for a in nav.iterfind(".//x:nav[@role='doc-pagelist']//x:a", NS)]
    targets = ncx.findall("n:pageList/n:pageTarget", NCX)
    assert [(t.findtext("n:navLabel/n:text", namespaces=NCX), t.find("n:content", NCX).get("src")) for t in targets] == page_list
    assert meta["dtb:totalPageCount"] == str(len(page_list))
    assert meta["dtb:maxPageNumber"] == str(max(int(label) for label, _ in page_list if label.isdigit()))
    assert {t.get("type") for t in targets} == {"front", "normal"}
    orders = [int(p.get("playOrder")) for p in ncx.iter("{%s}navPoint" % NCX["n"], "{%s}pageTarget" % NCX["n"])]
    assert sorted(set(orders)) == list(range(1, max(orders) + 1))  # one sequence across contents and pages
    # a book in parts: two levels
    from matter_book import write_matter_book

    root = write_matter_book(tmp_path / "parts")
    build(root, "epub")
    parts = etree.fromstring(Epub(next((root / "build").glob("*.epub"))).files["EPUB/toc.ncx"])
    assert parts.find("n:head/n:meta[@name='dtb:depth']", NCX).get("content") == "2"


# ---------------------------------------------------------------- calibre's book checker


@needs_calibre
def test_calibre_book_checker_reports_nothing(sample_build: Path, big_build: Path, reader_build: Path) -> None:
    books = (sample_build / f"{SAMPLE}.epub", big_build / f"{BIG}.epub", big_build / f"{BIG}.kepub.epub", reader_build / "harbour-lights.epub")
    for epub in books:
        assert calibre_findings(epub) == [], epub.name


# ---------------------------------------------------------------- in a browser, under a reader's own styles

# What reading systems put after a book's own stylesheets (Foliate: p, li, blockquote, dd justified
# with their own line height; others indent every paragraph, space paragraphs, make images inline).
HOSTILE = """
p, li, blockquote, dd, figcaption { text-align: justify; text-indent: 1em; line-height: 1.7; hyphens: auto; }
h1, h2, h3 { text-align: justify; text-indent: 1em; line-height: 1.7; }
p { margin: 0.7em 0; }
img { display: inline; margin: 0; }
"""
HIDE_NOTES = '@namespace epub "http://www.idpf.org/2007/ops"; aside[epub|type~="footnote"] { display: none; }'

GEOMETRY = """(() => {
  const round = q => [q.left, q.top, q.right, q.bottom].map(v => Math.round(v));
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
    return Array.from(r.getClientRects()).filter(q => q.width > 0).map(round); };
  const out = {};
  document.querySelectorAll(%s).forEach((el, i) => { out[i + ' ' + el.tagName + '.' + el.className] = lines(el); });
  document.querySelectorAll('figure img, .image img, figcaption').forEach((el, i) => {
    const q = el.tagName === 'img' ? [el.getBoundingClientRect()] : lines(el).map(l => ({left: l[0], right: l[2]}));
    out['across ' + i + ' ' + el.tagName] = q.map(r => [Math.round(r.left), Math.round(r.right)]); });
  return out; })()"""
LOOKS = {
    "titlepage.xhtml": ".titlepage > *",
    "halftitle.xhtml": ".halftitle > *",
    CHAPTER: ".chapter-head > *, .byline > *",
    "contributors.xhtml": ".contributor > *, .contributor-chapters li",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with opened_chromium() as opened:
        opened.call("Emulation.setDeviceMetricsOverride", width=560, height=900, deviceScaleFactor=1, mobile=False)
        yield opened


@pytest.fixture(scope="module")
def unpacked(reader_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(reader_build / "harbour-lights.epub") as z:
        z.extractall(folder)
    return folder / "EPUB"


def _open(browser: Browser, page: Path) -> None:
    url = page.as_uri() + "?load=" + str(id(page)) + str(os.urandom(4).hex())
    browser.navigate(url)
    wait_until(lambda: browser.evaluate(f"location.href === {url!r} && document.readyState === 'complete'"), what=f"{page.name} to load")


def _add_style(browser: Browser, css: str) -> None:
    browser.evaluate(
        "(() => { const s = document.createElementNS('http://www.w3.org/1999/xhtml', 'style');"
        f" s.textContent = {css!r}; document.head.appendChild(s); return true; }})()"
    )


@needs_chromium
@pytest.mark.parametrize("name", list(LOOKS))
def test_look_survives_a_readers_stylesheet(browser: Browser, unpacked: Path, name: str) -> None:
    _open(browser, unpacked / name)
    query = GEOMETRY % repr(LOOKS[name])
    clean = browser.evaluate(query)
    assert any(clean.values())
    _add_style(browser, HOSTILE)
    hostile = browser.evaluate(query)
    assert browser.evaluate("getComputedStyle(document.querySelector('p')).lineHeight") != ""  # the hostile sheet applies
    changed = {key: (clean[key], hostile.get(key)) for key in clean if clean[key] != hostile.get(key)}
    assert changed == {}


MATTER_LOOKS = {
    "imprint.xhtml": ".imprint p, .imprint li",
    "dedication.xhtml": ".dedication p",
    "epigraph.xhtml": ".epigraph-text > *, .epigraph-source",
    "contents.xhtml": "h1, .toc-entry, .toc-part",
    "part1-water.xhtml": ".part-head > *, .part-intro p",
}


@pytest.fixture(scope="module")
def matter_unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from matter_book import write_matter_book

    root = write_matter_book(tmp_path_factory.mktemp("matter") / "book")
    build(root, "epub")
    with zipfile.ZipFile(next((root / "build").glob("*.epub"))) as z:
        z.extractall(root / "unpacked")
    return root / "unpacked" / "EPUB"


@needs_chromium
@pytest.mark.parametrize("name", list(MATTER_LOOKS))
def test_front_matter_and_parts_survive_a_readers_stylesheet(browser: Browser, matter_unpacked: Path, name: str) -> None:
    _open(browser, matter_unpacked / name)
    query = GEOMETRY % repr(MATTER_LOOKS[name])
    clean = browser.evaluate(query)
    assert any(clean.values())
    _add_style(browser, HOSTILE)
    hostile = browser.evaluate(query)
    assert {key: (clean[key], hostile.get(key)) for key in clean if clean[key] != hostile.get(key)} == {}


@needs_chromium
def test_images_centred_and_never_indented(browser: Browser, unpacked: Path) -> None:
    for css in ("", HOSTILE):
        _open(browser, unpacked / CHAPTER)
        if css:
            _add_style(browser, css)
        found = browser.evaluate(
            "(() => { const body = document.querySelector('.chapter-body').getBoundingClientRect();"
            " return Array.from(document.querySelectorAll('.chapter-body figure, .chapter-body p.image')).map(holder => {"
            " const q = Array.from(holder.querySelectorAll('img')).map(i => i.getBoundingClientRect());"
            " return [Math.min(...q.map(r => r.left)) - body.left, body.right - Math.max(...q.map(r => r.right))]; }); })()"
        )
        assert len(found) == 3  # a figure with a caption, one without, two images in a paragraph
        for left, right in found:
            assert abs(left - right) <= 1, (css, found)  # as much room on either side


NOTE_ALONE = """(() => {
  const aside = document.getElementById('c1-fn-2');
  const range = document.createRange(); range.selectNodeContents(aside);
  const content = range.extractContents(); document.body.replaceChildren(content);
  return true; })()"""
NOTE_FACTS = """(() => {
  const number = document.querySelector('.note-number').getBoundingClientRect();
  const paras = Array.from(document.querySelectorAll('.note-number ~ p'));
  const first = paras[0]; const r = document.createRange(); r.selectNodeContents(first);
  const line = r.getClientRects()[0];
  const shown = Array.from(document.body.querySelectorAll('*')).concat([document.body]).filter(e => e.getClientRects().length);
  return {numberTop: Math.round(number.top), lineTop: Math.round(line.top), numberRight: Math.round(number.right),
          lineLeft: Math.round(line.left), indent: getComputedStyle(first).textIndent,
          secondIndent: getComputedStyle(paras[1]).textIndent,
          top: Math.round(Math.min(...shown.filter(e => e !== document.body).map(e => e.getBoundingClientRect().top))),
          bodyTop: Math.round(document.body.getBoundingClientRect().top),
          borders: shown.filter(e => ['Top', 'Bottom'].some(s => parseFloat(getComputedStyle(e)['border' + s + 'Width']) > 0)).map(e => e.tagName + '.' + e.className)};
})()"""


@needs_chromium
@pytest.mark.parametrize("css", ["", HOSTILE])
def test_a_note_on_its_own_as_in_a_pop_up(browser: Browser, unpacked: Path, css: str) -> None:
    """Foliate's pop-up: the note's content alone in the document's body, no aside, no notes section."""
    _open(browser, unpacked / CHAPTER)
    if css:
        _add_style(browser, css)
    assert browser.evaluate(NOTE_ALONE)
    facts = browser.evaluate(NOTE_FACTS)
    assert abs(facts["numberTop"] - facts["lineTop"]) <= 3, facts  # the number on the text's first line
    assert facts["lineLeft"] >= facts["numberRight"], facts
    assert facts["indent"] == "0px" and facts["secondIndent"] == "0px", facts
    assert facts["top"] - facts["bodyTop"] <= 1, facts  # no space above the note
    assert facts["borders"] == [], facts


@needs_chromium
def test_a_note_with_its_ancestors_as_in_calibres_pop_up(browser: Browser, unpacked: Path) -> None:
    """calibre's pop-up: everything hidden but the note and its ancestors, the note the link's target."""
    _open(browser, unpacked / CHAPTER)
    facts = browser.evaluate(
        "(() => { const note = document.getElementById('c1-fn-1'); const keep = new Set();"
        " for (let e = note; e; e = e.parentElement) keep.add(e);"
        " document.body.querySelectorAll('*').forEach(e => { if (!keep.has(e) && !note.contains(e)) e.style.display = 'none'; });"
        " location.hash = '#c1-fn-1';"
        " const shown = Array.from(keep).filter(e => e !== document.documentElement);"
        " return {gap: Math.round(note.querySelector('.note-number').getBoundingClientRect().top - document.body.getBoundingClientRect().top),"
        " borders: shown.concat([note]).filter(e => parseFloat(getComputedStyle(e).borderTopWidth) > 0).map(e => e.tagName + '.' + e.className)}; })()"
    )
    assert facts == {"gap": 0, "borders": []}


@needs_chromium
def test_no_rule_or_space_where_a_reader_hides_the_notes(browser: Browser, unpacked: Path) -> None:
    _open(browser, unpacked / CHAPTER)
    visible = "parseFloat(getComputedStyle(document.querySelector('aside.footnote')).borderTopWidth)"
    assert browser.evaluate(visible) > 0  # shown, the notes are set off by a rule
    _add_style(browser, HIDE_NOTES)
    facts = browser.evaluate(
        "(() => { const notes = document.querySelector('.footnotes').getBoundingClientRect();"
        " const body = document.querySelector('.chapter-body').getBoundingClientRect();"
        " const chapter = document.querySelector('.chapter').getBoundingClientRect();"
        " return {notes: Math.round(notes.height), after: Math.round(chapter.bottom - body.bottom),"
        " border: getComputedStyle(document.querySelector('.footnotes')).borderTopWidth}; })()"
    )
    assert facts == {"notes": 0, "after": 0, "border": "0px"}


# ---------------------------------------------------------------- the Kobo edition


def test_reader_book_passes_epubcheck(reader_build: Path) -> None:
    assert epubcheck_messages(reader_build / "harbour-lights.epub") == []
    assert epubcheck_messages(reader_build / "harbour-lights.kepub.epub") == []


def test_kobo_edition_follows_kobos_own_markup(reader_build: Path, reader: Epub) -> None:
    kobo = Epub(reader_build / "harbour-lights.kepub.epub")
    documents = kobo.spine()
    assert documents[0] == "cover.xhtml"
    for name in documents:
        tree = kobo.tree(name)
        head = tree.find("x:head", NS)
        assert head[-1].get("id") == "kobostylehacks" and "div#book-inner" in head[-1].text, name
        body = tree.find("x:body", NS)
        assert [c.get("id") for c in body] == ["book-columns"] and [c.get("id") for c in body[0]] == ["book-inner"], name
        for image in tree.iter("{%s}img" % NS["x"]):  # every image, the cover's too, in a span of its own
            span = image.getparent()
            assert span.get("class") == "koboSpan" and len(span) == 1 and not (span.text or "").strip(), name
        ids = [s.get("id") for s in tree.iterfind(".//x:span[@class='koboSpan']", NS)]
        assert len(ids) == len(set(ids)) and all(re.fullmatch(r"kobo\.\d+\.\d+", i) for i in ids), name
        assert "".join(body.itertext()).split() == "".join(reader.tree(name).find("x:body", NS).itertext()).split(), name
    chapter = kobo.tree(CHAPTER)
    images = [i.getparent().get("id") for i in chapter.iter("{%s}img" % NS["x"])]
    assert len(images) == 4 and all(i.endswith(".1") for i in images)  # an image starts a block of its own


def test_an_editor_who_wrote_a_chapter_is_one_creator_with_both_roles(tmp_path: Path) -> None:
    from helpers import chapter, write_book

    toml = '[book]\ntitle = "T"\nlanguage = "en"\neditors = ["Ann Author"]\n'
    root = write_book(tmp_path / "book", {"a.md": chapter(), "b.md": chapter("B", "Bo Bee")}, toml)
    build(root, "epub")
    epub = Epub(root / "build" / "t.epub")
    creators = epub.opf.findall(".//dc:creator", NS)
    assert [c.text for c in creators] == ["Ann Author", "Bo Bee"]
    roles = [m.text for m in epub.opf.iterfind(f".//opf:meta[@refines='#{creators[0].get('id')}'][@property='role']", NS)]
    assert roles == ["edt", "aut"]
    assert epubcheck_messages(root / "build" / "t.epub") == []
