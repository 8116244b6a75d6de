"""A post's HTML to the Markdown that chapters are written in.

markdownify does the conversion; around it we: make WordPress-style paragraphs, drop scripts and
embeds, take a leading title, byline ("By Name, role") and date line out of the body into the post's
front matter, turn HTML footnotes (a numbered call linking to a note further down) into Markdown
footnotes, and hand every image to an ImageSink.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdownify import MarkdownConverter

from .blocks import block_markup, expand_blocks, media_to_links
from .bylines import date_from_text, names_line, parse_byline
from .images import ImageSink
from .post import Post

BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "figure", "pre", "hr", "section", "article", "header", "footer", "address", "time", "dl")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
DROP = ("script", "style", "noscript", "template", "form", "input", "button", "select", "textarea", "link", "meta", "svg", "object", "embed", "canvas", "audio", "video")
_AUTOP_BLOCK = re.compile(r"^\s*<(?:/?(?:p|div|h[1-6]|ul|ol|li|blockquote|table|figure|pre|hr|section|dl|address|!--))\b", re.IGNORECASE)
_NOTE_CALL = re.compile(r"^\[?\(?\s*(\d{1,3}|[*†‡])\s*\)?\]?$")
_NOTE_NUMBER = re.compile(r"^\s*\[?(\d{1,3})[\].)]?\s*")
_NOTES_HEADING = re.compile(r"^(foot|end)?notes:?$", re.IGNORECASE)
_FOOTNOTE_MARK = "AnthologyNote{}Ref"
_LINE_START = re.compile(r"(^|\n)(\s*)(?:([#>+-])|([~=])|(\d+)([.)])(?=\s|$))")
_ESCAPE_ALWAYS = re.compile(r"([\[\]`|])")
_CAPTION = "data-anthology-caption"  # a picture's caption, set on its <img> before conversion


_ALL_BLOCKS = r"(?:table|thead|tfoot|caption|colgroup|col|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|blockquote|address|p|h[1-6]|hr|section|article|aside|header|footer|nav|figure|figcaption|details|summary)"
_BLOCK_OPEN = re.compile(rf"(<{_ALL_BLOCKS}[\s/>])", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"(</{_ALL_BLOCKS}>)", re.IGNORECASE)
_STARTS_BLOCK = re.compile(rf"^\s*</?{_ALL_BLOCKS}\b", re.IGNORECASE)
_TRAILING_CLOSE = re.compile(rf"^(.*?)((?:\s*</{_ALL_BLOCKS}>)*)$", re.IGNORECASE | re.DOTALL)
_PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)


def autop(text: str) -> str:
    """WordPress keeps paragraphs as blank-line-separated text; wrap such runs in <p>.

    As WordPress does, every block element starts and ends a paragraph, so text that runs straight
    into a table or a list is a paragraph of its own; a <pre> keeps its blank lines.
    """
    text = text.replace("\r\n", "\n")
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\n\n<pre data-kept=\"{len(kept) - 1}\"></pre>\n\n"

    text = _PRE.sub(keep, text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", _BLOCK_OPEN.sub(r"\n\n\1", text))
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        if not chunk.strip():
            continue
        if _AUTOP_BLOCK.match(chunk) or _STARTS_BLOCK.match(chunk):
            out.append(chunk.strip())
        else:
            inline, closing = _TRAILING_CLOSE.match(chunk.strip()).groups()  # type: ignore[union-attr]
            out.append("<p>" + inline.strip().replace("\n", "<br>\n") + "</p>" + closing)
    joined = "\n".join(out)
    return re.sub(r'<pre data-kept="(\d+)"></pre>', lambda m: kept[int(m.group(1))], joined)


def parse(post: Post) -> Tag:
    """The post's body as a BeautifulSoup tree, cleaned of scripts, comments and page furniture."""
    text = autop(post.html) if post.autop else post.html
    if post.blocks:
        text = block_markup(text)
    soup = BeautifulSoup(text, "html.parser")
    if post.blocks:
        expand_blocks(soup, post)
    media_to_links(soup, post)
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for element in soup.find_all(DROP):
        element.decompose()
    if post.source and post.source.startswith(("http://", "https://")):
        for link in soup.find_all("a", href=True):
            href = str(link["href"])
            if not href.startswith("#") and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
                link["href"] = urljoin(post.source, href)
    return soup


