"""The print engine (WeasyPrint): the print edition, laid out from the single combined XHTML document.

Steps: ``print_edition`` (notes moved to their calls, the profile's page geometry between the base
and print stylesheets), ``render`` (layout with a fetcher that reads only the book's own files),
``write`` (tagged PDF, exact TrimBox and BleedBox, roman page labels for the front matter,
reproducible bytes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from .. import __version__
from ..artifacts import Artifact
from ..errors import BuildError, Diagnostic
from ..layout import Edition, Stylesheet, lay_out
from ..layout.fonts import FontFace, book_fonts, font_faces
from ..layout.stamp import build_date
from ..markup.render import ChapterMarkup
from ..project.model import Book
from . import hyphenation, patches
from .call_stack import roomy
from .fetcher import LocalFetcher
from .font_config import BookFontConfiguration
from .last_words import whole_last_words
from .metadata import set_properties
from .notes import foot_limit, notes_at_calls
from .profiles import DEFAULT_VARIANT, PrintSettings, page_css, print_settings
from .running_heads import with_running_heads
from .static_fonts import static_instances
from .structure import TAGS_VERSION, Describer

__all__ = ["DEFAULT_VARIANT", "PrintResult", "make_pdf", "print_edition", "render", "write"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class PrintResult:
    """The PDF, and the laid-out WeasyPrint document it came from (where each page starts)."""

    artifact: Artifact
    document: weasyprint.Document
    refused: tuple[str, ...]
    settings: PrintSettings
    first_body_page: int  # index of the page where the first part or chapter opens
    used: tuple[str, ...] = ()  # files the layout read


def font_url(face: FontFace) -> str:
    return "file://" + quote(str(face.path.resolve()))


def settings_for(book: Book) -> PrintSettings:
    return print_settings(book.config.print)


def print_edition(book: Book, markups: list[ChapterMarkup], settings: PrintSettings | None = None) -> Edition:
    settings = settings or settings_for(book)
    edition = lay_out(book, [notes_at_calls(whole_last_words(m), foot_limit(settings)) for m in markups], "pdf", fonts_css=font_faces(font_url, book.config.fallback_fonts))
    base, *rest = edition.stylesheets
    geometry = Stylesheet("styles/page.css", page_css(settings))
    return with_running_heads(dataclasses.replace(edition, stylesheets=(base, geometry, *rest)))


@dataclass
class RenderContext:
    """What every layout of one edition shares: the fetcher, the fonts and the parsed stylesheets."""

    base_url: str
    fetcher: LocalFetcher
    font_config: FontConfiguration
    css: list[weasyprint.CSS]

    def render(self, text: str, extra_css: str = "") -> weasyprint.Document:
        """Lay out one XHTML page of the edition, with ``extra_css`` after the edition's stylesheets."""
        html = weasyprint.HTML(string=_without_links(text), base_url=self.base_url, url_fetcher=self.fetcher)
        sheets = list(self.css)
        if extra_css:
            sheets.append(weasyprint.CSS(string=extra_css, base_url=self.base_url, url_fetcher=self.fetcher, font_config=self.font_config))
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        with patches.image_names(self.base_url), patches.notes_kept(), patches.whole_lines():
            return html.render(stylesheets=sheets, font_config=self.font_config, pdf_tags=True)


def font_roots(book: Book) -> list[Path]:
    """The folders a layout reads from: the book's, the package's and those of the fonts."""
    fonts = [f.path for f in book_fonts()] + [f.path for f in book.config.fallback_fonts]
    return [book.config.project_dir.resolve(), PACKAGE_DIR] + sorted({path.parent.resolve() for path in fonts})


def render_context(edition: Edition) -> RenderContext:
    book = edition.book
    project = book.config.project_dir.resolve()
    base_url = project.as_uri() + "/"
    fetcher = LocalFetcher(font_roots(book), list(edition.assets))
    hyphenation.register()
    font_config = BookFontConfiguration()
    css = [weasyprint.CSS(string=s.css, base_url=base_url, url_fetcher=fetcher, font_config=font_config) for s in edition.stylesheets]
    return RenderContext(base_url, fetcher, font_config, css)


def render_sheet(book: Book, html: str, css: str) -> tuple[weasyprint.Document, LocalFetcher]:
    """A page made here rather than from the edition (a cover), laid out like the edition: with the
    book's fonts, reading only the book's folder and the package's files."""
    project = book.config.project_dir.resolve()
    fetcher = LocalFetcher(font_roots(book), [])
    hyphenation.register()
    font_config = BookFontConfiguration()
    base_url = project.as_uri() + "/"
    sheet = weasyprint.CSS(string=font_faces(font_url, book.config.fallback_fonts) + css, base_url=base_url, url_fetcher=fetcher, font_config=font_config)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=[sheet], font_config=font_config)
    return document, fetcher


def render(edition: Edition, whole: str | None = None) -> tuple[weasyprint.Document, LocalFetcher, FontConfiguration]:
    """Lay out the edition as one document (``whole``: its combined XHTML, when already made)."""
    context = render_context(edition)
    document = context.render(whole if whole is not None else edition.whole())
    return document, context.fetcher, context.font_config


def _without_links(text: str) -> str:
    """The combined document carries its stylesheets through the CSS objects, not <link> elements."""
    return "\n".join(line for line in text.split("\n") if not line.startswith('<link rel="stylesheet"'))


