"""The book fonts, from pinned pip packages (never the system's): Literata for text and headings.

``font_faces(url_for)`` writes the @font-face rules; ``url_for`` maps a font file to the URL the
output uses (a file URI for print, a relative path for the HTML edition).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
        return f"{self.family.lower().replace(' ', '-')}-{self.style}.ttf"


def book_fonts() -> tuple[FontFace, ...]:
    files = Path(fontpkg_literata.ROOT) / "files"
    return (
        FontFace("Literata", files / "Literata[opsz,wght].ttf", "normal", "200 900"),
        FontFace("Literata", files / "Literata-Italic[opsz,wght].ttf", "italic", "200 900"),
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
