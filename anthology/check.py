"""Check a book's sources and report every problem at once, each with its file and line.

The checker reuses the stages a build runs (config, sources, model, markup) in a collecting mode, so
it finds what a build would stop on plus what a build lets through but a reader would notice:
unknown front matter keys, wrong types, missing or unused images, undescribed images, broken
links and footnotes, empty chapters, duplicate titles, invalid ISBNs and language tags, and values
cut short by a YAML ``#`` comment.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from stdnum import ean
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from .cache import Cache
from .context import BuildContext
from .errors import ConfigError, Diagnostic, SourceError
from .layout.xrefs import CrossReferences
from .markup.cache import MarkupCache
from .markup.render import IMAGE_TYPES, ChapterMarkup, book_matter, render_chapter
from .markup.workers import default_jobs, render_chapters_in
from .print_checks import font_coverage, hyphenation_warnings
from .project.config import CONFIG_NAME, BookSettings, Config, Person, key_line, load_config
from .project.labels import primary as labels_primary
from .project.model import Book, Chapter, build_book
from .project.safety import contained
from .project.scaffold import EXAMPLE_AUTHOR, EXAMPLE_OPENING, EXAMPLE_TEXT
from .project.sources import (
    CHAPTER_DIR,
    ChapterSource,
    MatterSource,
    chapter_paths,
    decode,
    load_yaml,
    parse_front_matter,
    read_book_file,
    read_matter,
    split_front_matter,
)
from .text import natural_key

# Folders whose images belong to the stylesheets, the templates or the outputs, not to chapters.
NOT_CHAPTER_IMAGES = {"build", "styles", "templates", "node_modules"}


@dataclass
class CheckReport:
    """Everything the checker found, in reading order."""

    project_dir: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    chapters: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level != "error"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def check_book(project_dir: Path, jobs: int | None = None, cache: Cache | None = None, preflight: bool = False) -> CheckReport:
    """Read the whole book and collect every problem; raise ConfigError only when there is no book to read.

    The chapters are rendered in ``jobs`` processes (default: the CPUs), or taken from the markup
    cache (this process's, or ``cache`` when given, which is only read: a build that follows stores
    them there), so that a build that follows does not render them again. ``preflight``: the print
    edition is laid out too (or taken from ``cache``, never written there) and every image printed
    below 300 ppi is warned about.
    """
    project_dir = Path(project_dir)
    report = CheckReport(project_dir)
    config = _load_config(project_dir, report)
    paths = _chapter_files(project_dir, config, report)
    sources = [source for source in (_read_source(path, project_dir, report) for path in paths) if source is not None]
    matter_sources = _read_matter(config, report)
    book = build_book(config or _stand_in_config(project_dir), sources, matter_sources)
    markups = render_chapters_in(book.chapters, jobs or default_jobs(), book_dir=project_dir,
                                 cache=MarkupCache(cache, project_dir, write=False), collect=True)
    references = CrossReferences(project_dir, markups)
    # the editors' texts (front and back matter files, part introductions) as a build renders them
    matter = [render_chapter(item, project_dir, collect=True) for item in book_matter(book)]
    for markup in markups + matter:
        report.diagnostics.extend(markup.diagnostics)
        report.diagnostics.extend(references.problems(markup))
    _check_duplicate_titles(book.chapters, report)
    _check_example_text(sources, report)
    _check_not_chapters(project_dir, report)
    if config is not None:
        _check_editors(config, report)
        _check_labels(config, book.chapters, report)
        report.diagnostics.extend(font_coverage(config, [s.path for s in sources] + [m.path for m in matter_sources]))
        report.diagnostics.extend(hyphenation_warnings(config, book.chapters, language_name))
    _check_unused_images(project_dir, markups + matter, report)
    if preflight and config is not None and not report.errors:
        report.diagnostics.extend(_print_preflight(book, markups, cache))
    report.chapters = len(book.chapters)
    order = {p.resolve(): n for n, p in enumerate(paths, start=1)}
    report.diagnostics.sort(key=lambda d: _reading_order(d, order))
    return report


def _print_preflight(book: Book, markups: list[ChapterMarkup], cache: Cache | None) -> list[Diagnostic]:
    """Warnings for images printed below 300 ppi in the print edition of the book's [print] settings."""
    from .print.output import print_output
    from .print.preflight import image_warnings
    from .print.profiles import print_settings

    context = BuildContext(book, markups, print_settings(book.config.print), cache or Cache(None))
    printed = print_output(context, cached_only=True) if cache is not None else None
    if printed is None:
        printed = print_output(dataclasses.replace(context, cache=Cache(None), chunked=False))
    if printed is None or printed.artifact is None:
        return []
    return image_warnings(printed.artifact.data or b"", markups, book.config.project_dir)


