"""What each structure element of the print edition is, told as WeasyPrint makes it (through
``patches.structure_notes``), for ``tagging`` to make one accessible tree of the book.

WeasyPrint builds its structure tree page by page from the boxes it has drawn. While it does, each
element is given, under the private key ``MARK`` (which ``tagging`` removes):

- ``/K``: the element it stands for, the same on every page and unique in the book (the nearest
  element with an id, the path from there and the tag, pseudo-element included), so that the parts
  of a chapter or a paragraph on two pages can be made one;
- ``/Note`` on a note's call (``a.noteref``): the id of the note it calls;
- ``/Artifact`` on what is not content: dot leaders (``/Layout``).

The page itself is given, under ``MARK``, the marked content of its margins (running heads and
folios), each number followed by ``/Header``, ``/Footer`` or (at the sides) ``/Pagination``: WeasyPrint
makes elements for them that the tree does not hold.

And, in WeasyPrint's own keys: a note (``span.footnote`` with an id) becomes a ``Note`` with that
``/ID`` (its own box only: the anonymous blocks WeasyPrint makes of the same element inside it, around
the lines before a second paragraph or a list, are not Notes); an element whose ``lang`` differs from its parent's gets ``/Lang``; a line's text that ends in
a hyphen of hyphenation gets ``/ActualText`` without it, so the word is read whole; a figure's
``/BBox`` is given in the page's coordinates (WeasyPrint writes its CSS box, from the top of the page,
in CSS pixels); the contents (``nav``) is a ``Sect`` like the other pieces of front matter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes

MARK = "AnthologyTag"
TAGS_VERSION = 2  # one more whenever the tags come out otherwise: a layout cached before is made again
PX_TO_PT = 0.75
SOFT_HYPHEN = "\u00ad"  # how PDF writes a hyphen of hyphenation in a text (ISO 32000-1, 14.8.2.2.3)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _object(pdf: Any, reference: bytes) -> Any:
    return pdf.objects[int(reference.split()[0])]


def _lang(element: Any) -> str | None:
    return element.get("lang") or element.get(XML_LANG)


def _is_note(element: Any) -> bool:
    """A note's span with its id (``notes.notes_at_calls``)."""
    return (element is not None and isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "span"
            and "footnote" in (element.get("class") or "").split() and bool(element.get("id")))


def _hyphenated(box: Any) -> str | None:
    """The text of ``box`` without the hyphen of hyphenation it ends with, or None."""
    if not isinstance(box, boxes.TextBox):
        return None
    hyphen = box.style["hyphenate_character"]
    if box.style["hyphens"] == "none" or not hyphen or not box.text.endswith(hyphen):
        return None
    return box.text[: -len(hyphen)]


def _hyphenated_texts(box: Any, marked: dict[Any, Any]) -> dict[int, str]:
    """The text of each line of ``box`` ending in a hyphen of hyphenation, without it, by its marked content's number."""
    texts = {}
    for child in getattr(box, "children", ()):
        for each in child.children if isinstance(child, boxes.LineBox) else [child]:
            text = _hyphenated(each)
            if text is not None and each in marked:
                texts[marked[each]["mcid"]] = text
    return texts


class Describer:
    """The ``describe`` of ``patches.structure_notes`` for one document's write."""

    def __init__(self) -> None:
        self.keys: dict[Any, str] = {}
        self.parents: dict[Any, tuple[Any, int]] = {}  # element -> its parent, its place among the parent's children
        self.root: Any = None
        self.page_height = 0.0
        self.open_notes: set[Any] = set()  # the notes whose boxes are being tagged (an anonymous block inside one is not a Note)

    def _know(self, page: Any) -> None:
        """The document's elements' parents (WeasyPrint's elements know only their children)."""
        root = next((child.element for child in page.children if child.element_tag == "html"), None)
        if root is None or root is self.root:
            return
        self.root = root
        self.parents = {child: (parent, index) for parent in root.iter() for index, child in enumerate(parent)}

    def key(self, element: Any, tag: str) -> str:
        path = self.keys.get(element)
        if path is None:
            steps: list[str] = []
            at = element
            while at.get("id") is None and at in self.parents:
                at, index = self.parents[at]
                steps.append(str(index))
            path = self.keys[element] = f"{at.get('id') or ''}/{'.'.join(reversed(steps))}"
        return f"{path}:{tag}"

    def inherited_lang(self, element: Any) -> str:
        at = element
        while at in self.parents:
            at = self.parents[at][0]
            found = _lang(at)
            if found:
                return found.lower()
        return ""

    def __call__(self, box: Any, pdf: Any, page_number: int, nums: dict[int, Any], marked: dict[Any, Any]) -> Callable[[list[Any]], None]:
        if isinstance(box, boxes.PageBox):
            self.page_height = box.margin_height()
            self._know(box)
        if isinstance(box, boxes.MarginBox):
            return self._margin(box, pdf, page_number, nums)
        texts = _hyphenated_texts(box, marked)
        source = box.element
        opens_note = _is_note(source) and source not in self.open_notes
        if opens_note:
            self.open_notes.add(source)

        def done(made: list[Any]) -> None:
            if opens_note:
                self.open_notes.discard(source)
            for element in made:
                if MARK not in element:
                    self._describe(element, box, opens_note)
            for mcid, text in texts.items():
                reference = nums.get(mcid)
                owner = None if reference is None else _object(pdf, reference)
                if owner is not None and owner["S"] == "/Span" and list(owner["K"]) == [mcid]:
                    owner["ActualText"] = pydyf.String(text + SOFT_HYPHEN)

        return done

    def _margin(self, box: Any, pdf: Any, page_number: int, nums: dict[int, Any]) -> Callable[[list[Any]], None]:
        before = set(nums)
        where = box.at_keyword
        subtype = "/Header" if where.startswith("@top") else "/Footer" if where.startswith("@bottom") else "/Pagination"

        def done(made: list[Any]) -> None:
            page = _object(pdf, pdf.page_references[page_number])
            found = page.setdefault(MARK, pydyf.Array())
            for mcid in sorted(set(nums) - before):
                found.extend([mcid, subtype])

        return done

    def _describe(self, element: Any, box: Any, note: bool) -> None:
        mark = pydyf.Dictionary()
        element[MARK] = mark
        source = box.element
        if source is None or not isinstance(source.tag, str):
            return
        tag = box.element_tag or ""
        mark["K"] = pydyf.String(self.key(source, tag))
        if getattr(box, "is_leader", False):
            element["S"] = "/Artifact"
            mark["Artifact"] = "/Layout"
            return
        own = "::" not in tag
        classes = (source.get("class") or "").split()
        if own and note:
            element["S"] = "/Note"
            element["ID"] = pydyf.String(source.get("id"))
        elif own and tag == "a" and "noteref" in classes and (source.get("href") or "").startswith("#"):
            mark["Note"] = pydyf.String(source.get("href")[1:])
        elif own and tag == "nav":
            element["S"] = "/Sect"
        lang = _lang(source)
        if own and lang and lang.lower() != self.inherited_lang(source):
            element["Lang"] = pydyf.String(lang)
        if element["S"] == "/Figure" and "A" in element and "BBox" in element["A"]:
            x1, y1 = box.content_box_x(), box.content_box_y()
            x2, y2 = x1 + box.width, y1 + box.height
            height = self.page_height
            element["A"]["BBox"] = pydyf.Array(
                [round(v * PX_TO_PT, 3) for v in (x1, height - y2, x2, height - y1)]
            )
