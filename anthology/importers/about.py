"""What a blog export or feed says about the blog as a whole: its title and language.

An import into a folder that holds no book yet writes the book's anthology.toml from these, so the
imported chapters build at once. Only the top of the file is read, up to the first post.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .xmlread import iterparse, local

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # a BCP 47 tag as exports write it (en-GB, cy)
_CONTAINERS = {"channel", "feed"}  # RSS and WordPress exports; Atom feeds and Blogger exports
_POSTS = {"item", "entry"}


@dataclass(frozen=True)
class About:
    title: str | None = None
    language: str | None = None


def about_feed(path: Path) -> About:
    """The blog's title and language from an RSS, WordPress, Atom or Blogger file (either may be None)."""
    title: str | None = None
    language: str | None = None
    stack: list[str] = []
    events = iterparse(path)
    try:
        for event, element in events:
            assert isinstance(element, ET.Element)
            name = local(element.tag)
            if event == "start":
                if name in _POSTS:
                    break
                if name == "feed" and element.get(_XML_LANG):
                    language = language or element.get(_XML_LANG)
                stack.append(name)
                continue
            stack.pop()
            if not stack or stack[-1] not in _CONTAINERS:
                continue
            text = " ".join((element.text or "").split())
            if name == "title" and text and title is None:
                title = text
            elif name == "language" and text:
                language = text
    finally:
        events.close()
    if language is not None:
        language = language.replace("_", "-")
        if not _TAG.match(language):
            language = None
    return About(title, language)
