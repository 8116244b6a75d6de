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
from .booklet_settings import BOOKLET_FIELDS, BookletSettings, booklet_table
from .fonts import FallbackFont
from .fonts import resolve as resolve_fonts
from .isbns import FORMATS as ISBN_FORMATS
from .isbns import InvalidIsbn, normalise_isbn
from .labels import Labels, braced_names, primary
from .labels import english as english_labels
from .licenses import License, UnknownLicense, license_for
from .safety import MAX_TEXT_BYTES, Refusal, read_contained, refusal_hint
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
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            number = str(value).strip()
            try:
                number = normalise_isbn(number)
            except InvalidIsbn as exc:
                raise FieldError(f"{exc}; and isbn names the edition each number is for",
                                 f'write isbn = {{ epub = "{number}" }} with the right number') from None
            raise FieldError(f"'{value}' is one number, but isbn names the edition each ISBN is for",
                             f'write isbn = {{ epub = "{number}" }} (or pdf, print, paperback, hardback)')
        raise FieldError(f"expected a table of editions and ISBNs, got a {type(value).__name__}",
                         'write isbn = { epub = "978-…", pdf = "978-…" }')
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


def editor_names(value: Any) -> tuple[str, ...]:
    """Names, or ``[]``: a book that has no editors, said on purpose."""
    return tuple(schema.text_list_or_none(value))


@dataclass(frozen=True, kw_only=True)
class BookSettings:
    """The [book] table: each key declared once, here (its attribute, how it is read, its example)."""

    title: str = schema.key(
        schema.text, required=True, doc='title = "The book\'s title"', help="The book's title; the output files are named after it.", example='"Our Anthology"',
    )
    language: str = schema.key(
        schema.language, required=True, doc='language = "en-GB" (a BCP 47 tag)', help='The book\'s language, a BCP 47 tag: "en", "en-GB", "cy", "fr-CA". It chooses the fixed words '
          '("Contents", "Edited by"), the hyphenation and how dates are written.', example='"en-GB"',
    )
    subtitle: str | None = schema.key(
        schema.text, help="Shown under the title on the title page.", example='"Posts from our blog"', shown="none", default=None,
    )
    running_head: str | None = schema.key(
        schema.text, help="The title in the print edition's left-hand page heads, for a title too long for one line.", example='"Our Anthology"',
        shown="the title (cut at a word when too long)", default=None,
    )
    identifier: str = schema.key(
        schema.text, doc="a stable identifier such as urn:uuid:… or an ISBN", help="A stable identifier for the EPUB: a URN, or an ISBN.", example='"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"', shown="urn:isbn:… from the EPUB's ISBN, else a URN made from the title",
    )
    publisher: str | None = schema.key(
        schema.text, help="Shown on the title page and recorded in the metadata.", example='"Our Press"', shown="none", default=None,
    )
    editors: tuple[str, ...] = schema.key(
        editor_names, doc='editors = ["Name", "Name"]', help='The editors, shown as "Edited by" and recorded as the book\'s creators.', example='["Ann Bee", "Cy Dee"]',
        shown="none: the title page names the authors (six at most), and check warns unless editors = [] says there are none", default=(),
    )
    date: dt.date | None = schema.key(
        schema.date, doc="date = 2019-11-01", help="The publication date, year-month-day, without quotes.", example="2019-11-01", shown="the newest chapter's date", default=None,
    )
    rights: str | None = schema.key(
        schema.text, doc='rights = "© 2019 the authors"', help="The rights statement of the metadata.", example='"© 2019 the authors"', shown="the copyright line and the licence", default=None,
    )
    chapters: tuple[str, ...] | None = schema.key(
        names, doc='chapters = ["chapters/01-first.md", …]', help="The chapter files in reading order (not with [[parts]]).", example='["chapters/01-welcome.md", "chapters/02-second.md"]', shown="every .md file in chapters/, in file-name order (2-b.md before 10-a.md)", default=None,
    )
    place: str | None = schema.key(
        schema.text, doc='place = "London" (where the publisher is)', help="Where the publisher is, printed after its name.", example='"Cardiff"', shown="none", default=None,
    )
    edition: str | None = schema.key(
        schema.text, doc='edition = "First edition"', help="The edition, printed on the copyright page.", example='"First edition"', shown="none", default=None,
    )
    copyright: str | None = schema.key(
        schema.text, doc='copyright = "© 2019 the authors"', help="The copyright line of the copyright page.", example='"© 2019 the authors"', shown='"© YEAR the contributors", in the book\'s language', default=None,
    )
    license: License | None = schema.key(
        license_id, doc='license = "CC-BY-4.0" (an SPDX licence id)', help="The book's licence, an SPDX id; a chapter may give its own.", example='"CC-BY-4.0"', shown="none", default=None,
    )
    isbn: tuple[tuple[str, str], ...] = schema.key(
        isbn_table, doc='isbn = { epub = "978-…", pdf = "978-…" }', help="An ISBN-13 for each edition that has one: epub, pdf, print, paperback, hardback.", example='{ epub = "978-0-306-40615-7" }', shown="none", default=(),
    )
    dedication: str | None = schema.key(
        schema.text, doc='dedication = "For …"', help="A dedication page after the copyright page.", example='"For our volunteers"', shown="none", default=None,
    )
    epigraph: Epigraph | None = schema.key(
        epigraph, doc='epigraph = { text = "…", source = "…" }', help="A quotation before the contents, and whom it quotes.", example='{ text = "Nothing about us without us.", source = "a campaign slogan" }', shown="none", default=None,
    )
    cover: str | None = schema.key(
        schema.text, doc='cover = "cover.jpg" (a JPEG or PNG image, relative to anthology.toml)', help="The cover image, a JPEG or PNG (1600 × 2560 pixels suits every retailer).", example='"cover.jpg"', shown="a cover set in type: the title, the subtitle and the editors", default=None,
    )
    description: str | None = schema.key(
        schema.text, doc='description = "What the book is, in a paragraph (for catalogues)"', help="What the book is, in a paragraph, for catalogues and the library kit.", example='"Twenty voices on co-production, from our blog."', shown="none", default=None,
    )
    subjects: tuple[tuple[str, str], ...] = schema.key(
        subject_list, doc='subjects = ["thema:JBSF1", "bisac:SOC025000"]', help="Subject codes for catalogues: thema:CODE or bisac:CODE.", example='["thema:JBSF1", "bisac:SOC025000"]', shown="none", default=(),
    )  # ('thema', 'JBSF1')
    url: str | None = schema.key(
        web_url, doc='url = "https://example.org/the-book" (where the book can be found)', help="Where the book can be found on the web.", example='"https://example.org/the-book"', shown="none", default=None,
    )
    fallback_fonts: tuple[str, ...] = schema.key(
        names, doc='fallback_fonts = ["fonts/NotoSansSymbols2-Regular.ttf", "Noto Sans"]',
        help="Fonts for the characters the book fonts lack (★, 中文, emoji), tried in order: a .ttf or .otf file in the book's folder, or the family "
             "name of an installed pip font package (fontpkg-…). They are embedded in the PDF and shipped in the EPUB and the HTML edition; `check` "
             "names every character no font has.",
        example='["fonts/NotoSansSymbols2-Regular.ttf"]', shown="none: a character the book fonts lack prints as an empty box, and check warns", default=(),
    )


