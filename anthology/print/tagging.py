"""One accessible structure tree for the print edition's PDF, made from WeasyPrint's page-by-page one.

WeasyPrint tags each page on its own; ``structure`` has told each element what it stands for (see
there). This pikepdf pass, run on the whole book (laid out whole or joined from chunks), makes of it
the tree a screen reader walks:

- the parts of one element on several pages are one element: a chapter is one ``Sect``, a paragraph
  that crosses a page one ``P``; a table's header rows repeated on the next page are Artifacts;
- each note is a ``Note`` (with its ``/ID``) placed right after the paragraph (or heading, list item,
  table cell's text) that calls it, inside its chapter; the call is a ``Reference`` holding its ``Link``;
- what is not content leaves the tree and is marked as an Artifact in the page's content: running
  heads and folios (``/Pagination``), dot leaders (``/Layout``), and any marked content the tree no
  longer reaches, so that none is left orphaned;
- empty grouping elements left behind (the footnote area of a page) go;
- the parent tree is made anew from the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pikepdf

from .structure import MARK

# Elements whose children stand one after another in the reading order, and among which a note is
# placed after the child holding its call.
CONTAINERS = {"/Document", "/Part", "/Art", "/Sect", "/Div", "/BlockQuote", "/LBody", "/LI", "/TD", "/TH", "/Note", "/TOCI", "/Caption"}
EMPTY_GOES = {"/NonStruct", "/Span", "/Div", "/Private", "/Link"}


@dataclass
class Leaf:
    """Marked content on a page (``mcid``) or an annotation (``objr``) in an element."""

    page: Any
    mcid: int | None = None
    objr: Any = None


@dataclass(eq=False)
class Node:
    obj: Any
    kids: list[Node | Leaf] = field(default_factory=list)
    key: str | None = None
    note: str | None = None  # a call: the id of the note it calls
    artifact: Any = None  # the Artifact's properties when this is not content

    @property
    def s(self) -> str:
        return str(self.obj.get("/S", ""))

    def leaves(self) -> list[Leaf]:
        out: list[Leaf] = []
        for kid in self.kids:
            out.extend(kid.leaves() if isinstance(kid, Node) else [kid])
        return out

    def nodes(self) -> list[Node]:
        out = [self]
        for kid in self.kids:
            if isinstance(kid, Node):
                out.extend(kid.nodes())
        return out


@dataclass
class Tagged:
    """What the pass found and did, in figures."""

    marked: int = 0  # marked-content sequences with an MCID in the pages
    orphans_before: int = 0  # of them, not reached from WeasyPrint's tree
    artifacts_made: int = 0  # made Artifacts in the pages' content
    merged: int = 0  # elements joined to their part on an earlier page
    notes: int = 0  # notes placed after their call


def _artifact(mark: Any) -> Any:
    """An Artifact's property list from what ``structure`` noted: its type, and subtype if any."""
    return _properties(str(mark.Artifact), str(mark.Subtype) if "/Subtype" in mark else None)


def _read(obj: Any, page: Any) -> Node:
    mark = obj.get("/" + MARK)
    node = Node(obj)
    if mark is not None:
        node.key = str(mark["/K"]) if "/K" in mark else None
        node.note = str(mark["/Note"]) if "/Note" in mark else None
        if "/Artifact" in mark:
            node.artifact = _artifact(mark)
        del obj["/" + MARK]
    if obj.get("/S") == "/Artifact" and node.artifact is None:
        node.artifact = pikepdf.Dictionary()
    page = obj.get("/Pg", page)
    kids = obj.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
        if isinstance(kid, int):
            node.kids.append(Leaf(page, mcid=int(kid)))
        elif isinstance(kid, pikepdf.Dictionary):
            kind = kid.get("/Type")
            if kind == "/MCR":
                node.kids.append(Leaf(kid.get("/Pg", page), mcid=int(kid.MCID)))
            elif kind == "/OBJR":
                node.kids.append(Leaf(kid.get("/Pg", page), objr=kid))
            else:
                node.kids.append(_read(kid, page))
    return node


def _detach(node: Node, wanted: Any, found: list[tuple[Node, Node]]) -> None:
    """Take out of the tree the elements ``wanted(element)`` picks, each listed with its parent."""
    kept: list[Node | Leaf] = []
    for kid in node.kids:
        if isinstance(kid, Node) and wanted(kid):
            found.append((kid, node))
            continue
        if isinstance(kid, Node):
            _detach(kid, wanted, found)
        kept.append(kid)
    node.kids = kept


