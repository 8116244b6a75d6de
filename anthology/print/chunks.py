"""The print edition in chunks: which documents are laid out together, and what each chunk is told.

WeasyPrint's cost per page grows with the size of the document it lays out, and its pages cannot
leave the process that made them, so a long book is laid out as a series of small documents, each
written as its own PDF (by ``chunk_layout``, in worker processes) and then joined (``join``).

Chunks: the front matter (up to the first chapter or part), the body a few documents at a time,
the back matter. Order of work: the body chunks (in parallel; each learns the number of its first
page from the page counts of those before it, see ``chunk_layout``), then the back matter (About
the contributors needs the chapters' page numbers), then the front matter (the contents needs every
page number). What a chunk refers to in another chunk is given to it: page numbers as ``data-page``
attributes of the links, which its stylesheet prints in place of ``target-counter``, and the book's
title for the running heads (``string(book-title)``, set on the title page). Links to another
chunk are written as ``CROSS_LINK`` addresses, which the join turns back into links in the PDF.
A link from one chapter to another prints its target's page too; a body chunk learns its own page
numbers only once laid out, so a body chunk holding such links is laid out a second time with them
as ``data-page`` (see ``chunk_runner``). The stylesheets say how a page number is printed, the
book's own after the package's: ``pages_from_attribute`` follows each of their rules that prints
``target-counter(attr(href), page)`` with the same rule for links carrying ``data-page``, printing
``attr(data-page)``, at the same specificity and in the same place, so the book's own wording wins
as it does when the edition is laid out whole.

Each chunk but the last is laid out with an empty copy of the next chunk's first element at its
end, so the blank page that the next opening would force is made as in one document; the page of
that copy is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import tinycss2
from lxml import etree

from ..layout import Document, Edition
from ..markup.render import EPUB_NS, XHTML_NS, XREF_CLASS

END = "anthology-chunk-end"
CROSS_LINK = "anthology-chunk:"  # href of a link to another chunk; the join points it at the anchor
CHUNK_DOCUMENTS = 4  # body documents laid out together: few enough to stay fast, enough to share the set-up cost
OPENING_TAG = re.compile(r"\s*<([A-Za-z][\w-]*)\b([^>]*)>")
ID = re.compile(r'\sid="([^"]*)"')
_LOCAL_HREF = re.compile(r'\shref="#([^"]+)"')
_XREF = re.compile(r'<a class="' + XREF_CLASS + r'" href="(?:#|' + re.escape(CROSS_LINK) + r')([^"]+)"(?! data-page)')
_XREF_TARGET = re.compile(r'<a class="' + XREF_CLASS + r'" href="#([^"]+)"')
_TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*(?:,\s*[-\w]+\s*)?\)")
_PSEUDO_ELEMENT = re.compile(r"(::?(?:after|before|marker))?\s*$")


@dataclass(frozen=True)
class Chunk:
    documents: tuple[Document, ...]
    kind: str  # "front", "body" or "back"


@dataclass(frozen=True)
class ChunkJob:
    """What a worker needs to lay out and write one chunk."""

    index: int  # position among the chunks
    kind: str
    text: str  # the chunk's XHTML
    css: str  # its own stylesheet, after the edition's
    drop_last: bool  # the last page holds the copy of the next chunk's opening
    body: int | None  # for a body chunk: its position among the body chunks (its first page follows theirs)
    start: int | None  # the number of its first page when known beforehand (the back matter)


def chunks(edition: Edition, size: int = CHUNK_DOCUMENTS, alone: frozenset[str] = frozenset()) -> list[Chunk]:
    """The edition's documents in chunks: front (up to the first body document), body ``size``
    documents at a time, back. A body document whose id is in ``alone`` is a chunk of its own, its
    group's others before and after it chunks of their own too, so that the other groups stay as
    they are (the preview lays out a chapter being edited by itself)."""
    documents = edition.documents
    first = next((i for i, d in enumerate(documents) if d.body_matter), None)
    if first is None:
        return [Chunk(documents, "front")]
    last = max(i for i, d in enumerate(documents) if d.body_matter)
    out = [Chunk(documents[:first], "front")]
    body = documents[first : last + 1]
    out += [Chunk(piece, "body") for i in range(0, len(body), size) for piece in _cut(body[i : i + size], alone)]
    if last + 1 < len(documents):
        out.append(Chunk(documents[last + 1 :], "back"))
    return out


def _cut(group: tuple[Document, ...], alone: frozenset[str]) -> list[tuple[Document, ...]]:
    """``group`` cut before and after each document named in ``alone``."""
    pieces: list[tuple[Document, ...]] = []
    current: list[Document] = []
    for document in group:
        if document.id in alone:
            pieces += [tuple(current)] if current else []
            pieces.append((document,))
            current = []
        else:
            current.append(document)
    return pieces + ([tuple(current)] if current else [])


def _end_marker(document: Document) -> Document:
    """An empty copy of the document's outermost element, without its id: where the next chunk opens."""
    match = OPENING_TAG.match(document.body)
    if match is None:
        return Document(END, document.kind, "", document.lang, f'<div id="{END}"></div>')
    tag, attributes = match.groups()
    attributes = ID.sub("", attributes).rstrip("/")
    return Document(END, document.kind, "", document.lang, f'<{tag} id="{END}"{attributes}></{tag}>')


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string in ASCII: every other character as a CSS escape (\\HEX), ended by
    a space that the escape consumes (else a real space after it, as in 'Café au lait', would be lost)."""
    plain = (c if c.isascii() and c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)
    return '"' + "".join(plain) + '"'


def book_title(edition: Edition) -> str | None:
    """The text ``string(book-title)`` takes in one document: the title page heading's running head
    (``running_heads``), else its text."""
    page = next((d for d in edition.documents if d.kind == "titlepage"), None)
    if page is None:
        return None
    try:
        wrapped = f'<div xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{page.body}</div>'
        root = etree.fromstring(wrapped.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    heading = next(root.iter(f"{{{XHTML_NS}}}h1"), None)
    if heading is None:
        return None
    return heading.get("data-running-head") or " ".join("".join(heading.itertext()).split())


def anchors(chunk: Chunk) -> set[str]:
    return {found for document in chunk.documents for found in ID.findall(document.body)}


def foreign_targets(chunk: Chunk) -> list[str]:
    """The anchors of other chunks that this chunk links to, in order of first mention."""
    own = anchors(chunk)
    found = (target for document in chunk.documents for target in _LOCAL_HREF.findall(document.body))
    return [target for target in dict.fromkeys(found) if target not in own]


def xref_targets(chunk: Chunk) -> list[str]:
    """The anchors that the links from one chapter to another in this chunk lead to (in this chunk or not)."""
    found = (target for document in chunk.documents for target in _XREF_TARGET.findall(document.body))
    return list(dict.fromkeys(found))


def _xref_pages(body: str, numbers: dict[str, int]) -> str:
    """Links to other chapters with the page numbers of their targets (those in ``numbers``) as ``data-page``."""

    def add(match: re.Match[str]) -> str:
        target = match.group(1)
        return match.group(0) + (f' data-page="{numbers[target]}"' if target in numbers else "")

    return _XREF.sub(add, body)


def _cross_links(body: str, foreign: set[str], numbers: dict[str, int]) -> str:
    def swap(match: re.Match[str]) -> str:
        target = match.group(1)
        if target not in foreign:
            return match.group(0)
        number = f' data-page="{numbers[target]}"' if target in numbers else ""
        return f' href="{CROSS_LINK}{target}"{number}'

    return _LOCAL_HREF.sub(swap, body)


def _selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas."""
    found, depth, start = [], 0, 0
    for position, character in enumerate(prelude):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(character, 0)
        if character == "," and depth == 0:
            found.append(prelude[start:position])
            start = position + 1
    return [s.strip() for s in [*found, prelude[start:]] if s.strip()]


