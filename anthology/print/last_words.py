"""A paragraph's last word is never hyphenated in print.

Hyphenation could end a paragraph with a line holding only the end of a word ("togeth-" above
"er."), a fault a typesetter always corrects. The print edition wraps the last word of each
paragraph in ``<span class="last-word">``, which the print stylesheet sets with ``hyphens: manual``.
A note call at the end of the paragraph is passed over: the word before it is the last word.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree

from ..markup.render import ChapterMarkup, serialise_fragment
from .notes import parse_fragment, q

# the last word holding a letter, and what follows it (spaces, punctuation standing apart)
_LAST_WORD = re.compile(r"(\S*[^\W\d_]\S*)(\s*(?:[^\w\s]+\s*)*)$")
_LETTER = re.compile(r"[^\W\d_]")
MIN_LETTERS = 5  # a shorter word is never hyphenated (hyphenate-limit-chars in print.css)


def _is_call(element: etree._Element) -> bool:
    if "noteref" in (element.get("class") or "").split():
        return True
    return etree.QName(element).localname == "sup" and any("noteref" in (a.get("class") or "").split() for a in element.iter(q("a")))


def _last_text(element: etree._Element) -> tuple[etree._Element, str] | None:
    """The element holding the last words of ``element``'s text, and whether in its 'text' or 'tail'."""
    for child in reversed(element):
        if not isinstance(child.tag, str):
            continue
        if _LETTER.search(child.tail or ""):
            return child, "tail"
        if _is_call(child):
            continue
        found = _last_text(child)
        if found is not None:
            return found
    if _LETTER.search(element.text or ""):
        return element, "text"
    return None


def _wrap_last_word(paragraph: etree._Element) -> bool:
    found = _last_text(paragraph)
    if found is None:
        return False
    holder, where = found
    text = holder.tail if where == "tail" else holder.text
    match = _LAST_WORD.search(text or "")
    if match is None or sum(ch.isalpha() for ch in match.group(1)) < MIN_LETTERS:
        return False
    span = etree.Element(q("span"))
    span.set("class", "last-word")
    span.text = match.group(1)
    span.tail = match.group(2) or None
    before = (text or "")[: match.start()] or None
    if where == "tail":
        holder.tail = before
        holder.addnext(span)
    else:
        holder.text = before
        holder.insert(0, span)
    return True


def whole_last_words(markup: ChapterMarkup) -> ChapterMarkup:
    """The chapter with each paragraph's last word kept from hyphenation."""
    root = parse_fragment(markup.xhtml)
    changed = [_wrap_last_word(p) for p in root.iter(q("p"))]
    if not any(changed):
        return markup
    return dataclasses.replace(markup, xhtml=serialise_fragment(root))
