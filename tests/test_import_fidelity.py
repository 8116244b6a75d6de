"""anthology import keeps everything a contributor wrote: block-editor posts, shortcodes, status and
visibility in WXR and Blogger exports, links between posts, summaries, downloaded images."""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import epubcheck_messages, new_book
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from import_sources import (
    BLOCK_NOTES,
    BLOCK_POST,
    attachment_item,
    blogger_entry,
    png,
    postmeta,
    takeout_entry,
    write_atom,
    write_fidelity_docx,
    write_takeout,
    write_wxr_items,
    wxr_item,
)

from anthology.build import build
from anthology.cli import main
from anthology.importers import Include, import_source
from anthology.importers.download import DownloadError, Limits, fetch_image
from anthology.importers.post import Post
from anthology.importers.shortcodes import expand_shortcodes
from anthology.project.sources import read_chapter

pytestmark = pytest.mark.slow  # builds whole books, runs EPUBCheck and property tests


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def chapters(book: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((book / "chapters").glob("*.md"))}


def test_block_editor_post_keeps_every_block(tmp_path: Path) -> None:
    source = write_wxr_items(tmp_path / "wp", [wxr_item("Blocks", BLOCK_POST, extra=postmeta("footnotes", BLOCK_NOTES))], namespace="https://wordpress.org/export/1.2/")
    uploads = tmp_path / "wp" / "wp-content" / "uploads" / "2019" / "04"
    uploads.mkdir(parents=True)
    (uploads / "team.png").write_bytes(png("green"))
    book = new_book(tmp_path / "book")
    report = import_source(source, book)
    (text,) = chapters(book).values()
    body = text.split("---\n", 2)[2]
    # a table straight after a paragraph is a table, with its caption (the chapters' 'Table:' form)
    assert "| Employee | Salary |\n| --- | --- |\n| Ann | 12 |\n\nTable: Pay in 2019\n" in body
    # an ordered list stays ordered, nested lists too
    assert re.search(r"^1\. +First\n2\. +Second\n +1\. +Second, part one\n3\. +Third$", body, re.M), body
    # verse keeps its lines and stanzas, in the chapters' verse form (a line block), and is not code
    assert "\n\n| The rain came down\n| \u00a0\u00a0on the *hill* and road\n|\n| and then it stopped.\n\n" in body
    assert '```\nprint("hi")\nx = \\[1, 2\\]\n```' in body or '```\nprint("hi")\nx = [1, 2]\n```' in body
    assert "> Nothing about us without us.\n>\n> — A slogan" in body
    assert "> Ask first.\n>\n> — Ann Bee" in body
    assert "> — A slogan\n\n<!-- -->\n\n> Ask first." in body  # two quotations stay two
    # block-editor footnotes come from the post meta
    assert "A paragraph[^1] and another[^2]." in body
    assert "[^1]: The first note." in body and "[^2]: The *second* note." in body
    # a picture's caption is the image's title (a captioned figure in every edition); a gallery's stays a line
    assert re.search(r'!\[Five people\]\([^ )]+ "The team at work"\)', body) and re.search(r'!\[Again\]\([^ )]+ "First picture"\)', body)
    assert "*Our gallery*" in body
    assert "Video: [https://video.example.org/watch?v=abc](https://video.example.org/watch?v=abc)" in body and "*Our launch*" in body
    messages = [w.message for w in report.warnings]
    assert any("item 1 'Blocks'" in m and "'core/latest-posts' block" in m for m in messages), messages
    assert any("video https://video.example.org/watch?v=abc cannot play in a book" in m for m in messages), messages
    assert "wp:" not in body and "<!-- wp" not in body
    build(book, "epub")
    epub = book / "build" / "test-book.epub"
    assert epubcheck_messages(epub) == []
    with zipfile.ZipFile(epub) as archive:
        xhtml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml"))
    assert re.search(r'<div class="verse">\s*<div class="stanza">\s*<p class="line">The rain came down</p>\s*'
                     r'<p class="line">\u00a0\u00a0on the <em>hill</em> and road</p>\s*</div>\s*<div class="stanza">', xhtml), "verse lines"
    assert "Second, part one" in xhtml and xhtml.count("<ol") >= 2 and "The first note." in xhtml
    assert "<caption>Pay in 2019</caption>" in xhtml and "<figcaption>The team at work</figcaption></figure>" in xhtml
    assert xhtml.count("<blockquote") == 2 and "<!--" not in xhtml