def _with_data_page(rule: tinycss2.ast.QualifiedRule) -> str | None:
    """The rule again for links that carry their target's page as ``data-page``, or None when it
    prints no target's page. ``:where`` keeps its specificity that of the rule it follows."""
    printed = []
    for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
        if declaration.type == "declaration" and _TARGET_PAGE.search(value := tinycss2.serialize(declaration.value)):
            important = " !important" if declaration.important else ""
            printed.append(f"{declaration.name}:{_TARGET_PAGE.sub('attr(data-page)', value)}{important};")
    if not printed:
        return None
    selectors = [_PSEUDO_ELEMENT.sub(lambda m: ":where([data-page])" + (m.group(1) or ""), s, count=1) for s in _selectors(tinycss2.serialize(rule.prelude))]
    return f"\n{', '.join(selectors)} {{{' '.join(printed)} }}"


def pages_from_attribute(css: str) -> str:
    """The stylesheet for a chunk: each rule that prints a link's target page with
    ``target-counter(attr(href), page)`` is followed by its twin for links whose target is in another
    chunk, which carry the number as ``data-page``. The text is kept as written; only the twins are added."""
    nodes = tinycss2.parse_stylesheet(css)
    starts = [0]
    for line in css.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(node: tinycss2.ast.Node) -> int:
        return starts[node.source_line - 1] + node.source_column - 1

    pieces, done = [], 0
    for index, node in enumerate(nodes):
        twin = None
        if node.type == "qualified-rule":
            twin = _with_data_page(node)
        elif node.type == "at-rule" and node.content is not None and node.lower_at_keyword in ("media", "supports", "layer"):
            inner = tinycss2.serialize(node.content)
            if _TARGET_PAGE.search(inner):
                end = offset(nodes[index + 1]) if index + 1 < len(nodes) else len(css)
                pieces.append(css[done:offset(node)])
                pieces.append(f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}{{{pages_from_attribute(inner)}}}")
                done = end
                continue
        if twin is not None:
            end = offset(nodes[index + 1]) if index + 1 < len(nodes) else len(css)
            pieces.append(css[done:end] + twin)
            done = end
    pieces.append(css[done:])
    return "".join(pieces)


