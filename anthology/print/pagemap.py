"""Print page numbers for the EPUB: where each page of the PDF edition begins, marked in the EPUB's XHTML.

``paginate`` walks the laid-out print edition (a WeasyPrint Document): for each page it finds the
first character of text in the main flow, the *unit* that text belongs to (a document such as a
chapter, or a footnote) and how many characters of that unit come before it, counting only
characters that are neither spaces nor invisible. The page's label is the number printed on it
(or, on a page that shows none, the number it would have). ``mark_pages`` puts a
``doc-pagebreak`` marker at the same character of the same unit in the EPUB's documents.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import weasyprint
from lxml import etree
from weasyprint.formatting_structure import boxes

from ..markup.namespaces import local_name
from ..markup.render import EPUB_NS, EPUB_TYPE, XHTML_NS
from ..project.model import Book

INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
ARABIC = re.compile(r"^\d+$")
ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.IGNORECASE)
# Elements that may not hold a <span> as a child: a marker never moves up into one of them.
SECTIONING = frozenset("section nav article aside".split())
NO_PHRASING = frozenset("ul ol dl table thead tbody tfoot tr colgroup html head select menu".split())


@dataclass(frozen=True)
class PageStart:
    label: str  # the number printed on the page ("iii", "14")
    unit: str | None  # id of the unit where the page's text starts; None for a page without text
    offset: int  # significant characters of the unit before the page's first one


@dataclass(frozen=True)
class Pagination:
    source: str  # names the print edition, for pageBreakSource
    pages: tuple[PageStart, ...]
    texts: dict[str, str] = field(default_factory=dict)  # unit id -> its significant characters in print


@dataclass(frozen=True)
class PageTarget:
    label: str
    file_name: str
    id: str


_INSIGNIFICANT = re.compile("[\\s" + "".join(sorted(INVISIBLE)) + "]+")  # \\s matches what str.isspace() calls a space


def significant(text: str) -> str:
    return _INSIGNIFICANT.sub("", text)


def _is_note(element: Any) -> bool:
    return element.get("role") in ("doc-footnote", "doc-endnote")


def _units(root: Any) -> set[Any]:
    """The units of an edition: its documents (the outermost sectioning elements with an id: a
    chapter, the title page, the contents) and its notes, wherever layout put them."""
    found: set[Any] = set()

    def walk(element: Any, inside: bool) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            unit = _is_note(child) or (not inside and local_name(child) in SECTIONING and child.get("id") is not None)
            if unit:
                found.add(child)
            walk(child, inside or unit)

    walk(root, False)
    return found


def unit_text(unit: Any, is_unit: Callable[[Any], bool]) -> str:
    """The unit's significant characters, without those of units nested in it."""
    return "".join(significant(text) for _, _, text in _text_nodes(unit, is_unit))


def _text_nodes(element: Any, is_unit: Callable[[Any], bool], top: bool = True) -> Iterator[tuple[Any, str, str]]:
    """(element, 'text' or 'tail', string) in document order inside ``element``, skipping nested units."""
    if element.text:
        yield element, "text", element.text
    for child in element:
        if not isinstance(child.tag, str):
            if child.tail:
                yield child, "tail", child.tail
            continue
        if not is_unit(child) and not _is_marker(child):
            yield from _text_nodes(child, is_unit, top=False)
        if child.tail:
            yield child, "tail", child.tail


def _is_marker(element: Any) -> bool:
    return element.get("role") == "doc-pagebreak"


# ---------------------------------------------------------------- the print edition


def printed_number(page_box: boxes.PageBox) -> str | None:
    """The page number printed in a margin of the page, if any."""
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            text = "".join(b.text for b in child.descendants() if isinstance(b, boxes.TextBox)).strip()
            if ARABIC.match(text) or ROMAN.match(text):
                return text
    return None


def _roman(number: int, upper: bool) -> str:
    values = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in values:
        while number >= value:
            out, number = out + letters, number - value
    return out.upper() if upper else out


def _from_roman(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    digits = [values[c] for c in text.lower()]
    return sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))