def _load_config(project_dir: Path, report: CheckReport) -> Config | None:
    config_path = project_dir / CONFIG_NAME
    if not project_dir.is_dir() or not config_path.is_file():
        load_config(project_dir)  # raises the ConfigError that says what is missing
    _check_identifier(config_path, report)
    try:
        return load_config(project_dir)
    except ConfigError as error:
        report.diagnostics.extend(error.diagnostics)
        return None


def _read_matter(config: Config | None, report: CheckReport) -> list[MatterSource]:
    if config is None:
        return []
    try:
        return read_matter(config)
    except SourceError as error:
        report.diagnostics.extend(error.diagnostics)
        return []


def _stand_in_config(project_dir: Path) -> Config:
    """Lets chapters be checked when anthology.toml itself has problems (already reported)."""
    settings = BookSettings(title="", language="en", identifier="")
    return Config(project_dir=project_dir, path=project_dir / CONFIG_NAME, book=settings, slug="book")


def _chapter_files(project_dir: Path, config: Config | None, report: CheckReport) -> list[Path]:
    folder = project_dir / CHAPTER_DIR
    in_folder = sorted(
        (p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith((".", "_"))),
        key=lambda p: natural_key(p.name),
    ) if folder.is_dir() else []
    if config is None:
        return in_folder
    try:
        paths = chapter_paths(config)
    except SourceError as error:
        report.diagnostics.extend(error.diagnostics)
        if config.book.chapters is None:
            return []
        paths = [p for p in (project_dir / name for name in config.book.chapters) if isinstance(contained(p, project_dir), Path)]
    if config.book.chapters is not None:
        listed = {p.resolve() for p in paths}
        for path in in_folder:
            if path.resolve() not in listed:
                report.diagnostics.append(
                    Diagnostic(
                        path,
                        "this chapter is not listed in [book] chapters, so it is left out of the book",
                        line=1,
                        hint=f"add \"{path.relative_to(project_dir).as_posix()}\" to chapters in anthology.toml, or move the file",
                        level="warning",
                    )
                )
    return paths


def _read_source(path: Path, project_dir: Path, report: CheckReport) -> ChapterSource | None:
    """One chapter's front matter and body; its problems go to the report, and its body is still checked."""
    try:
        text = decode(path, read_book_file(path, project_dir))
        if not text.strip():
            raise SourceError(Diagnostic(path, "is empty", line=1, hint="add front matter and the chapter's text, or remove the file"))
        front, body, body_line = split_front_matter(path, text)
    except OSError as exc:
        report.diagnostics.append(Diagnostic(path, f"cannot read: {exc.strerror}"))
        return None
    except SourceError as error:
        report.diagnostics.extend(error.diagnostics)
        return None
    report.diagnostics.extend(comment_cuts(path, front))
    try:
        meta = parse_front_matter(path, front)
    except SourceError as error:
        report.diagnostics.extend(error.diagnostics)
        meta = _lenient_meta(path, front)
    return ChapterSource(path=path, meta=meta, body=body, body_line=body_line)


def _lenient_meta(path: Path, front: str) -> dict[str, Any]:
    """What can be used of front matter that has problems, so the body can still be checked."""
    try:
        data = load_yaml(front)
    except yaml.YAMLError:
        data = {}
    data = data if isinstance(data, dict) else {}
    title = data.get("title")
    authors = data.get("author")
    names = authors if isinstance(authors, list) else [authors]
    return {
        "title": title.strip() if isinstance(title, str) and title.strip() else path.stem,
        "author": [Person(name.strip()) for name in names if isinstance(name, str) and name.strip()],
    }