def test_block_footnote_without_its_text_is_named(tmp_path: Path) -> None:
    post = '<!-- wp:paragraph --><p>Claim<sup data-fn="zz" class="fn"><a href="#zz" id="zz-link">1</a></sup>.</p><!-- /wp:paragraph -->'
    source = write_wxr_items(tmp_path / "wp", [wxr_item("Lost note", post, extra=postmeta("footnotes", "[]"))])
    book = new_book(tmp_path / "book")
    report = import_source(source, book)
    (text,) = chapters(book).values()
    assert "Claim." in text
    assert any("footnote 1 has no text" in w.message for w in report.warnings)
    broken = write_wxr_items(tmp_path / "wp2", [wxr_item("Broken notes", post, extra=postmeta("footnotes", "[{not json"))])
    report = import_source(broken, book)
    assert any("'Broken notes': its footnotes (the post's 'footnotes' meta) are not readable JSON" in w.message for w in report.warnings)


CLASSIC = """Before the picture.

[caption id="attachment_9" align="alignnone" width="300" caption="Ruth, aged 91, at home"]<img src="https://blog.example.org/wp-content/uploads/2019/04/team.png" alt="Ruth" width="300" height="200" />[/caption]

[gallery columns="1" ids="21,22"]

Listen: [audio https://blog.example.org/wp-content/uploads/talk.mp3]

[video mp4="https://blog.example.org/wp-content/uploads/clip.mp4" caption="The launch"][/video]

[embed]https://video.example.org/watch?v=xyz[/embed]

[wpvideo AbCdEf12 w=400 h=224]

[contact-form-7 id="3" title="Contact"]

Write [[gallery]] to show a gallery; editors add [sic] where needed."""


def test_shortcodes_become_figures_or_named_warnings(tmp_path: Path) -> None:
    items = [
        wxr_item("Classic", CLASSIC),
        # the gallery's pictures come after the post in the file
        attachment_item("https://blog.example.org/wp-content/uploads/2019/04/team.png", "Team").replace(
            "<wp:post_type>", "<wp:post_id>21</wp:post_id><wp:post_type>"
        ).replace("<excerpt:encoded><![CDATA[]]>", "<excerpt:encoded><![CDATA[Our first meeting]]>"),
        attachment_item("https://blog.example.org/wp-content/uploads/2019/04/team-2.png", "Second").replace(
            "<wp:post_type>", "<wp:post_id>22</wp:post_id><wp:post_type>"
        ),
    ]
    source = write_wxr_items(tmp_path / "wp", items)
    book = new_book(tmp_path / "book")
    report = import_source(source, book)
    (text,) = chapters(book).values()
    body = text.split("---\n", 2)[2]
    assert '"Ruth, aged 91, at home")' in body  # the caption="…" attribute, as the image's title (its caption)
    assert '"Our first meeting")' in body and "![Second]" in body  # the gallery, from the attachments
    assert "Sound recording: [https://blog.example.org/wp-content/uploads/talk.mp3]" in body
    assert "Video: [https://blog.example.org/wp-content/uploads/clip.mp4]" in body and "*The launch*" in body
    assert "Embedded content: [https://video.example.org/watch?v=xyz]" in body
    assert "Video: [https://videopress.com/v/AbCdEf12]" in body
    assert "Write \\[gallery\\] to show a gallery; editors add \\[sic\\] where needed." in body
    for raw in ("[caption", "[gallery ", "[audio", "[video", "[embed", "[wpvideo", "[contact-form", "[/"):
        assert raw not in body.replace("\\[", "("), raw
    messages = [w.message for w in report.warnings]
    assert any("'Classic': the [contact-form-7] shortcode means nothing in a book" in m for m in messages), messages
    assert sum("cannot play in a book" in m for m in messages) == 4, messages


