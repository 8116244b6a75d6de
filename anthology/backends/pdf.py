"""PDF backend (WeasyPrint): the print edition, laid out from the single combined XHTML document.

Steps: ``stylesheets`` (fonts from the pinned font package, the print sheets), ``render`` (layout
with a fetcher that reads only the book's own files), ``write`` (tagged PDF, reproducible bytes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from ..errors import BuildError, Diagnostic
from ..fonts import FontFace, book_fonts, font_faces
from ..layout import Edition, lay_out
from ..markup import ChapterMarkup
from ..model import Book
from .artifacts import Artifact
from .fetcher import LocalFetcher

DEFAULT_VARIANT = "pdf/ua-1"
PACKAGE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PrintResult:
    artifact: Artifact
    document: weasyprint.Document
    refused: tuple[str, ...]


def font_url(face: FontFace) -> str:
    return "file://" + quote(str(face.path.resolve()))


def print_edition(book: Book, markups: list[ChapterMarkup]) -> Edition:
    return lay_out(book, markups, "pdf", fonts_css=font_faces(font_url))


def render(edition: Edition) -> tuple[weasyprint.Document, LocalFetcher, FontConfiguration]:
    book = edition.book
    project = book.config.project_dir.resolve()
    assets = list(edition.assets)
    roots = [project, PACKAGE_DIR] + sorted({f.path.parent.resolve() for f in book_fonts()})
    fetcher = LocalFetcher(roots, assets)
    font_config = FontConfiguration()
    css = [weasyprint.CSS(string=s.css, base_url=project.as_uri() + "/", url_fetcher=fetcher, font_config=font_config)
           for s in edition.stylesheets]
    html = weasyprint.HTML(string=_without_links(edition.whole()), base_url=project.as_uri() + "/", url_fetcher=fetcher)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = html.render(stylesheets=css, font_config=font_config, pdf_tags=True)
    return document, fetcher, font_config


def _without_links(text: str) -> str:
    """The combined document carries its stylesheets through the CSS objects, not <link> elements."""
    return "\n".join(line for line in text.split("\n") if not line.startswith('<link rel="stylesheet"'))


def write(book: Book, document: weasyprint.Document, font_config: FontConfiguration, variant: str) -> bytes:
    identifier = book.config.book.identifier.encode("utf-8")
    try:
        data = document.write_pdf(
            pdf_variant=variant or None,
            pdf_identifier=identifier,
            pdf_tags=True,
            font_config=font_config,
        )
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one clear message
        raise BuildError(Diagnostic(None, f"the PDF could not be written: {exc}", hint="try another --pdf-variant")) from exc
    return data


def make_pdf(book: Book, markups: list[ChapterMarkup], variant: str = DEFAULT_VARIANT) -> PrintResult:
    edition = print_edition(book, markups)
    document, fetcher, font_config = render(edition)
    data = write(book, document, font_config, variant)
    pages = len(document.pages)
    artifact = Artifact(f"{book.slug}.pdf", data=data, summary=f"{pages} pages")
    return PrintResult(artifact, document, tuple(fetcher.refused))
