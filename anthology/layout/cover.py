"""The book's cover: the image ``cover`` names in anthology.toml, or a typographic cover made here.

The made cover is 1600x2560 pixels (the ratio retailers ask for), set in the packaged Literata:
the title, the subtitle, and the editors (or, for a book without editors and few authors, the
authors). Its colour follows from the title, so the same book always gets the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError, features

from .. import __version__
from ..cache import Cache, digest, file_digest
from ..errors import ConfigError, Diagnostic
from ..markup.images import MAX_PIXELS
from ..project.labels import join
from ..project.model import Book
from ..project.safety import MAX_IMAGE_BYTES, Refusal, read_contained, refusal_hint
from .fonts import book_fonts

WIDTH, HEIGHT = 1600, 2560
KIND = "cover"  # made covers kept in the build cache
MARGIN = 170
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
# Background and ink pairs, each with a contrast well above WCAG's 4.5:1.
PALETTES = (
    ("#1f3347", "#f6efe1", "#d9a441"),
    ("#2e2a3f", "#f3ede2", "#c98f6b"),
    ("#20402f", "#f4f0e4", "#c9b26b"),
    ("#4a2323", "#f7efe4", "#d8a05a"),
    ("#f4efe4", "#1d2733", "#9c3d2f"),
)


@dataclass(frozen=True)
class Cover:
    data: bytes
    media_type: str
    file_name: str  # inside the EPUB, e.g. 'images/cover.png'
    alt: str
    generated: bool


def cover_text(book: Book) -> str:
    """What the cover says, as one sentence for its text alternative."""
    settings = book.config.book
    parts = [book.title]
    if settings.subtitle:
        parts.append(settings.subtitle)
    credit = _credit(book)
    if credit:
        parts.append(credit)
    return ". ".join(p.rstrip(".") for p in parts) + "."


def _credit(book: Book, keep_names_whole: bool = False) -> str | None:
    def whole(name: str) -> str:
        return name.replace(" ", "\u00a0") if keep_names_whole else name

    if book.editors:
        return book.config.labels.text("edited_by", names=join([whole(e.name) for e in book.editors], book.language))
    authors = [whole(a.name) for a in book.contributors]
    if 0 < len(authors) <= 4:
        return join(authors, book.language)
    return None


def load_cover(book: Book, cache: Cache | None = None) -> Cover:
    """The book's cover: the image anthology.toml names, else a typographic one (see ``made_cover``)."""
    named = named_cover(book)
    if named is not None:
        return named
    return Cover(made_cover(book, cache or Cache(None)), "image/png", "images/cover.png", "Cover: " + cover_text(book), True)


def made_cover(book: Book, cache: Cache) -> bytes:
    """``typographic_cover``, taken from ``cache`` when it holds one made from the same words, fonts,
    Pillow and FreeType, and code; stored there otherwise."""
    if cache.root is None:
        return typographic_cover(book)
    fonts = book_fonts()[:2]  # the upright and italic Literata the cover is set in
    key = digest([
        __version__, PIL.__version__, str(features.version("freetype2")), Path(__file__).read_bytes(),
        *(file_digest(face.path) for face in fonts), book.title, book.config.book.subtitle or "", _credit(book, keep_names_whole=True) or "",
    ])
    data = cache.read(KIND, key, "cover.png")
    if data is None:
        data = typographic_cover(book)
        cache.write(KIND, key, {"cover.png": data})
    return data


def named_cover(book: Book) -> Cover | None:
    """The image ``cover`` names, or None; a ConfigError naming the key when the image is unusable."""
    name = book.config.book.cover
    if name is None:
        return None
    where: dict[str, Any] = dict(path=book.config.path, key="book.cover")
    data = read_contained(book.config.project_dir / name, book.config.project_dir, MAX_IMAGE_BYTES)
    if isinstance(data, Refusal):
        if data.kind == "missing" and "not found" in data.reason:
            raise ConfigError(Diagnostic(message=f"cover image '{name}' not found", hint="give a path relative to anthology.toml, or remove 'cover' to get a typographic cover", **where))
        raise ConfigError(Diagnostic(message=f"cover image '{name}' {data.reason}", hint=refusal_hint(data), **where))
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            size = image.size
    except Image.DecompressionBombError:
        raise ConfigError(Diagnostic(message=f"cover image '{name}' declares more pixels than Pillow will open ({(Image.MAX_IMAGE_PIXELS or 0) * 2:,} at most)",
                                     hint="save the cover at 1600x2560 pixels", **where)) from None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError):
        kind, size = "", (0, 0)
    if kind not in FORMATS:
        raise ConfigError(Diagnostic(message=f"cover image '{name}' is not a JPEG or PNG file", hint="save the cover as .jpg or .png", **where))
    if min(size) < 500:
        raise ConfigError(Diagnostic(message=f"cover image '{name}' is only {size[0]}x{size[1]} pixels", hint="use at least 1600x2560 pixels, as retailers ask", **where))
    if size[0] * size[1] > MAX_PIXELS:
        raise ConfigError(Diagnostic(message=f"cover image '{name}' is {size[0]}x{size[1]} pixels; the limit is {MAX_PIXELS / 1e6:.0f} megapixels",
                                     hint="save the cover at 1600x2560 pixels", **where))
    media_type, suffix = FORMATS[kind]
    return Cover(data, media_type, f"images/cover{suffix}", "Cover: " + cover_text(book), False)


def _font(size: int, weight: int, italic: bool = False) -> ImageFont.FreeTypeFont:
    face = book_fonts()[1 if italic else 0]
    font = ImageFont.truetype(str(face.path), size)
    font.set_variation_by_axes([min(72, size / 4), weight])
    return font


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _fit(text: str, largest: int, smallest: int, weight: int, width: int, max_lines: int, italic: bool = False) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    size = largest
    while True:
        font = _font(size, weight, italic)
        lines = _wrap(text, font, width)
        if size <= smallest or (len(lines) <= max_lines and all(font.getlength(line) <= width for line in lines)):
            return font, lines
        size -= 6


def _palette(title: str) -> tuple[str, str, str]:
    index = int(hashlib.sha256(title.encode("utf-8")).hexdigest(), 16) % len(PALETTES)
    return PALETTES[index]


def typographic_cover(book: Book) -> bytes:
    """A PNG cover: title, subtitle and credit in Literata on a plain ground, the same bytes every time."""
    background, ink, accent = _palette(book.title)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    draw.rectangle([MARGIN, 420, MARGIN + 220, 434], fill=accent)
    y = 520
    title_font, title_lines = _fit(book.title, 190, 80, 620, width, 6)
    step = int(title_font.size * 1.12)
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=ink)
        y += step
    subtitle = book.config.book.subtitle
    if subtitle:
        y += 60
        sub_font, sub_lines = _fit(subtitle, 84, 48, 400, width, 5, italic=True)
        for line in sub_lines:
            draw.text((MARGIN, y), line, font=sub_font, fill=ink)
            y += int(sub_font.size * 1.25)
    credit = _credit(book, keep_names_whole=True)
    if credit:
        credit_font, credit_lines = _fit(credit, 72, 40, 500, width, 4)
        step = int(credit_font.size * 1.3)
        y = HEIGHT - 300 - step * (len(credit_lines) - 1)
        draw.rectangle([MARGIN, y - 90, WIDTH - MARGIN, y - 86], fill=accent)
        for line in credit_lines:
            draw.text((MARGIN, y), line, font=credit_font, fill=ink)
            y += step
    out = io.BytesIO()
    image.save(out, format="PNG")  # zlib level 6: 2% larger than optimize=True, in under half the time
    return out.getvalue()