def chunk_edition(edition: Edition) -> Edition:
    """The edition as its chunks are laid out: every stylesheet through ``pages_from_attribute``."""
    sheets = tuple(replace(sheet, css=pages_from_attribute(sheet.css)) for sheet in edition.stylesheets)
    return replace(edition, stylesheets=sheets)


def chunk_css(numbered: bool, title: str | None) -> str:
    """The chunk's own rules: its first page numbered 1 (the worker prints the right numbers, see
    ``chunk_layout``) and the book's title for the running heads. The page numbers of other chunks
    come from the edition's own stylesheets (see ``pages_from_attribute``)."""
    rules = []
    if numbered:
        rules.append("@page :first { counter-reset: page 1; }")
    if title is not None:
        rules.append(f"html {{ string-set: book-title {_css_string(title)}; }}")
    return "\n".join(rules)


def chunk_text(edition: Edition, parts: list[Chunk], index: int, numbers: dict[str, int] | None = None) -> tuple[str, bool]:
    """The XHTML of chunk ``index``, with links to other chunks rewritten (carrying the page numbers
    of their targets, when given), and whether it ends with the copy of the next chunk's opening."""
    chunk = parts[index]
    foreign = set(foreign_targets(chunk))
    documents = [replace(d, body=_cross_links(d.body, foreign, numbers or {})) if foreign else d for d in chunk.documents]
    if numbers:
        documents = [replace(d, body=_xref_pages(d.body, numbers)) for d in documents]
    following = parts[index + 1].documents[0] if index + 1 < len(parts) else None
    if following is not None:
        documents.append(_end_marker(following))
    text = edition.render(documents, title=edition.book.title, lang=edition.book.language, current=None)
    return text, following is not None