def _prune(node: Node) -> bool:
    """Empty grouping elements removed, from the leaves up; True when ``node`` itself is empty and goes."""
    node.kids = [kid for kid in node.kids if not (isinstance(kid, Node) and _prune(kid))]
    return not node.kids and node.s in EMPTY_GOES


class _Merger:
    def __init__(self) -> None:
        self.merged = 0
        self.repeated: list[Node] = []  # a table's header repeated on the next page

    def join(self, node: Node) -> None:
        out: list[Node | Leaf] = []
        for kid in node.kids:
            last = out[-1] if out else None
            if isinstance(kid, Node) and isinstance(last, Node) and kid.key is not None and kid.key == last.key:
                self.absorb(last, kid)
            else:
                out.append(kid)
        node.kids = out
        for kid in out:
            if isinstance(kid, Node):
                self.join(kid)

    def absorb(self, first: Node, second: Node) -> None:
        """``second`` (on a later page) made part of ``first``: a child of ``second`` standing for an
        element ``first`` already holds, other than the one continued, is a repetition (a table's
        header rows on each page)."""
        self.merged += 1
        last = first.kids[-1] if first.kids else None
        continued = last.key if isinstance(last, Node) else None
        held = {kid.key for kid in first.kids if isinstance(kid, Node) and kid.key is not None} - {continued}
        for kid in second.kids:
            if isinstance(kid, Node) and kid.key in held:
                self.repeated.append(kid)
                continue
            first.kids.append(kid)


def _place_notes(document: Node, notes: dict[str, Node]) -> tuple[int, list[Node]]:
    """Each note after the child (of the nearest container above its call) that holds the call; the
    call wrapped in a Reference. Returns the count placed and the notes whose call was not found."""
    placed: set[str] = set()
    after: dict[int, int] = {}  # id of the child holding calls -> how many notes already follow it
    pending: list[tuple[list[Node], Node]] = []

    def walk(node: Node, path: list[Node]) -> None:
        for index, kid in enumerate(node.kids):
            if not isinstance(kid, Node):
                continue
            if kid.s == "/Link" and kid.note in notes and kid.note not in placed:
                placed.add(kid.note)
                reference = Node(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Reference), [kid])
                if "/Pg" in kid.obj:
                    reference.obj.Pg = kid.obj.Pg
                node.kids[index] = reference
                pending.append(([*path, node, reference], notes[kid.note]))
            else:
                walk(kid, [*path, node])

    walk(document, [])
    for path, note in pending:
        at = len(path) - 2
        while at > 0 and path[at].s not in CONTAINERS:
            at -= 1
        container, holder = path[at], path[at + 1]
        position = container.kids.index(holder) + 1 + after.get(id(holder), 0)
        container.kids.insert(position, note)
        after[id(holder)] = after.get(id(holder), 0) + 1
    left = [note for name, note in notes.items() if name not in placed]
    return len(pending), left


def _write(pdf: pikepdf.Pdf, node: Node, parent: Any) -> None:
    obj = node.obj
    if not obj.is_indirect:
        obj = node.obj = pdf.make_indirect(obj)
    obj.P = parent
    page = obj.get("/Pg")
    kids = []
    for kid in node.kids:
        if isinstance(kid, Node):
            _write(pdf, kid, obj)
            kids.append(kid.obj)
        elif kid.objr is not None:
            kids.append(kid.objr)
        elif page is not None and kid.page is not None and kid.page.objgen == page.objgen:
            kids.append(kid.mcid)
        else:
            kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=kid.page, MCID=kid.mcid))
    obj.K = pikepdf.Array(kids)


def _mcid(instruction: Any) -> int | None:
    """The MCID a content stream instruction opens, if it opens one."""
    if not isinstance(instruction, pikepdf.ContentStreamInstruction) or instruction.operator != pikepdf.Operator("BDC"):
        return None
    operands = instruction.operands
    if len(operands) != 2 or not isinstance(operands[1], pikepdf.Dictionary) or "/MCID" not in operands[1]:
        return None
    return int(operands[1].MCID)


