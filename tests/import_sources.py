"""Small import sources written by the tests: a WordPress export, a Blogger export, an RSS feed, a .docx."""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

from PIL import Image

WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Test blog</title>
  <link>https://blog.example.org</link>
  <language>en-GB</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[annb]]></wp:author_login><wp:author_display_name><![CDATA[Ann Bee]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[editor]]></wp:author_login><wp:author_display_name><![CDATA[Blog Editor]]></wp:author_display_name></wp:author>
"""
WXR_TAIL = "</channel>\n</rss>\n"


def png(colour: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def wxr_item(
    title: str,
    content: str,
    login: str = "annb",
    date: str = "2019-04-25 10:00:00",
    status: str = "publish",
    kind: str = "post",
    link: str | None = None,
    extra: str = "",
) -> str:
    slug = title.lower().replace(" ", "-")
    return f"""  <item>
    <title>{escape(title)}</title>
    <link>{link or f"https://blog.example.org/{slug}/"}</link>
    <pubDate>Thu, 25 Apr 2019 10:00:00 +0000</pubDate>
    <dc:creator><![CDATA[{login}]]></dc:creator>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_date><![CDATA[{date}]]></wp:post_date>
    <wp:status><![CDATA[{status}]]></wp:status>
    <wp:post_type><![CDATA[{kind}]]></wp:post_type>
    {extra}
  </item>
"""


def attachment_item(url: str, alt: str) -> str:
    meta = f"<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta>"
    return wxr_item("photo", "", kind="attachment", status="inherit", extra=f"<wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>{meta}")


WXR_FIRST_POST = """<h2>Why it matters</h2>
Co-production is <em>a relationship</em>, not a favour.<sup><a href="#note-1" id="ref-1">1</a></sup>

It starts with <a href="https://example.org/involve">people</a> and ends with <strong>them</strong>.

[caption id="attachment_7" align="aligncenter" width="300"]<a href="https://blog.example.org/wp-content/uploads/2019/04/team.png"><img class="size-medium" src="https://blog.example.org/wp-content/uploads/2019/04/team-300x200.png" alt="" width="300" height="200" /></a> The team at work[/caption]

<blockquote>Nothing about us without us.</blockquote>
<ul>
<li>Sharing power
<ul>
<li>from the start</li>
</ul>
</li>
<li>Valuing everyone</li>
</ul>
<table>
<tr><th>Step</th><th>Who</th></tr>
<tr><td>Plan</td><td>Everyone</td></tr>
</table>
<ol class="footnotes"><li id="note-1">INVOLVE, 2018. <a href="#ref-1">↩</a></li></ol>"""


def write_wxr(folder: Path, items: list[str] | None = None) -> Path:
    """A WordPress export with two published posts, a draft, a page-less attachment, and its uploads folder."""
    folder.mkdir(parents=True, exist_ok=True)
    uploads = folder / "wp-content" / "uploads" / "2019" / "04"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "team.png").write_bytes(png("green"))
    if items is None:
        items = [
            attachment_item("https://blog.example.org/wp-content/uploads/2019/04/team.png", "Five people around a table"),
            wxr_item("Co-production and rugby", WXR_FIRST_POST, login="annb", date="2019-04-25 10:00:00"),
            wxr_item(
                "Notes from Wiltshire",
                "<p>By Clare Evans MBE, First director of Wiltshire Users Network</p>\n<p>We learnt a lot: about #coproweek too.</p>",
                login="editor",
                date="2019-04-27 09:30:00",
            ),
            wxr_item("Unfinished thoughts", "<p>Draft.</p>", status="draft", date="2019-04-28 09:30:00"),
        ]
    path = folder / "blog.wordpress.xml"
    path.write_text(WXR_HEAD + "".join(items) + WXR_TAIL, encoding="utf-8")
    return path


BLOGGER_POST = "http://schemas.google.com/blogger/2008/kind#post"
BLOGGER_COMMENT = "http://schemas.google.com/blogger/2008/kind#comment"


def blogger_entry(title: str, author: str, published: str, html: str, kind: str = BLOGGER_POST, link: str = "") -> str:
    link_element = f'<link rel="alternate" type="text/html" href="{link}"/>' if link else ""
    return f"""  <entry>
    <id>tag:blogger.com,1999:blog-1.post-{abs(hash(title))}</id>
    <published>{published}</published>
    <updated>{published}</updated>
    <category scheme="http://schemas.google.com/g/2005#kind" term="{kind}"/>
    <title type="text">{escape(title)}</title>
    <content type="html">{escape(html)}</content>
    {link_element}
    <author><name>{escape(author)}</name></author>
  </entry>
