"""Tell what kind of source a file is, from its name and its first bytes (nothing is fetched)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from ..errors import Diagnostic, ImportSourceError
from .blogpage import BlogPage
from .feeds import ATOM, AtomFeed, RssFeed
from .post import Post
from .visibility import Include
from .word import WordDocument
from .wordpress import WordPressExport, is_wp_namespace
from .xmlread import iterparse, local

KINDS = "a WordPress export (WXR), a Blogger export, an RSS or Atom feed, a saved blog page (.html) or a Word document (.docx)"


class Reader(Protocol):
    name: str
    skipped: Counter[str]

    def posts(self) -> Iterator[Post]: ...


def open_source(path: Path, include: Include = Include(), site: str | None = None) -> Reader:
    if not path.exists():
        raise ImportSourceError(Diagnostic(path, "not found", hint="give the path of an export, feed, saved page or .docx file"))
    if path.is_dir():
        raise ImportSourceError(Diagnostic(path, "is a folder", hint=f"give one file: {KINDS}"))
    if not path.is_file():  # a named pipe or a device: reading it could wait for ever
        raise ImportSourceError(Diagnostic(path, "is not a regular file (a named pipe or a device)", hint=f"give one saved file: {KINDS}"))
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise ImportSourceError(
            Diagnostic(path, "is an old Word .doc file", hint="open it in Word or LibreOffice and save it as Word Document (.docx)")
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        raise ImportSourceError(Diagnostic(path, f"cannot read: {exc.strerror}")) from None
    if head.startswith(b"PK\x03\x04") or suffix == ".docx":
        return WordDocument(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in (".html", ".htm", ".xhtml") or text.startswith((b"<!doctype html", b"<html")):
        return BlogPage(path)
    if not text.startswith(b"<"):
        raise ImportSourceError(Diagnostic(path, "is not a file anthology can import", line=1, hint=f"give {KINDS}"))
    return _xml_kind(path, include, site)


def _xml_kind(path: Path, include: Include, site: str | None) -> Reader:
    namespaces: set[str] = set()
    root: ET.Element | None = None
    blogger = False
    for event, item in iterparse(path, events=("start-ns", "start", "end")):
        if event == "start-ns":
            assert isinstance(item, tuple)
            namespaces.add(item[1])
            blogger = blogger or "schemas.google.com/blogger" in item[1]
            continue
        assert isinstance(item, ET.Element)
        if root is None:
            root = item
            if local(root.tag) != "feed":
                break
            continue
        name = local(item.tag)
        if event == "start" and name == "entry":
            return AtomFeed(path, blogger=blogger, include=include, site=site)
        if event == "end" and name in ("generator", "id"):
            blogger = blogger or "blogger" in (item.text or "").lower()
    if root is None:
        raise ImportSourceError(Diagnostic(path, "holds no XML element", line=1, hint=f"give {KINDS}"))
    if local(root.tag) == "rss":
        if any(is_wp_namespace(ns) for ns in namespaces):
            return WordPressExport(path, include)
        return RssFeed(path, include, site)
    if root.tag == f"{{{ATOM}}}feed":
        return AtomFeed(path, blogger=blogger, include=include, site=site)
    raise ImportSourceError(
        Diagnostic(path, f"is XML of an unknown kind (its root element is <{local(root.tag)}>)", line=1, hint=f"give {KINDS}")
    )
