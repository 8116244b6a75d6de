"""A PDF's structure tree walked as a screen reader walks it (pikepdf), and its pages' marked content,
for the structure tree tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf


@dataclass
class Element:
    obj: Any
    path: tuple[str, ...]  # the types of its ancestors, from Document down
    parent: Element | None
    kids: list[Element] = field(default_factory=list)
    mcids: list[tuple[tuple[int, int], int]] = field(default_factory=list)  # (page, MCID)
    objrs: list[Any] = field(default_factory=list)
    order: list[Element | tuple[tuple[int, int], int] | None] = field(default_factory=list)  # its children as /K has them (None: an annotation)

    @property
    def s(self) -> str:
        return str(self.obj.get("/S", ""))

    def walk(self) -> Iterator[Element]:
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def ancestors(self) -> Iterator[Element]:
        at = self.parent
        while at is not None:
            yield at
            at = at.parent

    def lang(self) -> str | None:
        """The language the element is read in: its own /Lang or its nearest ancestor's."""
        for each in (self, *self.ancestors()):
            if "/Lang" in each.obj:
                return str(each.obj.Lang)
        return None


def _read(obj: Any, parent: Element | None, page: Any) -> Element:
    element = Element(obj, (*parent.path, parent.s) if parent else (), parent)
    page = obj.get("/Pg", page)
    kids = obj.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
        if isinstance(kid, int):
            element.mcids.append((page.objgen, int(kid)))
            element.order.append(element.mcids[-1])
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            element.mcids.append((kid.get("/Pg", page).objgen, int(kid.MCID)))
            element.order.append(element.mcids[-1])
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            element.objrs.append(kid)
            element.order.append(None)
        elif isinstance(kid, pikepdf.Dictionary):
            element.kids.append(_read(kid, element, page))
            element.order.append(element.kids[-1])
    return element


def marks_in_order(element: Element) -> list[tuple[tuple[int, int], int]]:
    """The marked content under ``element``, in the tree's reading order."""
    out = []
    for item in element.order:
        if isinstance(item, Element):
            out += marks_in_order(item)
        elif item is not None:
            out.append(item)
    return out


def texts(root: Element, struct_text: str) -> dict[tuple[tuple[int, int], int], str]:
    """Each marked content's text, from ``pdfinfo -struct-text`` (which prints one quoted line for
    each, in the tree's order)."""
    marks = marks_in_order(root)
    lines = quoted(struct_text)
    assert len(marks) == len(lines), (len(marks), len(lines))
    return dict(zip(marks, lines, strict=True))


def text_of(element: Element, known: dict[tuple[tuple[int, int], int], str]) -> str:
    return "".join(known[mark] for mark in marks_in_order(element))


def document(pdf: pikepdf.Pdf) -> Element:
    tree = pdf.Root.StructTreeRoot
    top = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
    return _read(top, None, None)


@dataclass
class Marked:
    """A page's marked-content sequences: those with an MCID, and the Artifacts with their properties."""

    mcids: list[int]
    artifacts: list[dict[str, str]]
    unmarked: int  # text, paths and images painted outside any marked content
    nested: int  # an Artifact inside tagged content, or tagged content inside an Artifact


PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI"}


def marked_content(page: Any) -> Marked:
    mcids, artifacts, stack, unmarked, nested = [], [], [], 0, 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" else None
            if stack and (tag == "/Artifact") != (stack[-1] == "/Artifact"):
                nested += 1
            if tag == "/Artifact":
                artifacts.append({str(k): str(v) for k, v in props.items()} if isinstance(props, pikepdf.Dictionary) else {})
            elif isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                mcids.append(int(props.MCID))
            stack.append(tag)
        elif op == "EMC":
            stack.pop()
        elif op in PAINTING and not stack:
            unmarked += 1
    return Marked(mcids, artifacts, unmarked, nested)


def orphans(pdf: pikepdf.Pdf, root: Element) -> int:
    """Marked content with an MCID in the pages that the tree does not reach."""
    reached = {mark for element in root.walk() for mark in element.mcids}
    return sum(1 for page in pdf.pages for mcid in marked_content(page.obj).mcids if (page.obj.objgen, mcid) not in reached)


def struct_text(path: Path) -> str:
    return subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout


def sections(text: str) -> list[str]:
    """``pdfinfo -struct-text`` cut into the Document's children (each its lines, indented)."""
    out: list[str] = []
    for line in text.splitlines()[1:]:
        if line.startswith("  ") and not line.startswith("   "):
            out.append(line)
        elif out:
            out[-1] += "\n" + line
    return out


def quoted(text: str) -> list[str]:
    """The text lines of a ``pdfinfo -struct-text`` piece, in order."""
    return [line.strip()[1:-1] for line in text.splitlines() if line.strip().startswith('"')]
