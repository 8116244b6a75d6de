"""HTML edition: ``index.html`` (title page and contents) and one page per chapter, readable offline."""

from __future__ import annotations

from ..artifacts import Artifact
from ..context import BuildContext
from ..layout import Edition, lay_out
from ..layout.fonts import FontFace, book_fonts, fallback_faces, font_faces
from ..markup.render import ChapterMarkup
from ..project.model import Book
from .registry import Format, Made


def font_url(face: FontFace) -> str:
    return f"../fonts/{face.file_name}"  # relative to styles/base.css


def html_edition(book: Book, markups: list[ChapterMarkup]) -> Edition:
    return lay_out(book, markups, "html", fonts_css=font_faces(font_url, book.config.fallback_fonts))


def make_html(context: BuildContext) -> Artifact:
    book = context.book
    edition = html_edition(book, context.markups)
    files: dict[str, bytes] = {}
    opening = [d for d in edition.documents if d.opening]
    index = edition.render(opening, title=book.title, lang=book.language, current=None)
    files["index.html"] = index.encode("utf-8")
    for document in edition.documents:
        if not document.opening:
            files[edition.file_name(document)] = edition.page(document).encode("utf-8")
    for sheet in edition.stylesheets:
        files[sheet.name] = sheet.css.encode("utf-8")
    for face in book_fonts() + fallback_faces(book.config.fallback_fonts):
        files[f"fonts/{face.file_name}"] = face.path.read_bytes()
    for asset in edition.assets:
        files[asset.name] = asset.source.read_bytes()
    return Artifact("html", files=files, summary=f"{len(files)} files")


FORMAT = Format(
    "html", "HTML edition: a folder of web pages, readable offline", "html/",
    make=lambda context, given: Made(make_html(context)),
    order=30, layout="html", default=True,
)
