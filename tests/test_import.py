"""anthology import: WXR, Blogger/Atom, RSS, a saved blog page and .docx become chapters that build."""

from __future__ import annotations

import datetime as dt
import tomllib
import zipfile
from html import escape as html_escape
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import chapter, epubcheck_messages, new_book, write_book
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_sources import blogger_entry, write_atom, write_docx, write_rss, write_wxr, wxr_item
from lxml import etree

from anthology.build import build
from anthology.cli import main
from anthology.errors import ImportSourceError
from anthology.importers import import_source
from anthology.importers.htmltomd import parse, to_markdown
from anthology.importers.images import ImageSink
from anthology.importers.post import Post, parse_selection
from anthology.markup.render import render_chapter
from anthology.project.model import Chapter
from anthology.project.sources import read_chapter

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def metas(book: Path) -> dict[str, dict]:
    """Front matter of every chapter, with authors as plain names."""
    found = {}
    for path in sorted((book / "chapters").glob("*.md")):
        meta = dict(read_chapter(path).meta)
        meta["author"] = [person.name for person in meta["author"]]
        found[path.name] = meta
    return found


@pytest.fixture(scope="module")
def imported_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book made only of imports: a WXR, a Blogger (Atom) export and a .docx, then built as EPUB."""
    root = tmp_path_factory.mktemp("imported")
    book = new_book(root / "book")
    docx = write_docx(root / "word" / "listening.docx")
    _set_docx_created(docx, "2019-05-02T09:00:00Z")
    kinds = []
    for source in (write_wxr(root / "wxr"), write_atom(root / "atom"), docx):
        result = run("import", str(source), str(book))
        assert result.exit_code == 0, result.output
        kinds.append(result.output.strip().splitlines()[-1])
    assert "imported 2 of 2 posts from WordPress export blog.wordpress.xml; skipped 1 attachment, 1 draft (--include-drafts to import them)" in kinds[0]
    assert "imported 2 of 2 posts from Blogger export blog-export.xml; skipped 1 comment" in kinds[1]
    assert "imported 1 of 1 posts from Word document listening.docx" in kinds[2]
    build(book, "epub")
    return book


def _set_docx_created(path: Path, when: str) -> None:
    import docx

    document = docx.Document(str(path))
    document.core_properties.created = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
    document.save(str(path))


@pytest.mark.slow
def test_imported_chapters_have_titles_authors_dates_and_sources(imported_book: Path) -> None:
    found = metas(imported_book)
    assert list(found) == [
        "01-co-production-and-rugby.md",
        "02-notes-from-wiltshire.md",
        "03-ruths-story.md",
        "04-what-is-co-produced-research.md",
        "05-listening-first.md",
    ]
    rugby = found["01-co-production-and-rugby.md"]
    assert rugby["title"] == "Co-production and rugby"
    assert rugby["author"] == ["Ann Bee"]  # the display name, not the login
    assert rugby["date"] == dt.date(2019, 4, 25)
    assert rugby["source"] == "https://blog.example.org/co-production-and-rugby/"
    wiltshire = found["02-notes-from-wiltshire.md"]
    assert wiltshire["author"] == ["Clare Evans MBE"]  # the byline in the post beats the editor's login
    assert wiltshire["byline"] == "First director of Wiltshire Users Network"
    ruth = found["03-ruths-story.md"]
    assert (ruth["author"], ruth["byline"], ruth["date"]) == (["Helen Sanderson"], "CEO of Helen Sanderson Associates", dt.date(2017, 4, 21))
    assert ruth["source"] == "https://coproweek.blogspot.com/2017/04/ruths-story.html"
    word = found["05-listening-first.md"]
    assert (word["title"], word["author"], word["byline"], word["date"]) == (
        "Listening first", ["Dee Writer"], "Carer and campaigner", dt.date(2019, 5, 2)
    )


@pytest.mark.slow
def test_imported_book_passes_epubcheck_with_titles_authors_and_dates(imported_book: Path) -> None:
    epub = imported_book / "build" / "test-book.epub"
    assert epubcheck_messages(epub) == []
    with zipfile.ZipFile(epub) as archive:
        opf_name = next(n for n in archive.namelist() if n.endswith(".opf"))
        opf = etree.fromstring(archive.read(opf_name))
        texts = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml")}
    creators = {c.text for c in opf.iter("{http://purl.org/dc/elements/1.1/}creator")}
    contributors = creators | {c.text for c in opf.iter("{http://purl.org/dc/elements/1.1/}contributor")}
    assert {"Ann Bee", "Clare Evans MBE", "Helen Sanderson", "Gary Hickey", "Dee Writer"} <= contributors
    everything = "\n".join(texts.values())
    for title in ("Co-production and rugby", "Notes from Wiltshire", "Ruth’s story", "What is co-produced research?", "Listening first"):
        assert title in everything
    assert "2017" in everything and "2019" in everything
    # the imported images travelled into the book, with their alt text
    assert 'alt="Five people around a table"' in everything
    assert 'alt="A blue chart of answers"' in everything


@pytest.mark.slow
def test_wxr_body_keeps_structure(imported_book: Path) -> None:
    text = (imported_book / "chapters" / "01-co-production-and-rugby.md").read_text(encoding="utf-8")
    assert "## Why it matters" in text
    assert "Co-production is *a relationship*, not a favour.[^1]" in text
    assert "[people](https://example.org/involve)" in text and "**them**" in text
    assert "> Nothing about us without us." in text
    assert "-   Sharing power\n    -   from the start\n-   Valuing everyone" in text
    assert "| Step | Who |\n| --- | --- |\n| Plan | Everyone |" in text
    assert "[^1]: INVOLVE, 2018." in text
    assert '![Five people around a table](images/01-co-production-and-rugby-team.png "The team at work")' in text
    assert (imported_book / "chapters" / "images" / "01-co-production-and-rugby-team.png").is_file()
    assert "Unfinished" not in "".join(p.read_text() for p in (imported_book / "chapters").glob("*.md"))


@pytest.mark.slow
def test_docx_body_and_picture(imported_book: Path) -> None:
    text = (imported_book / "chapters" / "05-listening-first.md").read_text(encoding="utf-8")
    assert "Listening is *the first step*, and **the hardest**." in text
    assert "By Dee Writer" not in text and "\n# Listening first" not in text
    assert "-   People want to be asked" in text
    assert "| Who | Said |" in text
    assert "![A blue chart of answers](images/05-listening-first-image.png)" in text
    assert (imported_book / "chapters" / "images" / "05-listening-first-image.png").is_file()


def test_rss_feed(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book")
    report = import_source(write_rss(tmp_path / "rss"), book)
    assert report.kind == "RSS feed"
    found = metas(book)
    assert found["01-week-one-what-we-learnt.md"]["title"] == "Week one: what we learnt"
    assert found["02-week-two.md"]["author"] == ["Cy Dee"]
    assert found["02-week-two.md"]["date"] == dt.date(2019, 5, 13)
    assert "The *long* version." in (book / "chapters" / "01-week-one-what-we-learnt.md").read_text()


def test_import_into_an_empty_folder_writes_the_books_settings(tmp_path: Path) -> None:
    """No anthology.toml yet: the import writes one, titled and in the language the blog gives, and it builds."""
    book = tmp_path / "new-blog-book"
    result = run("import", str(write_wxr(tmp_path / "wxr")), str(book))
    assert result.exit_code == 0, result.output
    assert "its title is 'Test blog', from the WordPress export, its language 'en-GB'" in result.output
    settings = tomllib.loads((book / "anthology.toml").read_text(encoding="utf-8"))
    assert settings["book"] == {"title": "Test blog", "language": "en-GB"}
    assert "# isbn = " in (book / "anthology.toml").read_text(encoding="utf-8")  # every setting, commented
    assert [p.name for p in (book / "chapters").iterdir() if p.name.startswith(".")] == []
    build(book, "epub")
    assert epubcheck_messages(book / "build" / "new-blog-book.epub") == []

    atom = tmp_path / "atom-book"
    assert run("import", str(write_atom(tmp_path / "atom")), str(atom)).exit_code == 0
    assert tomllib.loads((atom / "anthology.toml").read_text(encoding="utf-8"))["book"] == {"title": "Co-production blog", "language": "en"}
    docx = tmp_path / "essays-2019"
    result = run("import", str(write_docx(tmp_path / "word" / "a.docx")), str(docx))
    assert "its title is from the folder's name" in result.output
    assert tomllib.loads((docx / "anthology.toml").read_text(encoding="utf-8"))["book"]["title"] == "Essays 2019"
    kept = (book / "anthology.toml").read_text(encoding="utf-8").replace("Test blog", "My own title")
    (book / "anthology.toml").write_text(kept, encoding="utf-8")
    assert run("import", str(write_rss(tmp_path / "rss")), str(book)).exit_code == 0
    assert (book / "anthology.toml").read_text(encoding="utf-8") == kept  # a book's own settings are never replaced


def test_saved_blog_page_like_the_sample_book(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book")
    report = import_source(FIXTURES / "blog-page.html", book)
    assert report.kind == "blog page"
    found = list(metas(book).values())
    assert [m["author"] for m in found] == [["Steve Palmer"], ["Clare Evans MBE"], ["Helen Sanderson"], ["Dr Gary Hickey"]]
    assert [m["date"] for m in found] == [dt.date(2017, 4, 30), dt.date(2017, 4, 25), dt.date(2017, 4, 21), dt.date(2017, 4, 20)]
    assert found[0]["byline"] == "Communications manager at #coproweek organisers SCIE - and father to Stanley"
    assert found[3]["byline"].startswith("Senior Public Involvement Manager, INVOLVE (a national")
    assert found[1]["title"] == "Co-production – the Wiltshire perspective"
    assert found[2]["source"] == "https://coproweek.example.org/blog/ruths-story"
    texts = [p.read_text(encoding="utf-8") for p in sorted((book / "chapters").glob("*.md"))]
    assert "Yesterday my son" in texts[0] and "### Not just doing us a favour" in texts[0]
    assert "By Steve Palmer" not in texts[0] and "30 April 2017" not in texts[0]
    assert "Share this post" not in texts[0] and "analytics" not in texts[0]
    assert "Wiltshire" not in texts[0]  # each post stops where the next begins
    assert "Recent posts" not in texts[3] and "©" not in texts[3]
    assert "| Principle | What it means |" in texts[3]


def test_select_by_title_author_and_date(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book")
    report = import_source(FIXTURES / "blog-page.html", book, select=["date:2017-04-21..2017-04-25", "author:evans"])
    assert [w.title for w in report.written] == ["Co-production – the Wiltshire perspective"]
    assert report.unselected == 3
    report = import_source(FIXTURES / "blog-page.html", book, select=["title:RUTH"])
    assert [w.title for w in report.written] == ["Ruth's story. Designing co-production in from the start – Wellbeing Teams"]
    assert report.written[0].path.name.startswith("02-")


def test_selection_parsing() -> None:
    selection = parse_selection(["date:2019-04", "title:rugby"])
    assert selection.ranges == ((dt.date(2019, 4, 1), dt.date(2019, 4, 30)),)
    assert selection.titles == ("rugby",)
    assert parse_selection(["date:2019..2020-02"]).ranges == ((dt.date(2019, 1, 1), dt.date(2020, 2, 29)),)
    with pytest.raises(ImportSourceError, match="not a date"):
        parse_selection(["date:April"])
    with pytest.raises(ImportSourceError, match="starts"):
        parse_selection(["date:2020..2019"])


def test_numbered_after_existing_chapters_and_never_overwrites(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"01-intro.md": chapter(), "02-more.md": chapter(title="More")})
    source = write_atom(tmp_path / "atom")
    result = run("import", str(source), str(book))
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "03-ruths-story.md" in result.output and "04-what-is-co-produced-research.md" in result.output
    ruth = book / "chapters" / "03-ruths-story.md"
    ruth.write_text(ruth.read_text().replace("Ruth is 91.", "Edited by the editor."), encoding="utf-8")
    again = run("import", str(source), str(book))
    assert again.exit_code == 2
    assert "03-ruths-story.md" in again.output and "already holds" in again.output and "--force" in again.output
    assert "Edited by the editor." in ruth.read_text()
    assert sorted(p.name for p in (book / "chapters").glob("*.md")) == [
        "01-intro.md", "02-more.md", "03-ruths-story.md", "04-what-is-co-produced-research.md"
    ]
    assert not list((book / "chapters").glob(".import-*"))
    forced = run("import", str(source), str(book), "--force", "--select", "title:ruth")
    assert forced.exit_code == 0, forced.output
    assert "replaced" in forced.output
    assert "Ruth is 91." in ruth.read_text()


def test_yaml_values_are_quoted_safely(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book")
    entry = blogger_entry('Colons: "quotes" & #tags', "O'Brien, Pat", "2019-01-02T00:00:00Z", "<p>Body</p>")
    import_source(write_atom(tmp_path / "atom", [entry]), book)
    (meta,) = metas(book).values()
    assert meta["title"] == 'Colons: "quotes" & #tags'
    assert meta["author"] == ["O'Brien, Pat"]


def test_remote_images_are_warnings_for_the_editor(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book")
    entry = blogger_entry("Pictures", "Ann Bee", "2019-01-02T00:00:00Z", '<p>See <img src="https://cdn.example.net/a/photo.jpg" alt="A photo"></p>')
    result = run("import", str(write_atom(tmp_path / "atom", [entry])), str(book))
    assert result.exit_code == 0, result.output
    assert "warning: image https://cdn.example.net/a/photo.jpg is on the web: download it to chapters/images/01-pictures-photo.jpg" in result.output
    assert "![A photo](images/01-pictures-photo.jpg)" in (book / "chapters" / "01-pictures.md").read_text()


def test_missing_author_is_an_error_unless_given(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book")
    source = write_wxr(tmp_path / "wxr", [wxr_item("Anonymous", "<p>Text</p>", login="")])
    result = run("import", str(source), str(book))
    assert result.exit_code == 2
    assert "item 1 'Anonymous' names no author" in result.output and "--author" in result.output
    assert not (book / "chapters").exists() or not list((book / "chapters").glob("*.md"))
    result = run("import", str(source), str(book), "--author", "The Editors")
    assert result.exit_code == 0, result.output
    assert metas(book)["01-anonymous.md"]["author"] == ["The Editors"]


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book")
    source = write_wxr(tmp_path / "wxr")
    text = source.read_text().replace("</title>\n    <link>https://blog.example.org/notes", "</titel>\n    <link>https://blog.example.org/notes")
    source.write_text(text)
    line = text.split("\n").index(next(l for l in text.split("\n") if "</titel>" in l)) + 1
    result = run("import", str(source), str(book))
    assert result.exit_code == 2
    assert f"blog.wordpress.xml:{line}: error: is not well-formed XML: mismatched tag" in result.output
    assert "Traceback" not in result.output
    assert not list((book / "chapters").glob("*.md"))  # the post read before the error was not written


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<rss><channel><item><title>&b;</title></item></channel></rss>\n')
    result = run("import", str(bomb), str(new_book(tmp_path / "book")))
    assert result.exit_code == 2
    assert "refused" in result.output and "DOCTYPE" in result.output


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"just text", "is not a file anthology can import"),
        ("old.doc", b"\xd0\xcf\x11\xe0", "old Word .doc"),
        ("broken.docx", b"PK\x03\x04 not really", "not a zip archive"),
        ("other.xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "unknown kind (its root element is <svg>)"),
    ],
)
def test_unreadable_sources_are_clear_errors(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = run("import", str(path), str(tmp_path / "book"))
    assert result.exit_code == 2
    assert message in result.output and name in result.output


def test_html_conversion_edge_cases(tmp_path: Path) -> None:
    html = (
        "<p>1. not a list, # not a heading, [brackets], a_b *star* &lt;tag&gt; AT&amp;T</p>"
        "<p>Call<sup><a href='#fn-a'>[1]</a></sup> and again<sup><a href='#fn-b'>2</a></sup>.</p>"
        "<h3>Notes</h3><div class='footnotes'><p id='fn-a'>1. First <em>note</em>.</p><p id='fn-b'>2. Second.</p></div>"
    )
    post = Post(title="T", html=html, base=tmp_path, authors=["A"])
    text = to_markdown(parse(post), ImageSink("01-t", tmp_path))
    assert text.startswith("1\\. not a list, # not a heading, \\[brackets\\], a\\_b \\*star\\* &lt;tag> AT&amp;T")
    assert "Notes" not in text
    assert "Call[^1] and again[^2]." in text
    assert "[^1]: First *note*." in text and "[^2]: Second." in text
    rendered = render_chapter(Chapter(number=1, id="c1", source=tmp_path / "t.md", title="T", authors=(), lang="en", markdown=text, body_line=1))
    assert "1. not a list, # not a heading, [brackets], a_b *star* &lt;tag&gt; AT&amp;T" in rendered.xhtml
    assert len(rendered.notes) == 2 and "First <em>note</em>." in rendered.notes[0].xhtml


@pytest.mark.slow
def test_blog_page_with_articles_and_saved_images(tmp_path: Path) -> None:
    """Another theme: posts in <article>, a <time> element, an author link, pictures in the saved page's folder."""
    from import_sources import png

    folder = tmp_path / "saved"
    (folder / "Blog_files").mkdir(parents=True)
    (folder / "Blog_files" / "garden.png").write_bytes(png("green"))
    page = folder / "Blog.html"
    page.write_text(
        """<html><head><base href="https://news.example.org/"></head><body>
        <article class="post"><h2 class="entry-title"><a href="2019/garden">The garden</a></h2>
          <div class="entry-meta"><time datetime="2019-06-01T08:00:00+00:00">1 June</time>
          <span class="author vcard"><a class="fn" rel="author" href="/u/ann">Ann Bee</a></span></div>
          <div class="entry-content"><p>We planted <em>beans</em>.</p>
          <p><img src="Blog_files/garden.png" alt="Rows of beans"></p></div></article>
        <article class="post"><h2 class="entry-title">Winter</h2><p>By Cy Dee and Ed Eff, volunteers</p>
          <p class="date">3rd December 2019</p><p>Cold.</p></article>
        </body></html>""",
        encoding="utf-8",
    )
    book = new_book(tmp_path / "book")
    result = run("import", str(page), str(book))
    assert result.exit_code == 0, result.output
    found = metas(book)
    garden, winter = found["01-the-garden.md"], found["02-winter.md"]
    assert (garden["author"], garden["date"], garden["source"]) == (["Ann Bee"], dt.date(2019, 6, 1), "https://news.example.org/2019/garden")
    assert (winter["author"], winter["byline"], winter["date"]) == (["Cy Dee", "Ed Eff"], "volunteers", dt.date(2019, 12, 3))
    text = (book / "chapters" / "01-the-garden.md").read_text(encoding="utf-8")
    assert "We planted *beans*." in text and "Ann Bee" not in text.split("---")[2]
    assert "![Rows of beans](images/01-the-garden-garden.png)" in text
    assert (book / "chapters" / "images" / "01-the-garden-garden.png").read_bytes() == (folder / "Blog_files" / "garden.png").read_bytes()
    build(book, "epub")
    assert epubcheck_messages(book / "build" / "test-book.epub") == []


