"""WordPress export (WXR): the published posts of an export file, read as a stream.

A WXR file of any version names its namespace http(s)://wordpress.org/export/1.x/. The file is read
twice, each time as a stream: first for the authors (login -> display name) and the attachments
(id -> address, alt text, caption), which a [gallery] or an image block may refer to before they
appear; then for the posts. Drafts, pending, scheduled, private and password-protected posts,
pages, menu items, attachments, revisions and comments are counted by kind and skipped unless an
--include-… option lets them in.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from . import visibility as v
from .bylines import date_from_iso, date_from_rfc822
from .post import Post
from .shortcodes import Attachment, expand_shortcodes
from .xmlread import child_text, children, local, stream_items

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+(?:\.\d+)*/$")
_STATUS = {"draft": v.DRAFT, "auto-draft": v.DRAFT, "pending": v.PENDING, "future": v.SCHEDULED, "private": v.PRIVATE, "trash": v.TRASHED}
_TYPES = {
    "page": v.PAGE,
    "nav_menu_item": v.MENU_ITEM,
    "attachment": v.ATTACHMENT,
    "revision": v.REVISION,
    "wp_block": "reusable block",
    "wp_navigation": "navigation menu",
    "wp_template": "template",
    "wp_template_part": "template part",
    "wp_global_styles": "style setting",
    "custom_css": "custom CSS item",
    "customize_changeset": "customizer change set",
    "oembed_cache": "embed cache entry",
    "user_request": "privacy request",
    "wp_font_family": "font",
    "wp_font_face": "font face",
}


def is_wp_namespace(uri: str) -> bool:
    return bool(WP_NAMESPACE.match(uri))


class WordPressExport:
    """Reads the posts of a WXR file; `skipped` counts what was left out, by kind."""

    name = "WordPress export"

    def __init__(self, path: Path, include: v.Include = v.Include()) -> None:
        self.path = path
        self.include = include
        self.skipped: Counter[str] = Counter()

    def _people_and_attachments(self) -> tuple[dict[str, str], dict[str, Attachment], dict[str, str]]:
        """Authors (login -> display name), attachments and reusable blocks (id -> block markup)."""
        authors: dict[str, str] = {}
        attachments: dict[str, Attachment] = {}
        reusable: dict[str, str] = {}
        for element, _ in stream_items(self.path, _wanted):
            if local(element.tag) == "author":
                login = _wp(element, "author_login")
                full = " ".join(filter(None, (_wp(element, "author_first_name"), _wp(element, "author_last_name"))))
                if login:
                    authors[login] = " ".join((_wp(element, "author_display_name") or full or login).split())
            elif _wp(element, "post_type") == "attachment":
                url = _wp(element, "attachment_url") or child_text(element, "guid")
                if url:
                    attachments[_wp(element, "post_id")] = Attachment(
                        url=url,
                        alt=_postmeta(element, "_wp_attachment_image_alt"),
                        caption=_encoded(element, "excerpt"),
                        parent=_wp(element, "post_parent"),
                    )
            elif _wp(element, "post_type") == "wp_block" and _wp(element, "status") == "publish":
                reusable[_wp(element, "post_id")] = _encoded(element, "content")
        return authors, attachments, reusable

    def posts(self) -> Iterator[Post]:
        authors, attachments, reusable = self._people_and_attachments()
        alts = {a.url: a.alt for a in attachments.values() if a.alt}
        number = 0
        for element, _ in stream_items(self.path, _wanted):
            if local(element.tag) != "item":
                continue
            number += 1
            comments = len([c for c in element if local(c.tag) == "comment" and is_wp_namespace(_ns(c.tag))])
            if comments:
                self.skipped[v.COMMENT] += comments
            kind = self._kind(element)
            if kind is not None and not self.include.admits(kind):
                self.skipped[kind] += 1
                continue
            login = child_text(element, "creator")
            where = f"item {number}"
            title = " ".join(child_text(element, "title").split())
            post = Post(
                title=title,
                html="",
                base=self.path.parent,
                authors=[authors.get(login, login)] if login else [],
                date=date_from_iso(_wp(element, "post_date")) or date_from_rfc822(child_text(element, "pubDate")),
                source=child_text(element, "link") or None,
                aliases=tuple(filter(None, (child_text(element, "guid"),))),
                where=where,
                image_alts=alts,
                reusable=reusable,
            )
            text = _encoded(element, "content")
            post.blocks = "<!-- wp:" in text
            post.autop = not post.blocks
            post.footnotes = _footnotes(_postmeta(element, "footnotes"), post)
            post.html = expand_shortcodes(text, post, attachments, _wp(element, "post_id"))
            yield post

    def _kind(self, element: ET.Element) -> str | None:
        """The kind of a skipped item, or None for a published post."""
        post_type = _wp(element, "post_type") or "post"
        if post_type not in ("post", "page"):
            return _TYPES.get(post_type, f"{post_type} item")
        status = _wp(element, "status") or "publish"
        if status != "publish":
            return _STATUS.get(status, f"{status} post")
        if _wp(element, "post_password"):
            return v.PROTECTED
        if post_type == "page":
            return v.PAGE
        return None


def _wanted(element: ET.Element, ancestors: list[ET.Element]) -> bool:
    name = local(element.tag)
    return (name == "item" and len(ancestors) == 2) or (name == "author" and is_wp_namespace(_ns(element.tag)))


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _wp(element: ET.Element, name: str) -> str:
    for child in element:
        if local(child.tag) == name and is_wp_namespace(_ns(child.tag)):
            return (child.text or "").strip()
    return ""


def _postmeta(element: ET.Element, key: str) -> str:
    for meta in children(element, "postmeta"):
        if _wp(meta, "meta_key") == key:
            return _wp(meta, "meta_value")
    return ""


def _encoded(element: ET.Element, which: str) -> str:
    """content:encoded or excerpt:encoded."""
    for child in element:
        if local(child.tag) == "encoded" and which in _ns(child.tag):
            return child.text or ""
    return ""


def _footnotes(meta: str, post: Post) -> dict[str, str]:
    """The block editor keeps a post's footnotes in its `footnotes` meta: a JSON list of {id, content}."""
    if not meta.strip():
        return {}
    try:
        data = json.loads(meta)
    except ValueError:
        post.warnings.append("its footnotes (the post's 'footnotes' meta) are not readable JSON and were left out")
        return {}
    notes: dict[str, str] = {}
    for note in data if isinstance(data, list) else []:
        if isinstance(note, dict) and isinstance(note.get("id"), str):
            notes[note["id"]] = str(note.get("content", ""))
    return notes