"""


def write_atom(folder: Path, entries: list[str] | None = None) -> Path:
    """A Blogger export (Atom): two posts and a comment, which is not a post."""
    folder.mkdir(parents=True, exist_ok=True)
    if entries is None:
        entries = [
            blogger_entry(
                "Ruth's story",
                "Helen Sanderson",
                "2017-04-21T09:00:00.000+01:00",
                "<p>By Helen Sanderson, CEO of Helen Sanderson Associates</p><p>Ruth is 91.</p><h3>Who decides</h3><ol><li>Ruth</li><li>Her team</li></ol>",
                link="https://coproweek.blogspot.com/2017/04/ruths-story.html",
            ),
            blogger_entry("Great post!", "A reader", "2017-04-22T09:00:00.000+01:00", "<p>Thanks</p>", kind=BLOGGER_COMMENT),
            blogger_entry(
                "What is co-produced research?",
                "Gary Hickey",
                "2017-04-20T09:00:00.000+01:00",
                "<p>Co-production is a term I increasingly see.</p><blockquote><p>A vogue term?</p></blockquote>",
                link="https://coproweek.blogspot.com/2017/04/research.html",
            ),
        ]
    path = folder / "blog-export.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>tag:blogger.com,1999:blog-1</id>\n  <updated>2017-04-30T00:00:00Z</updated>\n"
        "  <title>Co-production blog</title>\n  <generator version="
        '"7.00" uri="https://www.blogger.com">Blogger</generator>\n' + "".join(entries) + "</feed>\n",
        encoding="utf-8",
    )
    return path


def write_rss(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "feed.rss"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>News</title><link>https://news.example.org/</link><description>d</description>
  <item>
    <title>Week one: what we learnt</title>
    <link>https://news.example.org/week-one</link>
    <dc:creator>Cy Dee</dc:creator>
    <pubDate>Mon, 06 May 2019 08:00:00 +0100</pubDate>
    <description>Short summary</description>
    <content:encoded><![CDATA[<p>The <em>long</em> version.</p>]]></content:encoded>
  </item>
  <item>
    <title>Week two</title>
    <link>https://news.example.org/week-two</link>
    <author>cy@example.org (Cy Dee)</author>
    <pubDate>Mon, 13 May 2019 08:00:00 +0100</pubDate>
    <description>&lt;p&gt;Only a description.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
""",
        encoding="utf-8",
    )
    return path


