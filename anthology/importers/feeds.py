"""RSS 2.0 and Atom feeds, and Blogger exports (Atom files in which each entry says what kind it is)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

from . import visibility as v
from .bylines import author_from_feed, date_from_iso, date_from_rfc822
from .post import Post
from .xmlread import child_text, children, local, namespace, stream_items

ATOM = "http://www.w3.org/2005/Atom"
BLOGGER_KIND = "http://schemas.google.com/g/2005#kind"
BLOGGER_POST = "http://schemas.google.com/blogger/2008/kind#post"
BLOGGER_KINDS = {"comment": v.COMMENT, "page": v.PAGE, "template": "template", "settings": "setting"}
# Google Takeout's Blogger export: <blogger:type>POST|PAGE|COMMENT</…>, <blogger:status>LIVE|DRAFT|…</…>.
TAKEOUT_TYPES = {"PAGE": v.PAGE, "COMMENT": v.COMMENT}
TAKEOUT_STATUS = {"DRAFT": v.DRAFT, "SCHEDULED": v.SCHEDULED, "SOFT_TRASHED": v.TRASHED, "DELETED": v.TRASHED, "PENDING": v.PENDING}


class RssFeed:
    name = "RSS feed"

    def __init__(self, path: Path, include: v.Include = v.Include(), site: str | None = None) -> None:
        self.path = path
        self.skipped: Counter[str] = Counter()

    def posts(self) -> Iterator[Post]:
        def wanted(element: ET.Element, ancestors: list[ET.Element]) -> bool:
            return local(element.tag) == "item" and bool(ancestors) and local(ancestors[-1].tag) == "channel"

        for number, (item, _) in enumerate(stream_items(self.path, wanted), start=1):
            names = [child.text.strip() for child in children(item, "creator") if child.text and child.text.strip()]
            if not names:
                names = [author_from_feed(c.text) for c in children(item, "author", ns="") if c.text and c.text.strip()]
            content = ""
            for child in item:
                if local(child.tag) == "encoded" and "content" in namespace(child.tag):
                    content = child.text or ""
            yield Post(
                title=" ".join(html.unescape(child_text(item, "title", ns="")).split()),
                html=content or child_text(item, "description", ns=""),
                base=self.path.parent,
                authors=names,
                date=date_from_rfc822(child_text(item, "pubDate", ns="")) or date_from_iso(child_text(item, "date")),
                source=child_text(item, "link", ns="") or None,
                where=f"item {number}",
                summary_only=not content,
            )


class AtomFeed:
    """An Atom feed; in a Blogger export only the entries marked as posts are read."""

    def __init__(self, path: Path, blogger: bool = False, include: v.Include = v.Include(), site: str | None = None) -> None:
        self.path = path
        self.include = include
        self.site = site
        self.skipped: Counter[str] = Counter()
        self.name = "Blogger export" if blogger else "Atom feed"

    def posts(self) -> Iterator[Post]:
        feed_authors: list[str] = []

        def wanted(element: ET.Element, ancestors: list[ET.Element]) -> bool:
            return element.tag in (f"{{{ATOM}}}entry", f"{{{ATOM}}}author", f"{{{ATOM}}}link") and len(ancestors) == 1

        number = 0
        site = self.site
        for entry, _ in stream_items(self.path, wanted):
            if entry.tag == f"{{{ATOM}}}author":
                feed_authors.extend(_names([entry]))
                continue
            if entry.tag == f"{{{ATOM}}}link":
                if entry.get("rel", "alternate") == "alternate" and entry.get("href") and site is None:
                    site = entry.get("href")
                continue
            number += 1
            kind = _entry_kind(entry)
            if kind is not None and not self.include.admits(kind):
                self.skipped[kind] += 1
                continue
            date = date_from_iso(child_text(entry, "published", ATOM)) or date_from_iso(child_text(entry, "updated", ATOM))
            content = _text_construct(entry, "content")
            filename = _takeout(entry, "filename")
            source = _link(entry) or (urljoin(site, filename) if site and filename else None)
            post = Post(
                title=" ".join(_text_construct(entry, "title", plain=True).split()),
                html=content or _text_construct(entry, "summary"),
                base=self.path.parent,
                authors=_names(children(entry, "author", ATOM)) or list(feed_authors),
                date=date,
                source=source,
                where=f"entry {number}",
                summary_only=not content,
            )
            if filename and not source:
                post.warnings.append(f"the export does not give the blog's address, so the chapter has no source ({filename}): pass --site https://…")
            yield post


def _takeout(entry: ET.Element, name: str) -> str:
    """A Takeout element such as <blogger:type>, in any version of the blogger namespace."""
    for child in entry:
        if local(child.tag) == name and "schemas.google.com/blogger" in namespace(child.tag):
            return (child.text or "").strip()
    return ""


def _entry_kind(entry: ET.Element) -> str | None:
    """What a Blogger entry is when it is not a published post (None for a published post)."""
    kinds = [c.get("term", "") for c in children(entry, "category", ATOM) if c.get("scheme") == BLOGGER_KIND]
    if kinds and BLOGGER_POST not in kinds:
        term = kinds[0].rsplit("#", 1)[-1]
        return BLOGGER_KINDS.get(term, f"{term} entry")
    kind = _takeout(entry, "type").upper()
    if kind and kind != "POST":
        return TAKEOUT_TYPES.get(kind, f"{kind.lower()} entry")
    status = _takeout(entry, "status").upper()
    if status and status != "LIVE":
        return TAKEOUT_STATUS.get(status, f"{status.lower()} post")
    if _is_draft(entry):
        return v.DRAFT
    return None


def _names(authors: list[ET.Element]) -> list[str]:
    return [name for a in authors if (name := " ".join(child_text(a, "name", ATOM).split()))]


def _is_draft(entry: ET.Element) -> bool:
    for control in children(entry, "control"):
        for draft in children(control, "draft"):
            if (draft.text or "").strip().lower() == "yes":
                return True
    return False


def _link(entry: ET.Element) -> str | None:
    for link in children(entry, "link", ATOM):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def _text_construct(entry: ET.Element, name: str, plain: bool = False) -> str:
    """An Atom text construct (type text, html or xhtml) as HTML, or as plain text when plain."""
    for element in children(entry, name, ATOM):
        kind = element.get("type", "text")
        if kind == "xhtml":
            div = next(iter(element), None)
            if div is None:
                return ""
            if plain:
                return "".join(div.itertext())
            return (div.text and html.escape(div.text) or "") + "".join(_serialise(c) for c in div)
        text = element.text or ""
        if kind == "html":
            return html.unescape(_strip_tags(text)) if plain else text
        return text if plain else f"<p>{html.escape(text)}</p>"
    return ""


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]*>", "", text)


def _serialise(element: ET.Element) -> str:
    """An XHTML element as HTML without namespace prefixes."""
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = local(node.tag)
    return ET.tostring(element, encoding="unicode", method="html")
