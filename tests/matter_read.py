"""Reading the structure back out of built outputs: EPUB spine and navigation, PDF bookmarks, HTML index."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

Tree = list[tuple[str, Any]]  # (label, children)


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def epub_spine(path: Path) -> list[str]:
    """The spine's documents in reading order, as file stems ('halftitle', 'ch01-…')."""
    with zipfile.ZipFile(path) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    hrefs = {item.get("id"): item.get("href") for item in opf.iter(f"{OPF}item")}
    return [hrefs[ref.get("idref")].rsplit(".", 1)[0] for ref in opf.iter(f"{OPF}itemref")]


def epub_section_types(path: Path) -> dict[str, str]:
    """epub:type of the first section (or nav) of every spine document."""
    types = {}
    with zipfile.ZipFile(path) as z:
        for stem in epub_spine(path):
            root = etree.fromstring(z.read(f"EPUB/{stem}.xhtml"))
            body = root.find(f"{XHTML}body")
            first = next(iter(body.iterchildren(f"{XHTML}section", f"{XHTML}nav")))
            types[stem] = first.get(EPUB_TYPE, "")
    return types


def _nav_list(ol: etree._Element) -> Tree:
    tree: Tree = []
    for li in ol.iterchildren(f"{XHTML}li"):
        a = li.find(f"{XHTML}a")
        sub = li.find(f"{XHTML}ol")
        tree.append((_text(a), _nav_list(sub) if sub is not None else []))
    return tree


def epub_nav(path: Path) -> Tree:
    """The EPUB navigation document's table of contents as a tree of labels."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("EPUB/nav.xhtml"))
    toc = next(n for n in root.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "toc")
    return _nav_list(toc.find(f"{XHTML}ol"))


def _ncx_points(parent: etree._Element) -> Tree:
    return [(_text(p.find(f"{NCX}navLabel")), _ncx_points(p)) for p in parent.iterchildren(f"{NCX}navPoint")]


def epub_ncx(path: Path) -> Tree:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("EPUB/toc.ncx"))
    return _ncx_points(root.find(f"{NCX}navMap"))


def pdf_bookmarks(path: Path) -> Tree:
    """The PDF outline as a tree of titles (pypdf lists a node's children right after it)."""

    def walk(items: list[Any]) -> Tree:
        tree: Tree = []
        for item in items:
            if isinstance(item, list):
                label, _ = tree[-1]
                tree[-1] = (label, walk(item))
            else:
                tree.append((" ".join(item.title.split()), []))
        return tree

    return walk(PdfReader(str(path)).outline)


def html_index_sections(path: Path) -> list[str]:
    """Class names of the top-level sections of the HTML edition's index page, in order."""
    root = lxml_html.parse(str(path)).getroot()
    body = root.find("body")
    return [el.get("class", "").split()[0] for el in body if el.tag in ("section", "nav")]


def html_contents(path: Path) -> Tree:
    """The contents list of the HTML index page as a tree of (label, children)."""
    root = lxml_html.parse(str(path)).getroot()
    nav = root.get_element_by_id("contents")

    def walk(ol: Any) -> Tree:
        tree: Tree = []
        for li in ol.iterchildren("li"):
            a = li.find("a")
            sub = li.find("ol")
            tree.append((" ".join(a.text_content().split()), walk(sub) if sub is not None else []))
        return tree

    return walk(nav.find("ol"))


def labels(tree: Tree) -> list[str]:
    return [label for label, _ in tree]
