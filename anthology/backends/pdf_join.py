"""Chunks of the print edition, each written as its own tagged PDF, joined into the book's PDF.

The first chunk's PDF (the front matter) is the base: its catalogue keeps the metadata, language,
viewer preferences and output intent. Every other chunk brings its pages, and with them:

- its structure tree: the children of its Document element join the base's Document element, and
  the parent tree (which maps each page's marked content and each link to its structure element)
  is numbered again for the whole book;
- its named destinations (one for every id of the book), merged into one sorted name tree;
- its links: a link to another chunk was written as a ``CROSS_LINK`` address and becomes a link to
  the named destination, as in one document;

and then the outline (from the bookmarks of all the chunks' pages, nested as in one document) and
the page labels (lower-case roman numerals for the front matter, then 1, 2, …) are made for the
whole. Font subsets stay those of each chunk. The bytes depend only on the chunks' bytes.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import pikepdf

from .print_chunks import CROSS_LINK

Bookmark = tuple[str, tuple[int, float, float], list[Any], str]  # label, (page, x, y), children, state


def _tag(seed: str) -> str:
    """Six capital letters from ``seed``, as a font subset's tag."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "".join(chr(65 + byte % 26) for byte in digest[:6])


def _numbers(tree: Any) -> Iterator[tuple[int, Any]]:
    """The entries of a PDF number tree."""
    if "/Nums" in tree:
        nums = tree.Nums
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in tree.get("/Kids", []):
        yield from _numbers(kid)


def _names(tree: Any) -> Iterator[tuple[str, Any]]:
    """The entries of a PDF name tree."""
    if "/Names" in tree:
        names = tree.Names
        for i in range(0, len(names) - 1, 2):
            yield str(names[i]), names[i + 1]
    for kid in tree.get("/Kids", []):
        yield from _names(kid)


