"""The EPUB 2 table of contents (NCX) for older reading systems: ebooklib writes its navMap; here it
gets the depth it has, the print edition's pages as a ``pageList`` (the same as the navigation
document's page list) and play orders that follow the reading order across both."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from ..print.pagemap import PageTarget

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
ARABIC = re.compile(r"^\d+$")
ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)


def _q(name: str) -> str:
    return f"{{{NCX_NS}}}{name}"


def depth(parent: etree._Element) -> int:
    """How many levels of navPoint nest in ``parent``."""
    return max((1 + depth(point) for point in parent.iterchildren(_q("navPoint"))), default=0)


def page_type(label: str) -> str:
    """front (roman numerals), normal (arabic numerals) or special (anything else)."""
    return "normal" if ARABIC.match(label) else "front" if ROMAN.match(label) else "special"


class _Positions:
    """Where a link's target lies in the reading order: (document, character of its id), -1 for a document's start."""

    def __init__(self, files: dict[str, str]) -> None:
        self.order = {name: index for index, name in enumerate(files)}
        self.files = files

    def __call__(self, src: str) -> tuple[int, int]:
        name, _, fragment = src.partition("#")
        document = self.order.get(name, len(self.order))
        if not fragment:
            return document, -1
        found = self.files.get(name, "").find(f'id="{fragment}"')
        return document, found if found >= 0 else -1


def finish_ncx(data: bytes, pages: list[PageTarget], files: dict[str, str]) -> bytes:
    """The NCX ebooklib wrote, with its true ``dtb:depth``, the page list and play orders in reading
    order (targets at the same place share one). ``files``: content documents in reading order."""
    root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    head, nav_map = root.find(_q("head")), root.find(_q("navMap"))
    numbers = [int(p.label) for p in pages if ARABIC.match(p.label)]
    facts = {"dtb:depth": str(max(1, depth(nav_map))), "dtb:totalPageCount": str(len(pages)), "dtb:maxPageNumber": str(max(numbers, default=0))}
    for meta in head.iterchildren(_q("meta")):
        if meta.get("name") in facts:
            meta.set("content", facts[meta.get("name")])
    points = list(nav_map.iter(_q("navPoint")))
    if pages:
        page_list = etree.Element(_q("pageList"))
        label = etree.SubElement(etree.SubElement(page_list, _q("navLabel")), _q("text"))
        label.text = "Pages"
        for page in pages:
            target = etree.SubElement(page_list, _q("pageTarget"), id=page.id, type=page_type(page.label))
            if ARABIC.match(page.label):
                target.set("value", page.label)
            text = etree.SubElement(etree.SubElement(target, _q("navLabel")), _q("text"))
            text.text = page.label
            etree.SubElement(target, _q("content"), src=f"{page.file_name}#{page.id}")
            points.append(target)
        nav_map.addnext(page_list)
    where = _Positions(files)
    places = sorted({where(point.find(_q("content")).get("src")) for point in points})
    order = {place: number for number, place in enumerate(places, start=1)}
    for point in points:
        point.set("playOrder", str(order[where(point.find(_q("content")).get("src"))]))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
