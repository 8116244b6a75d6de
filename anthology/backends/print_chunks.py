"""The print edition laid out in chunks: the body a few documents at a time, then joined.

WeasyPrint's cost per page grows with the size of the document it lays out, so a long book is laid
out as a series of small documents and their pages are put together into one before the PDF is
written (bookmarks, links, tags and fonts are then made once, for the whole book).

Order: the body chunks first (the first opens with the first chapter or part, whose page restarts
the numbering at 1; each later chunk starts at the number where the one before stopped), then
the back matter (About the contributors needs the chapters' page numbers), then the opening and
front matter (the contents needs every page number). The numbers a chunk refers to in another
chunk are given to it as literal text in place of ``target-counter``. Each chunk is laid out with
an empty copy of the next chunk's first element at its end, so the blank page that the next
opening would force is made as in one document; the pages from that copy on are dropped.

What is carried from one chunk to the next: the page number and the book's title for the running
heads (``string(book-title)``, set on the title page). The result is checked: when a chunk would
not start on the side of the spread where one document would start it, or a page prints another
number than the one counted for it, the whole book is laid out as one document instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import weasyprint
from lxml import etree

from ..layout import Document, Edition
from ..markup import EPUB_NS, XHTML_NS
from .fetcher import LocalFetcher
from .pagemap import flow_text_boxes, printed_number
from .pdf import render_context

END = "anthology-chunk-end"
CHUNK_DOCUMENTS = 16  # body documents laid out together: few enough to stay fast, enough to share the set-up cost
_OPENING_TAG = re.compile(r"\s*<([A-Za-z][\w-]*)\b([^>]*)>")
_ID = re.compile(r'\sid="[^"]*"')


@dataclass(frozen=True)
class Chunk:
    documents: tuple[Document, ...]
    kind: str  # "front", "body" or "back"


def chunks(edition: Edition, size: int = CHUNK_DOCUMENTS) -> list[Chunk]:
    """The edition's documents in chunks: front (up to the first body document), body, back."""
    documents = edition.documents
    first = next((i for i, d in enumerate(documents) if d.body_matter), None)
    if first is None:
        return [Chunk(documents, "front")]
    last = max(i for i, d in enumerate(documents) if d.body_matter)
    out = [Chunk(documents[:first], "front")]
    body = documents[first : last + 1]
    out += [Chunk(body[i : i + size], "body") for i in range(0, len(body), size)]
    if last + 1 < len(documents):
        out.append(Chunk(documents[last + 1 :], "back"))
    return out


def _end_marker(document: Document) -> Document:
    """An empty copy of the document's outermost element, without its id: where the next chunk opens."""
    match = _OPENING_TAG.match(document.body)
    if match is None:
        return Document(END, document.kind, "", document.lang, f'<div id="{END}"></div>')
    tag, attributes = match.groups()
    attributes = _ID.sub("", attributes).rstrip("/")
    return Document(END, document.kind, "", document.lang, f'<{tag} id="{END}"{attributes}></{tag}>')


def _css_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=True).replace("\\u", "\\")  # CSS escapes are \HEX, JSON's \uHEX


def _book_title(edition: Edition) -> str | None:
    """The text ``string(book-title)`` takes in one document: that of the title page's heading."""
    page = next((d for d in edition.documents if d.kind == "titlepage"), None)
    if page is None:
        return None
    try:
        wrapped = f'<div xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{page.body}</div>'
        root = etree.fromstring(wrapped.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    heading = next(root.iter(f"{{{XHTML_NS}}}h1"), None)
    return None if heading is None else " ".join("".join(heading.itertext()).split())


def _chunk_css(start: int | None, numbers: dict[str, int], own: set[str], book_title: str | None) -> str:
    rules = []
    if start is not None:
        rules.append(f"@page :first {{ counter-reset: page {start}; }}")
    if book_title is not None:
        rules.append(f"html {{ string-set: book-title {_css_string(book_title)}; }}")
    for target, number in numbers.items():
        if target in own:
            continue
        href = _css_string("#" + target)
        rules.append(
            f'a.toc-link[href={href}]::after, a.contributor-chapter[href={href}]::after '
            f'{{ content: leader(". ") "{number}" !important; }}'
        )
    return "\n".join(rules)


def _anchors(chunk: Chunk) -> set[str]:
    found = set()
    for document in chunk.documents:
        found.update(re.findall(r'\sid="([^"]+)"', document.body))
    return found


def render_chunked(edition: Edition, whole: str, size: int | None = None) -> tuple[weasyprint.Document, LocalFetcher] | None:
    """The edition laid out chunk by chunk and joined; None when the chunks cannot stand in for one
    document (the caller then lays out ``whole``)."""
    parts = chunks(edition, size or CHUNK_DOCUMENTS)
    if len(parts) < 3:
        return None
    context = render_context(edition)
    book_title = _book_title(edition)
    laid: dict[int, list[Any]] = {}
    numbers: dict[str, int] = {}
    first_document = None
    page = 1  # the number of the next body or back page
    order = [i for i, c in enumerate(parts) if c.kind != "front"] + [0]
    for index in order:
        chunk = parts[index]
        following = parts[index + 1].documents[0] if index + 1 < len(parts) else None
        documents = list(chunk.documents) + ([_end_marker(following)] if following is not None else [])
        start = None if index in (0, 1) else page
        css = _chunk_css(start, numbers, _anchors(chunk), book_title if index != 0 else None)
        text = edition.render(documents, title=edition.book.title, lang=edition.book.language, current=None)
        document = context.render(text, css)
        pages = list(document.pages)
        if following is not None:
            cut = next((i for i, p in enumerate(pages) if END in p.anchors), None)
            if cut is None or any(True for _ in flow_text_boxes(pages[cut]._page_box)):
                return None  # the next chunk would not open on a page of its own
            pages = pages[:cut]
        if index != 0:
            for offset, each in enumerate(pages):
                printed = printed_number(each._page_box)
                if printed is not None and printed.isdigit() and int(printed) != page + offset:
                    return None  # the stylesheets number the pages otherwise than this module assumes
                for anchor in each.anchors:
                    numbers.setdefault(anchor, page + offset)
            page += len(pages)
        laid[index] = pages
        if index == 0:
            first_document = document
    joined = [p for i in range(len(parts)) for p in laid[i]]
    position = 0
    for i in range(len(parts)):  # every chunk must open on a right-hand page, as in one document
        if position % 2:
            return None
        position += len(laid[i])
    if first_document is None:
        return None
    return first_document.copy(joined), context.fetcher