def _every_kind() -> list[str]:
    comment = "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content><![CDATA[Nice]]></wp:comment_content></wp:comment>"
    return [
        wxr_item("Published", "<p>Out in the world.</p>", login="annb", extra=comment + comment),
        wxr_item("A draft", "<p>Not yet.</p>", status="draft"),
        wxr_item("Waiting", "<p>Pending review.</p>", status="pending"),
        wxr_item("Tomorrow", "<p>Scheduled.</p>", status="future"),
        wxr_item("Secret", "<p>Private.</p>", status="private"),
        wxr_item("Locked", "<p>Protected.</p>", extra="<wp:post_password><![CDATA[letmein]]></wp:post_password>"),
        wxr_item("About us", "<p>A page.</p>", kind="page"),
        wxr_item("Home", "", kind="nav_menu_item"),
        wxr_item("Blog", "", kind="nav_menu_item"),
        attachment_item("https://blog.example.org/a.png", "A"),
    ]


@pytest.mark.parametrize("namespace", ["http://wordpress.org/export/1.2/", "https://wordpress.org/export/1.2/", "http://wordpress.org/export/1.0/", "https://wordpress.org/export/1.1/"])
def test_wxr_skips_what_is_not_published_with_a_count_per_kind(tmp_path: Path, namespace: str) -> None:
    source = write_wxr_items(tmp_path / "wp", _every_kind(), namespace=namespace)
    book = new_book(tmp_path / "book")
    result = run("import", str(source), str(book))
    assert result.exit_code == 0, result.output
    summary = result.output.strip().splitlines()[-1]
    assert "imported 1 of 1 posts from WordPress export export.xml" in summary
    for count in ("2 comments", "2 menu items", "1 draft", "1 pending post", "1 scheduled post", "1 private post", "1 password-protected post", "1 page", "1 attachment"):
        assert count in summary, summary
    assert "--include-drafts, --include-pages, --include-private" in summary
    (name,) = chapters(book)
    meta = read_chapter(book / "chapters" / name).meta
    assert [a.name for a in meta["author"]] == ["Ann Bee"]  # the display name, not the login "annb"
    assert meta["source"] == "https://blog.example.org/published/"


def test_include_options_let_drafts_private_posts_and_pages_in(tmp_path: Path) -> None:
    source = write_wxr_items(tmp_path / "wp", _every_kind(), namespace="https://wordpress.org/export/1.2/")
    book = new_book(tmp_path / "book")
    report = import_source(source, book, include=Include(drafts=True, private=True, pages=True))
    titles = sorted(w.title for w in report.written)
    assert titles == ["A draft", "About us", "Locked", "Published", "Secret", "Tomorrow", "Waiting"]
    assert report.skipped == {"comment": 2, "menu item": 2, "attachment": 1}


def test_blogger_takeout_skips_drafts_pages_and_comments_and_gives_sources(tmp_path: Path) -> None:
    entries = [
        takeout_entry("Live post", filename="/2021/03/live-post.html"),
        takeout_entry("Unfinished", status="DRAFT", filename="/2021/03/unfinished.html"),
        takeout_entry("Binned", status="SOFT_TRASHED"),
        takeout_entry("About", kind="PAGE", filename="/p/about.html"),
        takeout_entry("Great post!", kind="COMMENT", author="A reader"),
    ]
    source = write_takeout(tmp_path / "takeout", entries)
    book = new_book(tmp_path / "book")
    result = run("import", str(source), str(book))
    assert result.exit_code == 0, result.output
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith("imported 1 of 1 posts from Blogger export feed.atom; skipped ")
    for count in ("1 comment", "1 draft", "1 page", "1 trashed post"):
        assert count in summary, summary
    (name,) = chapters(book)
    meta = read_chapter(book / "chapters" / name).meta
    assert meta["source"] == "https://coproweek.blogspot.com/2021/03/live-post.html"
    assert [a.name for a in meta["author"]] == ["Gary Hickey"]


