from __future__ import annotations

import re
from pathlib import Path

from helpers import chapter, write_book
from lxml import etree

from anthology.build import load_book
from anthology.markup.render import render_chapter, render_chapters

NAMED_ENTITY = re.compile(r"&(?!amp;|lt;|gt;|quot;|apos;|#)[A-Za-z]+;")


def render(tmp_path: Path, body: str):
    book = load_book(write_book(tmp_path, {"a.md": chapter(body=body)}))
    return render_chapter(book.chapters[0])


def parse(fragment: str) -> etree._Element:
    return etree.fromstring(
        f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">{fragment}</div>'.encode()
    )


def test_smart_typography_without_named_entities(tmp_path: Path) -> None:
    result = render(tmp_path, "\"Quotes\" and 'single' -- dash --- em... <b>&copy; &nbsp; &hellip;</b>")
    assert not NAMED_ENTITY.search(result.xhtml)
    assert "\u201cQuotes\u201d" in result.xhtml and "\u2018single\u2019" in result.xhtml
    assert "\u2013" in result.xhtml and "\u2014" in result.xhtml and "\u2026" in result.xhtml
    assert "\u00a9" in result.xhtml
    parse(result.xhtml)


def test_raw_html_becomes_xml(tmp_path: Path) -> None:
    result = render(tmp_path, "Line<br>break <div>never closed\n\n<span onerror=alert(1)>x</span>")
    root = parse(result.xhtml)
    assert root.find(".//{http://www.w3.org/1999/xhtml}br") is not None
    assert "onerror" not in result.xhtml


def test_scripts_and_javascript_links_are_removed(tmp_path: Path) -> None:
    result = render(tmp_path, "<script>alert(1)</script>[x](javascript:alert(1)) <a href=\"javascript:x\" onclick=\"y\">l</a>")
    assert "script" not in result.xhtml and "javascript" not in result.xhtml and "onclick" not in result.xhtml


def test_footnotes_become_notes_with_prefixed_ids(tmp_path: Path) -> None:
    result = render(tmp_path, "Text[^a] more[^b].\n\n[^a]: First *note*.\n[^b]: Second.\n")
    assert [n.number for n in result.notes] == [1, 2]
    assert result.notes[0].id == "c1-fn-a" and result.notes[0].ref_id == "c1-fnref-a"
    assert "<em>note</em>" in result.notes[0].xhtml
    root = parse(result.xhtml)
    refs = root.findall(".//{http://www.w3.org/1999/xhtml}a[@role='doc-noteref']")
    assert [r.get("href") for r in refs] == ["#c1-fn-a", "#c1-fn-b"]
    assert refs[0].get("{http://www.idpf.org/2007/ops}type") == "noteref"
    assert "footnote" not in result.xhtml.replace("noteref", "")


def test_headings_shift_below_the_chapter_title(tmp_path: Path) -> None:
    result = render(tmp_path, "# Top\n\ntext\n\n## Sub\n\nmore\n")
    assert [(h.level, h.text) for h in result.headings] == [(2, "Top"), (3, "Sub")]
    assert "<h1" not in result.xhtml


def test_ids_unique_across_the_book(tmp_path: Path) -> None:
    body = "## Same heading\n\nText[^1].\n\n## Same heading\n\n[^1]: Note.\n"
    book = load_book(write_book(tmp_path, {f"{n}.md": chapter(f"T{n}", body=body) for n in range(1, 4)}))
    ids: list[str] = []
    for result in render_chapters(book.chapters):
        ids += re.findall(r'id="([^"]+)"', result.xhtml) + [n.id for n in result.notes]
    assert len(ids) == len(set(ids)) == 3 * 4


def test_internal_fragment_links_follow_prefixed_ids(tmp_path: Path) -> None:
    result = render(tmp_path, "## Part one\n\nSee [above](#part-one).\n")
    assert 'href="#c1-part-one"' in result.xhtml and 'id="c1-part-one"' in result.xhtml
