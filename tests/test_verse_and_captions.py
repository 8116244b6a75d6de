"""Verse, hard line breaks, table captions, captioned figures and dashes: the same in the EPUB, the
HTML edition and the PDF, read back from each (the XHTML, headless Chromium at 390 and 1280 px,
pdftotext per page)."""

from __future__ import annotations

import os
import random
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from ace import ace_violations
from browser import Browser, find_chromium, opened_chromium, wait_until
from calibre_check import CALIBRE_DEBUG, calibre_findings
from helpers import chapter, epubcheck_messages, write_book
from lxml import etree
from PIL import Image

from anthology.build import build, load_book
from anthology.markup.render import render_chapters
from anthology.text import spaced_dashes

CHROMIUM = find_chromium()
XHTML = "{http://www.w3.org/1999/xhtml}"

POEM = """Before the poem, a paragraph - with a spaced hyphen.

| The harbour lights come on one by one along the wall, and the boats that were out all day on the grey water beyond the point turn for home, their engines low, their lamps swinging, the men at the rails counting the houses they know
| The gulls go quiet
|     and the water holds its breath
|
| A second stanza begins here
  and this source line continues the line above

| A third stanza, after a blank line in the source
| ends *here*

After the poem.
"""

FENCED = """::: verse
First line of a fenced poem
Second line

Second stanza of it
:::
"""

TABLE = """| Year | Boats | Catch (t) |
|------|------:|----------:|
| 1952 | 41 | 1,204 |
| 1953 | 38 | 1,090 |

Table: Boats and catch - the harbour's books, 1952-1953
"""

FIGURES = """![A wide photograph of the harbour wall at dusk](wide.png "The harbour wall at dusk - a very wide picture")

Between the pictures.

![A narrow sketch of a gull](narrow.png "A gull's 'portrait'")

![An uncaptioned picture](narrow.png)
"""

BREAKS = "First line of an address\\\nsecond line of it  \nthird line of it\n"

WORDS = ("harbour tide boat gull net rope quay wall lamp salt morning evening winter keeper light "
         "anchor weather pier sail oar shore stone cottage mother daughter").split()


def _dashed_text(seed: int, paragraphs: int = 12) -> str:
    """Paragraphs with a spaced hyphen or em dash every few words: some are bound to fall at a line's end."""
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        words = []
        for n in range(rng.randint(90, 130)):
            words.append(rng.choice(WORDS))
            if n % rng.randint(4, 9) == 3:
                words.append(rng.choice(["-", "\u2014", "--"]))
        out.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(out)


def write_verse_book(root: Path) -> Path:
    """A sample-like book: a poem, a fenced poem, a captioned table, figures, many spaced dashes."""
    chapters = {
        "01-poems.md": chapter("Harbour - poems", "Ann Bee", "\n".join([POEM, FENCED, BREAKS])),
        "02-figures.md": chapter("Tables and pictures", "Cy Dee", "\n\n".join([TABLE, "Some text after the table.", FIGURES])),
        "03-dashes.md": chapter("Dashes", "Di Eff", _dashed_text(1)),
        "04-more-dashes.md": chapter("More dashes", "Ed Gee", _dashed_text(2)),
    }
    write_book(root, chapters, '[book]\ntitle = "Harbour Verse"\nlanguage = "en"\n')
    Image.new("RGB", (2400, 800), (40, 90, 140)).save(root / "chapters" / "wide.png")
    Image.new("RGB", (300, 400), (200, 180, 60)).save(root / "chapters" / "narrow.png")
    return root


@pytest.fixture(scope="module")
def verse_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_verse_book(tmp_path_factory.mktemp("verse") / "book")
    build(root, "epub,html,pdf")
    return root


def _render(tmp_path: Path, body: str) -> str:
    root = write_book(tmp_path / "book", {"a.md": chapter("A", "Ann Bee", body)})
    return render_chapters(load_book(root).chapters)[0].xhtml


# ---------------------------------------------------------------- the markup


def test_spaced_hyphens_become_en_dashes_that_keep_to_the_word_before() -> None:
    assert spaced_dashes("No - I get") == "No\u00a0\u2013 I get"
    assert spaced_dashes("so \u2014 then, and \u2013 now") == "so\u00a0\u2014 then, and\u00a0\u2013 now"
    assert spaced_dashes("at the end \u2014") == "at the end\u00a0\u2014"
    assert spaced_dashes("No - I get", bind=False) == "No \u2013 I get"  # titles: the dash, no binding space
    for kept in ("-5 degrees", "1990-2000", "co-production", "user- controlled", "\u2014 Said she", "a -b"):
        assert spaced_dashes(kept) == kept


