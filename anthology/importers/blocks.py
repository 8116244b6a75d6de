"""Block-editor ("Gutenberg") posts: the <!-- wp:name {attributes} --> comments that delimit blocks.

Each delimiter pair becomes a <wp-block> element around the block's HTML, so the blocks are read as
a tree; each block is then turned into the plain HTML the Markdown converter knows (a verse keeps its
line breaks, a pullquote becomes a quotation with its source, footnotes come from the post's meta,
a video becomes a link with its caption), and the wrapper is removed. A block that the website draws
from its database (latest posts, a search box…) holds no text in an export: it is named in a warning.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag

from .post import Post
from .shortcodes import link_figure

_DELIMITER = re.compile(r"<!--\s+(/?)wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)(\s+\{.*?\})?\s+(/?)-->", re.DOTALL)
WRAPPER = "wp-block"
# Blocks that are empty in an export and lose nothing: layout, breaks, the footnotes' place.
_QUIET_EMPTY = {"spacer", "separator", "more", "nextpage", "footnotes", "paragraph", "freeform", "missing", "html", "shortcode"}


def block_markup(text: str) -> str:
    """Turn block delimiters into <wp-block data-name=… data-attrs=…> elements."""

    def element(match: re.Match[str]) -> str:
        closing, name, attrs, self_closing = match.groups()
        if closing:
            return f"</{WRAPPER}>"
        name = name if "/" in name else f"core/{name}"
        data = html.escape((attrs or "").strip() or "{}", quote=True)
        tag = f'<{WRAPPER} data-name="{name}" data-attrs="{data}">'
        return tag + (f"</{WRAPPER}>" if self_closing else "")

    return _DELIMITER.sub(element, text)


def expand_blocks(soup: Tag, post: Post, depth: int = 0) -> None:
    """Turn every <wp-block> into plain HTML, innermost first, then unwrap it."""
    placed_notes = False
    for block in reversed(soup.find_all(WRAPPER)):
        name = str(block.get("data-name", ""))
        short = name.removeprefix("core/")
        try:
            attrs = json.loads(str(block.get("data-attrs", "{}")))
        except ValueError:
            attrs = {}
        attrs = attrs if isinstance(attrs, dict) else {}
        if short == "footnotes":
            placed_notes = _place_footnotes(block, post) or placed_notes
        handler = _HANDLERS.get(name)
        if name == "core/block" and str(attrs.get("ref", "")) in post.reusable and depth < 5:
            inner = BeautifulSoup(block_markup(post.reusable[str(attrs["ref"])]), "html.parser")
            expand_blocks(inner, post, depth + 1)
            block.clear()
            block.append(inner)
        elif handler is not None:
            handler(block, attrs, post)
        elif not block.get_text().strip() and not block.find(["img", "hr", "table"]) and short not in _QUIET_EMPTY:
            post.warnings.append(_dynamic(name, attrs))
        block.unwrap()
    if depth:
        return
    if post.footnotes and not placed_notes:
        holder = soup.new_tag("div")
        soup.append(holder)
        _place_footnotes(holder, post)
    _check_calls(soup, post)


def _dynamic(name: str, attrs: dict[str, object]) -> str:
    if name == "core/block":
        return f"a reusable block (number {attrs.get('ref', '?')}) is kept apart from the post in WordPress: it was left out; copy its text in by hand"
    return f"the '{name}' block is drawn by the website and holds no text in the export: it was left out"


def _verse(block: Tag, attrs: dict[str, object], post: Post) -> None:
    """A verse keeps its lines: one paragraph per stanza, a line break (a Markdown hard break) per line."""
    for pre in block.find_all("pre"):
        text = pre.decode_contents()
        stanzas = [s for s in re.split(r"(?:\n|<br\s*/?>)\s*(?:\n|<br\s*/?>)", text) if s.strip()]
        holder = BeautifulSoup("", "html.parser").new_tag("div")
        holder["class"] = "verse"
        for stanza in stanzas:
            lines = [_indent(line) for line in re.split(r"\n|<br\s*/?>", stanza.strip("\n"))]
            paragraph = BeautifulSoup(f"<p>{'<br/>'.join(lines)}</p>", "html.parser")
            holder.append(paragraph)
        pre.replace_with(holder)


def _indent(line: str) -> str:
    """Leading spaces of a verse line are kept as no-break spaces (Markdown would drop them)."""
    stripped = line.lstrip(" \t")
    return "\u00a0" * (len(line) - len(stripped)) + stripped


def _quote(block: Tag, attrs: dict[str, object], post: Post) -> None:
    """A quote or pullquote: the blockquote itself, its <cite> as a last line '— source'."""
    figure = block.find("figure")
    if isinstance(figure, Tag) and figure.find("blockquote"):
        figure.unwrap()
    quote = block.find("blockquote")
    if not isinstance(quote, Tag):
        paragraphs = [p for p in block.find_all("p")]
        quote = BeautifulSoup("", "html.parser").new_tag("blockquote")
        for p in paragraphs:
            quote.append(p.extract())
        block.append(quote)
    for cite in quote.find_all("cite"):
        if cite.get_text().strip():
            source = BeautifulSoup("", "html.parser").new_tag("p")
            source.append("— ")
            for child in list(cite.contents):
                source.append(child.extract())
            cite.replace_with(source)
        else:
            cite.decompose()
    if not quote.find("p"):
        paragraph = BeautifulSoup("", "html.parser").new_tag("p")
        for child in list(quote.contents):
            paragraph.append(child.extract())
        quote.append(paragraph)


def _gallery(block: Tag, attrs: dict[str, object], post: Post) -> None:
    """An older gallery lists its pictures in <ul><li>: they are figures, not a list."""
    for item in block.find_all("li", class_=lambda c: bool(c) and "gallery-item" in str(c)):
        item.unwrap()
    for grid in block.find_all("ul", class_=lambda c: bool(c) and "gallery" in str(c)):
        grid.unwrap()
    outer = block.find("figure", class_=lambda c: bool(c) and "wp-block-gallery" in str(c))
    if isinstance(outer, Tag):
        outer.unwrap()


_EMBED_KINDS = {"video": "Video", "audio": "Sound recording", "photo": "Picture", "rich": "Embedded content", "link": "Link"}


def _media(kind: str) -> Callable[[Tag, dict[str, object], Post], None]:
    def handle(block: Tag, attrs: dict[str, object], post: Post) -> None:
        url = str(attrs.get("url") or attrs.get("src") or "")
        media = block.find(["video", "audio", "iframe", "source"], src=True)
        if not url and isinstance(media, Tag):
            url = str(media["src"])
        wrapper = block.find(class_=lambda c: bool(c) and "wp-block-embed__wrapper" in str(c))
        if not url and isinstance(wrapper, Tag):
            url = wrapper.get_text().strip()
        caption = block.find("figcaption")
        caption_text = caption.get_text(" ").strip() if isinstance(caption, Tag) else ""
        label = kind if kind != "Embedded content" else _EMBED_KINDS.get(str(attrs.get("type", "")), kind)
        if not url:
            post.warnings.append(f"a {label.lower()} block names no address: it was left out")
            block.clear()
            return
        post.warnings.append(f"{label.lower()} {url} cannot play in a book: kept as a link" + (" with its caption" if caption_text else ""))
        replacement = BeautifulSoup(link_figure(label, url, caption_text), "html.parser")
        block.clear()
        block.append(replacement)

    return handle


def _place_footnotes(block: Tag, post: Post) -> bool:
    """Write the meta's notes where the footnotes block stands, as a list the footnote reader knows."""
    if not post.footnotes:
        return False
    items = "".join(f'<li id="{html.escape(key)}">{content} <a href="#{html.escape(key)}-link">↩</a></li>' for key, content in post.footnotes.items())
    block.clear()
    block.append(BeautifulSoup(f'<ol class="footnotes">{items}</ol>', "html.parser"))
    return True


