"""Read and validate ``anthology.toml``: the book's settings, every problem reported at once."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Diagnostic
from ..print.profiles import PrintTable
from ..text import slugify
from . import schema
from .isbns import FORMATS as ISBN_FORMATS
from .isbns import InvalidIsbn, normalise_isbn
from .licenses import License, UnknownLicense, license_for
from .schema import Field, FieldError

CONFIG_NAME = "anthology.toml"


@dataclass(frozen=True)
class Epigraph:
    """A quotation set before the contents (the book's) or under a chapter's title, and whom it quotes."""

    text: str
    source: str | None = None


@dataclass(frozen=True)
class Person:
    """A contributor as written in anthology.toml [contributors] or in a chapter's author list."""

    name: str
    bio: str | None = None
    sort_as: str | None = None


@dataclass(frozen=True)
class PartSettings:
    """One [[parts]] entry: a title, the chapter files it holds in order, an optional short introduction."""

    number: int
    title: str
    chapters: tuple[str, ...]
    intro: str | None = None
    line: int | None = None  # the line of its [[parts]] header in anthology.toml


def license_id(value: Any) -> License:
    try:
        return license_for(schema.text(value))
    except UnknownLicense as exc:
        raise FieldError(str(exc)) from None


EPIGRAPH_FIELDS = [
    Field("text", schema.text, required=True, doc='text = "The quotation"'),
    Field("source", schema.text, doc='source = "Who said it, where"'),
]


def epigraph(value: Any) -> Epigraph:
    """A quotation, or a table with its text and source: { text = "…", source = "…" }."""
    if isinstance(value, dict):
        values, problems = schema.validate(value, EPIGRAPH_FIELDS)
        if problems:
            raise FieldError("; ".join(p.message + (f" ({p.hint})" if p.hint else "") for p in problems))
        return Epigraph(values["text"], values.get("source"))
    return Epigraph(schema.text(value))


SUBJECT = re.compile(r"^(thema|bisac):([A-Z0-9.]+)$", re.IGNORECASE)
BISAC = re.compile(r"^[A-Z]{3}[0-9]{6}$")
THEMA = re.compile(r"^[A-Z0-9][A-Z0-9.-]{0,11}$")


def subject_list(value: Any) -> tuple[tuple[str, str], ...]:
    """["thema:JBSF1", "bisac:SOC025000"] -> (("thema", "JBSF1"), ("bisac", "SOC025000"))."""
    found = []
    for item in schema.text_list(value):
        match = SUBJECT.match(item.strip())
        if not match:
            raise FieldError(f"{item!r} is not a subject code: write 'thema:CODE' or 'bisac:CODE', e.g. 'thema:JBSF1'")
        scheme, code = match.group(1).lower(), match.group(2).upper()
        if scheme == "bisac" and not BISAC.match(code):
            raise FieldError(f"{code!r} is not a BISAC code: three letters and six digits, e.g. SOC025000")
        if scheme == "thema" and not THEMA.match(code):
            raise FieldError(f"{code!r} is not a Thema code such as JBSF1")
        found.append((scheme, code))
    return tuple(found)


def web_url(value: Any) -> str:
    url = schema.text(value)
    if not url.startswith(("http://", "https://")):
        raise FieldError(f"{url!r} is not a web address starting http:// or https://")
    return url


def isbn_table(value: Any) -> tuple[tuple[str, str], ...]:
    """{ epub = "978-…", pdf = "978-…" }: one ISBN-13 per format, check digits validated."""
    if not isinstance(value, dict):
        raise FieldError("expected a table of formats and ISBNs, e.g. isbn = { epub = \"978-…\", pdf = \"978-…\" }")
    result: dict[str, str] = {}
    problems: list[str] = []
    for name, number in value.items():
        if name not in ISBN_FORMATS:
            guess = schema.nearest(name, list(ISBN_FORMATS))
            problems.append(f"unknown format '{name}'" + (f" (did you mean '{guess}'?)" if guess else f" (known: {', '.join(ISBN_FORMATS)})"))
            continue
        try:
            result[name] = normalise_isbn(schema.text(number))
        except (InvalidIsbn, FieldError) as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        raise FieldError("; ".join(problems))
    return tuple(result.items())  # (format, hyphenated ISBN-13) in the order written


def names(value: Any) -> tuple[str, ...]:
    return tuple(schema.text_list(value))


@dataclass(frozen=True, kw_only=True)
class BookSettings:
    """The [book] table: each key declared once, here (its attribute, how it is read, its example)."""

    title: str = schema.key(schema.text, required=True, doc='title = "The book\'s title"')
    language: str = schema.key(schema.language, required=True, doc='language = "en-GB" (a BCP 47 tag)')
    subtitle: str | None = schema.key(schema.text, default=None)
    identifier: str = schema.key(schema.text, doc="a stable identifier such as urn:uuid:… or an ISBN")  # derived when not given
    publisher: str | None = schema.key(schema.text, default=None)
    editors: tuple[str, ...] = schema.key(names, doc='editors = ["Name", "Name"]', default=())
    date: dt.date | None = schema.key(schema.date, doc="date = 2019-11-01", default=None)
    rights: str | None = schema.key(schema.text, doc='rights = "© 2019 the authors"', default=None)
    chapters: tuple[str, ...] | None = schema.key(names, doc='chapters = ["chapters/01-first.md", …]', default=None)
    place: str | None = schema.key(schema.text, doc='place = "London" (where the publisher is)', default=None)
    edition: str | None = schema.key(schema.text, doc='edition = "First edition"', default=None)
    copyright: str | None = schema.key(schema.text, doc='copyright = "© 2019 the authors"', default=None)
    license: License | None = schema.key(license_id, doc='license = "CC-BY-4.0" (an SPDX licence id)', default=None)
    isbn: tuple[tuple[str, str], ...] = schema.key(isbn_table, doc='isbn = { epub = "978-…", pdf = "978-…" }', default=())
    dedication: str | None = schema.key(schema.text, doc='dedication = "For …"', default=None)
    epigraph: Epigraph | None = schema.key(epigraph, doc='epigraph = { text = "…", source = "…" }', default=None)
    cover: str | None = schema.key(schema.text, doc='cover = "cover.jpg" (a JPEG or PNG image, relative to anthology.toml)', default=None)
    description: str | None = schema.key(schema.text, doc='description = "What the book is, in a paragraph (for catalogues)"', default=None)
    subjects: tuple[tuple[str, str], ...] = schema.key(subject_list, doc='subjects = ["thema:JBSF1", "bisac:SOC025000"]', default=())  # ('thema', 'JBSF1')
    url: str | None = schema.key(web_url, doc='url = "https://example.org/the-book" (where the book can be found)', default=None)


BOOK_FIELDS = schema.fields_of(BookSettings)

CONTRIBUTOR_FIELDS = [
    Field("bio", schema.text, doc='bio = "A sentence or two about them"'),
    Field("sort_as", schema.text, doc='sort_as = "Surname, Given"'),
]

PART_FIELDS = [
    Field("title", schema.text, required=True, doc='title = "Part title"'),
    Field("chapters", schema.text_list, required=True, doc='chapters = ["chapters/01-first.md", …]'),
    Field("intro", schema.text, doc='intro = "A short introduction, in Markdown"'),
]

TABLES: dict[str, list[Field]] = {"book": BOOK_FIELDS, "print": schema.fields_of(PrintTable)}
# Tables read by their own functions below: [contributors."Name"] and [[parts]].
OTHER_TABLES = ("contributors", "parts")


@dataclass(frozen=True)
class Config:
    """Everything ``anthology.toml`` says, validated."""

    project_dir: Path
    path: Path
    book: BookSettings
    slug: str
    print: PrintTable = field(default_factory=PrintTable)  # [print], read once; the build puts the command line's options over it
    contributors: dict[str, Person] = field(default_factory=dict)
    parts: tuple[PartSettings, ...] = ()


def derive_identifier(title: str) -> str:
    """A stable URN for a book without an identifier: the same title always gives the same one."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'anthology:' + title)}"


def key_line(source: str, table: str | None, key: str) -> int | None:
    """Line number of ``key = …`` inside ``[table]`` (or at top level) in a TOML text."""
    current: str | None = None
    pattern = re.compile(r"^\s*(?:\"?)" + re.escape(key) + r"(?:\"?)\s*=")
    for number, line in enumerate(source.splitlines(), start=1):
        header = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            current = header.group(1)
            if current == table and key == table:
                return number
            continue
        if current == table and pattern.match(line):
            return number
    return None


def load_config(project_dir: Path) -> Config:
    """Read ``PROJECT_DIR/anthology.toml``; raise ConfigError listing every problem found."""
    project_dir = Path(project_dir)
    path = project_dir / CONFIG_NAME
    if not project_dir.is_dir():
        raise ConfigError(Diagnostic(project_dir, "no such folder", hint="give the folder that holds anthology.toml"))
    if not path.is_file():
        raise ConfigError(
            Diagnostic(
                path,
                "anthology.toml not found",
                hint="run anthology in the book's folder, or create it with 'anthology new FOLDER'",
            )
        )
    try:
        source = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(Diagnostic(path, f"not UTF-8 text ({exc.reason})", hint="save the file as UTF-8")) from None
    except OSError as exc:
        raise ConfigError(Diagnostic(path, f"cannot read: {exc.strerror}")) from None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        reason = re.sub(r" \(at line.*", "", str(exc))
        raise ConfigError(
            Diagnostic(
                path,
                f"not valid TOML: {reason}",
                line=int(match.group(1)) if match else None,
                hint="check quotes, brackets and '=' signs on that line",
            )
        ) from None
    return parse_config(data, source, path, project_dir)


def parse_config(data: dict[str, Any], source: str, path: Path, project_dir: Path) -> Config:
    diagnostics: list[Diagnostic] = []
    for name, value in data.items():
        if name not in TABLES and name not in OTHER_TABLES:
            guess = schema.nearest(name, list(TABLES) + list(OTHER_TABLES))
            diagnostics.append(
                Diagnostic(
                    path,
                    f"unknown table or key '{name}'",
                    line=key_line(source, None, name) or key_line(source, name, name),
                    key=name,
                    hint=f"did you mean '[{guess}]'?" if guess else "known tables: " + ", ".join(f"[{t}]" for t in TABLES),
                )
            )
    tables: dict[str, dict[str, Any]] = {}
    for name, fields in TABLES.items():
        raw = data.get(name, {})
        if not isinstance(raw, dict):
            diagnostics.append(Diagnostic(path, f"'{name}' must be a table [{name}]", key=name))
            raw = {}
        if name == "book" and "book" not in data:
            diagnostics.append(
                Diagnostic(path, "missing the [book] table", key="book", hint='add [book] with title and language')
            )
            continue
        values, problems = schema.validate(raw, fields)
        tables[name] = values
        for p in problems:
            diagnostics.append(
                Diagnostic(
                    path,
                    p.message + f" in [{name}]",
                    line=key_line(source, name, p.key) or key_line(source, name, name),
                    key=f"{name}.{p.key}",
                    hint=p.hint,
                )
            )
    contributors = _contributors(data.get("contributors"), source, path, diagnostics)
    parts = _parts(data.get("parts"), source, path, diagnostics)
    if parts and "chapters" in tables.get("book", {}):
        diagnostics.append(
            Diagnostic(
                path,
                "the reading order is given twice: in [book] chapters and in [[parts]]",
                line=key_line(source, "book", "chapters"),
                key="book.chapters",
                hint="with parts, list each chapter under its part and remove [book] chapters",
            )
        )
    if diagnostics:
        raise ConfigError(diagnostics)
    book = tables["book"]
    isbn = dict(book.get("isbn", ()))
    identifier = book.get("identifier")
    if identifier is None and "epub" in isbn:
        identifier = "urn:isbn:" + isbn["epub"].replace("-", "")
    settings = BookSettings(**{**book, "identifier": identifier or derive_identifier(book["title"])})
    return Config(
        project_dir=project_dir,
        path=path,
        book=settings,
        slug=slugify(settings.title),
        print=PrintTable(**tables.get("print", {})),
        contributors=contributors,
        parts=parts,
    )


def table_line(source: str, name: str, index: int) -> int | None:
    """Line of the ``index``-th (from 0) ``[[name]]`` header in a TOML text."""
    seen = -1
    for number, line in enumerate(source.splitlines(), start=1):
        if re.match(r"^\s*\[\[\s*" + re.escape(name) + r"\s*\]\]", line):
            seen += 1
            if seen == index:
                return number
    return None


def _contributors(raw: Any, source: str, path: Path, diagnostics: list[Diagnostic]) -> dict[str, Person]:
    """[contributors."Name"] tables: bio and sort_as for people named in the chapters."""
    if raw is None:
        return {}
    hint = 'write [contributors."Full Name"] with bio = "…" and, if needed, sort_as = "Surname, Given"'
    if not isinstance(raw, dict):
        diagnostics.append(Diagnostic(path, "'contributors' must be a table", key="contributors", hint=hint))
        return {}
    people: dict[str, Person] = {}
    for name, entry in raw.items():
        header = f'contributors."{name}"'
        line = key_line(source, header, header) or key_line(source, "contributors", name) or key_line(source, "contributors", "contributors")
        if not isinstance(entry, dict):
            diagnostics.append(Diagnostic(path, f"contributor '{name}' must be a table", line=line, key=f"contributors.{name}", hint=hint))
            continue
        values, problems = schema.validate(entry, CONTRIBUTOR_FIELDS)
        for p in problems:
            diagnostics.append(
                Diagnostic(path, p.message + f" for contributor '{name}'", line=key_line(source, header, p.key) or line,
                           key=f"contributors.{name}.{p.key}", hint=p.hint)
            )
        people[name.strip()] = Person(name.strip(), values.get("bio"), values.get("sort_as"))
    return people


def _parts(raw: Any, source: str, path: Path, diagnostics: list[Diagnostic]) -> tuple[PartSettings, ...]:
    """[[parts]] entries, each with a title and its chapters; a chapter belongs to one part only."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        diagnostics.append(
            Diagnostic(path, "'parts' must be written as [[parts]] tables", key="parts",
                       hint='add [[parts]] with title = "…" and chapters = ["chapters/…", …] for each part')
        )
        return ()
    parts: list[PartSettings] = []
    owner: dict[str, int] = {}
    for index, entry in enumerate(raw):
        line = table_line(source, "parts", index)
        values, problems = schema.validate(entry, PART_FIELDS)
        for p in problems:
            diagnostics.append(
                Diagnostic(path, p.message + f" in part {index + 1}", line=line, key=f"parts[{index}].{p.key}", hint=p.hint)
            )
        chapters = tuple(values.get("chapters", ()))
        for chapter in chapters:
            if chapter in owner:
                diagnostics.append(
                    Diagnostic(path, f"chapter '{chapter}' is in part {owner[chapter]} and in part {index + 1}",
                               line=line, key=f"parts[{index}].chapters", hint="list each chapter in one part only")
                )
            owner.setdefault(chapter, index + 1)
        parts.append(PartSettings(index + 1, values.get("title", ""), chapters, values.get("intro"), line))
    return tuple(parts)
