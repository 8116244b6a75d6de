"""`anthology import`: blog exports, feeds, saved blog pages and Word documents become chapters.

Each source is read as a stream of Posts (one at a time, so a large export stays in bounded memory);
each selected post is converted to Markdown and staged; only when every post has been read and
nothing is wrong are the chapters and their images moved into chapters/.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from PIL import Image

from ..errors import Diagnostic, ImportSourceError
from ..project.config import CONFIG_NAME
from ..project.safety import inside
from ..project.scaffold import config_text, title_from_folder
from ..project.sources import CHAPTER_DIR
from .about import About, about_feed
from .detect import open_source
from .download import Downloaded, DownloadError, Progress, fetch_images
from .feeds import AtomFeed, RssFeed
from .htmltomd import parse, take_front_matter, to_markdown
from .images import IMAGE_DIR, ImageSink
from .post import Post, Selection, parse_selection
from .visibility import Include, describe
from .wordpress import WordPressExport
from .writer import ChapterWriter, Written, address_key, front_matter

__all__ = ["ImportReport", "Include", "Post", "Selection", "import_source", "parse_selection"]


@dataclass
class ImportReport:
    kind: str  # "WordPress export", "Atom feed", …
    written: list[Written] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    read: int = 0  # posts read from the source
    unselected: int = 0  # posts left out by --select
    skipped: Counter[str] = field(default_factory=Counter)  # by kind: drafts, pages, comments, menu items…
    linked: int = 0  # links to another imported post that now lead to its chapter
    downloaded: int = 0  # images fetched from the web (--fetch-images)
    failed: list[str] = field(default_factory=list)  # addresses of images that could not be fetched
    settings: About | None = None  # set when the import wrote the book's anthology.toml (there was none)


def import_source(
    source: Path,
    project_dir: Path,
    select: tuple[str, ...] | list[str] = (),
    force: bool = False,
    default_author: str | None = None,
    include: Include = Include(),
    site: str | None = None,
    fetch: bool = False,
    allow_local: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every selected post of `source` into PROJECT_DIR/chapters; raise ImportSourceError if anything is wrong.

    `include` lets drafts, private posts or pages in; `fetch` downloads the web images the posts
    show (`allow_local` permits loopback and private addresses, for tests), `progress` hears of each.
    """
    selection = parse_selection(select)
    _refuse_linked_folders(project_dir)
    reader = open_source(source, include, site)
    report = ImportReport(reader.name)
    writer = ChapterWriter(project_dir)
    problems: list[Diagnostic] = []
    addresses: dict[str, Path] = {address_key(url): path for url, path in writer.by_source.items()}
    remote: list[tuple[str, str]] = []
    try:
        for post in reader.posts():
            report.read += 1
            try:
                soup = parse(post)
                take_front_matter(soup, post)
            except RecursionError:
                problems.append(_too_deep(source, post))
                continue
            _complete(post, report, default_author)
            if not selection.matches(post):
                report.unselected += 1
                continue
            if not post.authors:
                problems.append(
                    Diagnostic(
                        source,
                        f"{post.where} '{post.title}' names no author" + (f" ({post.author_note})" if post.author_note else ""),
                        hint="use --author NAME, or --select to leave the post out",
                    )
                )
                continue
            planned = writer.plan(post)
            if planned.replaces and not force:
                problems.append(
                    Diagnostic(
                        planned.path,
                        f"already holds '{post.title}' ({post.where} of {source.name})",
                        hint="pass --force to replace it, or --select to leave the post out",
                    )
                )
                continue
            sink = ImageSink(stem=planned.path.stem, base=post.base, alts=post.image_alts, remote=[] if fetch else None,
                             existing=writer.folder / IMAGE_DIR, force=force)
            try:
                body = to_markdown(soup, sink)
            except RecursionError:
                problems.append(_too_deep(source, post))
                continue
            writer.stage(planned.path, front_matter(post) + "\n" + body, sink.images)
            remote.extend(sink.remote or [])
            _record(source, post, planned.path, planned.replaces, sink, report, addresses)
        report.skipped = reader.skipped
        if problems:
            raise ImportSourceError(problems)
        if not report.written:
            raise ImportSourceError(_nothing_found(source, report, selection))
        report.linked = writer.link_chapters(addresses)
        if remote:
            _download(remote, writer, report, project_dir, allow_local, progress)
        if not (project_dir / CONFIG_NAME).exists():
            report.settings = about_feed(source) if isinstance(reader, (WordPressExport, RssFeed, AtomFeed)) else About()
            writer.stage(project_dir / CONFIG_NAME, config_text(report.settings.title or title_from_folder(project_dir),
                                                                report.settings.language or "en"), [])
        writer.commit()
    finally:
        writer.discard()
    return report