@pytest.mark.parametrize(
    "html",
    [
        # mammoth's footnotes (.docx)
        '<p>Text<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup>.</p>'
        '<ol><li id="footnote-1"><p>The <em>note</em>. <a href="#footnote-ref-1">↑</a></p></li></ol>',
        # Python-Markdown and many WordPress footnote plugins
        '<p>Text<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>'
        '<div class="footnotes"><hr><ol><li id="fn:1"><p>The <em>note</em>.&#160;<a class="footnote-backref" href="#fnref:1">&#8617;</a></p></li></ol></div>',
    ],
)
def test_footnote_shapes(tmp_path: Path, html: str) -> None:
    text = to_markdown(parse(Post(title="T", html=html, base=tmp_path)), ImageSink("01-t", tmp_path))
    assert text == "Text[^1].\n\n[^1]: The *note*.\n"


MARKDOWN_SIGNS = "abcXY 019#*_[]()<>&|`!+-{}:\\~=^$%@/"
SHAPES = [
    "<p>{0}<em>{1}</em>{2}</p>",
    "<ul><li>{0}</li><li>{1} <strong>{2}</strong></li></ul>",
    "<h2>{0}</h2><p>{1}</p><blockquote><p>{2}</p></blockquote>",
    "<table><tr><th>{0}</th><th>{1}</th></tr><tr><td>{2}</td><td>x</td></tr></table>",
    "<p><a href='https://e.org/'>{0}</a> {1}<br>{2}</p>",
]
PIECE = st.text(alphabet=MARKDOWN_SIGNS, min_size=1, max_size=15).filter(lambda s: s.strip())


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(SHAPES), a=PIECE, b=PIECE, c=PIECE)
def test_text_survives_conversion_and_rendering(tmp_path: Path, shape: str, a: str, b: str, c: str) -> None:
    """Whatever characters a post holds, the chapter shows the same text: Markdown signs are escaped."""
    html = shape.format(html_escape(a), html_escape(b), html_escape(c))
    markdown_text = to_markdown(parse(Post(title="T", html=html, base=tmp_path)), ImageSink("01-t", tmp_path))
    rendered = render_chapter(
        Chapter(number=1, id="c1", source=tmp_path / "t.md", title="T", authors=(), lang="en", markdown=markdown_text, body_line=1)
    )
    root = etree.fromstring(f"<div xmlns='http://www.w3.org/1999/xhtml'>{rendered.xhtml}</div>")
    shown = "".join(root.itertext()).replace("\u2026", "...").replace("\u2014", "---").replace("\u2013", "--")
    expected = a + b + c + ("x" if "<td>x" in shape else "")
    assert "".join(shown.split()) == "".join(expected.split()), markdown_text