def _shift(label: str, by: int) -> str:
    if ARABIC.match(label):
        return str(max(1, int(label) + by))
    return _roman(max(1, _from_roman(label) + by), label.isupper())


def fill_labels(printed: list[str | None]) -> list[str]:
    """Labels of every page: the printed number, or for a page without one, its neighbour's counted on."""
    labels: list[str] = []
    for index, label in enumerate(printed):
        if label is not None:
            labels.append(label)
            continue
        before = next(((index - i, printed[i]) for i in range(index - 1, -1, -1) if printed[i]), None)
        after = next(((i - index, printed[i]) for i in range(index + 1, len(printed)) if printed[i]), None)
        if before is not None:
            labels.append(_shift(before[1], before[0]))  # type: ignore[arg-type]
        elif after is not None:
            labels.append(_shift(after[1], -after[0]))  # type: ignore[arg-type]
        else:
            labels.append(str(index + 1))
    seen: dict[str, int] = {}
    unique = []
    for label in labels:  # two pages printed with the same number stay apart: "3", "3-2"
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label}-{seen[label]}")
    return unique


def _boxes(box: Any) -> Iterator[Any]:
    """A box and everything inside it, in tree order, including absolutely positioned boxes
    (which WeasyPrint keeps behind stand-in boxes that its own ``descendants`` does not enter)."""
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def flow_text_boxes(page_box: boxes.PageBox) -> Iterator[boxes.TextBox]:
    footnote_area = getattr(boxes, "FootnoteAreaBox", ())
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox) or (footnote_area and isinstance(child, footnote_area)):
            continue
        for box in _boxes(child):
            if isinstance(box, boxes.TextBox) and "::" not in (box.element_tag or "") and box.element is not None:
                yield box


def paginate(document: weasyprint.Document, source: str) -> Pagination:
    """Where each page of the laid-out print edition starts, in units and characters."""
    printed, starts, texts = page_starts(document)
    return pagination_of(source, printed, starts, texts)


def pagination_of(source: str, printed: list[str | None], starts: list[tuple[str | None, int]], texts: dict[str, str]) -> Pagination:
    """A Pagination from what ``page_starts`` found (for a book laid out in chunks: their lists joined)."""
    labels = fill_labels(printed)
    pages = tuple(PageStart(label, unit, offset) for label, (unit, offset) in zip(labels, starts, strict=True))
    return Pagination(source, pages, texts)


class _UnitFinder:
    """The unit each element of the laid-out roots belongs to (the nearest one up), remembered on the way."""

    def __init__(self, roots: list[Any]) -> None:
        self.parents = {child: parent for root in roots for parent in root.iter() for child in parent}
        self.units: set[Any] = set().union(*(_units(root) for root in roots))
        self.found: dict[Any, Any] = {}

    def nested(self, element: Any) -> bool:
        return element in self.units

    def unit_of(self, element: Any) -> Any:
        path = []
        current, found = element, None
        while current is not None:
            if current in self.found:
                found = self.found[current]
                break
            path.append(current)
            if self.nested(current):
                found = current
                break
            current = self.parents.get(current)
        for each in path:
            self.found[each] = found
        return found


def page_starts(document: weasyprint.Document) -> tuple[list[str | None], list[tuple[str | None, int]], dict[str, str]]:
    """For each page: the number printed on it, and the unit and offset where its text starts; and the
    significant text of every unit found."""
    # One root element, or one per chunk when the edition was laid out in chunks and joined.
    roots = list(dict.fromkeys(page._page_box.children[0].element for page in document.pages if page._page_box.children))
    roots = [root for root in roots if root is not None]
    if not roots:
        return [None] * len(document.pages), [(None, 0)] * len(document.pages), {}
    finder = _UnitFinder(roots)
    nested, unit_of = finder.nested, finder.unit_of
    texts: dict[Any, str] = {}
    folded: dict[Any, str] = {}
    positions: dict[Any, int] = {}
    starts: list[tuple[str | None, int]] = []
    printed: list[str | None] = []
    for page in document.pages:
        printed.append(printed_number(page._page_box))
        first: tuple[str | None, int] | None = None
        for box in flow_text_boxes(page._page_box):
            chars = significant(box.text)
            if not chars:
                continue
            unit = unit_of(box.element)
            if unit is None:
                continue
            if unit not in texts:
                texts[unit] = unit_text(unit, nested)
                folded[unit] = _fold(texts[unit])
                positions[unit] = 0
            start, positions[unit] = _locate(folded[unit], positions[unit], _fold(chars))
            if first is None:
                first = (unit.get("id"), start)
        starts.append(first or (None, 0))
    return printed, starts, {unit.get("id"): text for unit, text in texts.items()}