def _mark_artifacts(pdf: pikepdf.Pdf, page: Any, before: set[int], reached: set[int], properties: dict[int, Any], texts: dict[int, Any]) -> tuple[int, int, int]:
    """The page's marked content that the tree does not reach made Artifacts; the marked content of
    a line ending in a hyphen of hyphenation given its element's ActualText, for the tools that read
    the page's content rather than the tree. Returns the count of marked content with an MCID, of
    those WeasyPrint's tree did not reach (``before``), and of Artifacts made."""
    instructions = list(pikepdf.parse_content_stream(page))
    changed = made = marked = orphaned = 0
    for index, instruction in enumerate(instructions):
        mcid = _mcid(instruction)
        if mcid is None:
            continue
        marked += 1
        orphaned += mcid not in before
        if mcid in reached:
            if mcid in texts:
                operands = instruction.operands
                operands[1].ActualText = texts[mcid]
                instructions[index] = pikepdf.ContentStreamInstruction(operands, pikepdf.Operator("BDC"))
                changed += 1
            continue
        found = properties.get(mcid)
        if found is not None:
            instructions[index] = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact, found], pikepdf.Operator("BDC"))
        else:
            instructions[index] = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))
        changed += 1
        made += 1
    if changed:
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return marked, orphaned, made


def _reached(document: Node) -> dict[tuple[int, int], set[int]]:
    out: dict[tuple[int, int], set[int]] = {}
    for leaf in document.leaves():
        if leaf.mcid is not None and leaf.page is not None:
            out.setdefault(leaf.page.objgen, set()).add(leaf.mcid)
    return out


Marks = dict[tuple[int, int], dict[int, Any]]  # page -> MCID -> what is known of it


def _take_out_artifacts(document: Node, artifact_marks: Marks) -> None:
    """What is not content leaves the tree, its marked content noted for Artifacts; its annotations
    (a dot leader's link) stay with the element around it."""
    found: list[tuple[Node, Node]] = []
    _detach(document, lambda node: node.artifact is not None, found)
    for node, parent in found:
        for leaf in node.leaves():
            if leaf.objr is not None:
                parent.kids.append(leaf)
            elif leaf.page is not None and leaf.mcid is not None:
                artifact_marks.setdefault(leaf.page.objgen, {})[leaf.mcid] = node.artifact


def _take_out_notes(document: Node) -> dict[str, Node]:
    """The notes taken out of the pages' footnote areas, one for each id (a note on two pages made one)."""
    notes: dict[str, Node] = {}
    found: list[tuple[Node, Node]] = []
    _detach(document, lambda node: node.s == "/Note" and "/ID" in node.obj, found)
    for note, _ in found:
        name = str(note.obj.ID)
        if name in notes:
            notes[name].kids.extend(note.kids)
        else:
            notes[name] = note
    return notes


def _actual_texts(document: Node) -> Marks:
    """The ActualText of each element holding one marked content, for that marked content."""
    texts: Marks = {}
    for node in document.nodes():
        leaves = node.leaves()
        if "/ActualText" in node.obj and len(leaves) == 1 and leaves[0].mcid is not None and leaves[0].page is not None:
            texts.setdefault(leaves[0].page.objgen, {})[leaves[0].mcid] = node.obj.ActualText
    return texts


def tag_structure(pdf: pikepdf.Pdf) -> Tagged:
    """The pass over ``pdf`` (changed in place); nothing is done to a PDF without a structure tree."""
    result = Tagged()
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return result
    document = _read(tree.K if not isinstance(tree.K, pikepdf.Array) else tree.K[0], None)
    before = _reached(document)
    pages = [page.obj for page in pdf.pages]
    artifact_marks = _margin_artifacts(pages)
    _take_out_artifacts(document, artifact_marks)
    notes = _take_out_notes(document)
    _prune(document)
    merger = _Merger()
    merger.join(document)
    result.merged = merger.merged
    _renumber_headers(document, merger.repeated)
    for node in merger.repeated:
        for leaf in node.leaves():
            if leaf.page is not None and leaf.mcid is not None:
                artifact_marks.setdefault(leaf.page.objgen, {})[leaf.mcid] = _properties("/Pagination")
    result.notes, left = _place_notes(document, notes)
    document.kids.extend(left)  # a note whose call is lost still reaches the reader

    _write(pdf, document, tree)
    tree.K = pikepdf.Array([document.obj])
    _parent_tree(pdf, tree, document, pages)
    after = _reached(document)
    texts = _actual_texts(document)
    for page in pages:
        marked, orphaned, made = _mark_artifacts(pdf, page, before.get(page.objgen, set()), after.get(page.objgen, set()),
                                                 artifact_marks.get(page.objgen, {}), texts.get(page.objgen, {}))
        result.marked += marked
        result.orphans_before += orphaned
        result.artifacts_made += made
    return result


_PROPERTIES: dict[tuple[str, str | None], Any] = {}


