"""Build the documents of one edition, in reading order.

Half-title, title page, imprint, dedication and epigraph (when given), contents, the editors' texts
in front/, the parts (when given) each followed by its chapters, About the contributors, then the
back matter in back/.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree
from markupsafe import Markup, escape

from ..errors import BuildError, ConfigError, Diagnostic
from ..markup.render import Asset, ChapterMarkup, render_matter
from ..project.direction import direction
from ..project.isbns import FORMATS as ISBN_FORMATS
from ..project.labels import Labels, join, welsh_and
from ..project.labels import keys as label_keys
from ..project.labels import primary as labels_primary
from ..project.model import Book, Chapter, Matter
from ..project.safety import MAX_TEXT_BYTES, Refusal, book_stylesheet, clean_stylesheet, read_contained, refusal_hint
from .dates import long_date
from .outline import OPENING_KINDS, Entry, contents_entries, part_label
from .xrefs import CrossReferences

TARGETS = ("epub", "pdf", "html")
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
PACKAGE_STYLES = Path(__file__).parent / "styles"
STYLESHEETS = {"epub": ("base", "epub"), "pdf": ("base", "print"), "html": ("base", "html")}
RTL_ADDITIONS = {"print": "print-rtl"}  # package sheets with extra rules for a right-to-left book
EXTENSIONS = {"epub": ".xhtml", "html": ".html", "pdf": ""}


@dataclass(frozen=True)
class Stylesheet:
    name: str  # file name inside the output, e.g. 'styles/base.css'
    css: str


@dataclass(frozen=True)
class Document:
    """One part of the book in reading order, as an XHTML <section> (or <nav>)."""

    id: str
    kind: str  # one of KINDS
    title: str
    lang: str
    body: str
    markup: ChapterMarkup | None = None

    @property
    def landmark(self) -> str:
        return {"titlepage": "titlepage", "contents": "toc", "chapter": "bodymatter", "part": "bodymatter"}.get(self.kind, self.kind)

    @property
    def opening(self) -> bool:
        """Half-title to contents: shown together on the HTML edition's index page."""
        return self.kind in OPENING_KINDS

    @property
    def body_matter(self) -> bool:
        return self.kind in ("part", "chapter")


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

    @functools.cached_property
    def _markups_by_id(self) -> dict[str, ChapterMarkup]:
        return {markup.chapter.id: markup for markup in reversed(self.markups)}  # the first of an id wins

    def markup_of(self, chapter_id: str) -> ChapterMarkup | None:
        """The markup of the chapter ``chapter_id`` (templates look it up for each contents entry)."""
        return self._markups_by_id.get(chapter_id)

    @functools.cached_property
    def _pages(self) -> tuple[tuple[Document, ...], dict[str, int]]:
        pages = tuple(d for d in self.documents if not d.opening)
        return pages, {d.id: n for n, d in reversed(list(enumerate(pages)))}

    def neighbours(self, document: Document) -> tuple[Document | None, Document | None]:
        """The pages before and after ``document`` among those after the index page (HTML edition);
        None before the first (its previous page is the index) and after the last."""
        pages, where = self._pages
        here = where[document.id]
        return (pages[here - 1] if here > 0 else None), (pages[here + 1] if here + 1 < len(pages) else None)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The contents after the contents page, nested by part (see ``outline``)."""
        return contents_entries(self.book)

    @property
    def assets(self) -> tuple[Asset, ...]:
        """Every image of the chapters and of the editors' texts, once each."""
        found: dict[str, Asset] = {}
        for markup in self.markups + tuple(d.markup for d in self.documents if d.markup is not None):
            for asset in markup.assets:
                found.setdefault(asset.name, asset)
        return tuple(found.values())

    def page(self, document: Document, **extra: object) -> str:
        """One document as a whole XHTML page (EPUB and HTML editions)."""
        return self.render([document], title=document.title, lang=document.lang, current=document, **extra)

    def whole(self) -> str:
        """Every document in one XHTML page (the print edition)."""
        return self.render(list(self.documents), title=self.book.title, lang=self.book.language, current=None)

    def render(self, documents: list[Document], **context: object) -> str:
        text = render_template(
            self.environment,
            "base.html",
            book=self.book,
            target=self.target,
            documents=documents,
            stylesheets=self.stylesheets,
            edition=self,
            **context,
        )
        _check_well_formed(text, f"{documents[0].id} ({self.target})")
        return text