def test_dashes_in_text_but_never_in_code_or_attributes(tmp_path: Path) -> None:
    xhtml = _render(tmp_path, "No - I get it, [a - link](https://example.org/a-b) `x - y` and so -- on.\n\n"
                               "    code - block\n\n<abbr title=\"a - b\">AB</abbr> - done\n")
    assert "No\u00a0\u2013 I get it" in xhtml and "a\u00a0\u2013 link" in xhtml and "so\u00a0\u2013 on" in xhtml
    assert "<code>x - y</code>" in xhtml and "code - block" in xhtml and 'title="a - b"' in xhtml
    assert "</abbr>\u00a0\u2013 done" in xhtml


def test_line_blocks_keep_lines_and_stanzas(tmp_path: Path) -> None:
    root = etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml">{_render(tmp_path, POEM + chr(10) + FENCED)}</div>')
    verses = root.findall(f"{XHTML}div[@class='verse']")
    assert len(verses) == 2  # a blank line between two line blocks is a stanza break; a paragraph ends the poem
    stanzas = [[("".join(line.itertext())) for line in stanza] for verse in verses for stanza in verse]
    assert stanzas[:3] == [
        ["The harbour lights come on one by one along the wall, and the boats that were out all day on the grey water beyond "
         "the point turn for home, their engines low, their lamps swinging, the men at the rails counting the houses they know",
         "The gulls go quiet", "\u00a0" * 4 + "and the water holds its breath"],
        ["A second stanza begins here and this source line continues the line above"],
        ["A third stanza, after a blank line in the source", "ends here"],
    ]
    assert stanzas[3:] == [["First line of a fenced poem", "Second line"], ["Second stanza of it"]]
    assert all(line.tag == f"{XHTML}p" and line.get("class") == "line" for v in verses for s in v for line in s)
    assert root.find(f".//{XHTML}p[@class='line']/{XHTML}em").text == "here"


def test_a_verse_block_after_a_line_block_is_a_poem_of_its_own(tmp_path: Path) -> None:
    xhtml = _render(tmp_path, "| One poem\n\n::: verse\nAnother\n:::\n\n::: verse\n:::\n")
    assert xhtml.count('<div class="verse">') == 2 and xhtml.count('<p class="line">') == 2