def test_takeout_without_the_blogs_address_asks_for_site(tmp_path: Path) -> None:
    source = write_takeout(tmp_path / "takeout", [takeout_entry("Live post", filename="/2021/03/live-post.html")], site=None)
    book = new_book(tmp_path / "book")
    report = import_source(source, book)
    assert any("pass --site" in w.message for w in report.warnings)
    refused = run("import", str(source), str(book), "--site", "old.example.org", "--force")
    assert refused.exit_code == 2 and "not a web address starting http:// or https://" in refused.output
    result = run("import", str(source), str(book), "--site", "https://old.example.org/", "--force")
    assert result.exit_code == 0, result.output
    (name,) = chapters(book)
    assert read_chapter(book / "chapters" / name).meta["source"] == "https://old.example.org/2021/03/live-post.html"


def test_old_blogger_export_skips_pages_and_drafts(tmp_path: Path) -> None:
    page = "http://schemas.google.com/blogger/2008/kind#page"
    draft = blogger_entry("Half done", "Gary Hickey", "2017-04-20T09:00:00.000+01:00", "<p>Draft.</p>").replace(
        "</entry>", '<app:control xmlns:app="http://purl.org/atom/app#"><app:draft>yes</app:draft></app:control></entry>'
    )
    entries = [
        blogger_entry("A post", "Gary Hickey", "2017-04-20T09:00:00.000+01:00", "<p>Text.</p>", link="https://b.blogspot.com/2017/04/a.html"),
        blogger_entry("About", "Gary Hickey", "2017-04-20T09:00:00.000+01:00", "<p>Page.</p>", kind=page),
        draft,
    ]
    book = new_book(tmp_path / "book")
    report = import_source(write_atom(tmp_path / "atom", entries), book)
    assert [w.title for w in report.written] == ["A post"]
    assert report.skipped == {"page": 1, "draft": 1}


def test_links_between_imported_posts_lead_to_chapters(tmp_path: Path) -> None:
    items = [
        wxr_item("First steps", '<p>Read <a href="http://www.blog.example.org/second-thoughts">the next post</a> and <a href="https://example.com/x">elsewhere</a>.</p>', link="https://blog.example.org/first-steps/"),
        wxr_item("Second thoughts", '<p>Back to <a href="https://blog.example.org/first-steps/#end">the first</a>.</p>', link="https://blog.example.org/second-thoughts/"),
    ]
    book = new_book(tmp_path / "book")
    result = run("import", str(write_wxr_items(tmp_path / "wp", items)), str(book))
    assert result.exit_code == 0, result.output
    assert "2 links to imported posts now lead to their chapters" in result.output
    texts = chapters(book)
    assert "[the next post](02-second-thoughts.md)" in texts["01-first-steps.md"]
    assert "[elsewhere](https://example.com/x)" in texts["01-first-steps.md"]
    assert "[the first](01-first-steps.md#end)" in texts["02-second-thoughts.md"]


def test_feed_with_summaries_only_warns(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>N</title><link>https://n.example.org/</link><description>d</description>'
        "<item><title>Short</title><link>https://n.example.org/short</link><author>a@example.org (Cy Dee)</author>"
        "<description>The first lines only…</description></item></channel></rss>",
        encoding="utf-8",
    )
    atom = tmp_path / "feed.atom"
    atom.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>N</title><id>urn:x</id><updated>2020-01-01T00:00:00Z</updated>'
        '<entry><title>Teaser</title><id>urn:y</id><updated>2020-01-01T00:00:00Z</updated><author><name>Cy Dee</name></author>'
        '<link rel="alternate" href="https://n.example.org/teaser"/><summary>Only the start.</summary></entry></feed>',
        encoding="utf-8",
    )
    for source, where in ((feed, "item 1 'Short'"), (atom, "entry 1 'Teaser'")):
        book = new_book(tmp_path / source.suffix.strip(".") / "book")
        report = import_source(source, book)
        assert any(f"{where}: the source holds only a summary" in w.message for w in report.warnings), report.warnings


