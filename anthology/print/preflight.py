"""Image preflight: each image's resolution at the size it is printed, read from the print PDF.

WeasyPrint names an image's XObject after the MD5 of the URL it fetched (``i`` + hex digest + the
interpolation flag), and the edition fetches each image by its asset name under the project's URL,
so the PDF's images map back to the chapter files and lines that placed them. The placed size is
the current transformation where the image is drawn (pages and form XObjects followed); the
smallest effective resolution of an image over its placements is the one reported.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from ..errors import Diagnostic
from ..markup.render import ChapterMarkup
from .patches import image_id

MIN_PPI = 300.0
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


@dataclass(frozen=True)
class Placement:
    pixels: tuple[int, int]
    size_pt: tuple[float, float]  # the placed width and height where its resolution is lowest

    @property
    def ppi(self) -> float:
        width, height = self.size_pt
        return min(self.pixels[0] / (width / 72) if width else math.inf, self.pixels[1] / (height / 72) if height else math.inf)

    def pixels_needed(self, ppi: float = MIN_PPI) -> tuple[int, int]:
        return math.ceil(self.size_pt[0] / 72 * ppi), math.ceil(self.size_pt[1] / 72 * ppi)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _walk(owner: Any, resources: Any, ctm: Matrix, found: dict[str, Placement], depth: int = 0) -> None:
    xobjects = (resources or {}).get("/XObject") or {}
    stack: list[Matrix] = []
    for instruction in pikepdf.parse_content_stream(owner):
        operands, operator = instruction.operands, instruction.operator
        name = str(operator)
        if name == "q":
            stack.append(ctm)
        elif name == "Q" and stack:
            ctm = stack.pop()
        elif name == "cm" and len(operands) == 6:
            ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif name == "Do" and operands:
            key = str(operands[0])
            item = xobjects.get(key)
            if item is None:
                continue
            if item.get("/Subtype") == "/Image":
                width, height = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
                placement = Placement((int(item.Width), int(item.Height)), (width, height))
                known = found.get(key[1:])
                if known is None or placement.ppi < known.ppi:
                    found[key[1:]] = placement
            elif item.get("/Subtype") == "/Form" and depth < 8:
                matrix = tuple(float(v) for v in item.get("/Matrix", IDENTITY))
                _walk(item, item.get("/Resources"), _multiply(matrix, ctm), found, depth + 1)  # type: ignore[arg-type]


def placements(pdf: bytes) -> dict[str, Placement]:
    """Each image XObject's name (without '/') and its lowest-resolution placement in ``pdf``."""
    found: dict[str, Placement] = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            _walk(page, page.obj.get("/Resources"), IDENTITY, found)
    return found


def xobject_stem(base_url: str, asset_name: str) -> str:
    """The name the PDF gives the image of ``asset_name`` (a path in the book's folder ``base_url``),
    without its interpolation flag: 'i' and its id, as ``patches.image_names`` sets it."""
    return "i" + (image_id(base_url + asset_name, base_url) or "")


def _line_of(path: Path, reference: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for wanted in (f"({reference}", reference):
        for number, line in enumerate(lines, start=1):
            if wanted in line:
                return number
    return None


def image_warnings(pdf: bytes, markups: list[ChapterMarkup], project_dir: Path, edition: str = "print edition") -> list[Diagnostic]:
    """A warning, with the chapter file and line, for each image printed below 300 ppi."""
    base_url = project_dir.resolve().as_uri() + "/"
    placed = placements(pdf)
    by_stem: dict[str, Placement] = {}
    for name, placement in placed.items():
        stem = name[:-1]  # the interpolation flag
        if stem not in by_stem or placement.ppi < by_stem[stem].ppi:
            by_stem[stem] = placement
    warnings: list[Diagnostic] = []
    seen: set[str] = set()
    for markup in markups:
        for asset in markup.assets:
            found = by_stem.get(xobject_stem(base_url, asset.name))
            if found is None or found.ppi >= MIN_PPI - 0.5:
                continue
            read = next((r for r in markup.reads if r.path == asset.source), None)
            reference = read.reference if read else asset.source.name
            key = f"{markup.chapter.source}:{reference}"
            if key in seen:
                continue
            seen.add(key)
            width_mm, height_mm = (v / 72 * 25.4 for v in found.size_pt)
            need = found.pixels_needed()
            warnings.append(Diagnostic(
                markup.chapter.source,
                f"image '{reference}' prints at {found.ppi:.0f} ppi in the {edition} "
                f"({found.pixels[0]}x{found.pixels[1]} pixels over {width_mm:.0f} x {height_mm:.0f} mm)",
                line=_line_of(markup.chapter.source, reference), level="warning",
                hint=f"use an image of at least {need[0]}x{need[1]} pixels for 300 ppi, or print it smaller",
            ))
    return warnings
