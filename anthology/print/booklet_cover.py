"""The booklet's cover, four A5 pages: the front (title, subtitle, editors, the cover image when the
book names one), the inside front and inside back (blank, or the images ``[booklet] inside_front``
and ``inside_back`` name), and the back (description, publisher, the print ISBN's barcode).

Set in black on white: a stapled booklet is printed on an office or copy-shop printer without bleed.
"""

from __future__ import annotations

import html

from ..errors import ConfigError, Diagnostic
from ..layout.cover import _credit
from ..project.booklet_settings import BookletSettings
from ..project.model import Book
from .barcode import ean13_svg, print_isbn
from .engine import render_sheet, write
from .prepress import prepare
from .profiles import booklet_settings

CSS = """
@page { size: 148mm 210mm; margin: 22mm 18mm; }
html { font-family: "Literata", "Frank Ruhl Libre", "Amiri", serif; color: black; }
body { margin: 0; }
section { page-break-after: always; height: 166mm; position: relative; }
section:last-child { page-break-after: auto; }
.front h1 { font-size: 28pt; line-height: 1.12; font-weight: 620; margin: 14mm 0 6mm; }
.front .subtitle { font-size: 14pt; font-style: italic; line-height: 1.3; margin: 0 0 8mm; }
.front .image { display: block; max-width: 100%; max-height: 80mm; margin: 4mm 0 0; }
.front .credit { position: absolute; bottom: 0; left: 0; right: 0; font-size: 12pt; border-top: 0.8pt solid black;
  padding-top: 3mm; margin: 0; }
.inside img { display: block; max-width: 100%; max-height: 166mm; margin: 0 auto; }
.back .description p { font-size: 10.5pt; line-height: 1.45; margin: 0 0 0.8em; }
.back .publisher { position: absolute; bottom: 0; left: 0; margin: 0; font-size: 9pt; letter-spacing: 0.05em; text-transform: uppercase; }
.back .barcode { position: absolute; bottom: 0; right: 0; width: 38.61mm; }
.back .barcode p { margin: 0; font-size: 7.5pt; text-align: center; }
.back .barcode svg { display: block; width: 38.61mm; height: 29.938mm; }
"""


def _image(book: Book, name: str | None, key: str, css_class: str) -> str:
    if not name:
        return ""
    path = (book.config.project_dir / name).resolve()
    if not path.is_file():
        raise ConfigError(Diagnostic(book.config.path, f"image '{name}' not found", key=key, hint="give a path relative to anthology.toml"))
    return f'<img class="{css_class}" src="{html.escape(path.relative_to(book.config.project_dir.resolve()).as_posix())}" alt=""/>'


def cover_html(book: Book, options: BookletSettings) -> str:
    esc = html.escape
    settings = book.config.book
    credit = _credit(book) or ""
    front = (
        f'<section class="front"><h1>{esc(book.title)}</h1>'
        + (f'<p class="subtitle">{esc(settings.subtitle)}</p>' if settings.subtitle else "")
        + _image(book, settings.cover, "book.cover", "image")
        + (f'<p class="credit">{esc(credit)}</p>' if credit else "")
        + "</section>"
    )
    inside_front = f'<section class="inside">{_image(book, options.inside_front, "booklet.inside_front", "")}</section>'
    inside_back = f'<section class="inside">{_image(book, options.inside_back, "booklet.inside_back", "")}</section>'
    paragraphs = "".join(f"<p>{esc(p.strip())}</p>" for p in (settings.description or "").split("\n\n") if p.strip())
    isbn = print_isbn(settings.isbn)
    back = (
        f'<section class="back"><div class="description">{paragraphs}</div>'
        + (f'<p class="publisher">{esc(settings.publisher)}</p>' if settings.publisher else "")
        + (f'<div class="barcode"><p>ISBN {esc(isbn)}</p>{ean13_svg(isbn)}</div>' if isbn else "")
        + "</section>"
    )
    return (
        f'<!DOCTYPE html><html lang="{esc(settings.language)}"><head><meta charset="utf-8"/><title>{esc(book.title)}: cover</title></head>'
        f"<body>{front}{inside_front}{inside_back}{back}</body></html>"
    )


def booklet_cover(book: Book, options: BookletSettings) -> bytes:
    """The cover's four A5 pages as a PDF, text in gray (black ink only)."""
    document, _ = render_sheet(book, cover_html(book, options), CSS)
    settings = booklet_settings()
    if len(document.pages) != 4:
        raise ConfigError(Diagnostic(book.config.path, f"the booklet's cover runs to {len(document.pages)} pages, not 4",
                                     key="book.description", hint="shorten the description"))
    return prepare(write(book, document, settings), settings, bound=False, project_dir=book.config.project_dir).data