class _Joiner:
    def __init__(self, base: pikepdf.Pdf) -> None:
        self.pdf = base
        root = base.Root
        self.structure = root.get("/StructTreeRoot")
        self.document = None if self.structure is None else self.structure.K[0]
        self.parents: list[tuple[int, Any]] = []
        self.destinations: dict[str, Any] = {}
        self.sources = 0
        self.retagged: set[tuple[int, int]] = set()

    def _retag(self, page: Any, salt: int) -> None:
        """Give the chunk's font subsets tags of their own: each chunk names its subsets as every other
        chunk does, but a PDF must not give two different subsets the same tag."""
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            if font.objgen in self.retagged:
                continue
            self.retagged.add(font.objgen)
            for each in [font, *font.get("/DescendantFonts", [])]:
                for holder, key in ((each, "/BaseFont"), (each.get("/FontDescriptor"), "/FontName")):
                    if holder is None or key not in holder:
                        continue
                    tag, plus, name = str(holder[key])[1:].partition("+")
                    if plus and len(tag) == 6:
                        holder[key] = pikepdf.Name("/" + _tag(f"{salt}:{tag}") + "+" + name)

    def add(self, source: pikepdf.Pdf, foreign: bool) -> None:
        def copy(obj: Any) -> Any:
            if not foreign or not isinstance(obj, pikepdf.Object):
                return obj
            if not obj.is_indirect:  # copied whole, in one call, as an object of its own
                obj = source.make_indirect(obj)
            return self.pdf.copy_foreign(obj)

        tree = source.Root.get("/StructTreeRoot")
        mapping = dict(_numbers(tree.ParentTree)) if tree is not None and "/ParentTree" in tree else {}
        if foreign:
            first = len(self.pdf.pages)
            with warnings.catch_warnings():  # the named destinations are merged below
                warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", UserWarning))
                self.pdf.pages.extend(source.pages)
            pages = list(self.pdf.pages)[first:]
        else:
            pages = list(self.pdf.pages)
        for page in pages:
            if foreign:
                self._retag(page, self.sources)
            if "/StructParents" in page:
                self._parent(page, "/StructParents", copy(mapping[int(page.StructParents)]))
            for annotation in page.get("/Annots", []):
                if "/StructParent" in annotation:
                    self._parent(annotation, "/StructParent", copy(mapping[int(annotation.StructParent)]))
                self._link(annotation)
        if tree is not None and self.document is not None and foreign:
            for kid in copy(tree.K[0].K):
                kid.P = self.document
                self.document.K.append(kid)
        self.sources += 1
        dests = source.Root.get("/Names", {}).get("/Dests")
        if dests is not None:
            for name, destination in _names(dests):
                self.destinations.setdefault(name, copy(destination))

    def _parent(self, holder: Any, key: str, value: Any) -> None:
        number = len(self.parents)
        holder[key] = number
        self.parents.append((number, value))

    @staticmethod
    def _link(annotation: Any) -> None:
        action = annotation.get("/A")
        if action is None or action.get("/S") != "/URI":
            return
        uri = str(action.URI)
        if uri.startswith(CROSS_LINK):
            target = uri[len(CROSS_LINK) :]
            del annotation["/A"]
            annotation.Dest = pikepdf.String(target)
            if "/Contents" in annotation:
                annotation.Contents = pikepdf.String(target)

    def finish(self, outline: Sequence[Bookmark], front_pages: int) -> None:
        root = self.pdf.Root
        if self.structure is not None:
            nums = pikepdf.Array()
            for number, value in self.parents:
                nums.append(number)
                nums.append(value)
            self.structure.ParentTree = self.pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
            self.structure.ParentTreeNextKey = len(self.parents)
        if self.destinations:
            flat = pikepdf.Array()
            for name in sorted(self.destinations):
                flat.append(pikepdf.String(name))
                flat.append(self.destinations[name])
            names = root.get("/Names")
            if names is None:
                root.Names = names = pikepdf.Dictionary()
            names.Dests = self.pdf.make_indirect(pikepdf.Dictionary(Names=flat))
        if "/Outlines" in root:
            del root["/Outlines"]
        if outline:
            self._outline(outline)
        nums = pikepdf.Array()
        if front_pages > 0:
            nums.extend([0, pikepdf.Dictionary(S=pikepdf.Name.r)])
        nums.extend([front_pages, pikepdf.Dictionary(S=pikepdf.Name.D)])
        root.PageLabels = pikepdf.Dictionary(Nums=nums)

    def _outline(self, tree: Sequence[Bookmark]) -> None:
        pages = self.pdf.pages

        def items(entries: Sequence[Bookmark], parent: Any) -> tuple[list[Any], int]:
            made: list[Any] = []
            count = 0
            for label, (page, x, y), children, state in entries:
                item = self.pdf.make_indirect(pikepdf.Dictionary(
                    Title=pikepdf.String(label), Dest=pikepdf.Array([pages[page].obj, pikepdf.Name.XYZ, x, y, 0]),
                ))
                kids, kid_count = items(children, item)
                item.Count = -kid_count if state == "closed" else kid_count
                count += 1 + (0 if state == "closed" else kid_count)
                if made:
                    item.Prev = made[-1]
                    made[-1].Next = item
                if kids:
                    item.First, item.Last = kids[0], kids[-1]
                item.Parent = parent
                made.append(item)
            return made, count

        top = self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
        made, count = items(tree, top)
        top.Count = count
        top.First, top.Last = made[0], made[-1]
        self.pdf.Root.Outlines = top


def join(parts: Sequence[bytes], outline: Sequence[Bookmark], front_pages: int) -> bytes:
    """One PDF of the chunks' PDFs in order; ``front_pages`` pages numbered in roman before page 1."""
    base = pikepdf.open(io.BytesIO(parts[0]))
    joiner = _Joiner(base)
    joiner.add(base, foreign=False)
    opened = []
    for data in parts[1:]:
        source = pikepdf.open(io.BytesIO(data))
        opened.append(source)  # kept open until saved: the copies read their streams from it
        joiner.add(source, foreign=True)
    joiner.finish(outline, front_pages)
    out = io.BytesIO()
    streams = pikepdf.ObjectStreamMode.generate if base.pdf_version >= "1.5" else pikepdf.ObjectStreamMode.disable
    base.save(out, deterministic_id=True, object_stream_mode=streams, compress_streams=True, linearize=False)
    for source in opened:
        source.close()
    base.close()
    return out.getvalue()