@pytest.mark.slow
def test_deeply_nested_html_is_a_clear_error(tmp_path: Path) -> None:
    entry = blogger_entry("Deep", "Ann Bee", "2019-01-02T00:00:00Z", "<div>" * 3000 + "x" + "</div>" * 3000)
    result = run("import", str(write_atom(tmp_path / "atom", [entry])), str(new_book(tmp_path / "book")))
    assert result.exit_code == 2
    assert "entry 1 'Deep' is nested too deeply to convert" in result.output


def test_single_post_page_leaves_out_site_furniture(tmp_path: Path) -> None:
    page = tmp_path / "post.html"
    page.write_text(
        '<html><body><div class="wrap"><header><h1>My Site</h1><p>Tagline</p></header>'
        '<div class="content"><p>5 May 2019</p><h2>Only post</h2><p>By Ann Bee, writer</p><p>Body text.</p></div>'
        '<div class="sidebar"><h3>Links</h3><p>Other</p></div></div></body></html>',
        encoding="utf-8",
    )
    book = new_book(tmp_path / "book")
    import_source(page, book)
    text = (book / "chapters" / "01-only-post.md").read_text(encoding="utf-8")
    assert text == "---\ntitle: Only post\nauthor: Ann Bee\nbyline: writer\ndate: 2019-05-05\n---\n\nBody text.\n"


