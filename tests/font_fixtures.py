"""A small TrueType font the tests draw themselves: a few symbols the book fonts lack, as simple shapes."""

from __future__ import annotations

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

FAMILY = "Anthology Test Symbols"
SYMBOLS = "★中文"  # what the font has, besides the space


def _box(width: int, inset: int) -> object:
    pen = TTGlyphPen(None)
    pen.moveTo((inset, 0))
    pen.lineTo((inset, 700))
    pen.lineTo((width - inset, 700))
    pen.lineTo((width - inset, 0))
    pen.closePath()
    return pen.glyph()


def _star() -> object:
    pen = TTGlyphPen(None)
    first, *rest = ((500, 750), (620, 450), (950, 450), (680, 260), (780, -40), (500, 150), (220, -40), (320, 260), (50, 450), (380, 450))
    pen.moveTo(first)
    for point in rest:
        pen.lineTo(point)
    pen.closePath()
    return pen.glyph()


def symbol_font(path: Path, characters: str = SYMBOLS, family: str = FAMILY) -> Path:
    """Write a TrueType font at ``path`` mapping ``characters`` (and the space) to drawn glyphs."""
    names = [".notdef", "space"] + [f"uni{ord(c):04X}" for c in characters]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in characters}})
    glyphs = {".notdef": _box(600, 50), "space": TTGlyphPen(None).glyph()}
    for c in characters:
        glyphs[f"uni{ord(c):04X}"] = _star() if c == "★" else _box(1000, 80)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (1000 if name.startswith("uni") else 600, 0) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(path))
    return path
