"""WordPress export (WXR): the published posts and pages of an export file, read as a stream.

Authors are given by login in each item (dc:creator) and by display name in the channel's
<wp:author> entries, which come before the items. Attachment items give images' alt text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from .bylines import date_from_iso, date_from_rfc822
from .post import Post
from .xmlread import child_text, children, local, stream_items

WP_NAMESPACE_PREFIX = "http://wordpress.org/export/"
POST_TYPES = ("post", "page")
_CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
_CAPTION_SPLIT = re.compile(r"^(\s*(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE)


class WordPressExport:
    """Reads the posts of a WXR file; skipped counts drafts, trash and other item kinds."""

    name = "WordPress export"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped = 0

    def posts(self) -> Iterator[Post]:
        authors: dict[str, str] = {}
        alts: dict[str, str] = {}
        number = 0

        def wanted(element: ET.Element, ancestors: list[ET.Element]) -> bool:
            name = local(element.tag)
            return (name == "item" and len(ancestors) == 2) or (name == "author" and _is_wp(element.tag))

        for element, _ in stream_items(self.path, wanted):
            if local(element.tag) == "author":
                login = _wp(element, "author_login")
                display = _wp(element, "author_display_name")
                if login:
                    authors[login] = display or login
                continue
            number += 1
            kind = _wp(element, "post_type") or "post"
            if kind == "attachment":
                url = _wp(element, "attachment_url")
                alt = _postmeta(element, "_wp_attachment_image_alt")
                if url and alt:
                    alts[url] = alt
                continue
            if kind not in POST_TYPES or _wp(element, "status") != "publish":
                self.skipped += 1
                continue
            login = child_text(element, "creator")
            date = date_from_iso(_wp(element, "post_date")) or date_from_rfc822(child_text(element, "pubDate"))
            yield Post(
                title=" ".join(child_text(element, "title").split()),
                html=wordpress_html(_content(element)),
                base=self.path.parent,
                authors=[authors.get(login, login)] if login else [],
                date=date,
                source=child_text(element, "link") or None,
                where=f"item {number}",
                autop=True,
                image_alts=alts,
            )


def _is_wp(tag: str) -> bool:
    return tag.startswith("{" + WP_NAMESPACE_PREFIX)


def _wp(element: ET.Element, name: str) -> str:
    for child in element:
        if _is_wp(child.tag) and local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _postmeta(element: ET.Element, key: str) -> str:
    for meta in children(element, "postmeta"):
        if _wp(meta, "meta_key") == key:
            return _wp(meta, "meta_value")
    return ""


def _content(element: ET.Element) -> str:
    for child in element:
        if local(child.tag) == "encoded" and "content" in child.tag:
            return child.text or ""
    return ""


def wordpress_html(text: str) -> str:
    """WordPress's stored post text to HTML: [caption] shortcodes become figures."""

    def figure(match: re.Match[str]) -> str:
        inner = match.group(1)
        split = _CAPTION_SPLIT.match(inner)
        if not split:
            return f"<figure>{inner}</figure>"
        caption = split.group(2).strip()
        return f"<figure>{split.group(1)}<figcaption>{caption}</figcaption></figure>\n\n" if caption else split.group(1)

    return _CAPTION.sub(figure, text)
