"""The fallback fonts of ``[book] fallback_fonts``: for characters the book fonts lack (★, 中文, …).

Each entry is a font file in the book's folder (``fonts/NotoSansSymbols2-Regular.ttf``, read under
the containment rules of ``safety``) or the name of a font family installed from a pip font package
(``"Noto Sans"`` from ``fontpkg-noto-sans``). Each is read once, with the settings: a missing file,
a file that is not a TrueType or OpenType font, or a family that is not installed is a settings
error naming the entry. ``FallbackFont`` is one face: its file, style and weight (a range for a
variable font), and which entry it came from.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from .safety import Refusal, read_contained, refusal_hint

FONT_SUFFIXES = (".ttf", ".otf")
MAX_FONT_BYTES = 60_000_000  # a whole CJK font is about 20 MB
PACKAGE_HINT = "install its font package into anthology's environment (pip install fontpkg-{slug}), or give a .ttf or .otf file in the book's folder"


@dataclass(frozen=True)
class FallbackFont:
    """One face of a fallback font: ``weight`` is "400" or, for a variable font, "100 900"."""

    entry: int  # which entry of fallback_fonts (from 0)
    path: Path
    style: str
    weight: str


class FallbackProblem(ValueError):
    """An entry of fallback_fonts that cannot be used: the message names it, ``hint`` says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def is_file_entry(entry: str) -> bool:
    """A path (it has a folder or a font file's ending) rather than a font package's family name."""
    return "/" in entry or "\\" in entry or Path(entry).suffix.lower() in FONT_SUFFIXES + (".woff", ".woff2", ".ttc", ".otc")


def resolve(entries: tuple[str, ...], project_dir: Path) -> tuple[tuple[FallbackFont, ...], list[FallbackProblem]]:
    """The faces of every entry, in order, and the problems of those that cannot be used."""
    faces: list[FallbackFont] = []
    problems: list[FallbackProblem] = []
    for index, entry in enumerate(entries):
        try:
            faces.extend(_file_faces(index, entry, project_dir) if is_file_entry(entry) else _package_faces(index, entry))
        except FallbackProblem as problem:
            problems.append(problem)
    return tuple(faces), problems


def _file_faces(index: int, entry: str, project_dir: Path) -> list[FallbackFont]:
    path = project_dir / entry
    if path.suffix.lower() not in FONT_SUFFIXES:
        raise FallbackProblem(f"fallback font '{entry}' is not a .ttf or .otf file", "convert it to TrueType (.ttf) or OpenType (.otf), e.g. with fontTools")
    data = read_contained(path, project_dir, MAX_FONT_BYTES)
    if isinstance(data, Refusal):
        raise FallbackProblem(f"fallback font '{entry}' {data.reason}", refusal_hint(data))
    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        style, weight = _style_weight(font)
        if not font["cmap"].getBestCmap():
            raise TTLibError("it maps no characters")
    except (TTLibError, KeyError, AssertionError, ValueError, IndexError) as exc:
        raise FallbackProblem(f"fallback font '{entry}' is not a font anthology can read ({exc})",
                              "give a TrueType (.ttf) or OpenType (.otf) font file") from None
    return [FallbackFont(index, path.resolve(), style, weight)]


def _style_weight(font: TTFont) -> tuple[str, str]:
    """'normal' or 'italic', and the weight or weight range, from the font's own tables."""
    os2 = font["OS/2"] if "OS/2" in font else None
    italic = bool(os2 and os2.fsSelection & 1) or bool(font["head"].macStyle & 2)
    if "fvar" in font:
        for axis in font["fvar"].axes:
            if axis.axisTag == "wght":
                return ("italic" if italic else "normal"), f"{int(axis.minValue)} {int(axis.maxValue)}"
    weight = os2.usWeightClass if os2 is not None and 1 <= os2.usWeightClass <= 1000 else 400
    return ("italic" if italic else "normal"), str(weight)


def _package_faces(index: int, entry: str) -> list[FallbackFont]:
    import fontpkg

    try:
        family = fontpkg.family(entry)
    except fontpkg.FamilyNotInstalled:
        slug = fontpkg.slugify(entry)
        raise FallbackProblem(f"fallback font '{entry}' is neither a font file nor an installed font package",
                              PACKAGE_HINT.format(slug=slug)) from None
    weights = family.weight_range
    faces = []
    for file in family.files:
        if file.variable and weights is not None and weights[0] != weights[1]:
            weight = f"{weights[0]} {weights[1]}"
        else:
            weight = str(file.weight or 400)
        faces.append(FallbackFont(index, Path(file.path), "italic" if file.style == "italic" else "normal", weight))
    if not faces:
        raise FallbackProblem(f"the font package '{entry}' holds no font files", PACKAGE_HINT.format(slug=family.slug))
    return faces


def characters(path: Path) -> frozenset[int]:
    """The code points a font file maps to glyphs (its best cmap), read again only when the file changes."""
    info = path.stat()
    return _characters(path, info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=64)
def _characters(path: Path, modified: int, size: int) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True)["cmap"].getBestCmap() or ())