def write_docx(path: Path, title: str = "Listening first", author: str = "Dee Writer", byline: str | None = "Dee Writer, Carer and campaigner") -> Path:
    """A Word document with a title, a byline, a heading, a list, a table and a picture with alt text."""
    import docx
    from docx.shared import Cm

    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.core_properties.author = author
    document.core_properties.title = title
    document.add_heading(title, level=0)
    if byline:
        document.add_paragraph(f"By {byline}")
    paragraph = document.add_paragraph("Listening is ")
    paragraph.add_run("the first step").italic = True
    paragraph.add_run(", and ")
    paragraph.add_run("the hardest").bold = True
    paragraph.add_run(".")
    document.add_heading("What we heard", level=1)
    document.add_paragraph("People want to be asked", style="List Bullet")
    document.add_paragraph("People want to be heard", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Who", "Said"
    table.cell(1, 0).text, table.cell(1, 1).text = "Carers", "Yes"
    picture = path.parent / "chart.png"
    picture.write_bytes(png("blue"))
    document.add_picture(str(picture), width=Cm(4))
    inline = document.inline_shapes[0]._inline
    inline.docPr.set("descr", "A blue chart of answers")
    document.save(str(path))
    picture.unlink()
    return path


# A block-editor post, written from the block markup's documented form: each block is delimited by
# <!-- wp:name {attributes} --> … <!-- /wp:name --> (or <!-- wp:name /--> when the site draws it),
# footnote calls are <sup data-fn="ID" class="fn"><a href="#ID" id="ID-link">N</a></sup>, and the
# notes' texts live in the post's `footnotes` meta as a JSON list of {"id", "content"}.
BLOCK_POST = """<!-- wp:paragraph -->
<p>Tables</p>
<!-- /wp:paragraph --><!-- wp:table -->
<figure class="wp-block-table"><table><thead><tr><th>Employee</th><th>Salary</th></tr></thead><tbody><tr><td>Ann</td><td>12</td></tr></tbody></table><figcaption class="wp-element-caption">Pay in 2019</figcaption></figure>
<!-- /wp:table -->

<!-- wp:list {"ordered":true} -->
<ol class="wp-block-list"><!-- wp:list-item -->
<li>First</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Second<!-- wp:list {"ordered":true} -->
<ol class="wp-block-list"><!-- wp:list-item -->
<li>Second, part one</li>
<!-- /wp:list-item --></ol>
<!-- /wp:list --></li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Third</li>
<!-- /wp:list-item --></ol>
<!-- /wp:list -->

<!-- wp:verse -->
<pre class="wp-block-verse">The rain came down
  on the <em>hill</em> and road

and then it stopped.</pre>
<!-- /wp:verse -->

<!-- wp:code -->
<pre class="wp-block-code"><code>print("hi")
x = [1, 2]</code></pre>
<!-- /wp:code -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>Nothing about us without us.</p>
<!-- /wp:paragraph --><cite>A slogan</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:pullquote -->
<figure class="wp-block-pullquote"><blockquote><p>Ask first.</p><cite>Ann Bee</cite></blockquote></figure>
<!-- /wp:pullquote -->

<!-- wp:paragraph -->
<p>A paragraph<sup data-fn="a1b2" class="fn"><a href="#a1b2" id="a1b2-link">1</a></sup> and another<sup data-fn="c3d4" class="fn"><a href="#c3d4" id="c3d4-link">2</a></sup>.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":7,"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="https://blog.example.org/wp-content/uploads/2019/04/team.png" alt="Five people" class="wp-image-7"/><figcaption class="wp-element-caption">The team at work</figcaption></figure>
<!-- /wp:image -->

<!-- wp:gallery {"linkTo":"none"} -->
<figure class="wp-block-gallery has-nested-images columns-default"><!-- wp:image {"id":8} -->
<figure class="wp-block-image"><img src="https://blog.example.org/wp-content/uploads/2019/04/team.png" alt="Again"/><figcaption class="wp-element-caption">First picture</figcaption></figure>
<!-- /wp:image --><figcaption class="blocks-gallery-caption wp-element-caption">Our gallery</figcaption></figure>
<!-- /wp:gallery -->

<!-- wp:embed {"url":"https://video.example.org/watch?v=abc","type":"video","providerNameSlug":"example"} -->
<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">
https://video.example.org/watch?v=abc
</div><figcaption class="wp-element-caption">Our launch</figcaption></figure>
<!-- /wp:embed -->

<!-- wp:latest-posts /-->

<!-- wp:footnotes /-->"""
BLOCK_NOTES = '[{"id":"a1b2","content":"The first note."},{"id":"c3d4","content":"The <em>second</em> note."}]'


def postmeta(key: str, value: str) -> str:
    return f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key><wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"


def write_wxr_items(folder: Path, items: list[str], namespace: str = "http://wordpress.org/export/1.2/") -> Path:
    """A WXR file holding ITEMS, its wp: namespace given (WordPress writes http, some tools https)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "export.xml"
    head = WXR_HEAD.replace("http://wordpress.org/export/1.2/", namespace)
    path.write_text(head + "".join(items) + WXR_TAIL, encoding="utf-8")
    return path


def takeout_entry(title: str, kind: str = "POST", status: str = "LIVE", filename: str = "", html: str = "<p>Text.</p>", author: str = "Gary Hickey") -> str:
    """An entry of a Google Takeout Blogger export (feed.atom): blogger:type, blogger:status, blogger:filename."""
    name = f"<blogger:filename>{filename}</blogger:filename>" if filename else ""
    return f"""  <entry>
    <id>tag:blogger.com,1999:blog-1.post-{abs(hash(title))}</id>
    <blogger:type>{kind}</blogger:type>
    <blogger:status>{status}</blogger:status>
    <author><name>{escape(author)}</name><blogger:type>BLOGGER</blogger:type></author>
    <title>{escape(title)}</title>
    <content type="html">{escape(html)}</content>
    <blogger:created>2021-03-01T10:00:00.000Z</blogger:created>
    <published>2021-03-02T10:00:00.000Z</published>
    <updated>2021-03-02T10:00:00.000Z</updated>
    {name}
  </entry>
"""


def write_takeout(folder: Path, entries: list[str], site: str | None = "https://coproweek.blogspot.com/") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    link = f'  <link rel="alternate" type="text/html" href="{site}"/>\n' if site else ""
    path = folder / "feed.atom"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>\n"
        "  <id>tag:blogger.com,1999:blog-1</id>\n  <title>Co-production blog</title>\n" + link + "".join(entries) + "</feed>\n",
        encoding="utf-8",
    )
    return path


def write_fidelity_docx(path: Path, author: str = "Jesse Rosenthal", names: str | None = "Mary Ann Evans and Aurore Dupin") -> Path:
    """A Word document with what converters lose: a line of names under the title, character styles,
    merged cells, an indented quotation, code in a monospaced font and a Macro Text paragraph, a drop
    cap, and a paragraph style the converter does not know (so it has a message to give)."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.core_properties.author = author
    document.add_heading("Two lives", level=0)
    if names:
        document.add_paragraph(names)
    styled = document.add_paragraph("She wrote ")
    styled.add_run("with care", style="Emphasis")
    styled.add_run(" and ")
    styled.add_run("at length", style="Strong")
    styled.add_run(", ")
    styled.add_run("underlined").underline = True
    styled.add_run(".")
    drop = document.add_paragraph("D")
    frame = OxmlElement("w:framePr")
    frame.set(qn("w:dropCap"), "drop")
    frame.set(qn("w:lines"), "3")
    drop._p.get_or_add_pPr().append(frame)
    document.add_paragraph("rop caps open the story.")
    quote = document.add_paragraph("A long quotation, set in from the left margin.")
    quote.paragraph_format.left_indent = Cm(2)
    code = document.add_paragraph()
    code.add_run("print('hello')").font.name = "Courier New"
    inline = document.add_paragraph("Type ")
    inline.add_run("make book").font.name = "Consolas"
    inline.add_run(" to build.")
    document.styles.add_style("Source Code", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("x = 1", style="Source Code")
    document.add_paragraph("y = 2", style="Source Code")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Across"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Down"
    table.cell(1, 1).text, table.cell(1, 2).text = "b", "c"
    table.cell(2, 1).text, table.cell(2, 2).text = "e", "f"
    document.styles.add_style("Fancy Style", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("In a fancy style.", style="Fancy Style")
    document.save(str(path))
    return path