def render_template(env: jinja2.Environment, name: str, **context: object) -> str:
    """Render template ``name``; a fault in a template (its syntax, a missing value, a refused
    attribute) becomes a ConfigError naming the template's file and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(Diagnostic(Path(exc.filename) if exc.filename else None, f"template error: {exc.message}", line=exc.lineno,
                                     hint="fix the template, or remove it to use the package's")) from None
    except (jinja2.TemplateError, RecursionError) as exc:
        where, line = _template_frame(exc)
        if isinstance(exc, SecurityError):
            message = f"not allowed in a template (templates run sandboxed): {exc}"
        elif isinstance(exc, jinja2.TemplateNotFound):
            message = f"template '{exc.name}' not found in templates/ or the package's (a name with '..' is never looked up)"
        else:
            message = f"template failed: {exc or type(exc).__name__}"
        raise ConfigError(Diagnostic(where, message, line=line,
                                     hint="a template may use only the values it is given (see docs/safety.md, 'Templates run sandboxed')")) from None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """The template file and line where ``exc`` was raised: the innermost frame that runs a template."""
    where: tuple[Path | None, int | None] = (None, None)
    trace = exc.__traceback__
    while trace is not None:
        name = trace.tb_frame.f_code.co_filename
        if name.endswith(".html") and Path(name).is_file():
            where = (Path(name), trace.tb_lineno)
        trace = trace.tb_next
    return where


def _check_well_formed(text: str, what: str) -> None:
    try:
        etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise BuildError(
            Diagnostic(None, f"layout produced XHTML that is not well-formed in {what}: {exc}", hint="check the templates/ overrides of the book")
        ) from None


def paragraphs(text: str) -> list[list[str]]:
    """Plain text to paragraphs (split at blank lines) of lines: for dedications and epigraphs."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [[line.strip() for line in block.splitlines() if line.strip()] for block in blocks if block.strip()]


def host(url: str) -> str:
    """'https://www.scie.org.uk/blog/x' -> 'scie.org.uk': how a web address is named in running text."""
    name = urlsplit(url).hostname or url
    return name.removeprefix("www.")


def dir_attribute(lang: str, around: str) -> Markup:
    """' dir="rtl"' (or ltr) for text in ``lang`` set inside text in ``around`` when it runs right to
    left or the other way from its surroundings; nothing for left-to-right text in left-to-right text."""
    own = direction(lang)
    if own == "rtl" or own != direction(around):
        return Markup(f' dir="{own}"')
    return Markup("")


def lang_attributes(lang: str, around: str) -> Markup:
    """lang and xml:lang when ``lang`` differs from the surrounding ``around``, then ``dir_attribute``."""
    if not lang:
        return Markup("")
    named = Markup(' lang="{0}" xml:lang="{0}"').format(lang) if lang != around else Markup("")
    return named + dir_attribute(lang, around)


def set_apart(text: str, lang: str, around: str) -> Markup:
    """``text`` (a title) in its own <span> with ``lang_attributes`` when it needs them, else as it is."""
    attributes = lang_attributes(lang, around)
    if not attributes:
        return Markup.escape(text)
    return Markup("<span{}>{}</span>").format(attributes, text)