_PLAIN_VALUE = re.compile(r"^(\s*)([A-Za-z_][\w-]*)\s*:[ \t]+(.*)$")


def comment_cuts(path: Path, front: str) -> list[Diagnostic]:
    """Warn where YAML reads ' #…' inside an unquoted value as a comment and silently drops that text."""
    found: list[Diagnostic] = []
    for index, line in enumerate(front.split("\n")):
        match = _PLAIN_VALUE.match(line)
        if not match:
            continue
        key, value = match.group(2), match.group(3)
        if value[:1] in ("'", '"', "[", "{", "|", ">"):
            continue
        cut = re.search(r"(^|[ \t])#", value)
        if cut is None:
            continue
        kept = value[: cut.start()].strip()
        whole = value.strip()
        quoted = '"' + whole.replace("\\", "\\\\").replace('"', '\\"') + '"'
        found.append(
            Diagnostic(
                path,
                f"'{key}' is cut at ' #': YAML reads the rest of the line as a comment, so {key} is "
                + (f"'{kept}'" if kept else "empty")
                + f" instead of '{whole}'",
                line=index + 2,
                key=key,
                hint=f"put the value in quotes: {key}: {quoted}",
                level="warning",
            )
        )
    return found


def _check_identifier(path: Path, report: CheckReport) -> None:
    """An identifier written as an ISBN must be a valid one (read from the raw file, so it is checked
    even when other settings have problems)."""
    try:
        source = path.read_text(encoding="utf-8-sig")
        book = tomllib.loads(source).get("book")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return  # load_config reports these
    identifier = book.get("identifier") if isinstance(book, dict) else None
    if not isinstance(identifier, str):
        return
    problem = isbn_problem(identifier)
    if problem:
        report.diagnostics.append(
            Diagnostic(
                path,
                f"identifier '{identifier}' is not a valid ISBN: {problem}",
                line=key_line(source, "book", "identifier"),
                key="book.identifier",
                hint="copy the ISBN exactly as the agency issued it, or use a URN such as urn:uuid:…",
            )
        )


_ISBN_LIKE = re.compile(r"^(?:urn:isbn:|isbn(?:-1[03])?:?\s*)?([0-9][0-9 \-]*[0-9Xx])$", re.IGNORECASE)


def isbn_problem(value: str) -> str | None:
    """Why ``value`` is not a valid ISBN-10 or ISBN-13, or None (also None when it is not meant as an ISBN)."""
    match = _ISBN_LIKE.match(value.strip())
    explicit = value.strip().lower().startswith(("urn:isbn", "isbn"))
    if not match:
        return "it should be 10 or 13 digits" if explicit else None
    digits = re.sub(r"[ \-]", "", match.group(1)).upper()
    if len(digits) not in (10, 13):
        if explicit or len(digits) >= 9:
            return f"it has {len(digits)} digits; an ISBN has 13 (or 10)"
        return None
    try:
        stdnum_isbn.validate(digits)
    except InvalidChecksum:
        # the right check digit: EAN's for an ISBN-13; for an ISBN-10, the one its ISBN-13 converts back with
        expected = ean.calc_check_digit(digits[:12]) if len(digits) == 13 else stdnum_isbn.to_isbn10(stdnum_isbn.to_isbn13(digits))[-1]
        return f"the check digit should be {expected}, not {digits[-1]}"
    except InvalidComponent:
        return "an ISBN-13 starts with 978 or 979"
    except ValidationError:
        return "an ISBN-13 is digits only" if len(digits) == 13 else "only the last character of an ISBN-10 may be X"
    return None


def _title_line(chapter: Chapter) -> int | None:
    lines = chapter.source.read_text(encoding="utf-8-sig", errors="replace").split("\n")
    for number, line in enumerate(lines[: chapter.body_line], start=1):
        if re.match(r"^title\s*:", line):
            return number
    return None