def _refuse_linked_folders(project_dir: Path) -> None:
    """An import writes only inside the book: chapters/ or its images/ may not lead out of it."""
    for folder in (project_dir / CHAPTER_DIR, project_dir / CHAPTER_DIR / IMAGE_DIR):
        if (folder.exists() or folder.is_symlink()) and not inside(folder, project_dir):
            raise ImportSourceError(
                Diagnostic(folder, "is a link to a folder outside the book's folder; an import writes only inside the book",
                           hint="make it an ordinary folder of the book")
            )


def _download(
    remote: list[tuple[str, str]], writer: ChapterWriter, report: ImportReport, project_dir: Path, allow_local: bool, progress: Progress | None
) -> None:
    """Fetch the web images of every chapter and stage them under the names the chapters use."""
    results = fetch_images((url for url, _ in remote), allow_local=allow_local, progress=progress)
    fetched: dict[str, bool] = {}
    for url, name in remote:
        result = results[url]
        if isinstance(result, DownloadError):
            report.failed.append(url)
            report.warnings.append(
                Diagnostic(project_dir / "chapters" / IMAGE_DIR / name, f"image {url} was not downloaded: {result}", level="warning", hint="download it to this path by hand")
            )
            continue
        data = _as_named(result, name)
        if data is None:
            report.failed.append(url)
            report.warnings.append(
                Diagnostic(project_dir / "chapters" / IMAGE_DIR / name, f"image {url} is a {result.suffix.lstrip('.').upper()} picture, not what its name says", level="warning", hint="save it here in the format the name says")
            )
            continue
        writer.stage_image(name, data)
        report.downloaded += 1
        fetched[name] = True
    report.written = [
        replace(item, images=item.images + sum(1 for name in fetched if name.startswith(item.path.stem + "-"))) for item in report.written
    ]


_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}


def _as_named(picture: Downloaded, name: str) -> bytes | None:
    """The bytes in the format the file name says (an address without a suffix was named .png)."""
    wanted = PurePosixPath(name).suffix.lower().replace(".jpeg", ".jpg")
    if wanted == picture.suffix:
        return picture.data
    if wanted not in _FORMATS:
        return None
    with Image.open(io.BytesIO(picture.data)) as image:
        out = io.BytesIO()
        converted = image.convert("RGB") if wanted == ".jpg" else image
        converted.save(out, format=_FORMATS[wanted])
        return out.getvalue()


def _record(
    source: Path, post: Post, path: Path, replaces: bool, sink: ImageSink, report: ImportReport, addresses: dict[str, Path]
) -> None:
    """A post staged as the chapter at ``path``: its web addresses (for links between posts), its
    warnings and its line in the report."""
    for url in (post.source, *post.aliases):
        if url and url.startswith(("http://", "https://")):
            addresses[address_key(url)] = path
    if post.summary_only:
        post.warnings.append("the source holds only a summary of this post: import the blog's full export, or paste in the rest")
    report.warnings.extend(Diagnostic(source, f"{post.where} '{post.title}': {w}", level="warning") for w in post.warnings)
    report.warnings.extend(Diagnostic(path, w, level="warning") for w in sink.warnings)
    report.written.append(
        Written(path, post.title, tuple(post.authors), post.date.isoformat() if post.date else None, len(sink.images), replaces)
    )


def _too_deep(source: Path, post: Post) -> Diagnostic:
    return Diagnostic(source, f"{post.where} '{post.title}' is nested too deeply to convert", hint="simplify its HTML, or --select to leave it out")


def _complete(post: Post, report: ImportReport, default_author: str | None) -> None:
    """Fill what the source left out: a title, an author given on the command line."""
    if not post.title:
        post.title = post.fallback_title or f"Untitled ({post.where})"
        if not post.fallback_title:
            report.warnings.append(
                Diagnostic(None, f"{post.where} has no title; it was called '{post.title}'", level="warning", hint="edit the chapter's title:")
            )
    if not post.authors and default_author:
        post.authors = [default_author]


def _nothing_found(source: Path, report: ImportReport, selection: Selection) -> Diagnostic:
    if report.read == 0:
        return Diagnostic(
            source,
            f"holds no published posts (this {report.kind} had {describe(report.skipped) or 'no other items'})",
            hint="drafts, private posts and pages come in with --include-drafts, --include-private, --include-pages",
        )
    return Diagnostic(
        source,
        f"no post matched --select {' '.join(selection.given)} ({report.read} posts read)",
        hint="titles and authors match on any part, ignoring case; dates are YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO",
    )