def _fold(text: str) -> str:
    """Lower case, one character for one, so offsets stay the same (text-transform may change case)."""
    if "\u03a3" not in text:  # str.lower lowers a capital sigma by its context, one character alone cannot
        lower = text.lower()
        if len(lower) == len(text):  # no character lowered into several (none lowers into nothing)
            return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _locate(text: str, position: int, chars: str) -> tuple[int, int]:
    """Where the characters of a text box lie in its unit's text, searching from ``position``:
    (start, end). Layout may add a hyphen at the end of a line, and may leave out text it hides."""
    trimmed = chars[:-1]
    for candidate in (chars, trimmed):
        if candidate and text.startswith(candidate, position):
            return position, position + len(candidate)
    for candidate in (chars, trimmed):
        if len(candidate) >= 4:
            found = text.find(candidate, position)
            if found >= 0:
                return found, found + len(candidate)
    end = position
    for char in chars:  # characters one by one, passing over any the text does not have
        if end < len(text) and text[end] == char:
            end += 1
    return position, end


# ---------------------------------------------------------------- the EPUB


def mark_pages(pages: dict[str, str], pagination: Pagination) -> tuple[dict[str, str], list[PageTarget]]:
    """Put a page-break marker for every page of ``pagination`` into the EPUB documents ``pages``
    (file name -> XHTML); returns the changed documents and the page list in reading order."""
    trees = {name: etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)) for name, text in pages.items()}
    where: dict[str, tuple[str, Any]] = {}
    for name, tree in trees.items():
        for element in tree.iter():
            if isinstance(element.tag, str) and element.get("id") is not None:
                where.setdefault(element.get("id"), (name, element))

    def nested(element: Any) -> bool:
        return _is_note(element)

    changed: set[str] = set()
    targets: list[PageTarget] = []
    waiting: list[PageStart] = []  # pages without text, or whose unit the EPUB lacks: marked with the next page
    texts: dict[str, _TextMap] = {}
    planned: dict[str, tuple[Any, list[tuple[int, list[etree._Element]]]]] = {}  # unit id -> the unit, its markers by offset
    for page in pagination.pages:
        if page.unit is None or page.unit not in where:
            waiting.append(page)
            continue
        name, unit = where[page.unit]
        source_text = pagination.texts.get(page.unit)
        if page.unit not in texts:
            texts[page.unit] = _TextMap(unit, nested)
        offset = texts[page.unit].word_boundary(_map_offset(source_text, texts[page.unit].text, page.offset))
        markers = [_marker(each.label) for each in waiting + [page]]
        targets.extend(PageTarget(each.label, name, marker.get("id")) for each, marker in zip(waiting + [page], markers, strict=True))
        planned.setdefault(page.unit, (unit, []))[1].append((offset, markers))
        waiting = []
        changed.add(name)
    lengths: dict[Any, int] = {}
    for unit_id, (unit, marks) in planned.items():
        _insert_all(unit, marks, texts[unit_id], nested, lengths)
    if waiting and targets:  # trailing pages without text: at the end of the last marked unit
        name, unit = where[next(p.unit for p in reversed(pagination.pages) if p.unit in where)]
        for each in waiting:
            marker = _marker(each.label)
            unit.append(marker)
            targets.append(PageTarget(each.label, name, marker.get("id")))
    out = {}
    for name in changed | {t.file_name for t in targets}:
        out[name] = _serialise(trees[name])
    return out, targets