# --- downloading images from a local server (the only address the tests contact is 127.0.0.1) ---


class _Images(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.hits.append(self.path)
        status, headers, body = self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"no"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture()
def image_server() -> Iterator[str]:
    _Images.routes = {
        "/wp-content/uploads/photo.png": (200, {"Content-Type": "image/png"}, png("red")),
        "/noext": (200, {"Content-Type": "image/jpeg"}, _jpeg()),
        "/moved.png": (302, {"Location": "/wp-content/uploads/photo.png"}, b""),
        "/loop.png": (302, {"Location": "/loop.png"}, b""),
        "/page.png": (200, {"Content-Type": "text/html"}, b"<html></html>"),
        "/big.png": (200, {"Content-Type": "image/png"}, b"\0" * 5000),
        "/fake.png": (200, {"Content-Type": "image/png"}, b"not a picture"),
    }
    _Images.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="JPEG")
    return out.getvalue()


def test_fetch_image_limits(image_server: str) -> None:
    assert fetch_image(f"{image_server}/moved.png", allow_local=True).suffix == ".png"
    reasons = {}
    for path in ("/loop.png", "/page.png", "/big.png", "/fake.png", "/missing.png"):
        with pytest.raises(DownloadError) as caught:
            fetch_image(image_server + path, allow_local=True, limits=Limits(max_bytes=4000, max_redirects=3))
        reasons[path] = str(caught.value)
    assert reasons["/loop.png"] == "more than 3 redirects"
    assert reasons["/page.png"].startswith("not an image (the server says text/html)")
    assert reasons["/big.png"].startswith("larger than the limit")
    assert reasons["/fake.png"] == "the file is not a picture anthology can read"
    assert reasons["/missing.png"] == "the server answered 404"
    for url in (f"{image_server}/wp-content/uploads/photo.png", "file:///etc/hostname", "ftp://127.0.0.1/x.png"):
        with pytest.raises(DownloadError) as caught:
            fetch_image(url)  # without allow_local, 127.0.0.1 is refused before any connection
        assert "local or private address" in str(caught.value) or "only http and https" in str(caught.value)
    assert _Images.hits.count("/wp-content/uploads/photo.png") == 1  # only the allowed redirect reached it


def test_fetch_images_downloads_and_rewrites_chapters(tmp_path: Path, image_server: str) -> None:
    post = (
        f'<p>One <img src="{image_server}/wp-content/uploads/photo.png" alt="A red square"></p>'
        f'<p>Two <img src="{image_server}/noext" alt="Blue"></p>'
        f'<p>Three <img src="{image_server}/page.png" alt="Not one"></p>'
        '<p>Four <img src="https://blog.example.org/wp-content/uploads/2019/04/team.png" alt="Local"></p>'
    )
    folder = tmp_path / "wp"
    source = write_wxr_items(folder, [wxr_item("Pictures", post)])
    uploads = folder / "wp-content" / "uploads" / "2019" / "04"
    uploads.mkdir(parents=True)
    (uploads / "team.png").write_bytes(png("green"))
    book = new_book(tmp_path / "book")
    refused = run("import", str(source), str(book), "--fetch-images")
    assert refused.exit_code == 0, refused.output
    assert "local or private address" in refused.output and "downloaded 0 of 3 images; 3 failed" in refused.output
    seen: list[tuple[int, int]] = []
    report = import_source(source, book, force=True, fetch=True, allow_local=True, progress=lambda done, total, url: seen.append((done, total)))
    assert seen[-1] == (3, 3) and report.downloaded == 2 and report.failed == [f"{image_server}/page.png"]
    assert report.written[0].images == 3  # the local one and the two downloaded
    (text,) = chapters(book).values()
    images = book / "chapters" / "images"
    assert "![A red square](images/01-pictures-photo.png)" in text and (images / "01-pictures-photo.png").read_bytes() == png("red")
    assert "![Blue](images/01-pictures-noext.png)" in text and (images / "01-pictures-noext.png").read_bytes().startswith(b"\x89PNG")
    assert "![Local](images/01-pictures-team.png)" in text and (images / "01-pictures-team.png").read_bytes() == png("green")
    assert not (images / "01-pictures-page.png").exists()
    assert any("was not downloaded: not an image" in w.message for w in report.warnings)
    assert not any("/wp-content/uploads/2019/04/team.png" in h for h in _Images.hits)  # the uploads folder beside the export was used