def take_front_matter(soup: Tag, post: Post) -> None:
    """Move a leading repeated title, a 'By Name, role' line and a date line from the body to the post.

    In a Word document (post.names_line) a line of names just under the title is its byline too.
    """
    for index in range(4):
        block = _first_block(soup)
        if block is None:
            return
        text = " ".join(block.get_text(" ").split())
        if block.name in HEADINGS and text.casefold() == post.title.casefold():
            block.decompose()
            continue
        if not post.title and block.name in HEADINGS and text:
            post.title = text
            block.decompose()
            continue
        byline = parse_byline(block.get_text(""))
        if byline is not None and block.name not in HEADINGS:
            post.authors = byline.authors
            post.byline = byline.role or post.byline
            block.decompose()
            continue
        names = names_line(text) if post.names_line and index <= 2 and block.name == "p" and "subtitle" not in (block.get("class") or []) else None
        if names:
            post.authors = names
            post.names_line = False
            block.decompose()
            continue
        date = date_from_text(text)
        if date is not None:
            post.date = date if post.weak_date or post.date is None else post.date
            block.decompose()
            continue
        return


def _first_block(soup: Tag) -> Tag | None:
    """The first element holding text, descending through wrappers that hold only one block."""
    for child in soup.children:
        if isinstance(child, NavigableString):
            if child.strip():
                return None
            continue
        if not isinstance(child, Tag):
            continue
        if not child.get_text().strip() and not child.find("img"):
            continue
        if child.name in ("div", "section", "article", "header") and child.find(BLOCKS):
            return _first_block(child)
        return child
    return None


def _escape_marker(match: re.Match[str]) -> str:
    """Text that Markdown would read as a heading, quote, list, rule or fence: '# x' -> '\\# x',
    '1. x' -> '1\\. x', '~~~' -> '&#126;~~', '==' -> '&#61;='."""
    lead = match.group(1) + match.group(2)
    if match.group(3):
        return lead + "\\" + match.group(3)
    if match.group(4):
        return lead + f"&#{ord(match.group(4))};"
    return lead + match.group(5) + "\\" + match.group(6)