def _map_offset(print_text: str | None, epub_text: str, offset: int) -> int:
    """The same place in the EPUB's text of a unit where that text differs a little from print's
    (the EPUB's contents has separators the printed one has not): the nearest occurrence of the
    print text just after, or else just before, the offset."""
    if print_text is None or print_text == epub_text:
        return min(offset, len(epub_text))
    guess = round(offset * len(epub_text) / max(1, len(print_text)))
    for size in (40, 20, 10, 5):
        after = print_text[offset : offset + size]
        before = print_text[max(0, offset - size) : offset]
        for snippet, shift in ((after, 0), (before, len(before))):
            if len(snippet) < min(size, 3):
                continue
            hits = _occurrences(epub_text, snippet)
            if hits:
                return min(hits, key=lambda hit: abs(hit + shift - guess)) + shift
    return min(guess, len(epub_text))


def _occurrences(text: str, snippet: str) -> list[int]:
    found, start = [], text.find(snippet)
    while start >= 0:
        found.append(start)
        start = text.find(snippet, start + 1)
    return found


def _marker(label: str) -> etree._Element:
    marker = etree.Element(f"{{{XHTML_NS}}}span", nsmap={None: XHTML_NS, "epub": EPUB_NS})
    marker.set("id", "page-" + re.sub(r"[^A-Za-z0-9-]", "-", label))
    marker.set(EPUB_TYPE, "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("aria-label", label)
    marker.set("title", label)
    return marker


class _TextMap:
    """A unit's significant characters (as ``unit_text`` gives them), where each of its text nodes
    with any starts among them, and the word boundaries among them (where a space or the edge of
    a block or line break falls); read in one pass, before any marker goes in."""

    def __init__(self, unit: Any, nested: Callable[[Any], bool]) -> None:
        self.nodes: list[tuple[Any, str]] = []
        self.starts: list[int] = []
        parts: list[str] = []
        count = 0
        for element, kind, text in _text_nodes(unit, nested):
            part = significant(text)
            if part:
                self.nodes.append((element, kind))
                self.starts.append(count)
                parts.append(part)
                count += len(part)
        self.text = "".join(parts)
        self.breaks = _word_starts(unit, nested)

    def word_boundary(self, offset: int) -> int:
        """The word boundary nearest ``offset`` (the earlier of two as near): a print page may begin
        inside a word it hyphenated, and a screen reader should not say a page number mid-word."""
        at = bisect.bisect_left(self.breaks, offset)
        if at < len(self.breaks) and self.breaks[at] == offset:
            return offset
        before = self.breaks[at - 1] if at > 0 else 0
        after = self.breaks[at] if at < len(self.breaks) else before
        return before if offset - before <= after - offset else after


PHRASING = frozenset("a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup time u var del ins".split())


def _word_starts(unit: Any, nested: Callable[[Any], bool]) -> list[int]:
    """The significant-character offsets of a unit where a word may start or end: at a space, at
    the edge of a block, a line break or an image (not at the edge of phrasing such as <em>)."""
    found = {0}
    count, gap = 0, True

    def read(text: str | None) -> None:
        nonlocal count, gap
        for char in text or "":
            if char.isspace():
                gap = True
            elif char not in INVISIBLE:
                if gap:
                    found.add(count)
                gap = False
                count += 1

    def walk(element: Any) -> None:
        nonlocal gap
        read(element.text)
        for child in element:
            if isinstance(child.tag, str) and not nested(child) and not _is_marker(child):
                breaks = local_name(child) not in PHRASING
                gap = gap or breaks
                walk(child)
                gap = gap or breaks
            read(child.tail)

    walk(unit)
    found.add(count)
    return sorted(found)


def _insert_all(unit: Any, marks: list[tuple[int, list[etree._Element]]], found: _TextMap, nested: Callable[[Any], bool],
                lengths: dict[Any, int]) -> None:
    """Put each group of markers before the unit's significant character number ``offset``, in one
    pass over its text: the groups from the last to the first, so that splitting a text node for
    one leaves the text before it (where the earlier ones go) as it was. The markers of one offset
    (pages without text of their own) follow each other, in order."""
    nodes, starts, count = found.nodes, found.starts, len(found.text)
    grouped: dict[int, list[etree._Element]] = {}
    for offset, markers in marks:
        grouped.setdefault(offset, []).extend(markers)
    for offset in sorted(grouped, reverse=True):
        first, *others = grouped[offset]
        at = bisect.bisect_right(starts, offset) - 1
        if offset >= count or at < 0:
            _insert(unit, offset, first, nested, lengths)
        else:
            element, kind = nodes[at]
            _split_at(unit, element, kind, offset - starts[at], first)
        for marker in others:  # after the one before (rare: the walk is slower, and finds it)
            _insert(unit, offset, marker, nested, lengths)


def _split_at(unit: Any, element: Any, kind: str, wanted: int, marker: etree._Element) -> None:
    """Put ``marker`` before significant character ``wanted`` of the element's text or tail."""
    text = (element.text if kind == "text" else element.tail) or ""
    index = _string_index(text, wanted)
    if kind == "text":
        marker.tail, element.text = text[index:], text[:index]
        element.insert(0, marker)
    else:
        marker.tail, element.tail = text[index:], text[:index]
        element.addnext(marker)
    _hoist(marker, unit)


def _insert(unit: Any, offset: int, marker: etree._Element, nested: Callable[[Any], bool], lengths: dict[Any, int]) -> None:
    """Put ``marker`` just before the unit's significant character number ``offset``.
    ``lengths`` keeps how many significant characters each element holds (markers have none, so
    inserting one changes no element's count): the walk passes over whole elements before the offset."""
    found, count = _text_node_at(unit, offset, 0, nested, lengths)
    if found is None:
        unit.append(marker)
        return
    element, kind, _ = found
    _split_at(unit, element, kind, offset - count, marker)


def _text_node_at(element: Any, offset: int, count: int, is_unit: Callable[[Any], bool], lengths: dict[Any, int]) -> tuple[tuple[Any, str, str] | None, int]:
    """The text node (as ``_text_nodes`` gives it) that holds significant character ``offset`` of
    ``element``, and the count of those before it; ``count`` is the count before ``element``."""
    if element.text:
        here = len(significant(element.text))
        if count + here > offset:
            return (element, "text", element.text), count
        count += here
    for child in element:
        if isinstance(child.tag, str) and not is_unit(child) and not _is_marker(child):
            inside = _length(child, is_unit, lengths)
            if count + inside > offset:
                return _text_node_at(child, offset, count, is_unit, lengths)
            count += inside
        if child.tail:
            here = len(significant(child.tail))
            if count + here > offset:
                return (child, "tail", child.tail), count
            count += here
    return None, count


def _length(element: Any, is_unit: Callable[[Any], bool], lengths: dict[Any, int]) -> int:
    """Significant characters inside ``element`` (not its tail), without those of nested units."""
    known = lengths.get(element)
    if known is None:
        known = lengths[element] = sum(len(significant(text)) for _, _, text in _text_nodes(element, is_unit))
    return known


def _string_index(text: str, wanted: int) -> int:
    seen = 0
    for index, char in enumerate(text):
        if not char.isspace() and char not in INVISIBLE:
            if seen == wanted:
                return index
            seen += 1
    return len(text)


def _hoist(marker: etree._Element, unit: Any) -> None:
    """A marker at the very start of an element moves up before it: before a heading, not inside it."""
    while True:
        parent = marker.getparent()
        if parent is None or parent is unit:
            return
        grandparent = parent.getparent()
        if grandparent is None or local_name(grandparent) in NO_PHRASING:
            return
        at_start = (parent.text or "").strip() == "" and all(
            _is_marker(sibling) and not (sibling.tail or "").strip() for sibling in parent[: parent.index(marker)]
        )
        if not at_start:
            return
        parent.text = (parent.text or "") + (marker.tail or "")
        marker.tail = None
        parent.remove(marker)
        parent.addprevious(marker)
        marker.tail = "\n"


def _serialise(tree: etree._Element) -> str:
    body = etree.tostring(tree, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body + "\n"


def print_source(book: Book, page_count: int) -> str:
    """How the EPUB names the edition its page numbers come from (pageBreakSource)."""
    return f"{book.title}, print edition ({book.slug}.pdf, {page_count} pages)"