BOOK_FIELDS = schema.fields_of(BookSettings)

CONTRIBUTOR_FIELDS = [
    Field("bio", schema.text, doc='bio = "A sentence or two about them"',
          help="A sentence or two about them, in About the contributors.",
          example='"Ann Bee runs the garden project."', default="none"),
    Field("sort_as", schema.text, doc='sort_as = "Surname, Given"',
          help="How the name is sorted in About the contributors and in catalogues.", example='"Bee, Ann"',
          default="the last word of the name first"),
]

PART_FIELDS = [
    Field("title", schema.text, required=True, doc='title = "Part title"', help="The part's title.",
          example='"Beginnings"'),
    Field("chapters", schema.text_list, required=True, doc='chapters = ["chapters/01-first.md", …]',
          help="The part's chapter files, in reading order.", example='["chapters/01-welcome.md"]'),
    Field("intro", schema.text, doc='intro = "A short introduction, in Markdown"',
          help="A short introduction on the part's page, in Markdown.", example='"Where it started."', default="none"),
]

TABLES: dict[str, list[Field]] = {"book": BOOK_FIELDS, "print": schema.fields_of(PrintTable), "booklet": BOOKLET_FIELDS}
# Tables read by their own functions below: [contributors."Name"], [[parts]] and [labels].
OTHER_TABLES = ("contributors", "parts", "labels")


