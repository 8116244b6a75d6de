"""Chunks of the print edition, each written as its own tagged PDF, joined into the book's PDF.

The join streams: one chunk is open at a time, its objects are written out under new numbers and
it is closed, so memory stays that of the largest chunk however long the book (a PDF library that
holds the whole joined document needs several kilobytes per object, and a tagged book has about
seventy objects a page). What each chunk brings, and what becomes of it:

- its pages, under one page tree for the book;
- its structure tree: the children of its Document element join one Document element, and the
  parent tree (which maps each page's marked content and each link to its structure element) is
  numbered again for the whole book;
- its named destinations (one for every id of the book), merged into one sorted name tree;
- its links: a link to another chunk was written as a ``CROSS_LINK`` address and becomes a link to
  the named destination, as in one document;
- its font subsets, with tags of their own (every chunk names its subsets alike, and two different
  subsets in one PDF must not share a tag).

The first chunk (the front matter) gives the catalogue's metadata, language, viewer preferences
and output intent, and the document information. The outline (from the bookmarks of all pages,
nested as in one document) and the page labels (roman numerals for the front matter, then 1, 2, …)
are made for the whole. Objects go into compressed object streams, with a cross-reference stream.
The bytes depend only on the chunks' bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

import pikepdf

from .chunks import CROSS_LINK

Bookmark = tuple[str, tuple[int, float, float], list[Any], str]  # label, (page, x, y), children, state
PER_STREAM = 200  # objects per object stream

# A literal string (QPDF escapes the parentheses inside), a hex string, or a reference.
_TOKENS = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>(?!>)|(?<![\w.])(\d+) (\d+) R\b", re.DOTALL)
_REFERENCES = re.compile(rb"(?<![\w.])(\d+) (\d+) R\b")


def _tag(seed: str) -> str:
    """Six capital letters from ``seed``, as a font subset's tag."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "".join(chr(65 + byte % 26) for byte in digest[:6])


def _entries(tree: Any, key: str) -> Iterator[tuple[Any, Any]]:
    """The entries of a PDF number tree (``key`` "/Nums") or name tree ("/Names")."""
    if key in tree:
        pairs = tree[key]
        for i in range(0, len(pairs) - 1, 2):
            yield pairs[i], pairs[i + 1]
    for kid in tree.get("/Kids", []):
        yield from _entries(kid, key)


def _pdf_string(text: str) -> bytes:
    return pikepdf.String(text).unparse()


def _number(value: float) -> bytes:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


_FREE = b"\x00\x00\x00\x00\x00\xff\xff"  # a cross-reference stream's row for a free object (W [1 4 2])