class ContainedLoader(jinja2.BaseLoader):
    """Templates from one folder only: a name with '..' is not found, and a file (or a link) that leads
    out of the folder, is not a regular file or is too big is refused with a message."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))
        if not (path.exists() or path.is_symlink()):
            raise jinja2.TemplateNotFound(template)
        data = read_contained(path, self.folder, MAX_TEXT_BYTES)
        if isinstance(data, Refusal):
            if data.kind == "outside":
                raise ConfigError(Diagnostic(path, "template is a link to a file outside its templates folder; it is not used",
                                             hint="copy the file into templates/ instead of linking to it"))
            raise ConfigError(Diagnostic(path, f"template {data.reason}; it is not used", hint=refusal_hint(data)))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(Diagnostic(path, "template is not UTF-8 text", hint="save it as UTF-8")) from None
        mtime = path.stat().st_mtime_ns
        return text, str(path), lambda: path.exists() and path.stat().st_mtime_ns == mtime


def label_markup(labels: Labels, key: str, lang: str | None = None, **values: object) -> Markup:
    """A label for a template: its words escaped, the values put in (markup such as a link kept as it is)."""
    return Markup(escape(labels.template(key, lang))).format(**values)


def names(items: list[str], lang: str) -> str | Markup:
    """'Ann, Bee and Cy' in the language's own way (CLDR list patterns through Babel); markup stays markup."""
    if not items:
        return ""
    escaped = [item if isinstance(item, Markup) else escape(item) for item in items]
    # Babel joins plain text; the items go in as numbered markers so that links inside them stay links
    pattern = join([f"\x00{n}\x00" for n in range(len(items))], lang, fix_welsh=False)
    if " a(c) " in pattern:  # Welsh: the word for 'and' depends on the name after it
        pattern = pattern.replace(" a(c) ", f" {welsh_and(Markup(escaped[-1]).striptags())} ")
    parts = re.split("\x00(\\d+)\x00", pattern)
    out = Markup("")
    for index, part in enumerate(parts):
        out += escaped[int(part)] if index % 2 else escape(part)
    return out


class _CompiledTemplates(jinja2.BytecodeCache):
    """The templates compiled once per process, under a checksum of their text (so a book's own
    template is compiled again when it is edited): each edition makes a new environment, and the
    preview makes several editions a minute."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key + bucket.checksum)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key + bucket.checksum] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def environment(project_dir: Path) -> jinja2.Environment:
    """Jinja's sandbox: a template may use the values and filters it is given, but not reach Python
    (no attributes starting with '_', no unsafe methods); includes come from the book's templates/
    folder, then the package's."""
    loaders: list[jinja2.BaseLoader] = []
    override = project_dir / "templates"
    if override.is_dir():
        loaders.append(ContainedLoader(override))
    loaders.append(ContainedLoader(PACKAGE_TEMPLATES))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
        bytecode_cache=COMPILED_TEMPLATES,
    )
    env.filters["long_date"] = long_date
    env.filters["paragraphs"] = paragraphs
    env.filters["host"] = host
    env.globals["names"] = names
    env.globals["dir_attribute"] = dir_attribute
    env.globals["lang_attributes"] = lang_attributes
    env.globals["set_apart"] = set_apart
    return env


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace(" ", "\\a0 ") + '"'


def label_css(book: Book) -> str:
    """The print sheet's fixed words in the book's language, and in each chapter's where it differs:
    '(p. 12)' after a link to another chapter is '(t. 12)' in Welsh. ``:where`` keeps the language
    out of the rules' specificity, so that a book's own ``a.xref::after`` (after them) wins; the
    chunks print other chunks' pages with these rules (see ``print.chunks.pages_from_attribute``)."""
    labels = book.config.labels
    css = "/* the book's fixed words (labels) */\n"
    seen: set[str] = set()
    for lang in [book.language] + [chapter.lang for chapter in book.chapters]:
        code = labels_primary(lang)
        if code in seen:
            continue
        seen.add(code)
        words = _css_string(labels.text("page_reference", lang))
        css += f':where(:lang({code})) a.xref::after {{ content: "\\a0(" {words} "\\a0" target-counter(attr(href), page) ")"; }}\n'
    return css


