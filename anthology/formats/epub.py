"""The EPUB (``--format epub``, with ebooklib): packages the XHTML documents that layout produced.

Steps, in order: ``metadata`` (title and subtitle, creators, description, sources, accessibility
facts, page source), ``documents`` (cover page, the edition's documents with print page markers,
images, stylesheets), ``navigation`` (contents, landmarks, page list), ``package`` (ebooklib
writes the container) and ``normalise`` (the package's language, the NCX's depth and page list,
fixed entry times and order, ``mimetype`` first and stored), so two builds of the same sources
give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ebooklib import epub
from lxml import etree
from markupsafe import Markup

from ..artifacts import Artifact
from ..layout import Document, Edition, lay_out, stamp
from ..layout.accessibility import AccessibilityFacts, accessibility_facts
from ..layout.cover import Cover, load_cover
from ..layout.documents import EXTENSIONS, render_template
from ..layout.fonts import FontFace, fallback_faces, font_faces
from ..layout.outline import Entry
from ..markup.render import ChapterMarkup
from ..project.model import Book, Contributor
from .ncx import finish_ncx
from .registry import Format, Made

if TYPE_CHECKING:  # pagemap imports WeasyPrint, which an EPUB without print page numbers never needs
    from ..context import BuildContext
    from ..print.pagemap import PageTarget, Pagination

MARC_RELATORS = "marc:relators"
OPF_NS = "http://www.idpf.org/2007/opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# A change to the XHTML of every content document (file name, XHTML) -> XHTML; the Kobo edition uses it.
Transform = Callable[[str, str], str]


class XhtmlDocument(epub.EpubHtml):
    """A document whose bytes are exactly what layout produced (ebooklib would rebuild the <head>)."""

    def __init__(self, uid: str, file_name: str, title: str, lang: str, xhtml: str, properties: list[str] | None = None) -> None:
        super().__init__(uid=uid, file_name=file_name, title=title, lang=lang)
        self.xhtml = xhtml
        self.properties = properties or []

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.xhtml.encode("utf-8")


@dataclass
class EpubParts:
    """What goes into the package, gathered before ebooklib sees it."""

    edition: Edition
    cover: Cover
    pages: list[PageTarget] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # content document name -> XHTML, in reading order


def build_date(book: Book) -> dt.datetime:
    """The package's modification date: the book's one build date (see ``stamp``), without a zone."""
    return stamp.build_date(book).replace(tzinfo=None)


def metadata(book: Book, package: epub.EpubBook, facts: AccessibilityFacts, pagination: Pagination | None) -> None:
    settings = book.config.book
    package.set_identifier(settings.identifier)
    titles(book, package)
    package.set_language(book.language)
    if book.direction == "rtl":
        package.set_direction("rtl")  # the spine's page-progression-direction: pages turn right to left
    creators(book, package)
    if settings.description:
        package.add_metadata("DC", "description", settings.description)
    for address in dict.fromkeys(c.first_published for c in book.chapters if c.first_published):
        package.add_metadata("DC", "source", address)  # where a chapter first appeared (one per address)
    if settings.publisher:
        package.add_metadata("DC", "publisher", settings.publisher)
    if book.rights:
        package.add_metadata("DC", "rights", book.rights)
    if book.date:
        package.add_metadata("DC", "date", book.date.isoformat())
    for prop, value in facts.meta():
        package.add_metadata(None, "meta", value, {"property": prop})
    if facts.conforms_to:
        package.add_metadata(None, "meta", facts.conforms_to, {"property": "dcterms:conformsTo"})
    if pagination is not None:
        package.add_metadata(None, "meta", pagination.source, {"property": "pageBreakSource"})
    package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})


def titles(book: Book, package: epub.EpubBook) -> None:
    """The title, and the subtitle as a second title refined as one (not a description)."""
    package.title = book.title  # the NCX's docTitle
    package.add_metadata("DC", "title", book.title, {"id": "title"})
    subtitle = book.config.book.subtitle
    if subtitle:
        package.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
        package.add_metadata("DC", "title", subtitle, {"id": "subtitle"})
        package.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
        package.add_metadata(None, "meta", "2", {"refines": "#subtitle", "property": "display-seq"})


def creators(book: Book, package: epub.EpubBook) -> None:
    """Every reading system shows a creator: the editors first (role edt), then the chapter authors
    (role aut). Authors are creators too, not only contributors, since calibre and other readers
    list dc:creator alone: that is how a reader finds every author of the book there. An editor
    who also wrote a chapter is one creator with both roles."""
    people: dict[str, tuple[Contributor, list[str], str]] = {}
    for n, editor in enumerate(book.editors, start=1):
        people.setdefault(editor.name, (editor, [], f"editor-{n}"))[1].append("edt")
    for n, author in enumerate(book.contributors, start=1):
        people.setdefault(author.name, (author, [], f"author-{n}"))[1].append("aut")
    for person, roles, uid in people.values():
        package.add_metadata("DC", "creator", person.name, {"id": uid})
        for role in roles:
            package.add_metadata(None, "meta", role, {"refines": f"#{uid}", "property": "role", "scheme": MARC_RELATORS})
        package.add_metadata(None, "meta", person.sort_as, {"refines": f"#{uid}", "property": "file-as"})


def gather(book: Book, markups: list[ChapterMarkup], pagination: Pagination | None, cover: Cover) -> EpubParts:
    """The cover page and the edition's documents as XHTML, with the print edition's page markers."""
    # the book fonts are the reading system's choice, the fallbacks are shipped
    edition = lay_out(book, markups, "epub", fonts_css=font_faces(font_url, book.config.fallback_fonts, book=False))
    parts = EpubParts(edition, cover)
    body = render_template(edition.environment, "cover.html", cover=cover, book=book)
    cover_page = Document("cover", "cover", book.config.labels.text("cover"), book.language, Markup(body))
    parts.files["cover.xhtml"] = edition.page(cover_page)
    for document in edition.documents:
        parts.files[edition.file_name(document)] = edition.page(document)
    if pagination is not None:
        from ..print.pagemap import mark_pages

        changed, parts.pages = mark_pages(parts.files, pagination)
        parts.files.update(changed)
    return parts


def font_url(face: FontFace) -> str:
    return f"../fonts/{face.file_name}"  # relative to styles/base.css


def documents(parts: EpubParts, package: epub.EpubBook, transform: Transform | None) -> list[XhtmlDocument]:
    edition = parts.edition
    for sheet in edition.stylesheets:
        uid = "style-" + sheet.name.rsplit("/", 1)[-1].removesuffix(".css")
        package.add_item(epub.EpubItem(uid=uid, file_name=sheet.name, media_type="text/css", content=sheet.css.encode("utf-8")))
    for n, face in enumerate(fallback_faces(edition.book.config.fallback_fonts), start=1):
        kind = "font/otf" if face.file_name.endswith(".otf") else "font/ttf"
        package.add_item(epub.EpubItem(uid=f"font-{n}", file_name=f"fonts/{face.file_name}", media_type=kind, content=face.path.read_bytes()))
    image = epub.EpubItem(uid="cover-image", file_name=parts.cover.file_name, media_type=parts.cover.media_type, content=parts.cover.data)
    image.properties = ["cover-image"]
    package.add_item(image)
    seen: set[str] = set()
    for asset in edition.assets:
        if asset.name in seen:
            continue
        seen.add(asset.name)
        uid = "img-" + asset.name.rsplit("/", 1)[-1].split(".")[0]
        package.add_item(epub.EpubItem(uid=uid, file_name=asset.name, media_type=asset.media_type, content=asset.source.read_bytes()))
    titles = {edition.file_name(d): (d.id, d.title, d.lang) for d in edition.documents}
    titles["cover.xhtml"] = ("cover", edition.book.config.labels.text("cover"), edition.book.language)
    items = []
    for name, xhtml in parts.files.items():
        uid, title, lang = titles[name]
        item = XhtmlDocument(uid, name, title, lang, transform(name, xhtml) if transform else xhtml)
        package.add_item(item)
        items.append(item)
    return items


def navigation(parts: EpubParts, package: epub.EpubBook, items: list[XhtmlDocument]) -> XhtmlDocument:
    edition = parts.edition
    nav_xhtml = render_template(edition.environment, "nav.html", book=edition.book, edition=edition, stylesheets=edition.stylesheets, cover_file="cover.xhtml", pages=parts.pages)
    labels = edition.book.config.labels
    nav = XhtmlDocument("nav", "nav.xhtml", labels.text("contents"), edition.book.language, nav_xhtml, properties=["nav"])
    package.add_item(nav)
    package.add_item(epub.EpubNcx())
    opening = [epub.Link(edition.file_name(d), labels.text("title_page") if d.kind == "titlepage" else d.title, d.id)
               for d in edition.documents if d.kind in ("titlepage", "imprint", "contents")]
    package.toc = opening + [_toc_item(edition, entry) for entry in edition.entries]
    package.spine = items
    return nav


def _toc_item(edition: Edition, entry: Entry) -> epub.Link | tuple[epub.Section, list[epub.Link]]:
    """The NCX follows the navigation document: parts hold their chapters."""
    href = entry.id + EXTENSIONS["epub"]
    if entry.children:
        return (epub.Section(f"{entry.label}: {entry.title}", href), [_toc_item(edition, c) for c in entry.children])
    label = f"{entry.title} — {entry.authors}" if entry.authors else entry.title
    return epub.Link(href, label, entry.id)


def package_bytes(package: epub.EpubBook, when: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    # compresslevel 0: normalise compresses every entry itself, so the writer only stores them
    options = {"epub3_pages": False, "mtime": when, "play_order": {"enabled": True, "start_from": 1}, "compresslevel": 0}
    writer = epub.EpubWriter(buffer, package, options)
    writer.process()
    writer.write()
    return buffer.getvalue()


def _package_document(data: bytes, language: str) -> bytes:
    """The package document names the book's language (xml:lang) and anthology as its generator."""
    root = etree.fromstring(data)
    root.set(XML_LANG, language)
    for meta in root.iter(f"{{{OPF_NS}}}meta"):
        if meta.get("name") == "generator":
            meta.set("content", "anthology")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def normalise(data: bytes, when: dt.datetime, language: str, ncx: Callable[[bytes], bytes] | None = None) -> bytes:
    """Same sources, same bytes: fixed entry times, stable order, ``mimetype`` first and stored."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    ordered = ["mimetype"] + [n for n in names if n != "mimetype"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            content = source.read(name)
            if name.endswith(".opf"):
                content = _package_document(content, language)
            if name.endswith(".ncx") and ncx is not None:
                content = ncx(content)
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


def epub_bytes(context: BuildContext, pagination: Pagination | None, transform: Transform | None = None) -> tuple[bytes, EpubParts]:
    """The package's bytes and what went into it; the build's cache may hold the typographic cover."""
    book, markups = context.book, context.markups
    parts = gather(book, markups, pagination, load_cover(book, context.cache))
    facts = accessibility_facts(book, markups, page_list=bool(parts.pages))
    package = epub.EpubBook()
    package.FOLDER_NAME = "EPUB"
    metadata(book, package, facts, pagination if parts.pages else None)
    items = documents(parts, package, transform)
    navigation(parts, package, items)
    when = build_date(book)
    ncx = functools.partial(finish_ncx, pages=parts.pages, files=parts.files)
    return normalise(package_bytes(package, when), when, book.language, ncx), parts


def chapter_count(n: int) -> str:
    return f"{n} chapter" + ("" if n == 1 else "s")


def make_epub(context: BuildContext, pagination: Pagination | None = None) -> Artifact:
    data, parts = epub_bytes(context, pagination)
    pages = f", {len(parts.pages)} print pages" if parts.pages else ", no print page numbers"
    return Artifact(f"{context.book.slug}.epub", data=data, summary=f"{chapter_count(len(context.book.chapters))}{pages}")


FORMAT = Format(
    "epub", "EPUB 3 ebook, with the print edition's page numbers", "SLUG.epub",
    make=lambda context, given: Made(make_epub(context, given.pagination)),
    order=10, layout="epub", default=True, page_list=True, cover=True,
)
