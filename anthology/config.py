"""Read and validate ``anthology.toml``: the book's settings, every problem reported at once."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .errors import ConfigError, Diagnostic
from .print_profiles import PRINT_FIELDS
from .schema import Field
from .text import slugify

CONFIG_NAME = "anthology.toml"

BOOK_FIELDS = [
    Field("title", schema.text, required=True, doc='title = "The book\'s title"'),
    Field("language", schema.language, required=True, doc='language = "en-GB" (a BCP 47 tag)'),
    Field("subtitle", schema.text),
    Field("identifier", schema.text, doc="a stable identifier such as urn:uuid:… or an ISBN"),
    Field("publisher", schema.text),
    Field("editors", schema.text_list, doc='editors = ["Name", "Name"]'),
    Field("date", schema.date, doc="date = 2019-11-01"),
    Field("rights", schema.text, doc='rights = "© 2019 the authors"'),
    Field("chapters", schema.text_list, doc='chapters = ["chapters/01-first.md", …]'),
]

TABLES: dict[str, list[Field]] = {"book": BOOK_FIELDS, "print": PRINT_FIELDS}


@dataclass(frozen=True)
class BookSettings:
    title: str
    language: str
    identifier: str
    subtitle: str | None = None
    publisher: str | None = None
    editors: tuple[str, ...] = ()
    date: dt.date | None = None
    rights: str | None = None
    chapters: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Config:
    """Everything ``anthology.toml`` says, validated."""

    project_dir: Path
    path: Path
    book: BookSettings
    slug: str
    extra: dict[str, Any] = field(default_factory=dict)


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
        if name not in TABLES:
            guess = schema.nearest(name, list(TABLES))
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
    if diagnostics:
        raise ConfigError(diagnostics)
    book = tables["book"]
    settings = BookSettings(
        title=book["title"],
        language=book["language"],
        identifier=book.get("identifier") or derive_identifier(book["title"]),
        subtitle=book.get("subtitle"),
        publisher=book.get("publisher"),
        editors=tuple(book.get("editors", ())),
        date=book.get("date"),
        rights=book.get("rights"),
        chapters=tuple(book["chapters"]) if "chapters" in book else None,
    )
    extra = {name: values for name, values in tables.items() if name != "book"}
    return Config(project_dir=project_dir, path=path, book=settings, slug=slugify(settings.title), extra=extra)