@contextlib.contextmanager
def _source_date(date: dt.datetime) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set while the PDF is written: fontTools stamps each font subset with it."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(date.timestamp()))
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def first_body_page(document: weasyprint.Document, edition: Edition) -> int:
    """Index of the page where the body (the first part or chapter) opens: page 1 of the print numbering."""
    first = next((d.id for d in edition.documents if d.body_matter), None)
    if first is None:
        return 0
    return next((i for i, page in enumerate(document.pages) if first in page.anchors), 0)


def _finisher(settings: PrintSettings, body_start: int, rtl: bool = False) -> Any:
    """Exact TrimBox and BleedBox on every page, and page labels: i, ii, … then 1, 2, …; for a
    right-to-left book, the viewer's reading order (two-page spreads) right to left."""
    outside = settings.css_bleed_mm * PT_PER_MM
    bleed = settings.bleed_mm * PT_PER_MM

    def finish(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page":
                left, top, right, bottom = (float(v) for v in obj["MediaBox"])
                trim = [left + outside, top + outside, right - outside, bottom - outside]
                obj["TrimBox"] = pydyf.Array([round(v, 3) for v in trim])
                obj["BleedBox"] = pydyf.Array(
                    [round(v, 3) for v in (trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed)]
                )
        nums = pydyf.Array()
        if body_start > 0:
            nums.extend([0, pydyf.Dictionary({"S": "/r"})])
        nums.extend([body_start, pydyf.Dictionary({"S": "/D"})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})
        if rtl:
            preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
            preferences["Direction"] = "/R2L"
            pdf.catalog["ViewerPreferences"] = preferences

    return finish


# The date a chunk of the print edition is written with when the joined PDF takes its dates from
# another chunk (the front matter's): so that a book dated by its newest file's time does not lay out
# every chunk again whenever a chapter is saved.
UNDATED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def write(book: Book, document: weasyprint.Document, settings: PrintSettings, body_start: int = 0, dated: bool = True) -> bytes:
    """The PDF of ``document``; ``dated`` False: written with ``UNDATED`` instead of the book's date."""
    when = build_date(book) if dated else UNDATED
    date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = date
    document.metadata.modified = date
    set_properties(document.metadata, book)
    identifier = book.config.book.identifier.encode("utf-8")
    try:
        with _source_date(when), static_instances(), patches.flate_level(), patches.structure_notes(Describer()):
            data = document.write_pdf(
                pdf_variant=settings.pdf_variant or None,
                pdf_identifier=identifier,
                pdf_tags=True,
                finisher=_finisher(settings, body_start, rtl=book.direction == "rtl"),
            )
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one clear message
        raise BuildError(
            Diagnostic(None, f"the PDF could not be written as {settings.pdf_variant}: {exc}", key="--pdf-variant",
                       hint="try another --pdf-variant, such as pdf/ua-1")
        ) from exc
    return data


def pdf_summary(settings: PrintSettings, pages: int, blanks_added: int = 0) -> str:
    extras = ([f"for {settings.printer}"] if settings.printer else []) + [settings.profile.name] + (
        ["bleed outside"] if settings.bleed else []) + (["crop marks"] if settings.marks else [])
    blank = " (a blank page added: printers take an even count)" if blanks_added else ""
    return f"{pages} pages{blank}, {', '.join(extras)}, {settings.pdf_variant}" + (", CMYK" if settings.colour == "cmyk" else ", black text in gray")


def layout_inputs(book: Book, edition: Edition, settings: PrintSettings, dated: bool = True) -> list[str]:
    """What a layout of ``edition`` reads besides its XHTML and files: for cache keys (``dated``: as ``write``)."""
    when = build_date(book) if dated else UNDATED
    return [__version__, weasyprint.__version__, pydyf.__version__, f"flate {patches.FLATE_LEVEL}", f"tags {TAGS_VERSION}", f"notes {patches.NOTES_KEPT}", f"lines {patches.FITS_WITHOUT_TRAILING_SPACE}", repr(settings), when.isoformat(), book.config.book.identifier] + [
        part for sheet in edition.stylesheets for part in (sheet.name, sheet.css)
    ] + [_file_digest(font.path) for font in book.config.fallback_fonts]  # a font file changed in place


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@roomy  # see anthology.print.call_stack
def lay_out_whole(book: Book, edition: Edition, settings: PrintSettings, whole: str | None = None) -> PrintResult:
    """The edition laid out as one document and written (``whole``: its combined XHTML, when already made)."""
    document, fetcher, _ = render(edition, whole)
    start = first_body_page(document, edition)
    data = write(book, document, settings, start)
    artifact = Artifact(f"{book.slug}.pdf", data=data, summary=pdf_summary(settings, len(document.pages)))
    return PrintResult(artifact, document, tuple(fetcher.refused), settings, start, tuple(str(path) for path in sorted(fetcher.used)))


def make_pdf(book: Book, markups: list[ChapterMarkup], settings: PrintSettings | None = None) -> PrintResult:
    """The print edition with ``settings`` (default: the book's ``[print]`` table), as one document."""
    from .prepress import prepare

    settings = settings or settings_for(book)
    result = lay_out_whole(book, print_edition(book, markups, settings), settings)
    prepared = prepare(result.artifact.data or b"", settings, rtl=book.direction == "rtl", project_dir=book.config.project_dir, config_path=book.config.path)
    artifact = Artifact(result.artifact.name, data=prepared.data, summary=pdf_summary(settings, prepared.pages, prepared.blanks_added))
    return dataclasses.replace(result, artifact=artifact)