# --- Word documents ---


def test_word_keeps_styles_quotes_code_drop_caps_and_merged_cells(tmp_path: Path) -> None:
    source = write_fidelity_docx(tmp_path / "word" / "two.docx")
    book = new_book(tmp_path / "book")
    report = import_source(source, book)
    (text,) = chapters(book).values()
    meta = read_chapter(next((book / "chapters").glob("*.md"))).meta
    assert [a.name for a in meta["author"]] == ["Mary Ann Evans", "Aurore Dupin"]  # the names printed, not the Author property
    assert "Mary Ann Evans and Aurore Dupin" not in text.split("---\n", 2)[2]
    assert "She wrote *with care* and **at length**, *underlined*." in text  # character styles Emphasis, Strong; underlining
    assert "Drop caps open the story." in text and "\nD\n" not in text
    assert "> A long quotation, set in from the left margin." in text
    assert "```\nprint('hello')\n```" in text and "Type `make book` to build." in text
    assert "```\nx = 1\ny = 2\n```" in text
    assert "| Across |  |  |\n| --- | --- | --- |\n| Down | b | c |\n|  | e | f |" in text
    messages = [(w.path, w.message) for w in report.warnings]
    assert (source, "document 'Two lives': the Word converter says: Unrecognised paragraph style: Fancy Style (Style ID: FancyStyle)") in messages
    assert any("2 merged table cells split" in m for _, m in messages), messages
    build(book, "epub")
    assert epubcheck_messages(book / "build" / "test-book.epub") == []


@pytest.mark.parametrize(
    "property_, expected",
    [
        ("Seeley, Jason", ["Jason Seeley"]),
        ("Evans, Mary Ann; Dupin, Aurore", ["Mary Ann Evans", "Aurore Dupin"]),
        ("Clare Evans", ["Clare Evans"]),
        ("Учетная запись Майкрософт", None),
        ("Microsoft account", None),
        ("Compte Microsoft", None),
        ("Online2PDF.com", None),
        ("eng-dept", None),
        ("i", None),
        ("Author", None),
        ("User", None),
    ],
)
def test_word_author_property_unless_a_program_wrote_it(tmp_path: Path, property_: str, expected: list[str] | None) -> None:
    source = write_fidelity_docx(tmp_path / "word" / "two.docx", author=property_, names=None)
    book = new_book(tmp_path / "book")
    result = run("import", str(source), str(book))
    if expected is None:
        assert result.exit_code == 2
        assert f"document 'Two lives' names no author (its Author property, '{property_}', is what a program wrote" in result.output
        assert "use --author NAME" in result.output
        assert not (book / "chapters").exists() or not list((book / "chapters").glob("*.md"))
        result = run("import", str(source), str(book), "--author", "Dee Writer")
        expected = ["Dee Writer"]
    assert result.exit_code == 0, result.output
    (name,) = chapters(book)
    assert [a.name for a in read_chapter(book / "chapters" / name).meta["author"]] == expected


def test_classic_text_running_into_a_table_or_list(tmp_path: Path) -> None:
    post = "Tables\n<table>\n<tr><th>Employee</th><th>Salary</th></tr>\n<tr><td>Ann</td><td>12</td></tr>\n</table>\nSteps:\n<ol>\n<li>Plan</li>\n<li>Do</li>\n</ol>\n<pre>a = 1\n\nb = 2</pre>"
    book = new_book(tmp_path / "book")
    import_source(write_wxr_items(tmp_path / "wp", [wxr_item("Classic table", post)]), book)
    (text,) = chapters(book).values()
    assert "Tables\n\n| Employee | Salary |\n| --- | --- |\n| Ann | 12 |\n\nSteps:\n\n1.  Plan\n2.  Do" in text, text
    assert "a = 1\n\nb = 2" in text