def _check_duplicate_titles(chapters: tuple[Chapter, ...], report: CheckReport) -> None:
    first: dict[str, Chapter] = {}
    for chapter in chapters:
        key = " ".join(chapter.title.casefold().split())
        if key in first:
            earlier = first[key]
            report.diagnostics.append(
                Diagnostic(
                    chapter.source,
                    f"the title '{chapter.title}' is also the title of {earlier.source.name}",
                    line=_title_line(chapter),
                    key="title",
                    hint="give each chapter its own title so the contents can tell them apart",
                    level="warning",
                )
            )
        else:
            first[key] = chapter


def _check_example_text(sources: list[ChapterSource], report: CheckReport) -> None:
    """Warn about what `anthology new` and `anthology add` wrote for the editor to replace."""
    for source in sources:
        text = source.path.read_text(encoding="utf-8-sig", errors="replace").split("\n")
        names = [getattr(person, "name", "") for person in source.meta.get("author", [])]
        if EXAMPLE_AUTHOR in names:
            author_line = next((n for n, row in enumerate(text, start=1) if EXAMPLE_AUTHOR in row), 1)
            report.diagnostics.append(
                Diagnostic(source.path, f"the author is still the example's '{EXAMPLE_AUTHOR}': it would be printed "
                           "on the title page, the cover and in the metadata", line=author_line, key="author",
                           hint="write the author's name: author: Ann Bee", level="warning")
            )
        for needle in (EXAMPLE_TEXT, EXAMPLE_OPENING):
            line = next((n for n, row in enumerate(text, start=1) if needle in row), None)
            if line is not None:
                report.diagnostics.append(
                    Diagnostic(source.path, f"the chapter still holds the example text '{needle}'", line=line,
                               hint="replace it with the chapter's own text", level="warning")
                )


# Files found in chapters/ that are not chapters, and how to make chapters of them.
IMPORTABLE = {".docx", ".html", ".htm", ".xhtml", ".xml", ".atom", ".rss"}
RENAMABLE = {".markdown", ".mdown", ".mkd", ".txt", ".text"}
NOT_TEXT = {".doc", ".odt", ".rtf", ".pages", ".pdf"}


def _check_not_chapters(project_dir: Path, report: CheckReport) -> None:
    """Warn about files in chapters/ that the book leaves out because they are not Markdown chapters."""
    folder = project_dir / CHAPTER_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir(), key=lambda p: natural_key(p.name)):
        suffix = path.suffix.lower()
        if not path.is_file() or path.name.startswith((".", "_", "~")) or suffix == ".md" or suffix in IMAGE_TYPES:
            continue
        relative = path.relative_to(project_dir).as_posix()
        if suffix in IMPORTABLE:
            hint = f"make a chapter of it with: anthology import {relative}, then move {path.name} out of chapters/"
        elif suffix in RENAMABLE:
            hint = (f"if it is Markdown or plain text, rename it to {path.stem}.md and start it with front matter: "
                    "a line '---', then title: and author:, then '---'")
        elif suffix in NOT_TEXT:
            hint = "save it as Word Document (.docx) in Word or LibreOffice, then: anthology import " + f"{CHAPTER_DIR}/{path.stem}.docx"
        else:
            hint = "chapters are Markdown files ending .md; move this file out of chapters/ or rename it to start with '_'"
        report.diagnostics.append(
            Diagnostic(path, f"'{path.name}' is not a chapter (chapters end .md), so the book leaves it out", hint=hint, level="warning")
        )


def _check_editors(config: Config, report: CheckReport) -> None:
    """Warn when no editors are named: they are the book's creators on its title page and in its metadata."""
    if config.book.editors:
        return
    source = config.path.read_text(encoding="utf-8-sig", errors="replace") if config.path.is_file() else ""
    try:
        if "editors" in tomllib.loads(source).get("book", {}):
            return  # editors = []: a book that has none, said on purpose
    except tomllib.TOMLDecodeError:
        pass
    report.diagnostics.append(
        Diagnostic(config.path, "no editors are named: the title page names the authors instead (six at most), and catalogues "
                   "have no editor to file the book under", line=key_line(source, "book", "book"), key="book.editors",
                   hint='add editors = ["Ann Bee"] under [book], or editors = [] for a book that has none', level="warning")
    )


