"""A saved blog page holding several posts.

A post is recognised by its shape: a heading (the title) with a "By Name, role" line just after it,
and usually a date line just before or after; or, in themes that mark them, an <article> (or an
element of class "post", "hentry" or "h-entry") with a heading. Each post runs until the next one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag

from ..errors import Diagnostic, ImportSourceError
from ..project.safety import Refusal, read_contained
from .bylines import date_from_iso, date_from_text, parse_byline
from .htmltomd import DROP, HEADINGS
from .post import Post

TITLE_HEADINGS = ("h1", "h2", "h3", "h4")
POST_CLASSES = ("post", "hentry", "h-entry", "blog-post", "type-post")
FURNITURE_CLASSES = ("share", "sharing", "social", "comments", "comment-respond", "post-navigation", "nav-links", "related")
NEAR = 3  # how many text blocks around a title may hold its byline and date


MAX_PAGE_BYTES = 32 * 1024 * 1024  # a saved page is parsed whole: far more than any blog page


class BlogPage:
    name = "blog page"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped: Counter[str] = Counter()

    def posts(self) -> Iterator[Post]:
        data = read_contained(self.path, self.path.parent, MAX_PAGE_BYTES)
        if isinstance(data, Refusal):
            raise ImportSourceError(Diagnostic(self.path, data.reason, hint="save the page again, one page per file")) from None
        soup = BeautifulSoup(data, "html.parser")
        base = _base_url(soup)
        for element in soup.find_all([*DROP, "nav", "iframe"]):
            element.decompose()
        titles = _titles(soup)
        if not titles:
            raise ImportSourceError(
                Diagnostic(
                    self.path,
                    "no posts found: a post here is a heading followed by a 'By Name, role' line, or an <article>",
                    hint="check this is the page that lists the posts, or export the blog instead (WXR, Atom or RSS)",
                )
            )
        for number, title in enumerate(titles, start=1):
            yield self._post(title, titles, base, number)

    def _post(self, title: Tag, titles: list[Tag], base: str | None, number: int) -> Post:
        container = _own_container(title, titles)
        byline_block, date_block, date = _near(title)
        link = title.find("a", href=True)
        source = urljoin(base or "", str(link["href"])) if isinstance(link, Tag) else None
        if source is not None and not source.startswith(("http://", "https://")):
            source = None
        byline = parse_byline(byline_block.get_text("")) if byline_block is not None else None
        if container is not None:
            body = container
            if date is None:
                time = container.find("time")
                if isinstance(time, Tag):
                    date = date_from_iso(str(time.get("datetime", ""))) or date_from_text(time.get_text(" "))
        else:
            body = _segment(title, titles)
        text_title = " ".join(title.get_text(" ").split())
        for element in (title, byline_block, date_block):
            if element is not None:
                element.decompose()
        for furniture in body.find_all(class_=lambda c: bool(c) and any(f in str(c) for f in FURNITURE_CLASSES)):
            furniture.decompose()
        for tag in body.find_all(["footer", "aside"]):
            tag.decompose()
        authors = byline.authors if byline else _class_authors(body)
        return Post(
            title=text_title,
            html=body.decode_contents() if container is not None else str(body),
            base=self.path.parent,
            authors=authors,
            byline=byline.role if byline else None,
            date=date,
            source=source,
            where=f"post {number}",
        )


def _titles(soup: BeautifulSoup) -> list[Tag]:
    """Post titles in page order: the first heading of each post-like container, and every other
    heading with a byline near it."""

    containers = [c for c in soup.find_all(_is_post) if not any(_is_post(p) for p in c.parents)]
    titles: list[Tag] = []
    for container in containers:
        heading = container.find(TITLE_HEADINGS)
        if isinstance(heading, Tag) and heading.get_text().strip():
            titles.append(heading)
    for heading in soup.find_all(TITLE_HEADINGS):
        if heading in titles or any(_inside(heading, c) for c in containers):
            continue
        if _near(heading)[0] is not None:
            titles.append(heading)
    order = {id(node): n for n, node in enumerate(soup.descendants)}
    return sorted(titles, key=lambda t: order[id(t)])


def _blocks_after(start: Tag) -> Iterator[Tag]:
    """The text-holding elements after `start` in reading order (not those inside it)."""
    inside = set(id(d) for d in start.descendants)
    last = None
    for node in start.next_elements:
        if id(node) in inside or not isinstance(node, NavigableString) or not node.strip():
            continue
        block = _block_of(node)
        if block is not None and block is not last and block is not start:
            last = block
            yield block


def _blocks_before(start: Tag) -> Iterator[Tag]:
    last = None
    for node in start.previous_elements:
        if not isinstance(node, NavigableString) or not node.strip():
            continue
        block = _block_of(node)
        if block is not None and block is not last and block is not start and not any(p is block for p in start.parents):
            last = block
            yield block


def _block_of(node: NavigableString) -> Tag | None:
    for parent in node.parents:
        if parent.name in ("p", "div", "span", "time", "li", "address", "small", *HEADINGS) and (
            parent.name not in ("span", "small") or "byline" in str(parent.get("class")) or "author" in str(parent.get("class"))
        ):
            return parent
        if parent.name in ("body", "html", "[document]"):
            return None
    return None


def _near(title: Tag) -> tuple[Tag | None, Tag | None, dt.date | None]:
    """(byline block, date block, date) found among the few blocks around a title."""
    byline = date_block = None
    date = None
    for block in _take(_blocks_after(title), NEAR):
        if block.name in HEADINGS:
            break
        text = block.get_text("")
        if byline is None and parse_byline(text) is not None:
            byline = block
        elif date_block is None and (found := _date_of(block)) is not None:
            date_block, date = block, found
    if date_block is None:
        for block in _take(_blocks_before(title), 2):
            if (found := _date_of(block)) is not None:
                date_block, date = block, found
                break
            if block.name in HEADINGS:
                break
    return byline, date_block, date


def _date_of(block: Tag) -> dt.date | None:
    if block.name == "time" and block.get("datetime"):
        return date_from_iso(str(block["datetime"]))
    return date_from_text(block.get_text(" "))


def _take(blocks: Iterator[Tag], count: int) -> list[Tag]:
    out = []
    for block in blocks:
        out.append(block)
        if len(out) == count:
            break
    return out


def _own_container(title: Tag, titles: list[Tag]) -> Tag | None:
    """The element that holds this post and no other: a post-like element around the title, else the
    largest element around it that holds no other title and starts with it (or with its date line).
    None when there is none, as when posts are laid out one after another in one parent."""
    others = [t for t in titles if t is not title]
    best: Tag | None = None
    for parent in title.parents:
        if parent.name in ("body", "html", "main", "[document]") or any(_inside(o, parent) for o in others):
            break
        best = parent
        if _is_post(parent):
            return parent
    if best is not None and _starts_with(best, title):
        return best
    return None


def _starts_with(container: Tag, title: Tag) -> bool:
    for text in container.find_all(string=True):
        if text.strip():
            return _inside(text, title) or date_from_text(text) is not None
    return False


def _is_post(tag: Tag) -> bool:
    return tag.name == "article" or any(k in (tag.get("class") or []) for k in POST_CLASSES)


def _inside(node: Tag | NavigableString, outer: Tag) -> bool:
    return any(p is outer for p in node.parents)


def _top(node: Tag, parent: Tag) -> Tag:
    """The ancestor of node (or node itself) that is a direct child of parent."""
    while node.parent is not None and node.parent is not parent:
        node = node.parent
    return node


def _segment(title: Tag, titles: list[Tag]) -> Tag:
    """Posts laid out one after another in the same parent: from the title (or its date line) to the next."""
    parent = title.parent
    assert parent is not None
    holder = BeautifulSoup("<div></div>", "html.parser").div
    assert holder is not None
    index = titles.index(title)
    stop: Tag | None = None
    if index + 1 < len(titles):
        following = titles[index + 1]
        _, next_date_block, _ = _near(following)
        start_of_next = next_date_block if next_date_block is not None and _is_before(next_date_block, following) else following
        stop = _top(start_of_next, parent) if _inside(start_of_next, parent) else None
    node = title.next_sibling
    while node is not None and node is not stop:
        following_node = node.next_sibling
        holder.append(node.extract())  # the byline and a date line after the title go too, and are removed later
        node = following_node
    return holder


def _is_before(a: Tag, b: Tag) -> bool:
    return any(node is b for node in a.next_elements)


def _class_authors(body: Tag) -> list[str]:
    for element in body.select(".author .fn, .author-name, [rel~=author], .p-author"):
        name = " ".join(element.get_text(" ").split())
        if name:
            holder = element.find_parent(class_=lambda c: bool(c) and ("author" in str(c) or "byline" in str(c)))
            (holder if isinstance(holder, Tag) else element).decompose()
            return [name]
    return []


def _base_url(soup: BeautifulSoup) -> str | None:
    for tag in (soup.find("base", href=True), soup.find("link", rel="canonical", href=True)):
        if isinstance(tag, Tag):
            return str(tag["href"])
    return None
