"""Reading a built EPUB in tests: its files, its package document, its documents as trees."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


class Epub:
    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.files = {name: z.read(name) for name in z.namelist()}
        self.opf = etree.fromstring(self.files["EPUB/content.opf"])

    def tree(self, name: str) -> etree._Element:
        return etree.fromstring(self.files["EPUB/" + name])

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]

    def spine(self) -> list[str]:
        ids = [i.get("idref") for i in self.opf.iterfind(".//opf:itemref", NS)]
        hrefs = {i.get("id"): i.get("href") for i in self.opf.iterfind(".//opf:item", NS)}
        return [hrefs[i] for i in ids]

    def item(self, href: str) -> etree._Element:
        return self.opf.find(f".//opf:item[@href='{href}']", NS)