@dataclass(frozen=True)
class Config:
    """Everything ``anthology.toml`` says, validated."""

    project_dir: Path
    path: Path
    book: BookSettings
    slug: str
    print: PrintTable = field(default_factory=PrintTable)  # [print], read once; the build puts the command line's options over it
    print_keys: tuple[str, ...] = ()  # the keys [print] writes: a book that says how it prints has a print edition
    contributors: dict[str, Person] = field(default_factory=dict)
    parts: tuple[PartSettings, ...] = ()
    labels: Labels = field(default_factory=Labels)
    booklet: BookletSettings = field(default_factory=BookletSettings)  # [booklet], with its defaults
    fallback_fonts: tuple[FallbackFont, ...] = ()  # [book] fallback_fonts, each font read and checked


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
    data_or_refusal = read_contained(path, project_dir, MAX_TEXT_BYTES)
    if isinstance(data_or_refusal, Refusal):
        if data_or_refusal.kind == "outside":
            raise ConfigError(Diagnostic(path, "is a link to a file outside the book's folder", hint="copy it into the book's folder"))
        raise ConfigError(Diagnostic(path, data_or_refusal.reason, hint=refusal_hint(data_or_refusal)))
    try:
        source = data_or_refusal.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(Diagnostic(path, f"not UTF-8 text ({exc.reason})", hint="save the file as UTF-8")) from None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        reason = re.sub(r" \(at line.*", "", str(exc))
        line = int(match.group(1)) if match else None
        if line is not None:
            wrong_date = _date_problem_on(source, line)
            if wrong_date is not None:
                raise ConfigError(Diagnostic(
                    path, wrong_date[0], line=line, key=wrong_date[1], hint=wrong_date[2])) from None
        raise ConfigError(
            Diagnostic(
                path,
                f"not valid TOML: {reason}",
                line=int(match.group(1)) if match else None,
                hint="check quotes, brackets and '=' signs on that line",
            )
        ) from None
    return parse_config(data, source, path, project_dir)


def _date_problem_on(source: str, line: int) -> tuple[str, str, str | None] | None:
    """What is wrong with a date TOML could not read on ``line`` (month 13, day 31 of April), or None."""
    lines = source.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    found = re.match(r"^\s*([A-Za-z_][\w-]*)\s*=\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4})\s*(#.*)?$", text)
    if found is None:
        return None
    problem = schema.date_problem(found.group(2))
    return f"'{found.group(1)}': {problem}", found.group(1), problem.hint


def parse_config(data: dict[str, Any], source: str, path: Path, project_dir: Path) -> Config:
    diagnostics: list[Diagnostic] = []
    for name in data:
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
    raw_book = data.get("book")
    raw_language = raw_book.get("language") if isinstance(raw_book, dict) else None
    language = raw_language if isinstance(raw_language, str) else "en"
    labels = _labels(data.get("labels"), language, source, path, diagnostics)
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
    fallback_fonts, font_problems = resolve_fonts(tables.get("book", {}).get("fallback_fonts", ()), project_dir)
    for problem in font_problems:
        diagnostics.append(Diagnostic(path, str(problem), line=key_line(source, "book", "fallback_fonts"), key="book.fallback_fonts", hint=problem.hint))
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
        print_keys=tuple(tables.get("print", {})),
        booklet=booklet_table(tables.get("booklet")),
        contributors=contributors,
        parts=parts,
        labels=labels,
        fallback_fonts=fallback_fonts,
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


def _labels(raw: Any, language: str, source: str, path: Path, diagnostics: list[Diagnostic]) -> Labels:
    """[labels]: the book's own fixed words, for its language; [labels.fr]: for chapters in French."""
    if raw is None:
        return Labels(language)
    hint = 'write [labels] then contents = "Table of contents", or [labels.fr] for another language'
    if not isinstance(raw, dict):
        diagnostics.append(Diagnostic(path, "'labels' must be a table [labels]", key="labels", hint=hint))
        return Labels(language)
    known = english_labels()
    overrides: dict[str, dict[str, str]] = {}

    def take(table: dict[str, Any], code: str, header: str) -> None:
        for key, value in table.items():
            where = key_line(source, header, key) or key_line(source, header, header)
            if isinstance(value, dict) and header == "labels":
                if not schema.LANGUAGE_TAG.match(key):
                    diagnostics.append(Diagnostic(path, f"[labels.{key}]: '{key}' is not a language tag such as 'fr' or 'cy'",
                                                  line=where, key=f"labels.{key}", hint=hint))
                    continue
                take(value, primary(key), f"labels.{key}")
                continue
            if key not in known:
                guess = schema.nearest(key, list(known))
                diagnostics.append(Diagnostic(path, f"unknown label '{key}' in [{header}]", line=where, key=f"{header}.{key}",
                                              hint=f"did you mean '{guess}'?" if guess else "the labels are: " + ", ".join(known)))
                continue
            if not isinstance(value, str) or not value.strip():
                diagnostics.append(Diagnostic(path, f"label '{key}' in [{header}] must be text", line=where,
                                              key=f"{header}.{key}", hint=f'{key} = "{known[key]}"'))
                continue
            wanted, given = braced_names(known[key]), braced_names(value)
            if wanted != given:
                need = ", ".join("{" + name + "}" for name in sorted(wanted)) or "no words in braces"
                diagnostics.append(Diagnostic(path, f"label '{key}' in [{header}] must hold {need}", line=where,
                                              key=f"{header}.{key}", hint=f'the English is {key} = "{known[key]}"'))
                continue
            overrides.setdefault(code, {})[key] = value

    take(raw, primary(language), "labels")
    return Labels(language, overrides)