def _check_calls(soup: Tag, post: Post) -> None:
    for call in soup.find_all("sup", attrs={"data-fn": True}):
        key = str(call["data-fn"])
        if key not in post.footnotes:
            post.warnings.append(f"footnote {call.get_text().strip() or key} has no text in the post's footnotes: its call was left out")
            call.decompose()


def media_to_links(soup: Tag, post: Post) -> None:
    """Video, sound and embedded frames outside blocks: a figure with a link, and a warning."""
    for media in soup.find_all(["video", "audio", "iframe", "embed", "object"]):
        if not isinstance(media, Tag) or media.parent is None:
            continue
        source = media.find("source", src=True)
        url = str(media.get("src") or media.get("data") or (source["src"] if isinstance(source, Tag) else ""))
        kind = {"audio": "Sound recording", "video": "Video"}.get(media.name, "Embedded content")
        if not url.startswith(("http://", "https://", "//")):
            continue
        post.warnings.append(f"{kind.lower()} {url} cannot play in a book: kept as a link")
        media.replace_with(BeautifulSoup(link_figure(kind, url, str(media.get("title", "")).strip()), "html.parser"))


def _button(block: Tag, attrs: dict[str, object], post: Post) -> None:
    """A button is a link: keep it as a paragraph of its own."""
    for link in block.find_all("a"):
        for name in ("class", "style", "target", "rel"):
            del link[name]


_HANDLERS: dict[str, Callable[[Tag, dict[str, object], Post], None]] = {
    "core/verse": _verse,
    "core/quote": _quote,
    "core/pullquote": _quote,
    "core/gallery": _gallery,
    "core/video": _media("Video"),
    "core/audio": _media("Sound recording"),
    "core/embed": _media("Embedded content"),
    "core-embed/youtube": _media("Video"),
    "core-embed/vimeo": _media("Video"),
    "core/button": _button,
}
