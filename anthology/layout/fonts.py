"""The book fonts, from pinned pip packages (never the system's): Literata for text and headings,
Frank Ruhl Libre for Hebrew and Amiri for Arabic, which Literata does not cover, and Source Code
Pro for code; then the book's fallback fonts (``[book] fallback_fonts``), as the family
``FALLBACK_FAMILY`` that base.css names after the book fonts.

``font_faces(url_for, fallbacks)`` writes the @font-face rules; ``url_for`` maps a font file to the
URL the output uses (a file URI for print, a relative path for the HTML edition and the EPUB). A
fallback face is limited (unicode-range) to the characters it adds to the fonts before it, so a
reading system that has the book fonts, or its own, uses the fallback for those characters only.
``covered`` is every character the book fonts and the fallbacks have, for ``check``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import fontpkg_amiri
import fontpkg_frank_ruhl_libre
import fontpkg_literata
import fontpkg_source_code_pro

from ..project.fonts import FallbackFont, characters

FALLBACK_FAMILY = "Anthology Fallback"


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path
    style: str
    weight: str
    unicode_range: str = ""  # a fallback's: the characters it adds to the fonts before it
    number: int = 0  # a fallback's: which face of the fallbacks (from 1)

    @property
    def file_name(self) -> str:
        """A URL-safe name for the copied file (the packaged names hold brackets and commas)."""
        weight = "" if " " in self.weight else f"-{self.weight}"
        number = f"-{self.number}" if self.number else ""
        suffix = ".otf" if self.path.suffix.lower() == ".otf" else ".ttf"
        return f"{self.family.lower().replace(' ', '-')}{number}-{self.style}{weight}{suffix}"


def book_fonts() -> tuple[FontFace, ...]:
    files = Path(fontpkg_literata.ROOT) / "files"
    hebrew = Path(fontpkg_frank_ruhl_libre.ROOT) / "files"
    arabic = Path(fontpkg_amiri.ROOT) / "files"
    code = Path(fontpkg_source_code_pro.ROOT) / "files"
    return (
        FontFace("Literata", files / "Literata[opsz,wght].ttf", "normal", "200 900"),
        FontFace("Literata", files / "Literata-Italic[opsz,wght].ttf", "italic", "200 900"),
        FontFace("Frank Ruhl Libre", hebrew / "FrankRuhlLibre[wght].ttf", "normal", "300 900"),
        FontFace("Amiri", arabic / "Amiri-Regular.ttf", "normal", "400"),
        FontFace("Amiri", arabic / "Amiri-Bold.ttf", "normal", "700"),
        FontFace("Amiri", arabic / "Amiri-Italic.ttf", "italic", "400"),
        FontFace("Amiri", arabic / "Amiri-BoldItalic.ttf", "italic", "700"),
        FontFace("Source Code Pro", code / "SourceCodePro[wght].ttf", "normal", "200 900"),
        FontFace("Source Code Pro", code / "SourceCodePro-Italic[wght].ttf", "italic", "200 900"),
    )


def book_characters() -> frozenset[int]:
    """Every character some book font has."""
    found: frozenset[int] = frozenset()
    for face in book_fonts():
        found |= characters(face.path)
    return found


def covered(fallbacks: Sequence[FallbackFont] = ()) -> frozenset[int]:
    """Every character the book fonts or the fallbacks have."""
    found = book_characters()
    for face in fallbacks:
        found |= characters(face.path)
    return found


def _ranges(points: Iterable[int]) -> str:
    """Code points as a CSS unicode-range: U+2605, U+4E00-9FFF, …"""
    ordered = sorted(points)
    spans: list[tuple[int, int]] = []
    for point in ordered:
        if spans and point == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], point)
        else:
            spans.append((point, point))
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)


def fallback_faces(fallbacks: Sequence[FallbackFont]) -> tuple[FontFace, ...]:
    """The fallbacks as faces of FALLBACK_FAMILY, each limited to what it adds to the fonts before it
    (a face that adds nothing is left out)."""
    before = book_characters()
    faces = []
    entries: dict[int, frozenset[int]] = {}
    for font in fallbacks:
        entries[font.entry] = entries.get(font.entry, frozenset()) | characters(font.path)
    earlier: dict[int, frozenset[int]] = {}
    for number, font in enumerate(fallbacks, start=1):
        if font.entry not in earlier:
            earlier[font.entry] = before
            before = before | entries[font.entry]
        adds = characters(font.path) - earlier[font.entry]
        if adds:
            faces.append(FontFace(FALLBACK_FAMILY, font.path, font.style, font.weight, _ranges(adds), number))
    return tuple(faces)


def font_faces(url_for: Callable[[FontFace], str], fallbacks: Sequence[FallbackFont] = (), book: bool = True) -> str:
    """The @font-face rules of the book fonts (unless ``book`` is False: the EPUB leaves them to the
    reading system) and of the fallbacks."""
    rules = []
    for face in (book_fonts() if book else ()) + fallback_faces(fallbacks):
        kind = "opentype" if face.path.suffix.lower() == ".otf" else "truetype"
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f'  src: url("{url_for(face)}") format("{kind}");\n'
            f"  font-style: {face.style};\n"
            f"  font-weight: {face.weight};\n"
            + (f"  unicode-range: {face.unicode_range};\n" if face.unicode_range else "")
            + "}"
        )
    return "\n".join(rules) + "\n" if rules else ""