def test_a_pipe_table_is_still_a_table(tmp_path: Path) -> None:
    xhtml = _render(tmp_path, "| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in xhtml and "verse" not in xhtml


def test_backslash_and_two_space_line_breaks(tmp_path: Path) -> None:
    xhtml = _render(tmp_path, BREAKS + "\nAn escaped backslash \\\\\nstays, and `code \\` too.\n")
    assert "First line of an address<br/>\nsecond line of it<br/>\nthird line" in xhtml
    assert "An escaped backslash \\\nstays" in xhtml and "<code>code \\</code>" in xhtml
    assert "address\\" not in xhtml


def test_table_caption_after_or_before_the_table(tmp_path: Path) -> None:
    after = _render(tmp_path / "after", TABLE)
    assert re.search(r"<table>\s*<caption>Boats and catch\u00a0\u2013 the harbour\u2019s books, 1952-1953</caption>\s*<thead>", after)
    assert "Table:" not in after
    before = _render(tmp_path / "before", "Table: *Before* it\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: not this one's\n")
    assert re.search(r"<table>\s*<caption><em>Before</em> it</caption>", before) is None  # the one after comes first
    assert "<caption>not this one\u2019s</caption>" in before and "<p>Table: <em>Before</em> it</p>" in before
    only_before = _render(tmp_path / "only", "Table: *Before* it\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert re.search(r"<table>\s*<caption><em>Before</em> it</caption>", only_before)


# ---------------------------------------------------------------- the EPUB


@pytest.mark.slow
def test_verse_book_epub_passes_the_checkers(verse_book: Path) -> None:
    epub = verse_book / "build" / "harbour-verse.epub"
    assert epubcheck_messages(epub) == []
    assert ace_violations(epub) == []
    if CALIBRE_DEBUG is not None:  # calibre's book checker: the stylesheets' rules in order of specificity
        assert calibre_findings(epub) == []


@pytest.mark.slow
def test_epub_and_html_carry_verse_captions_and_dashes(verse_book: Path) -> None:
    with zipfile.ZipFile(verse_book / "build" / "harbour-verse.epub") as z:
        epub = {name: z.read(name).decode() for name in z.namelist() if re.fullmatch(r"EPUB/(ch\d.*|contents)\.xhtml", name)}
    html = {p.name: p.read_text(encoding="utf-8") for p in (verse_book / "build" / "html").glob("*.html") if p.stem.startswith(("ch", "index"))}
    assert len(epub) == len(html) == 5
    for edition in (epub, html):
        text = "\n".join(edition.values())
        assert text.count('<p class="line">') == 9
        assert "<caption>Boats and catch\u00a0\u2013 the harbour\u2019s books" in text
        assert text.count("<figcaption>") == 2 and "<figcaption>A gull\u2019s \u2018portrait\u2019</figcaption>" in text
        body = re.sub(r"<[^>]+>", "", text)
        assert re.search(r"\w - \w", body) is None and "Harbour \u2013 poems" in body  # titles too
        chapters = re.sub(r"<[^>]+>", "", "".join(t.split('class="chapter-body"')[-1].split("<footer")[0] for t in edition.values() if 'class="chapter-body"' in t))
        assert chapters.count("\u00a0\u2013 ") + chapters.count("\u00a0\u2014 ") > 300
        assert re.search(r" [\u2013\u2014] ", chapters) is None  # the space before a spaced dash is a no-break space
        assert "address\\" not in body


# ---------------------------------------------------------------- the PDF


@pytest.mark.slow
def test_pdf_lines_never_start_with_a_spaced_dash_and_verse_keeps_its_lines(verse_book: Path) -> None:
    pdf = verse_book / "build" / "harbour-verse.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.split("\n")]
    dashes = sum(line.count("\u2013") + line.count("\u2014") for line in lines)
    assert dashes > 300  # enough spaced dashes that many fall where a line would break
    assert [line for line in lines if re.match("[\u2013\u2014]\\s", line)] == []
    assert " - " not in text
    for line in ("The gulls go quiet", "First line of a fenced poem", "Second line", "Second stanza of it",
                 "First line of an address", "second line of it", "third line of it"):
        assert line in lines, line
    assert "address\\" not in text
    assert "Boats and catch" in text and "The harbour wall at dusk" in text and "A gull\u2019s" in text


# ---------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with opened_chromium() as opened:
        yield opened


LOOK = """(() => {
  const body = document.querySelector('.chapter-body').getBoundingClientRect();
  const rects = el => { const r = document.createRange(); r.selectNodeContents(el);
    return Array.from(r.getClientRects()).filter(q => q.width > 0); };
  const imgs = Array.from(document.querySelectorAll('.chapter-body img')).map(i => {
    const q = i.getBoundingClientRect(); return [q.left - body.left, body.right - q.right, q.width]; });
  const captions = Array.from(document.querySelectorAll('figcaption, caption')).map(c => {
    const q = c.getBoundingClientRect(); return [c.textContent, q.height > 0 && getComputedStyle(c).display !== 'none' && getComputedStyle(c).visibility !== 'hidden']; });
  const holders = Array.from(document.querySelectorAll('.chapter-body figure')).map(f => parseFloat(getComputedStyle(f).textIndent));
  const lines = Array.from(document.querySelectorAll('.verse .line')).map(l => {
    const q = rects(l); return {count: q.length, lefts: q.map(r => Math.round(r.left)), top: q[0].top, bottom: q[q.length - 1].bottom,
      align: getComputedStyle(l).textAlign}; });
  return {imgs, captions, holders, lines, wide: document.documentElement.scrollWidth > window.innerWidth}; })()"""


def _look(browser: Browser, page: Path, width: int) -> dict:
    browser.set_viewport(width, 900, mobile=width < 500)
    url = page.as_uri() + "?w=" + str(width) + os.urandom(4).hex()
    browser.navigate(url)
    wait_until(lambda: browser.evaluate(f"location.href === {url!r} && document.readyState === 'complete'"), what=f"{page.name}")
    wait_until(lambda: browser.evaluate("Array.from(document.images).every(i => i.complete)"), what="the images")
    return browser.evaluate(LOOK)


@pytest.fixture(scope="module")
def unpacked(verse_book: Path) -> Path:
    folder = verse_book / "unpacked"
    with zipfile.ZipFile(verse_book / "build" / "harbour-verse.epub") as z:
        z.extractall(folder)
    return folder / "EPUB"


def _pages(verse_book: Path, unpacked: Path, edition: str) -> tuple[Path, Path]:
    folder = unpacked if edition == "epub" else verse_book / "build" / "html"
    suffix = ".xhtml" if edition == "epub" else ".html"
    found = sorted(p for p in folder.glob(f"*{suffix}") if p.stem.startswith(("ch01", "ch02", "chapter-01", "chapter-02")))
    assert len(found) == 2, sorted(p.name for p in folder.iterdir())
    return found[0], found[1]


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["epub", "html"])
@pytest.mark.parametrize("width", [390, 1280])
def test_figures_and_verse_in_a_browser(browser: Browser, verse_book: Path, unpacked: Path, edition: str, width: int, tmp_path: Path) -> None:
    poems, pictures = _pages(verse_book, unpacked, edition)
    look = _look(browser, pictures, width)
    assert not look["wide"], "the page is wider than the screen"
    assert len(look["imgs"]) == 3
    for left, right, shown in look["imgs"]:
        assert left >= -0.5 and right >= -0.5 and shown > 0, look["imgs"]  # never wider than the column
        assert abs(left - right) <= 1, look["imgs"]  # centred
    assert [c for c, shown in look["captions"] if shown] == [
        "Boats and catch\u00a0\u2013 the harbour\u2019s books, 1952-1953",
        "The harbour wall at dusk\u00a0\u2013 a very wide picture", "A gull\u2019s \u2018portrait\u2019"]
    assert look["holders"] == [0, 0, 0]  # no paragraph indent on a picture
    look = _look(browser, poems, width)
    assert not look["wide"]
    lines = look["lines"]
    assert len(lines) == 9 and all(line["align"] == "start" for line in lines)
    long_line = lines[0]
    assert long_line["count"] >= 2, "the long line should turn over at this width"
    assert all(left > long_line["lefts"][0] + 10 for left in long_line["lefts"][1:])  # its turnovers indented
    assert lines[1]["lefts"][0] == long_line["lefts"][0]  # the next line starts flush again
    line_gap = lines[2]["top"] - lines[1]["bottom"]
    stanza_gap = lines[3]["top"] - lines[2]["bottom"]
    assert stanza_gap > line_gap + 8  # a stanza break is vertical space
    assert lines[3]["lefts"][0] == long_line["lefts"][0]  # not an indent
    if os.environ.get("ANTHOLOGY_SCREENSHOTS"):
        browser.screenshot(Path(os.environ["ANTHOLOGY_SCREENSHOTS"]) / f"verse-{edition}-{width}.png")
        _look(browser, pictures, width)
        browser.screenshot(Path(os.environ["ANTHOLOGY_SCREENSHOTS"]) / f"figures-{edition}-{width}.png")


# What reading systems put after a book's own stylesheets (justified, indented, spaced paragraphs,
# inline images), as in test_epub_readers.
HOSTILE = """
p, li, blockquote, dd, figcaption { text-align: justify; text-indent: 1em; line-height: 1.7; hyphens: auto; }
p { margin: 0.7em 0; }
img { display: inline; margin: 0; }
"""


@pytest.mark.slow
def test_verse_and_figures_survive_a_readers_stylesheet(browser: Browser, verse_book: Path, unpacked: Path) -> None:
    for page in _pages(verse_book, unpacked, "epub"):
        clean = _look(browser, page, 560)
        browser.evaluate(
            "(() => { const s = document.createElementNS('http://www.w3.org/1999/xhtml', 'style');"
            f" s.textContent = {HOSTILE!r}; document.head.appendChild(s); return true; }})()"
        )
        assert browser.evaluate("getComputedStyle(document.querySelector('p')).lineHeight") != ""
        hostile = browser.evaluate(LOOK)
        for key in ("imgs", "captions", "holders"):
            assert clean[key] == hostile[key], key
        assert [(line["count"], line["align"]) for line in clean["lines"]] == [(line["count"], line["align"]) for line in hostile["lines"]]
        assert [line["lefts"] for line in clean["lines"]] == [line["lefts"] for line in hostile["lines"]]
