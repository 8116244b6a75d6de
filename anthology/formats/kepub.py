"""Kobo edition (``.kepub.epub``): the EPUB with Kobo's span markup.

Kobo's reader keeps its place, highlights and reading statistics by sentence-level spans
(``<span class="koboSpan" id="kobo.P.S">``, P counting text blocks and S the pieces inside one;
an image gets a span and a number of its own) and lays pages out inside
``<div id="book-columns"><div id="book-inner">``, in every content document, the cover page too.
Last in each document's head comes the style Kobo's own kepubs carry (``kobostylehacks``), with
only its rule that the page wrapper adds no top or bottom margin, as kepubify writes it. Everything
else is the EPUB as ``epub.py`` makes it, so it passes the same checks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from ..artifacts import Artifact
from ..markup.namespaces import XHTML_NS, local_name
from .epub import chapter_count, epub_bytes
from .registry import Format, Made

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..print.pagemap import Pagination

BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 li td th dt dd figcaption blockquote pre caption".split())
SKIP = frozenset("script style".split())
SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)\]]*\s+")
STYLE_HACKS = "div#book-inner { margin-top: 0; margin-bottom: 0; }"


def sentences(text: str) -> list[str]:
    """Split text after each sentence's closing punctuation; the pieces join back to ``text``."""
    pieces, start = [], 0
    for match in SENTENCE_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


class _Counter:
    def __init__(self) -> None:
        self.block = 0
        self.piece = 0

    def span(self, text: str) -> etree._Element:
        self.piece += 1
        span = etree.Element(f"{{{XHTML_NS}}}span")
        span.set("class", "koboSpan")
        span.set("id", f"kobo.{self.block}.{self.piece}")
        span.text = text
        return span


def _spans(text: str, counter: _Counter) -> tuple[str, list[etree._Element]]:
    """Leading whitespace stays as it is; the rest becomes one span per sentence."""
    stripped = text.lstrip()
    lead = text[: len(text) - len(stripped)]
    return lead, [counter.span(piece) for piece in sentences(stripped)] if stripped else []


def _wrap_block(element: etree._Element, counter: _Counter) -> None:
    """Span the text of ``element`` and of its inline children (nested blocks are spanned on their own)."""
    if element.text and element.text.strip():
        lead, spans = _spans(element.text, counter)
        element.text = lead
        for index, span in enumerate(spans):
            element.insert(index, span)
    for child in list(element):
        if not isinstance(child.tag, str) or local_name(child) in SKIP:
            continue
        if local_name(child) == "img":
            child = _wrap_image(child, counter)
        elif local_name(child) not in BLOCKS and child.get("class") != "koboSpan":
            _wrap_block(child, counter)
        if child.tail and child.tail.strip():
            lead, spans = _spans(child.tail, counter)
            child.tail = lead
            anchor = child
            for span in spans:
                anchor.addnext(span)
                anchor = span


def _wrap_image(image: etree._Element, counter: _Counter) -> etree._Element:
    """An image in a span of its own, numbered as a new block; returns the span (it takes the image's tail)."""
    counter.block += 1
    counter.piece = 0
    span = counter.span("")
    span.text = None
    span.tail, image.tail = image.tail, None
    image.addprevious(span)
    span.append(image)
    return span


def _style_hacks(root: etree._Element) -> None:
    head = root.find(f"{{{XHTML_NS}}}head")
    if head is None:
        return
    style = etree.SubElement(head, f"{{{XHTML_NS}}}style", type="text/css", id="kobostylehacks")
    style.text = STYLE_HACKS
    style.tail = "\n"


def kobo_markup(xhtml: str) -> str:
    """One content document with Kobo's spans and page wrapper."""
    root = etree.fromstring(xhtml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    body = root.find(f"{{{XHTML_NS}}}body")
    if body is None:
        return xhtml
    counter = _Counter()
    for element in list(body.iter()):
        if local_name(element) in BLOCKS:
            counter.block += 1
            counter.piece = 0
            _wrap_block(element, counter)
        elif local_name(element) == "img" and element.getparent().get("class") != "koboSpan":
            _wrap_image(element, counter)  # an image outside any text block (a figure's, the cover's)
    columns = etree.Element(f"{{{XHTML_NS}}}div", id="book-columns")
    inner = etree.SubElement(columns, f"{{{XHTML_NS}}}div", id="book-inner")
    inner.text = body.text
    body.text = "\n"
    for child in list(body):
        inner.append(child)
    body.append(columns)
    columns.tail = "\n"
    _style_hacks(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + etree.tostring(root, encoding="unicode") + "\n"


def make_kepub(context: BuildContext, pagination: Pagination | None = None) -> Artifact:
    data, parts = epub_bytes(context, pagination, transform=lambda name, xhtml: kobo_markup(xhtml))
    return Artifact(f"{context.book.slug}.kepub.epub", data=data, summary=f"Kobo edition, {chapter_count(len(context.book.chapters))}")


FORMAT = Format(
    "kepub", "Kobo EPUB: the EPUB with Kobo's reading-position spans", "SLUG.kepub.epub",
    make=lambda context, given: Made(make_kepub(context, given.pagination)),
    order=50, layout="epub", page_list=True, cover=True,
)
