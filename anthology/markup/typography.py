"""Typography on the rendered tree: spaced hyphens become en dashes, spaced dashes keep to the word before,
guillemets and French ; : ! ? keep to their words.

Only text a reader reads is touched: never code (code, kbd, samp, pre), never an attribute (a URL, an
alt text as written), so what the EPUB, the HTML edition and the PDF show agrees.
"""

from __future__ import annotations

from lxml import etree

from ..text import french_spaces, spaced_dashes
from .namespaces import XHTML_NS

_LITERAL = frozenset(f"{{{XHTML_NS}}}{tag}" for tag in ("code", "kbd", "samp", "pre", "var"))


def dashes(root: etree._Element) -> None:
    """Apply ``spaced_dashes`` to every text and tail of ``root``'s tree outside code."""
    _walk(root, literal=False)


def _walk(element: etree._Element, literal: bool) -> None:
    inside = literal or element.tag in _LITERAL
    if element.text and not inside:
        element.text = french_spaces(spaced_dashes(element.text))
    for child in element:
        if isinstance(child.tag, str):
            _walk(child, inside)
        if child.tail and not inside:
            child.tail = french_spaces(spaced_dashes(child.tail))