class _Writer:
    """PDF objects written one by one; numbers given out in order; object streams and an xref stream at the end."""

    def __init__(self, version: str) -> None:
        # On disk while the join is under way: the worker processes are forked from this one as it
        # goes, and a growing buffer here would be copied into each of them.
        self.out: IO[bytes] = tempfile.TemporaryFile()
        self.out.write(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
        self.next = 1
        # The cross-reference rows, 7 bytes an object, as the xref stream holds them: type 1 (file
        # offset) or type 2 (object stream, index); compact, for a book has some 70 objects a page.
        self.rows = bytearray(_FREE)
        self.pending: list[tuple[int, bytes]] = []
        self.streams = version >= "1.5"

    def reserve(self, count: int = 1) -> int:
        first = self.next
        self.next += count
        self.rows += _FREE * count
        return first

    def _row(self, number: int, row: bytes) -> None:
        self.rows[7 * number : 7 * number + 7] = row

    def add(self, number: int, body: bytes) -> None:
        if not self.streams:
            self._direct(number, body)
            return
        self.pending.append((number, body))
        if len(self.pending) >= PER_STREAM:
            self._flush()

    def add_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        self._row(number, b"\x01" + self.out.tell().to_bytes(4, "big") + b"\x00\x00")
        self.out.write(b"%d 0 obj\n%s\nstream\n" % (number, dictionary))
        self.out.write(data)
        self.out.write(b"\nendstream\nendobj\n")

    def _direct(self, number: int, body: bytes) -> None:
        self._row(number, b"\x01" + self.out.tell().to_bytes(4, "big") + b"\x00\x00")
        self.out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _flush(self) -> None:
        if not self.pending:
            return
        holder = self.reserve()
        header, bodies, position = [], [], 0
        for index, (number, body) in enumerate(self.pending):
            header.append(b"%d %d" % (number, position))
            bodies.append(body)
            position += len(body) + 1
            self._row(number, b"\x02" + holder.to_bytes(4, "big") + index.to_bytes(2, "big"))
        head = b" ".join(header) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", 6)
        dictionary = b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>" % (len(self.pending), len(head), len(data))
        self.add_stream(holder, dictionary, data)
        self.pending = []

    def finish(self, root: int, info: int | None, identifier: bytes) -> bytes:
        self._flush()
        ids = b"[<%s> <%s>]" % (identifier.hex().encode(), identifier.hex().encode())
        trailer = b"/Root %d 0 R" % root + (b" /Info %d 0 R" % info if info is not None else b"") + b" /ID " + ids
        if not self.streams:
            start = self.out.tell()
            table = [b"0000000000 65535 f \n"]
            for n in range(1, self.next):
                row = self.rows[7 * n : 7 * n + 7]
                table.append(b"%010d 00000 n \n" % int.from_bytes(row[1:5], "big") if row[0] == 1 else b"0000000000 65535 f \n")
            self.out.write(b"xref\n0 %d\n" % self.next + b"".join(table))
            self.out.write(b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (self.next, trailer, start))
            return self._bytes()
        xref = self.reserve()
        start = self.out.tell()
        self._row(xref, b"\x01" + start.to_bytes(4, "big") + b"\x00\x00")
        data = zlib.compress(bytes(self.rows), 6)
        dictionary = b"<< /Type /XRef /Size %d /W [1 4 2] /Filter /FlateDecode /Length %d %s >>" % (self.next, len(data), trailer)
        self.out.write(b"%d 0 obj\n%s\nstream\n" % (xref, dictionary))
        self.out.write(data)
        self.out.write(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
        return self._bytes()

    def _bytes(self) -> bytes:
        self.out.seek(0)
        data = self.out.read()
        self.out.close()
        return data


def _renumberer(mapping: Callable[[int], int]) -> Callable[[bytes], bytes]:
    def swap(match: re.Match[bytes]) -> bytes:
        if match.group(1) is None:
            return match.group(0)  # a string: left as it is
        return b"%d 0 R" % mapping(int(match.group(1)))

    def renumber(text: bytes) -> bytes:
        if b" R" not in text:
            return text
        if b"(" in text:
            return _TOKENS.sub(swap, text)
        # Without a literal string, nothing else can look like a reference (hex strings hold no
        # spaces). Split at the references (text, number, generation, text, …): twice as fast as
        # substituting through a function.
        parts = _REFERENCES.split(text)
        out = [parts[0]]
        for at in range(1, len(parts), 3):
            out.append(b"%d 0 R" % mapping(int(parts[at])))
            out.append(parts[at + 2])
        return b"".join(out)

    return renumber


def _page_tree_nodes(node: Any) -> Iterator[Any]:
    """The /Pages nodes of a page tree (not its pages)."""
    yield node
    for kid in node.get("/Kids", []):
        if kid.get("/Type") == "/Pages":
            yield from _page_tree_nodes(kid)


def _walk(obj: Any, seen: set[int]) -> None:
    """The object numbers of an indirect tree (outline items, name and number tree nodes)."""
    if not isinstance(obj, pikepdf.Object):
        return
    if obj.is_indirect:
        if obj.objgen[0] in seen:
            return
        seen.add(obj.objgen[0])
    if isinstance(obj, pikepdf.Dictionary):
        for key in ("/First", "/Next", "/Kids"):
            if key in obj:
                _walk(obj[key], seen)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            if isinstance(item, pikepdf.Dictionary):
                _walk(item, seen)


class Joining:
    """A join under way: chunks are added in any order, each with its position in the book (0 is
    the front matter), and ``finish`` puts their pages, structure and destinations in the book's
    order. Object numbers are given out in the order of adding, so the same order of adding gives
    the same bytes."""

    def __init__(self) -> None:
        self._writer: _Writer | None = None
        self.catalog = self.pages_root = self.structure = self.document = 0
        self.pages: dict[int, list[int]] = {}  # position -> its pages' object numbers
        self.kids: dict[int, list[bytes]] = {}  # position -> its children of the Document element
        self.parents: list[bytes] = []  # parent tree values, by key
        self.destinations: dict[int, dict[str, bytes]] = {}
        self.hashes: dict[int, bytes] = {}
        self.base_catalog: dict[str, bytes] = {}
        self.info: int | None = None
        self.tagged = False

    @property
    def writer(self) -> _Writer:
        assert self._writer is not None, "nothing added yet"
        return self._writer

    def add(self, data: bytes, index: int) -> None:
        if index in self.hashes:
            raise ValueError(f"chunk {index} added twice")
        self.hashes[index] = hashlib.sha256(data).digest()
        # A chunk's page tree is one node holding its pages, which carry all their attributes: nothing to push down.
        with pikepdf.open(io.BytesIO(data), inherit_page_attributes=False) as pdf:
            if self._writer is None:
                self._writer = w = _Writer(pdf.pdf_version)
                self.catalog, self.pages_root, self.structure, self.document = w.reserve(), w.reserve(), w.reserve(), w.reserve()
            self._add(pdf, index)

    def _add(self, pdf: pikepdf.Pdf, index: int) -> None:
        root = pdf.Root
        objects = list(pdf.objects)
        size = max((o.objgen[0] for o in objects), default=0) + 1
        base = self.writer.reserve(size)
        tree = root.get("/StructTreeRoot")
        document = None if tree is None else tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
        names = root.get("/Names")
        special, skipped = self._shared_objects(root, tree, document, names)

        def number(old: int) -> int:
            return special.get(old, base + old)

        renumber = _renumberer(number)
        mapping = {int(k): v for k, v in _entries(tree.ParentTree, "/Nums")} if tree is not None and "/ParentTree" in tree else {}
        self._add_pages(pdf, index, mapping, number, renumber)
        if document is not None:
            kids = document.K if isinstance(document.K, pikepdf.Array) else [document.K]
            self.kids[index] = [renumber(kid.unparse()) for kid in kids]
        destinations = self.destinations[index] = {}
        if names is not None and "/Dests" in names:
            for name, destination in ((str(k), v) for k, v in _entries(names.Dests, "/Names")):
                destinations.setdefault(name, renumber(destination.unparse(resolved=not destination.is_indirect)))
        if index == 0:
            for key, value in root.items():
                if key not in ("/Type", "/Pages", "/StructTreeRoot", "/Names", "/Outlines", "/PageLabels"):
                    self.base_catalog[key] = renumber(value.unparse())
            info = pdf.trailer.get("/Info")
            if info is not None and info.is_indirect:
                self.info = number(info.objgen[0])
        for each in objects:
            old = each.objgen[0]
            if old in skipped:
                continue
            if isinstance(each, pikepdf.Stream):
                dictionary = pikepdf.Dictionary(each.stream_dict)  # type: ignore[arg-type]  # a Dictionary is copied as a mapping
                raw = each.read_raw_bytes()
                dictionary.Length = len(raw)
                self.writer.add_stream(number(old), renumber(dictionary.unparse()), raw)
            else:
                self.writer.add(number(old), renumber(each.unparse(resolved=True)))

    def _shared_objects(self, root: Any, tree: Any, document: Any, names: Any) -> tuple[dict[int, int], set[int]]:
        """A chunk's objects that stand for the book's own (catalog, page tree nodes, structure tree root,
        Document element), with the book's numbers for them; and the objects not copied: those, and the
        trees the join makes anew (parent tree, outline, page labels, destinations)."""
        special = {root.objgen[0]: self.catalog}
        for node in _page_tree_nodes(root.Pages):
            special[node.objgen[0]] = self.pages_root
        if tree is not None:
            self.tagged = True
            special[tree.objgen[0]] = self.structure
            special[document.objgen[0]] = self.document
        skipped = set(special)
        if tree is not None and "/ParentTree" in tree:
            _walk(tree.get("/ParentTree"), skipped)
        for key in ("/Outlines", "/PageLabels"):
            if key in root:
                _walk(root.get(key), skipped)
        if names is not None:
            if names.is_indirect:
                skipped.add(names.objgen[0])
            if "/Dests" in names:
                _walk(names.get("/Dests"), skipped)
        return special, skipped

    def _add_pages(self, pdf: pikepdf.Pdf, index: int, mapping: dict[int, Any], number: Callable[[int], int], renumber: Callable[[bytes], bytes]) -> None:
        """The chunk's pages, with their structure parents (``mapping``: the chunk's parent tree) given
        keys in the book's parent tree."""
        retagged: set[int] = set()
        pages = self.pages[index] = []
        for page in pdf.pages:
            obj = page.obj
            pages.append(number(obj.objgen[0]))
            self._retag(obj, index, retagged)
            if "/StructParents" in obj:
                value = mapping.get(int(obj.StructParents))
                obj.StructParents = len(self.parents)
                self.parents.append(renumber(value.unparse()) if value is not None else b"[]")
            for annotation in obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    value = mapping.get(int(annotation.StructParent))
                    annotation.StructParent = len(self.parents)
                    self.parents.append(renumber(value.unparse()) if value is not None else b"null")
                _link(annotation)

    @staticmethod
    def _retag(page: Any, salt: int, done: set[int]) -> None:
        if salt == 0:
            return
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            if font.objgen[0] in done:
                continue
            done.add(font.objgen[0])
            for each in [font, *font.get("/DescendantFonts", [])]:
                for holder, key in ((each, "/BaseFont"), (each.get("/FontDescriptor"), "/FontName")):
                    if holder is None or key not in holder:
                        continue
                    tag, plus, name = str(holder[key])[1:].partition("+")
                    if plus and len(tag) == 6 and not tag.startswith("~"):
                        holder[key] = pikepdf.Name("/" + _tag(f"{salt}:{tag}") + "+" + name)

    def finish(self, outline: Sequence[Bookmark], front_pages: int) -> bytes:
        """The joined PDF; ``outline`` refers to pages by their index in the whole book."""
        w = self.writer
        order = sorted(self.hashes)
        page_list = [page for index in order for page in self.pages[index]]
        kids = b" ".join(b"%d 0 R" % n for n in page_list)
        w.add(self.pages_root, b"<< /Type /Pages /Kids [ %s ] /Count %d >>" % (kids, len(page_list)))
        catalog = [b"/Type /Catalog", b"/Pages %d 0 R" % self.pages_root]
        if self.tagged:
            parent_tree = w.reserve()
            nums = b" ".join(b"%d %s" % (key, value) for key, value in enumerate(self.parents))
            w.add(parent_tree, b"<< /Nums [ %s ] >>" % nums)
            children = b" ".join(kid for index in order for kid in self.kids.get(index, []))
            w.add(self.document, b"<< /Type /StructElem /S /Document /P %d 0 R /K [ %s ] >>" % (self.structure, children))
            w.add(self.structure, b"<< /Type /StructTreeRoot /K [ %d 0 R ] /ParentTree %d 0 R /ParentTreeNextKey %d >>"
                  % (self.document, parent_tree, len(self.parents)))
            catalog.append(b"/StructTreeRoot %d 0 R" % self.structure)
        destinations: dict[str, bytes] = {}
        for index in order:
            for name, destination in self.destinations[index].items():
                destinations.setdefault(name, destination)
        if destinations:
            dests = w.reserve()
            entries = b" ".join(_pdf_string(name) + b" " + destinations[name] for name in sorted(destinations))
            w.add(dests, b"<< /Names [ %s ] >>" % entries)
            catalog.append(b"/Names << /Dests %d 0 R >>" % dests)
        if outline:
            catalog.append(b"/Outlines %d 0 R" % self._outline(outline, page_list))
        labels = (b"0 << /S /r >> " if front_pages > 0 else b"") + b"%d << /S /D >>" % front_pages
        catalog.append(b"/PageLabels << /Nums [ %s ] >>" % labels)
        catalog += [key.encode() + b" " + value for key, value in sorted(self.base_catalog.items())]
        w.add(self.catalog, b"<< " + b" ".join(catalog) + b" >>")
        digest = hashlib.sha256()
        for index in order:
            digest.update(self.hashes[index])
        return w.finish(self.catalog, self.info, digest.digest()[:16])

    def _outline(self, tree: Sequence[Bookmark], pages: list[int]) -> int:
        w = self.writer
        top = w.reserve()

        def items(entries: Sequence[Bookmark], parent: int) -> tuple[list[int], int]:
            numbers = [w.reserve() for _ in entries]
            count = 0
            for i, (label, (page, x, y), children, state) in enumerate(entries):
                kids, kid_count = items(children, numbers[i])
                count += 1 + (0 if state == "closed" else kid_count)
                parts = [
                    b"/Title " + _pdf_string(label),
                    b"/Dest [ %d 0 R /XYZ %s %s 0 ]" % (pages[page], _number(x), _number(y)),
                    b"/Parent %d 0 R" % parent,
                    b"/Count %d" % (-kid_count if state == "closed" else kid_count),
                ]
                if i > 0:
                    parts.append(b"/Prev %d 0 R" % numbers[i - 1])
                if i + 1 < len(entries):
                    parts.append(b"/Next %d 0 R" % numbers[i + 1])
                if kids:
                    parts.append(b"/First %d 0 R /Last %d 0 R" % (kids[0], kids[-1]))
                w.add(numbers[i], b"<< " + b" ".join(parts) + b" >>")
            return numbers, count

        made, count = items(tree, top)
        w.add(top, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (made[0], made[-1], count))
        return top


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
