"""The book fonts, from pinned pip packages (never the system's): Literata for text and headings,
Frank Ruhl Libre for Hebrew and Amiri for Arabic, which Literata does not cover.

``font_faces(url_for)`` writes the @font-face rules; ``url_for`` maps a font file to the URL the
output uses (a file URI for print, a relative path for the HTML edition).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import fontpkg_amiri
import fontpkg_frank_ruhl_libre
import fontpkg_literata


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path
    style: str
    weight: str

    @property
    def file_name(self) -> str:
        """A URL-safe name for the copied file (the packaged names hold brackets and commas)."""
        weight = "" if " " in self.weight else f"-{self.weight}"
        return f"{self.family.lower().replace(' ', '-')}-{self.style}{weight}.ttf"


def book_fonts() -> tuple[FontFace, ...]:
    files = Path(fontpkg_literata.ROOT) / "files"
    hebrew = Path(fontpkg_frank_ruhl_libre.ROOT) / "files"
    arabic = Path(fontpkg_amiri.ROOT) / "files"
    return (
        FontFace("Literata", files / "Literata[opsz,wght].ttf", "normal", "200 900"),
        FontFace("Literata", files / "Literata-Italic[opsz,wght].ttf", "italic", "200 900"),
        FontFace("Frank Ruhl Libre", hebrew / "FrankRuhlLibre[wght].ttf", "normal", "300 900"),
        FontFace("Amiri", arabic / "Amiri-Regular.ttf", "normal", "400"),
        FontFace("Amiri", arabic / "Amiri-Bold.ttf", "normal", "700"),
        FontFace("Amiri", arabic / "Amiri-Italic.ttf", "italic", "400"),
        FontFace("Amiri", arabic / "Amiri-BoldItalic.ttf", "italic", "700"),
    )


def font_faces(url_for: Callable[[FontFace], str]) -> str:
    rules = []
    for face in book_fonts():
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f'  src: url("{url_for(face)}") format("truetype");\n'
            f"  font-style: {face.style};\n"
            f"  font-weight: {face.weight};\n"
            "}"
        )
    return "\n".join(rules) + "\n"