def language_name(tag: str) -> str:
    """'cy' -> 'Welsh (cy)'; the tag alone when CLDR does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return f"{Locale.parse(tag, sep='-').english_name} ({tag})"
    except (UnknownLocaleError, ValueError):
        return f"'{tag}'"


def _check_labels(config: Config, chapters: tuple[Chapter, ...], report: CheckReport) -> None:
    """Warn, once per language, when the fixed words (Contents, Edited by, …) have no translation and stay English."""
    source = config.path.read_text(encoding="utf-8-sig", errors="replace") if config.path.is_file() else ""
    seen: set[str] = set()
    for lang, where in [(config.book.language, None)] + [(c.lang, c) for c in chapters]:
        code = labels_primary(lang)
        if code in seen or config.labels.translated(lang):
            continue
        seen.add(code)
        own = "the book's language" if where is None else f"the language of {where.source.name}"
        table = "[labels]" if where is None or code == labels_primary(config.book.language) else f"[labels.{code}]"
        report.diagnostics.append(
            Diagnostic(config.path if where is None else where.source,
                       f"anthology has no translation of its fixed words (Contents, Edited by, …) for {language_name(lang)}, "
                       f"{own}: they are in English",
                       line=key_line(source, "book", "language") if where is None else None, key="labels",
                       hint=f"write them under {table} in anthology.toml; 'anthology new' lists every label", level="warning")
        )


def _check_unused_images(project_dir: Path, markups: list[ChapterMarkup], report: CheckReport) -> None:
    used = {asset.source.resolve() for markup in markups for asset in markup.assets}
    used |= _meant_images(markups)  # an image written with other capitals has its one error already
    config_path = project_dir / CONFIG_NAME
    settings = config_path.read_text(encoding="utf-8-sig", errors="replace") if config_path.is_file() else ""
    for path in _image_files(project_dir):
        relative = path.relative_to(project_dir)
        if path.resolve() in used or relative.as_posix() in settings or path.name in settings:
            continue
        report.diagnostics.append(
            Diagnostic(
                path,
                "this image is not used by any chapter or editors' text",
                hint="refer to it in a chapter (![description](path)) or delete it",
                level="warning",
            )
        )


_MEANT = re.compile(r"^did you mean (.+?)\? write ")


def _meant_images(markups: list[ChapterMarkup]) -> set[Path]:
    """The files that chapters refer to with the wrong capitals (named in their 'did you mean' hint)."""
    meant: set[Path] = set()
    for markup in markups:
        for diagnostic in markup.diagnostics:
            found = _MEANT.match(diagnostic.hint or "") if diagnostic.path is not None else None
            if found and diagnostic.path is not None and "differs in capitals" in diagnostic.message:
                meant.add((diagnostic.path.parent / found.group(1)).resolve())
    return meant


def _image_files(project_dir: Path) -> list[Path]:
    """Image files in the book's folder, outside hidden folders and those of styles, templates and outputs."""
    found: list[Path] = []
    for folder, subfolders, files in os.walk(project_dir):
        at_top = Path(folder) == project_dir
        subfolders[:] = [
            name for name in subfolders
            if not name.startswith(".") and not (at_top and name in NOT_CHAPTER_IMAGES) and name != "__pycache__"
        ]
        found.extend(Path(folder) / name for name in files if Path(name).suffix.lower() in IMAGE_TYPES)
    return sorted(found)


def _reading_order(diagnostic: Diagnostic, order: dict[Path, int]) -> tuple[int, int, str]:
    path = diagnostic.path
    if path is None or path.name == CONFIG_NAME:
        rank = 0
    else:
        rank = order.get(path.resolve(), len(order) + 1)
    return (rank, diagnostic.line or 0, str(path or ""))
