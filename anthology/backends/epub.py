"""EPUB backend (ebooklib): packages the XHTML documents that layout produced.

Steps, in order: ``metadata``, ``documents``, ``navigation``, ``package`` (ebooklib writes the
container) and ``normalise`` (fixed entry times and order, ``mimetype`` first and stored), so two
builds of the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

from ebooklib import epub

from ..layout import Edition, lay_out
from ..layout.documents import EXTENSIONS
from ..layout.outline import Entry
from ..markup import ChapterMarkup
from ..model import Book
from .artifacts import Artifact

MARC_RELATORS = "marc:relators"


class XhtmlDocument(epub.EpubHtml):
    """A document whose bytes are exactly what layout produced (ebooklib would rebuild the <head>)."""

    def __init__(self, uid: str, file_name: str, title: str, lang: str, xhtml: str, properties: list[str] | None = None) -> None:
        super().__init__(uid=uid, file_name=file_name, title=title, lang=lang)
        self.xhtml = xhtml
        self.properties = properties or []

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.xhtml.encode("utf-8")


def build_date(book: Book) -> dt.datetime:
    """When the book was last changed, never the clock: SOURCE_DATE_EPOCH, else the newest date in the sources."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    date = book.date
    if date is not None:
        return dt.datetime(date.year, date.month, date.day)
    newest = max(int(c.source.stat().st_mtime) for c in book.chapters)
    return dt.datetime.fromtimestamp(newest, tz=dt.timezone.utc).replace(tzinfo=None)


def metadata(book: Book, package: epub.EpubBook) -> None:
    settings = book.config.book
    package.set_identifier(settings.identifier)
    package.set_title(book.title)
    package.set_language(book.language)
    for n, editor in enumerate(book.editors, start=1):
        package.add_author(editor.name, file_as=editor.sort_as, role="edt", uid=f"editor-{n}")
    for n, author in enumerate(book.contributors, start=1):
        uid = f"contributor-{n}"
        package.add_metadata("DC", "contributor", author.name, {"id": uid})
        package.add_metadata(None, "meta", "aut", {"refines": f"#{uid}", "property": "role", "scheme": MARC_RELATORS})
        package.add_metadata(None, "meta", author.sort_as, {"refines": f"#{uid}", "property": "file-as"})
    if settings.subtitle:
        package.add_metadata("DC", "description", settings.subtitle)
    if settings.publisher:
        package.add_metadata("DC", "publisher", settings.publisher)
    if book.rights:
        package.add_metadata("DC", "rights", book.rights)
    if book.date:
        package.add_metadata("DC", "date", book.date.isoformat())


def documents(edition: Edition, package: epub.EpubBook) -> list[XhtmlDocument]:
    for sheet in edition.stylesheets:
        uid = "style-" + sheet.name.rsplit("/", 1)[-1].removesuffix(".css")
        package.add_item(epub.EpubItem(uid=uid, file_name=sheet.name, media_type="text/css", content=sheet.css.encode("utf-8")))
    seen: set[str] = set()
    for asset in edition.assets:
        if asset.name in seen:
            continue
        seen.add(asset.name)
        uid = "img-" + asset.name.rsplit("/", 1)[-1].split(".")[0]
        package.add_item(epub.EpubItem(uid=uid, file_name=asset.name, media_type=asset.media_type, content=asset.source.read_bytes()))
    items = []
    for document in edition.documents:
        item = XhtmlDocument(document.id, edition.file_name(document), document.title, document.lang, edition.page(document))
        package.add_item(item)
        items.append(item)
    return items


def navigation(edition: Edition, package: epub.EpubBook, items: list[XhtmlDocument]) -> XhtmlDocument:
    template = edition.environment.get_template("nav.html")
    nav_xhtml = template.render(book=edition.book, edition=edition, stylesheets=edition.stylesheets)
    nav = XhtmlDocument("nav", "nav.xhtml", "Contents", edition.book.language, nav_xhtml, properties=["nav"])
    package.add_item(nav)
    package.add_item(epub.EpubNcx())
    opening = [epub.Link(edition.file_name(d), "Title page" if d.kind == "titlepage" else d.title, d.id)
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
    writer = epub.EpubWriter(buffer, package, {"epub3_pages": False, "mtime": when, "play_order": {"enabled": True, "start_from": 1}})
    writer.process()
    writer.write()
    return buffer.getvalue()


def normalise(data: bytes, when: dt.datetime) -> bytes:
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
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


def epub_edition(book: Book, markups: list[ChapterMarkup]) -> Edition:
    return lay_out(book, markups, "epub")


def make_epub(book: Book, markups: list[ChapterMarkup]) -> Artifact:
    edition = epub_edition(book, markups)
    package = epub.EpubBook()
    package.FOLDER_NAME = "EPUB"
    metadata(book, package)
    items = documents(edition, package)
    navigation(edition, package, items)
    when = build_date(book)
    data = normalise(package_bytes(package, when), when)
    return Artifact(f"{book.slug}.epub", data=data, summary=f"{len(book.chapters)} chapters")