class _Converter(MarkdownConverter):
    """markdownify set up for Python-Markdown: four-space list nesting, safe escaping, our images."""

    def __init__(self, sink: ImageSink, **options: Any) -> None:
        super().__init__(**options)
        self.sink = sink

    def escape(self, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return str(super().escape(text, parent_tags))  # type: ignore[misc]  # markdownify's stub omits it
        text = text.replace("\\", "\\\\")
        text = super().escape(text, parent_tags)  # type: ignore[misc]
        text = text.replace("&", "&amp;")
        text = text.replace("<", "&lt;")
        text = _ESCAPE_ALWAYS.sub(r"\\\1", text)
        text = text.replace("{", "\\{")
        return _LINE_START.sub(_escape_marker, text)

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A heading's own trailing '#' would be read as a closing sequence: escape it."""
        text = re.sub(r"(?<!\\)#+\s*$", lambda m: m.group(0).strip().replace("#", "\\#"), text.strip())
        return str(super().convert_hN(n, el, text, parent_tags))  # type: ignore[misc]

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start_attr = str(parent.get("start", ""))
            start = int(start_attr) if start_attr.isdigit() else 1
            bullet = f"{start + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        bullet = bullet.ljust(4) if len(bullet) < 4 else bullet + " "
        indent = " " * len(bullet)
        lines = text.split("\n")
        body = "\n".join([lines[0]] + [indent + line if line.strip() else "" for line in lines[1:]])
        return f"{bullet}{body}\n"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src, alt = self.sink.place(str(el.get("src", "")), str(el.get("alt", "")))
        if not src:
            return ""
        alt = alt.replace("[", "(").replace("]", ")").replace("\n", " ")
        title = str(el.get(_CAPTION, ""))  # never a page's own title attribute (a tooltip, often a file name)
        return f'![{alt}]({src} "{title}")' if title and not any(c in title for c in '"\\\n') else f"![{alt}]({src})"

    def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A verse (``<div class="verse">``, one paragraph per stanza, a line break per line) becomes
        the chapters' verse form: a line block, each line '| ', '|' between stanzas."""
        if "verse" not in (el.get("class") or []) or "_inline" in parent_tags:
            return str(super().convert_div(el, text, parent_tags))  # type: ignore[misc]
        stanzas = [s for s in re.split(r"\n[ \t]*\n", text.strip("\n")) if s.strip()]
        lines = ["\n".join("| " + line.rstrip() for line in re.split(r" {2}\n|\\\n|\n", stanza)) for stanza in stanzas]
        return "\n\n" + "\n|\n".join(lines) + "\n\n" if lines else ""

    def convert_figcaption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        return f"\n\n*{text}*\n\n" if text else ""


def to_markdown(soup: Tag, sink: ImageSink) -> str:
    """The body as Markdown, footnotes at the end, images placed through the sink."""
    for link in soup.find_all("a"):
        images = link.find_all("img")
        if images and not link.get_text().strip():
            link.replace_with(*images)  # a picture linked to its own full-size copy
    merged = _split_merged_cells(soup)
    if merged:
        sink.warnings.append(
            f"{merged} merged table cell{'s' if merged != 1 else ''} split so the columns line up (each text stays in the first part): check how the table reads"
        )
    _captions(soup)
    notes = _take_footnotes(soup)
    converter = _Converter(
        sink,
        heading_style="ATX",
        bullets="-",
        table_infer_header=True,
        sup_symbol="<sup>",
        sub_symbol="<sub>",
        escape_misc=False,
        autolinks=False,
    )
    body = converter.convert_soup(soup).strip()
    for number, _ in enumerate(notes, start=1):
        body = body.replace(_FOOTNOTE_MARK.format(number), f"[^{number}]")
    body = re.sub(r"\n{3,}", "\n\n", body)
    # Markdown joins two quotations that only a blank line parts: an (invisible) comment keeps them apart
    parts = [re.sub(r"(^>[^\n]*\n)\n(?=>)", "\\1\n<!-- -->\n\n", body, flags=re.M)]
    for number, note in enumerate(notes, start=1):
        text = converter.convert_soup(note).strip() or "(empty note)"
        lines = text.split("\n")
        parts.append(f"[^{number}]: " + "\n".join([lines[0]] + ["    " + l if l.strip() else "" for l in lines[1:]]))
    return "\n\n".join(p for p in parts if p) + "\n"


def _captions(soup: Tag) -> None:
    """Captions in the chapters' own forms: a picture's caption becomes the image's title (a captioned
    figure in every edition), a table's a ``Table:`` paragraph after it. A caption a title cannot hold
    (quotes, a backslash, links) stays an italic line below the picture."""
    for figure in soup.find_all("figure"):
        caption = figure.find("figcaption", recursive=False)
        if not isinstance(caption, Tag):
            continue
        tables = figure.find_all("table")
        images = [i for i in figure.find_all("img") if i.find_parent("figure") is figure]
        if len(tables) == 1 and not images:
            paragraph = soup.new_tag("p") if isinstance(soup, BeautifulSoup) else BeautifulSoup("", "html.parser").new_tag("p")
            paragraph.append("Table: ")
            for child in list(caption.contents):
                paragraph.append(child.extract())
            caption.decompose()
            tables[0].insert_after(paragraph)
            continue
        text = " ".join(caption.get_text(" ").split())
        if len(images) != 1 or not text or caption.find("a") is not None or any(c in text for c in '"\\'):
            continue
        images[0][_CAPTION] = text
        caption.decompose()


def _span(cell: Tag, name: str) -> int:
    value = str(cell.get(name, "1")).strip()
    return min(int(value), 100) if value.isdigit() and int(value) > 0 else 1


def _split_merged_cells(soup: Tag) -> int:
    """Markdown tables have no merged cells: give each merged cell's other places empty cells."""
    merged = 0
    for table in soup.find_all("table"):
        rows = [row for row in table.find_all("tr") if row.find_parent("table") is table]
        pending: dict[int, int] = {}  # column -> rows still covered by a cell above
        for row in rows:
            merged += _split_row(soup, row, pending)
    return merged


def _split_row(soup: Tag, row: Tag, pending: dict[int, int]) -> int:
    """One row of ``_split_merged_cells``: empty cells where cells above still reach, the row's own
    merged cells split; returns how many of those there were."""
    merged = 0
    column = 0
    cells = row.find_all(["td", "th"], recursive=False)
    position = 0
    while position < len(cells) or any(col >= column and left > 0 for col, left in pending.items()):
        if pending.get(column, 0) > 0:
            pending[column] -= 1
            filler = soup.new_tag("td")
            if position < len(cells):
                cells[position].insert_before(filler)
            else:
                row.append(filler)
            column += 1
            continue
        if position >= len(cells):
            break
        cell = cells[position]
        across, down = _span(cell, "colspan"), _span(cell, "rowspan")
        for name in ("colspan", "rowspan"):
            if cell.has_attr(name):
                del cell[name]
        if across > 1 or down > 1:
            merged += 1
        last = cell
        for offset in range(across):
            if offset:
                filler = soup.new_tag(cell.name)
                last.insert_after(filler)
                last = filler
            if down > 1:
                pending[column + offset] = down - 1
        column += across
        position += 1
    return merged


def _take_footnotes(soup: Tag) -> list[Tag]:
    """Replace each footnote call with a marker and return the notes' contents in call order."""
    notes: list[Tag] = []
    seen: dict[int, int] = {}
    order = {id(node): n for n, node in enumerate(soup.descendants)}
    for link in list(soup.find_all("a", href=True)):
        href = str(link["href"])
        if not href.startswith("#") or len(href) < 2 or not _NOTE_CALL.match(link.get_text().strip()):
            continue
        target = soup.find(id=href[1:]) or soup.find("a", attrs={"name": href[1:]})
        if not isinstance(target, Tag):
            continue
        note = target if target.name in ("li", "p", "div", "aside") else target.find_parent(["li", "p", "div", "aside"])
        if note is None or note is soup or _contains(note, link) or order.get(id(note), 0) < order.get(id(link), 0):
            continue
        if any(_contains(n, link) for n in notes):
            continue
        call = link.parent if link.parent is not None and link.parent.name == "sup" and len(link.parent.get_text().strip()) == len(link.get_text().strip()) else link
        key = id(note)
        if key not in seen:
            seen[key] = len(notes) + 1
            notes.append(note)
        call.replace_with(NavigableString(_FOOTNOTE_MARK.format(seen[key])))
    contents: list[Tag] = []
    for note in notes:
        _drop_backlinks(note)
        container = note.parent
        note.extract()
        if note.name != "li" and note.contents and isinstance(note.contents[0], NavigableString):
            note.contents[0].replace_with(_NOTE_NUMBER.sub("", str(note.contents[0]), count=1))
        if note.name == "li":
            note.name = "div"
        contents.append(note)
        while isinstance(container, Tag) and container is not soup and not container.get_text().strip() and not container.find("img"):
            parent = container.parent
            before = container.find_previous_sibling()
            container.decompose()
            if isinstance(before, Tag) and before.name in HEADINGS and _NOTES_HEADING.match(before.get_text().strip()):
                before.decompose()
            container = parent
    return contents


def _contains(outer: Tag, inner: Tag) -> bool:
    return any(parent is outer for parent in inner.parents)


def _drop_backlinks(note: Tag) -> None:
    for link in note.find_all("a", href=True):
        text = link.get_text().strip()
        if str(link["href"]).startswith("#") and (text in ("↑", "↩", "^", "↩︎", "") or _NOTE_CALL.match(text)):
            link.decompose()