def test_reusable_blocks_are_put_in_their_place(tmp_path: Path) -> None:
    shared = '<!-- wp:paragraph --><p>Shared text, written once.</p><!-- /wp:paragraph -->'
    items = [
        wxr_item("Uses a pattern", '<!-- wp:paragraph --><p>Own text.</p><!-- /wp:paragraph -->\n<!-- wp:block {"ref":40} /-->\n<!-- wp:block {"ref":41} /-->'),
        wxr_item("Shared", shared, kind="wp_block").replace("<wp:post_type>", "<wp:post_id>40</wp:post_id><wp:post_type>"),
    ]
    book = new_book(tmp_path / "book")
    report = import_source(write_wxr_items(tmp_path / "wp", items), book)
    (text,) = chapters(book).values()
    assert "Own text.\n\nShared text, written once." in text
    assert report.skipped == {"reusable block": 1}
    assert any("a reusable block (number 41)" in w.message for w in report.warnings)


def test_gallery_of_the_posts_attached_pictures_and_embedded_frames(tmp_path: Path) -> None:
    def attached(url: str, caption: str, number: str) -> str:
        return (
            attachment_item(url, "")
            .replace("<wp:post_type>", f"<wp:post_id>{number}</wp:post_id><wp:post_parent>5</wp:post_parent><wp:post_type>")
            .replace("<excerpt:encoded><![CDATA[]]>", f"<excerpt:encoded><![CDATA[{caption}]]>")
        )

    post = 'Our day.\n\n[gallery columns="1"]\n\n<iframe src="https://video.example.org/embed/77" title="The march"></iframe>'
    items = [
        wxr_item("Gallery day", post, extra="<wp:post_id>5</wp:post_id>"),
        attached("https://blog.example.org/wp-content/uploads/2019/04/team.png", "Setting off", "31"),
        attached("https://blog.example.org/wp-content/uploads/2019/04/end.png", "Arriving", "32"),
        wxr_item("No pictures", "[gallery]"),
    ]
    book = new_book(tmp_path / "book")
    report = import_source(write_wxr_items(tmp_path / "wp", items), book)
    texts = chapters(book)
    body = texts["01-gallery-day.md"]
    assert body.index('"Setting off")') < body.index('"Arriving")')
    assert "Embedded content: [https://video.example.org/embed/77](https://video.example.org/embed/77)" in body and "*The march*" in body
    assert "[gallery" not in texts["02-no-pictures.md"]
    messages = [w.message for w in report.warnings]
    assert any("'No pictures': a [gallery] shows the post's attached pictures, but the export holds none" in m for m in messages), messages
    assert any("'Gallery day': embedded content https://video.example.org/embed/77 cannot play in a book" in m for m in messages), messages


