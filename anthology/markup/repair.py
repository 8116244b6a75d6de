"""Repair raw HTML that nh3 let through so it fits the XHTML content models EPUB readers check.

Pasted HTML is often well-formed but wrongly nested: a list item outside a list, a <div> inside a
<span>, text loose in a <table>, a width of "100%". Nothing is dropped: an element in the wrong
place is unwrapped (its content stays), loose text in a list gets its own item, a table that cannot
be read as a table becomes plain blocks, and an attribute with a value the format does not allow is
removed.
"""

from __future__ import annotations

import re

from lxml import etree

from ..project.schema import LANGUAGE_TAG
from .namespaces import XHTML_NS

PHRASING = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var", "wbr",
}
# Elements whose content must be phrasing content only.
PHRASING_ONLY = PHRASING | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt"}
# Elements that may not contain themselves at any depth.
NO_SELF_NESTING = {"a", "dfn"}
REQUIRED_PARENT = {
    "li": {"ul", "ol"},
    "dt": {"dl"},
    "dd": {"dl"},
    "tr": {"table", "thead", "tbody", "tfoot"},
    "td": {"tr"},
    "th": {"tr"},
    "thead": {"table"},
    "tbody": {"table"},
    "tfoot": {"table"},
    "caption": {"table"},
    "colgroup": {"table"},
    "col": {"colgroup"},
    "figcaption": {"figure"},
}
# Elements that never hold content (an HTML parser that does not know <wbr> may put text inside it).
VOID = {"br", "wbr", "img", "hr", "col"}
TABLE_PARTS = {"caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th"}
_TABLE_ORDER = re.compile(r"^c?g*h?(b*|r+)f?$")
_TABLE_CODES = {"caption": "c", "colgroup": "g", "thead": "h", "tbody": "b", "tr": "r", "tfoot": "f"}
_INTEGER = re.compile(r"^-?[0-9]+$")
_NON_NEGATIVE = re.compile(r"^[0-9]+$")
_SAFE_URL = re.compile(r"^(https?://[^\s/?#]+[^\s]*|mailto:[^\s]+)$", re.IGNORECASE)


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def unwrap(element: etree._Element) -> None:
    """Replace an element by its content (text, children and tail stay where they were)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    previous = element.getprevious()
    leading = (element.text or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + leading
    else:
        parent.text = (parent.text or "") + leading
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else (parent[index - 1] if index > 0 else None)
    tail = element.tail or ""
    parent.remove(element)
    if last is not None:
        last.tail = (last.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def rename(element: etree._Element, local: str) -> None:
    element.tag = f"{{{XHTML_NS}}}{local}"


def _wrap_loose_list_content(element: etree._Element) -> bool:
    """Give text and non-item children of a <ul>/<ol> their own <li>, in order."""
    loose = (element.text or "").strip() or any(_name(c) != "li" or (c.tail or "").strip() for c in element)
    if not loose:
        return False
    items: list[etree._Element] = []
    current: etree._Element | None = None

    def new_item() -> etree._Element:
        item = etree.Element(f"{{{XHTML_NS}}}li")
        items.append(item)
        return item

    if (element.text or "").strip():
        current = new_item()
        current.text = element.text
    for child in list(element):
        tail, child.tail = child.tail, None
        if _name(child) == "li":
            items.append(child)
            current = None
        else:
            if current is None:
                current = new_item()
            current.append(child)
        if (tail or "").strip():
            if current is None:
                current = new_item()
                current.text = tail
            elif len(current):
                current[-1].tail = (current[-1].tail or "") + tail
            else:
                current.text = (current.text or "") + tail
    element.text = None
    for child in list(element):
        element.remove(child)
    for item in items:
        element.append(item)
    return True


def _table_is_sound(table: etree._Element) -> bool:
    def loose_text(e: etree._Element) -> bool:
        return bool((e.text or "").strip()) or any((c.tail or "").strip() for c in e)

    if loose_text(table):
        return False
    codes = ""
    for child in table:
        name = _name(child)
        if name not in _TABLE_CODES:
            return False
        codes += _TABLE_CODES[name]
        if name in ("thead", "tbody", "tfoot"):
            if loose_text(child) or any(_name(r) != "tr" for r in child):
                return False
    if not _TABLE_ORDER.match(codes):
        return False
    for row in table.iter(f"{{{XHTML_NS}}}tr"):
        if loose_text(row) or any(_name(c) not in ("td", "th") for c in row):
            return False
    for group in table.iter(f"{{{XHTML_NS}}}colgroup"):
        if loose_text(group) or any(_name(c) != "col" for c in group):
            return False
    return True


def _flatten_table(table: etree._Element) -> None:
    """A table that is not a table: its rows and cells become plain blocks, in reading order."""
    for element in list(table.iter()):
        name = _name(element)
        if name == "col":
            element.getparent().remove(element)
        elif element is table or name in TABLE_PARTS:
            rename(element, "div")
            for attribute in ("colspan", "rowspan", "scope", "span", "style"):
                element.attrib.pop(attribute, None)


def _fix_children(root: etree._Element) -> bool:
    changed = False
    for element in list(root.iter()):
        name = _name(element)
        if name in ("ul", "ol"):
            changed |= _wrap_loose_list_content(element)
        elif name == "dl":
            loose = (element.text or "").strip() or any(_name(c) not in ("dt", "dd") or (c.tail or "").strip() for c in element)
            if loose:
                rename(element, "div")
                changed = True
        elif name == "table" and not _table_is_sound(element):
            _flatten_table(element)
            changed = True
        elif name == "figure":
            captions = [c for c in element if _name(c) == "figcaption"]
            children = [c for c in element if isinstance(c.tag, str)]
            for caption in captions:
                if len(captions) > 1 or caption not in (children[0], children[-1]):
                    rename(caption, "div")
                    changed = True
    return changed


def _fix_parents(root: etree._Element) -> bool:
    changed = False
    for element in list(root.iter()):
        if element is root or element.getparent() is None:
            continue
        name = _name(element)
        parent = _name(element.getparent())
        wrong_parent = name in REQUIRED_PARENT and parent not in REQUIRED_PARENT[name]
        phrasing_misplaced = parent in PHRASING_ONLY and name not in PHRASING
        nested = name in NO_SELF_NESTING and any(_name(a) == name for a in element.iterancestors())
        if wrong_parent or phrasing_misplaced or nested:
            unwrap(element)
            changed = True
    return changed


def _empty_voids(root: etree._Element) -> None:
    """Move whatever a void element holds to just after it."""
    for element in list(root.iter()):
        if _name(element) not in VOID or not (element.text or len(element)) or element.getparent() is None:
            continue
        parent = element.getparent()
        index = parent.index(element)
        text, tail, children = element.text or "", element.tail or "", list(element)
        element.text = None
        element.tail = text
        for offset, child in enumerate(children, start=1):
            parent.insert(index + offset, child)
        last = children[-1] if children else element
        last.tail = (last.tail or "") + tail


def _fix_attributes(root: etree._Element) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _name(element)
        attributes = element.attrib
        for key, value in list(attributes.items()):
            if not _attribute_ok(name, key, value):
                del attributes[key]
        if name == "bdo" and "dir" not in attributes:
            attributes["dir"] = "ltr"
        if name == "ol" and "reversed" in attributes:
            attributes["reversed"] = "reversed"


def _attribute_ok(element: str, key: str, value: str) -> bool:
    value = value.strip()
    if key == "lang":
        return value == "" or bool(LANGUAGE_TAG.match(value))
    if key == "dir":
        return value in ("ltr", "rtl", "auto")
    if key in ("width", "height"):
        return bool(_NON_NEGATIVE.match(value))
    if key in ("colspan", "span"):
        return bool(_NON_NEGATIVE.match(value)) and 0 < int(value) <= 1000
    if key == "rowspan":
        return bool(_NON_NEGATIVE.match(value)) and int(value) <= 65534
    if key == "start":
        return bool(_INTEGER.match(value)) and abs(int(value)) < 2**31
    if key == "scope":
        return value in ("row", "col", "rowgroup", "colgroup")
    if key == "cite":
        return bool(_SAFE_URL.match(value))
    if key == "class":
        return bool(value)
    return True


def repair(root: etree._Element, rounds: int = 8) -> None:
    """Make ``root``'s content fit the XHTML content models, changing as little as possible."""
    _empty_voids(root)
    for _ in range(rounds):
        changed = _fix_children(root)
        changed |= _fix_parents(root)
        if not changed:
            break
    _fix_attributes(root)