def _properties(kind: str, subtype: str | None = None) -> Any:
    """An Artifact's property list (one object for each kind, reused)."""
    found = _PROPERTIES.get((kind, subtype))
    if found is None:
        found = _PROPERTIES[(kind, subtype)] = pikepdf.Dictionary(Type=pikepdf.Name(kind))
        if subtype is not None:
            found.Subtype = pikepdf.Name(subtype)
    return found


def _margin_artifacts(pages: list[Any]) -> Marks:
    """The Artifact properties of the page margins' marked content (running heads, folios), as
    ``structure`` noted them on each page (and taken off it)."""
    out: Marks = {}
    for page in pages:
        found = page.get("/" + MARK)
        if found is None:
            continue
        del page["/" + MARK]
        for at in range(0, len(found) - 1, 2):
            subtype = str(found[at + 1])
            properties = _properties("/Pagination", None if subtype == "/Pagination" else subtype)
            out.setdefault(page.objgen, {})[int(found[at])] = properties
    return out


def _renumber_headers(document: Node, repeated: list[Node]) -> None:
    """A cell of a table's later page names its header by the repeated header's ID: it names the
    first one's instead, as the repetition leaves the tree."""
    kept = {node.key: node for node in document.nodes() if node.s == "/TH" and node.key is not None and "/ID" in node.obj}
    renamed: dict[str, Any] = {}
    for gone in repeated:
        for node in gone.nodes():
            if node.s == "/TH" and "/ID" in node.obj and node.key in kept:
                renamed[bytes(node.obj.ID).decode("latin-1")] = kept[node.key].obj.ID
    if not renamed:
        return
    for node in document.nodes():
        attributes = node.obj.get("/A")
        if node.s == "/TD" and isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
            attributes.Headers = pikepdf.Array([renamed.get(bytes(h).decode("latin-1"), h) for h in attributes.Headers])


def _parent_tree(pdf: pikepdf.Pdf, tree: Any, document: Node, pages: list[Any]) -> None:
    """The parent tree made anew: each page's marked content and each annotation to its element."""
    by_page: dict[tuple[int, int], dict[int, Any]] = {}
    annotations: dict[int, Any] = {}
    for node in document.nodes():
        for kid in node.kids:
            if isinstance(kid, Leaf) and kid.mcid is not None and kid.page is not None:
                by_page.setdefault(kid.page.objgen, {})[kid.mcid] = node.obj
            elif isinstance(kid, Leaf) and kid.objr is not None and "/StructParent" in kid.objr.Obj:
                annotations[int(kid.objr.Obj.StructParent)] = node.obj
    nums: dict[int, Any] = dict(annotations)
    for page in pages:
        if "/StructParents" not in page:
            continue
        found = by_page.get(page.objgen, {})
        size = max(found, default=-1) + 1
        nums[int(page.StructParents)] = pdf.make_indirect(pikepdf.Array([found.get(n, None) for n in range(size)]))
    flat: list[Any] = []
    for key in sorted(nums):
        flat += [key, nums[key]]
    tree.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(flat)))
    tree.ParentTreeNextKey = max(nums, default=-1) + 1


def drop_annotation_references(pdf: pikepdf.Pdf) -> int:
    """After the pages' annotations are removed (a PDF/X has no links on its pages), the structure
    tree must not lead to them: each element's OBJR kids and the parent tree's annotation entries
    (whose values are elements; a page's entry is an array) go too. Returns how many OBJR went."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return 0
    removed = 0
    stack: list[Any] = [tree]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        if isinstance(kids, pikepdf.Dictionary):
            kids = pikepdf.Array([kids])
        if not isinstance(kids, pikepdf.Array):
            continue
        kept = [kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR)]
        if len(kept) != len(kids):
            removed += len(kids) - len(kept)
            if kept:
                element.K = pikepdf.Array(kept)
            else:
                del element.K
        stack += [kid for kid in kept if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != pikepdf.Name.MCR]
    if "/ParentTree" in tree:
        _drop_element_entries(tree.ParentTree)
    return removed


def _drop_element_entries(node: Any) -> None:
    """A number tree's entries whose value is a structure element (an annotation's), kept: the pages'."""
    if "/Nums" in node:
        nums = list(node.Nums)
        kept: list[Any] = []
        for key, value in zip(nums[0::2], nums[1::2], strict=True):
            if isinstance(value, pikepdf.Array):
                kept += [key, value]
        node.Nums = pikepdf.Array(kept)
    for kid in node.get("/Kids", []):
        _drop_element_entries(kid)