def stylesheets(project_dir: Path, target: str, fonts_css: str = "", rtl: bool = False, labels_css: str = "") -> tuple[Stylesheet, ...]:
    """The package's stylesheets for a target, each followed by the project's file of the same name.

    A right-to-left book's print sheet ends with ``print-rtl.css`` (its running heads swap sides:
    its rectos are the left-hand pages), before the project's additions."""
    sheets = []
    for name in STYLESHEETS[target]:
        css = (PACKAGE_STYLES / f"{name}.css").read_text(encoding="utf-8")
        if rtl and name in RTL_ADDITIONS:
            css += "\n" + (PACKAGE_STYLES / f"{RTL_ADDITIONS[name]}.css").read_text(encoding="utf-8")
        if name == "print" and labels_css:
            css += "\n" + labels_css
        own = project_dir / "styles" / f"{name}.css"
        text = book_stylesheet(own, project_dir) if own.exists() or own.is_symlink() else None
        if isinstance(text, str):  # a refused sheet is left out; stylesheet_warnings says why
            css += f"\n/* {own.name} of the book */\n" + clean_stylesheet(text, own.parent, project_dir)[0]
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
    """Render every document of the book for ``target`` ('epub', 'pdf' or 'html'), in reading order."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}")
    env = environment(book.config.project_dir)
    labels = book.config.labels
    env.globals["label"] = lambda key, lang=None, **values: label_markup(labels, key, lang, **values)
    env.globals["isbn_label"] = lambda name: labels.text(f"isbn_{name}") if f"isbn_{name}" in label_keys() else ISBN_FORMATS.get(name, name)
    sheets = stylesheets(book.config.project_dir, target, fonts_css, rtl=book.direction == "rtl",
                         labels_css=label_css(book) if target == "pdf" else "")
    ext = EXTENSIONS[target]
    settings = book.config.book
    opening = ["halftitle", "titlepage", "imprint"]
    opening += ["dedication"] if settings.dedication else []
    opening += ["epigraph"] if settings.epigraph else []
    opening += ["contents"]
    first_body = book.parts[0].id if book.parts else book.chapters[0].id
    entries = contents_entries(book)  # once: every document's context holds it

    def href(document_id: str, fragment: str | None = None) -> str:
        if target == "pdf":
            return "#" + (fragment or document_id)
        if target == "html" and document_id in opening:
            return "index.html#" + (fragment or document_id)
        return document_id + ext + (f"#{fragment}" if fragment else "")

    def render(name: str, **context: object) -> str:
        return render_template(
            env, name, book=book, target=target, href=href, markups=markups, entries=entries,
            first_body=first_body, part_label=lambda number: part_label(book, number), **context,
        )

    references = CrossReferences(book.config.project_dir, markups)

    def content(markup: ChapterMarkup) -> dict[str, object]:
        """The markup's body and notes, with its links to other chapters pointing at them for this target."""
        return {
            "content": Markup(references.resolve(markup.xhtml, markup, href)),
            "notes": [(n, Markup(references.resolve(n.xhtml, markup, href))) for n in markup.notes],
        }

    def matter(item: Matter) -> Document:
        markup = render_matter(item)
        body = render("matter.html", matter=item, markup=markup, **content(markup))
        return Document(item.id, item.kind, item.title, item.lang, body, markup)

    titles = {"halftitle": book.title, "titlepage": book.title, "imprint": labels.text("copyright"),
              "dedication": labels.text("dedication"), "epigraph": labels.text("epigraph"), "contents": labels.text("contents")}
    documents = [Document(kind, kind, titles[kind], book.language, render(f"{kind}.html")) for kind in opening]
    documents += [matter(item) for item in book.front]
    by_number = {m.chapter.number: m for m in markups if isinstance(m.chapter, Chapter)}

    def chapter(markup: ChapterMarkup) -> Document:
        item = markup.chapter
        body = render("chapter.html", chapter=item, markup=markup, **content(markup))
        return Document(item.id, "chapter", item.title, item.lang, body, markup)

    if book.parts:
        for part in book.parts:
            intro = render_matter(part.intro) if part.intro else None
            resolved = content(intro) if intro else {"content": None, "notes": []}
            body = render("part.html", part=part, intro=resolved["content"], notes=resolved["notes"])
            documents.append(Document(part.id, "part", f"{part_label(book, part.number)}: {part.title}", book.language, body, intro))
            documents += [chapter(by_number[c.number]) for c in part.chapters]
    else:
        documents += [chapter(m) for m in markups]
    documents.append(Document("contributors", "contributors", labels.text("contributors"), book.language, render("contributors.html")))
    documents += [matter(item) for item in book.back]
    return Edition(target, book, tuple(documents), sheets, env, tuple(markups))
