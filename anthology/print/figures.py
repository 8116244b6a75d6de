"""Figures for the print edition: an image standing alone in its paragraph becomes a <figure>.

Its caption is the image's title (``![alt](photo.jpg "Caption")``). The print stylesheet keeps a
figure and its caption on one page and scales the image to the text block.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from ..markup.namespaces import local_name
from ..markup.render import ChapterMarkup, serialise_fragment
from .notes import parse_fragment, q


def _lone_image(paragraph: etree._Element) -> etree._Element | None:
    children = list(paragraph)
    if len(children) != 1 or local_name(children[0]) != "img":
        return None
    if (paragraph.text or "").strip() or (children[0].tail or "").strip():
        return None
    return children[0]


def figures(markup: ChapterMarkup) -> ChapterMarkup:
    """The chapter with each lone image in a <figure>, captioned when a caption is given."""
    if not markup.assets:
        return markup
    root = parse_fragment(markup.xhtml)
    for paragraph in list(root.iter(q("p"))):
        image = _lone_image(paragraph)
        if image is None or paragraph.getparent() is None:
            continue
        figure = etree.Element(q("figure"))
        figure.set("class", "figure")
        figure.tail = paragraph.tail
        image.tail = None
        figure.append(image)
        if image.get("title"):
            caption = etree.SubElement(figure, q("figcaption"))
            caption.text = image.get("title")
        paragraph.getparent().replace(paragraph, figure)
    return dataclasses.replace(markup, xhtml=serialise_fragment(root))