def test_word_picture_linked_from_outside_is_a_warning(tmp_path: Path) -> None:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = docx.Document()
    document.core_properties.author = "Dee Writer"
    document.add_heading("Linked picture", level=0)
    document.add_paragraph("Before the picture.")
    picture = tmp_path / "p.png"
    picture.write_bytes(png())
    document.add_picture(str(picture), width=Cm(3))
    blip = document.inline_shapes[0]._inline.xpath(".//a:blip")[0]
    del blip.attrib[qn("r:embed")]  # the picture is linked to a file outside the document, not held in it
    blip.set(qn("r:link"), document.part.relate_to("file:///elsewhere/missing.png", RELATIONSHIP_TYPE.IMAGE, is_external=True))
    source = tmp_path / "linked.docx"
    document.save(str(source))
    book = new_book(tmp_path / "book")
    report = import_source(source, book)
    assert "Before the picture." in next(iter(chapters(book).values()))
    assert any(
        w.path == source and "the Word converter says: could not open external image 'file:///elsewhere/missing.png'" in w.message
        for w in report.warnings
    ), report.warnings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(["caption", "gallery", "audio", "video", "embed", "wpvideo", "playlist", "youtube", "contact-form-7"]),
    attrs=st.lists(
        st.tuples(st.sampled_from(["ids", "src", "mp3", "caption", "columns", "id", "w"]), st.text(alphabet="abc 12,./:=-", max_size=12)),
        max_size=3,
    ),
    positional=st.sampled_from(["", "https://media.example.org/a.mp3", "AbC12"]),
    inner=st.sampled_from(["", "Some words", '<img src="https://x.example.org/a.png" alt="a"> A caption']),
    closed=st.booleans(),
)
def test_no_shortcode_is_left_as_text(name: str, attrs: list[tuple[str, str]], positional: str, inner: str, closed: bool) -> None:
    # an unknown name with nothing that makes it a shortcode reads as text, like "[sic]"
    assume(name != "contact-form-7" or attrs or closed or positional.startswith("https"))
    attributes = " ".join(f'{key}="{value}"' for key, value in attrs) + (f" {positional}" if positional else "")
    text = f"Before [{name} {attributes}]" + (f"{inner}[/{name}]" if closed else "") + " after."
    post = Post(title="Shortcodes", html="", base=Path("."))
    html = expand_shortcodes(text, post)
    assert f"[{name}" not in html and f"[/{name}]" not in html
    assert "Before" in html and "after." in html


_BLOCK_SHAPES = [
    "<!-- wp:paragraph --><p>{}</p><!-- /wp:paragraph -->",
    '<!-- wp:heading {{"level":3}} --><h3 class="wp-block-heading">{}</h3><!-- /wp:heading -->',
    '<!-- wp:list {{"ordered":true}} --><ol class="wp-block-list"><!-- wp:list-item --><li>{}</li><!-- /wp:list-item --></ol><!-- /wp:list -->',
    '<!-- wp:verse --><pre class="wp-block-verse">{}\nsecond line</pre><!-- /wp:verse -->',
    '<!-- wp:quote --><blockquote class="wp-block-quote"><!-- wp:paragraph --><p>{}</p><!-- /wp:paragraph --></blockquote><!-- /wp:quote -->',
    '<!-- wp:pullquote --><figure class="wp-block-pullquote"><blockquote><p>{}</p><cite>Someone</cite></blockquote></figure><!-- /wp:pullquote -->',
    '<!-- wp:table --><figure class="wp-block-table"><table><tbody><tr><td>{}</td><td>x</td></tr></tbody></table></figure><!-- /wp:table -->',
    '<!-- wp:code --><pre class="wp-block-code"><code>{}</code></pre><!-- /wp:code -->',
    '<!-- wp:group {{"layout":{{"type":"constrained"}}}} --><div class="wp-block-group"><!-- wp:paragraph --><p>{}</p><!-- /wp:paragraph --></div><!-- /wp:group -->',
    '<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column --><div class="wp-block-column"><!-- wp:paragraph --><p>{}</p><!-- /wp:paragraph --></div><!-- /wp:column --></div><!-- /wp:columns -->',
]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_BLOCK_SHAPES) - 1), st.from_regex(r"[A-Z][a-z]{3,8}", fullmatch=True)), min_size=1, max_size=8))
def test_every_block_keeps_its_text(blocks: list[tuple[int, str]]) -> None:
    from anthology.importers.htmltomd import parse, to_markdown
    from anthology.importers.images import ImageSink

    html = "\n\n".join(_BLOCK_SHAPES[shape].format(word) for shape, word in blocks)
    post = Post(title="Blocks", html=html, base=Path("."), blocks=True)
    markdown = to_markdown(parse(post), ImageSink(stem="01-blocks", base=Path(".")))
    for _, word in blocks:
        assert word in markdown
    assert "wp:" not in markdown and "wp-block" not in markdown and not post.warnings
