"""Build the documents of one edition: title page, contents, one per chapter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from lxml import etree
from markupsafe import Markup

from ..errors import BuildError, Diagnostic
from ..markup import ChapterMarkup
from ..model import Book
from .dates import long_date

TARGETS = ("epub", "pdf", "html")
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
PACKAGE_STYLES = Path(__file__).parent.parent / "resources" / "styles"
STYLESHEETS = {"epub": ("base", "epub"), "pdf": ("base", "print"), "html": ("base", "html")}
EXTENSIONS = {"epub": ".xhtml", "html": ".html", "pdf": ""}


@dataclass(frozen=True)
class Stylesheet:
    name: str  # file name inside the output, e.g. 'styles/base.css'
    css: str


@dataclass(frozen=True)
class Document:
    """One part of the book in reading order, as an XHTML <section> (or <nav>)."""

    id: str
    kind: str  # 'titlepage', 'contents' or 'chapter'
    title: str
    lang: str
    body: str
    markup: ChapterMarkup | None = None

    @property
    def landmark(self) -> str:
        return {"titlepage": "titlepage", "contents": "toc", "chapter": "bodymatter"}[self.kind]


@dataclass(frozen=True)
class Edition:
    """What layout produced for one target: documents in reading order, and the stylesheets."""

    target: str
    book: Book
    documents: tuple[Document, ...]
    stylesheets: tuple[Stylesheet, ...]
    environment: jinja2.Environment
    markups: tuple[ChapterMarkup, ...]

    def file_name(self, document: Document) -> str:
        return document.id + EXTENSIONS[self.target]

    def page(self, document: Document, **extra: object) -> str:
        """One document as a whole XHTML page (EPUB and HTML editions)."""
        return self.render([document], title=document.title, lang=document.lang, current=document, **extra)

    def whole(self) -> str:
        """Every document in one XHTML page (the print edition)."""
        return self.render(list(self.documents), title=self.book.title, lang=self.book.language, current=None)

    def render(self, documents: list[Document], **context: object) -> str:
        template = self.environment.get_template("base.html")
        text = template.render(
            book=self.book,
            target=self.target,
            documents=documents,
            stylesheets=self.stylesheets,
            edition=self,
            **context,
        )
        _check_well_formed(text, f"{documents[0].id} ({self.target})")
        return text


def _check_well_formed(text: str, what: str) -> None:
    try:
        etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise BuildError(
            Diagnostic(None, f"layout produced XHTML that is not well-formed in {what}: {exc}", hint="check the templates/ overrides of the book")
        ) from None


def environment(project_dir: Path) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    override = project_dir / "templates"
    if override.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(override)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    return env


def stylesheets(project_dir: Path, target: str, fonts_css: str = "") -> tuple[Stylesheet, ...]:
    """The package's stylesheets for a target, each followed by the project's file of the same name."""
    sheets = []
    for name in STYLESHEETS[target]:
        css = (PACKAGE_STYLES / f"{name}.css").read_text(encoding="utf-8")
        own = project_dir / "styles" / f"{name}.css"
        if own.is_file():
            css += f"\n/* {own.name} of the book */\n" + own.read_text(encoding="utf-8-sig")
        if name == "base" and fonts_css:
            css = fonts_css + "\n" + css
        sheets.append(Stylesheet(f"styles/{name}.css", css))
    return tuple(sheets)


def lay_out(
    book: Book,
    markups: list[ChapterMarkup],
    target: str,
    fonts_css: str = "",
) -> Edition:
    """Render the title page, contents and chapters for ``target`` ('epub', 'pdf' or 'html')."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}")
    env = environment(book.config.project_dir)
    sheets = stylesheets(book.config.project_dir, target, fonts_css)
    edition = Edition(target, book, (), sheets, env, tuple(markups))
    ext = EXTENSIONS[target]

    def href(document_id: str, fragment: str | None = None) -> str:
        if target == "pdf":
            return "#" + (fragment or document_id)
        return document_id + ext + (f"#{fragment}" if fragment else "")

    def render(name: str, **context: object) -> str:
        return env.get_template(name).render(book=book, target=target, href=href, markups=markups, **context)

    documents = [
        Document("titlepage", "titlepage", book.title, book.language, render("titlepage.html")),
        Document("contents", "contents", "Contents", book.language, render("contents.html")),
    ]
    for markup in markups:
        chapter = markup.chapter
        body = render("chapter.html", chapter=chapter, markup=markup, content=Markup(markup.xhtml),
                      notes=[(n, Markup(n.xhtml)) for n in markup.notes])
        documents.append(Document(chapter.id, "chapter", chapter.title, chapter.lang, body, markup))
    return Edition(target, book, tuple(documents), sheets, env, tuple(markups))