def test_pictures_books_cannot_show_are_converted_or_left_for_the_editor(tmp_path: Path) -> None:
    import base64
    import io

    from PIL import Image

    bmp = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(bmp, format="BMP")
    (tmp_path / "scan.bmp").write_bytes(bmp.getvalue())
    emf = base64.b64encode(b"\x01\x00\x00\x00 not a picture Pillow reads").decode()
    html = f'<p><img src="scan.bmp" alt="A scan"></p><p><img src="data:image/x-emf;base64,{emf}" alt="A chart"></p>'
    sink = ImageSink("01-t", tmp_path)
    text = to_markdown(parse(Post(title="T", html=html, base=tmp_path)), sink)
    assert "![A scan](images/01-t-scan.png)" in text and "![A chart](images/01-t-image.png)" in text
    names = [image.name for image in sink.images]
    assert names == ["01-t-scan.png", "01-t-image.emf"]
    assert sink.images[0].data.startswith(b"\x89PNG")
    assert sink.warnings == [
        "an embedded picture is a EMF picture that books cannot show: saved as chapters/images/01-t-image.emf; convert it to chapters/images/01-t-image.png"
    ]


def test_wordpress_paragraphs_from_blank_lines(tmp_path: Path) -> None:
    html = (
        "<!-- wp:paragraph -->\n<p>Block one.</p>\n<!-- /wp:paragraph -->\n\n<p class='intro'>Styled intro.</p>\n\n"
        "Plain para one\nwith a line break.\n\nPlain para two.\n\n<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>"
    )
    text = to_markdown(parse(Post(title="T", html=html, base=tmp_path, autop=True)), ImageSink("01-t", tmp_path))
    assert text == "Block one.\n\nStyled intro.\n\nPlain para one  \nwith a line break.\n\nPlain para two.\n\n-   a\n-   b\n"


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("25 April 2017", dt.date(2017, 4, 25)),
        ("Tuesday, April 25th, 2017", dt.date(2017, 4, 25)),
        ("Posted on 2017-04-25", dt.date(2017, 4, 25)),
        ("3rd Dec 2019.", dt.date(2019, 12, 3)),
        ("April showers in 2017", None),
    ],
)
def test_date_lines(line: str, date: dt.date | None) -> None:
    from anthology.importers.bylines import date_from_text

    assert date_from_text(line) == date


@pytest.mark.parametrize(
    ("line", "authors", "role"),
    [
        ("By Clare Evans MBE, First director of Wiltshire Users Network, 1991-1997", ["Clare Evans MBE"], "First director of Wiltshire Users Network, 1991-1997"),
        ("by Ann Bee and Cy Dee", ["Ann Bee", "Cy Dee"], None),
        ("By: Ludwig van Beethoven & Dr Gary Hickey, composers", ["Ludwig van Beethoven", "Dr Gary Hickey"], "composers"),
    ],
)
def test_bylines(line: str, authors: list[str], role: str | None) -> None:
    from anthology.importers.bylines import parse_byline

    byline = parse_byline(line)
    assert byline is not None and (byline.authors, byline.role) == (authors, role)


@pytest.mark.parametrize("line", ["By the end I was putting it together", "By 2020, we had grown", "Bye, Ann"])
def test_sentences_are_not_bylines(line: str) -> None:
    from anthology.importers.bylines import parse_byline

    assert parse_byline(line) is None
