"""Captions, the same in every edition: a lone image with a title becomes a captioned figure, and a
pandoc-style ``Table: caption`` paragraph next to a table becomes that table's <caption>.

- ``![A red bicycle](bike.jpg "The bicycle in 1952")`` alone in its paragraph:
  ``<figure class="figure"><img alt="A red bicycle" …/><figcaption>The bicycle in 1952</figcaption></figure>``;
  without a title, a figure without a caption.
- A paragraph that starts ``Table:`` (or ``table:``) just after a table, or just before one, is
  that table's caption (after is looked at first, as pandoc does).
"""

from __future__ import annotations

import re

from lxml import etree

from ..text import smarten, spaced_dashes
from .namespaces import XHTML_NS, local_name

FIGURE_CLASS = "figure"
_TABLE_CAPTION = re.compile(r"^\s*[Tt]able:\s*")


def _q(tag: str) -> str:
    return f"{{{XHTML_NS}}}{tag}"


def lone_image(paragraph: etree._Element) -> etree._Element | None:
    """The paragraph's image when it holds one image and nothing else."""
    children = list(paragraph)
    if len(children) != 1 or not isinstance(children[0].tag, str) or local_name(children[0]) != "img":
        return None
    if (paragraph.text or "").strip() or (children[0].tail or "").strip():
        return None
    return children[0]


def figures(root: etree._Element) -> None:
    """Each paragraph holding one image and nothing else becomes a <figure>, captioned by the image's title."""
    for paragraph in list(root.iter(_q("p"))):
        image = lone_image(paragraph)
        if image is None or paragraph.getparent() is None:
            continue
        figure = etree.Element(_q("figure"))
        figure.set("class", FIGURE_CLASS)
        figure.tail = paragraph.tail
        image.tail = None
        figure.append(image)
        title = " ".join((image.attrib.pop("title", None) or "").split())
        if title:
            etree.SubElement(figure, _q("figcaption")).text = spaced_dashes(smarten(title))  # as the text: curly quotes, dashes
        paragraph.getparent().replace(paragraph, figure)


def table_captions(root: etree._Element) -> None:
    """A ``Table: …`` paragraph after (or else before) a table becomes the table's first child, <caption>."""
    for table in list(root.iter(_q("table"))):
        if table.find(_q("caption")) is not None:
            continue
        for paragraph in (table.getnext(), table.getprevious()):
            if paragraph is not None and paragraph.tag == _q("p") and _TABLE_CAPTION.match(paragraph.text or ""):
                _to_caption(paragraph, table)
                break


def _to_caption(paragraph: etree._Element, table: etree._Element) -> None:
    caption = etree.Element(_q("caption"))
    caption.text = _TABLE_CAPTION.sub("", paragraph.text or "", count=1)
    for child in list(paragraph):
        caption.append(child)
    for key, value in paragraph.attrib.items():
        if key in ("id", "class", "lang", "dir"):
            caption.set(key, value)
    parent = paragraph.getparent()
    previous = paragraph.getprevious()
    if paragraph.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + paragraph.tail
        else:
            parent.text = (parent.text or "") + paragraph.tail
    parent.remove(paragraph)
    table.insert(0, caption)
