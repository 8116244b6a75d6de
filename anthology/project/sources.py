"""Read chapter files: decode them, split YAML front matter from the Markdown body, validate the keys.

Every problem in every chapter is collected, then raised together as one SourceError.
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..errors import Diagnostic, SourceError, collect
from ..text import natural_key
from . import schema
from .config import Config, Person, epigraph, license_id
from .safety import Refusal, contained, inside, read_contained, refusal_hint
from .schema import Field, FieldError

CHAPTER_DIR = "chapters"
MAX_CHAPTER_BYTES = 2 * 1024 * 1024  # about 300,000 words: a long novel's worth in one chapter
MAX_FRONT_MATTER_CHARS = 64 * 1024
# Characters no XML document (so no EPUB, PDF source or web page) may hold.
CONTROL_NAMES = {"\x0b": "vertical tab", "\x0c": "form feed, a page break", "\x1b": "escape", "\x08": "backspace"}
_NOT_XML = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

PERSON_FIELDS = [
    Field("name", schema.text, required=True, doc="name: Full Name"),
    Field("bio", schema.text, doc="bio: a sentence or two about them"),
    Field("sort_as", schema.text, doc="sort_as: Surname, Given"),
]


def authors(value: Any) -> list[Person]:
    """A name, or a list whose items are names or {name, bio, sort_as} mappings."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise FieldError("expected a name or a list of names")
    people: list[Person] = []
    for item in items:
        if isinstance(item, dict):
            values, problems = schema.validate(item, PERSON_FIELDS)
            if problems:
                raise FieldError("; ".join(p.message for p in problems) + " (write '- name: Full Name' then 'bio: …')")
            people.append(Person(values["name"], values.get("bio"), values.get("sort_as")))
        else:
            people.append(Person(schema.text(item)))
    return people


def web_address(value: Any) -> str:
    url = schema.text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", url):
        raise FieldError(f"{url!r} is not a web address starting http:// or https://")
    return url


CHAPTER_FIELDS = [
    Field("title", schema.text, required=True, doc="title: The chapter's title"),
    Field("author", authors, required=True, doc="author: Name (or a list of names, or of '- name: …' with 'bio: …')"),
    Field("byline", schema.text, doc="byline: role and organisation"),
    Field("date", schema.date, doc="date: 2019-11-01"),
    Field("lang", schema.language, doc="lang: en-GB"),
    Field("summary", schema.text, doc="summary: one or two sentences shown under the title"),
    Field("running_head", schema.text, doc="running_head: a short title for the print edition's page heads"),
    Field("source", web_address, doc="source: https://… (where the piece first appeared)"),
    Field("license", license_id, doc="license: CC-BY-4.0 (an SPDX licence id)"),
    Field("epigraph", epigraph, doc="epigraph: a quotation, or 'text: …' and 'source: …' indented below it"),
]

# Front and back matter written by the editors: the file names allowed, in reading order.
FRONT_DIR = "front"
BACK_DIR = "back"
MATTER_FILES = {
    FRONT_DIR: ("foreword", "preface", "introduction"),
    BACK_DIR: ("afterword", "acknowledgements"),
}
MATTER_FIELDS = [
    Field("title", schema.text, doc="title: Foreword"),
    Field("author", schema.text_list, doc="author: the name (or names) it is signed with"),
]


@dataclass(frozen=True)
class ChapterSource:
    """One chapter file, read and checked but not yet rendered."""

    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # the file's line number on which the Markdown body starts


@dataclass(frozen=True)
class MatterSource:
    """A foreword, preface, introduction, afterword or acknowledgements file, read and checked."""

    kind: str  # the file's stem: 'foreword', 'afterword', …
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int


def _listed(config: Config, name: str, where: str, key: str, line: int | None = None) -> tuple[Path, Diagnostic | None]:
    """A chapter file named in anthology.toml, checked under the containment rule: inside the book's
    folder (links followed), a regular file, not too big."""
    path = config.project_dir / name
    found = contained(path, config.project_dir, MAX_CHAPTER_BYTES)
    if not isinstance(found, Refusal):
        return path, None
    if found.kind == "outside":
        message, hint = "is outside the book's folder", "copy the chapter into the book's folder; only files inside it are read"
    elif found.kind == "missing":
        message, hint = "does not exist", "check the path; it is relative to the book's folder"
    else:
        message, hint = found.reason, refusal_hint(found)
    return path, Diagnostic(config.path, f"chapter '{name}' listed in {where} {message}", line=line, key=key, hint=hint)


def _part_paths(config: Config) -> list[Path]:
    """With [[parts]]: their chapters in order; every file in chapters/ must be in a part."""
    project = config.project_dir
    paths: list[Path] = []
    problems: list[Diagnostic] = []
    for part in config.parts:
        for name in part.chapters:
            path, problem = _listed(config, name, f"part {part.number} ('{part.title}')", f"parts[{part.number - 1}].chapters", part.line)
            if problem is not None:
                problems.append(problem)
            paths.append(path)
    if problems:
        raise SourceError(problems)
    listed = {p.resolve() for p in paths}
    folder = project / CHAPTER_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*.md"), key=lambda p: natural_key(p.name)):
            if path.is_file() and not path.name.startswith((".", "_")) and path.resolve() not in listed:
                problems.append(
                    Diagnostic(config.path, f"chapter '{path.relative_to(project).as_posix()}' is in no part",
                               key="parts", hint="add it to the chapters of one [[parts]] entry, or rename it to start with '_'")
                )
    if problems:
        raise SourceError(problems)
    return paths


def chapter_paths(config: Config) -> list[Path]:
    """The chapter files in reading order: as listed in anthology.toml, else by natural file-name order."""
    project = config.project_dir
    if config.parts:
        return _part_paths(config)
    if config.book.chapters is not None:
        paths: list[Path] = []
        problems: list[Diagnostic] = []
        for name in config.book.chapters:
            path, problem = _listed(config, name, "[book] chapters", "book.chapters")
            if problem is not None:
                problems.append(problem)
            paths.append(path)
        if problems:
            raise SourceError(problems)
        return paths
    folder = project / CHAPTER_DIR
    paths = sorted(
        (p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith((".", "_"))),
        key=lambda p: natural_key(p.name),
    ) if folder.is_dir() else []
    if not paths:
        raise SourceError(
            Diagnostic(folder, "no chapters found", hint="put one Markdown file (.md) per chapter in chapters/")
        )
    outside = [p for p in paths if not inside(p, project)]
    if outside:
        raise SourceError(
            [
                Diagnostic(p, "is a link to a file outside the book's folder", hint="copy the file into chapters/ instead of linking to it")
                for p in outside
            ]
        )
    return paths


def decode(path: Path, data: bytes) -> str:
    """Bytes to text: UTF-8 (a byte-order mark is dropped), line endings normalised to '\\n'."""
    if len(data) > MAX_CHAPTER_BYTES:
        raise _too_big(path, len(data))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(
            Diagnostic(path, "contains a NUL byte: this is not a text file", line=line, hint="save the chapter as UTF-8 text")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = _legacy_encoding(data)
        raise SourceError(
            Diagnostic(
                path,
                f"is not UTF-8 text (byte 0x{data[exc.start]:02x}{guess})",
                line=line,
                hint="save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
            )
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _NOT_XML.search(text)
    if bad is not None:
        char = bad.group(0)
        name = CONTROL_NAMES.get(char) or unicodedata.name(char, "") or "a control character"
        raise SourceError(
            Diagnostic(
                path,
                f"contains U+{ord(char):04X} ({name.lower()}), which no e-book or web page may hold",
                line=text.count("\n", 0, bad.start()) + 1,
                hint="delete it; such characters often come from pasting out of a word processor",
            )
        )
    return text


def _too_big(path: Path, size: int) -> SourceError:
    return SourceError(
        Diagnostic(
            path,
            f"is {size / 1024 / 1024:.1f} MB; a chapter may be at most {MAX_CHAPTER_BYTES // 1024 // 1024} MB",
            line=1,
            hint="split it into several chapters, or check that it is the right file",
        )
    )


def _legacy_encoding(data: bytes) -> str:
    """A hint at the file's real encoding when it reads as Windows-1252 / Latin-1 (the usual suspects)."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return "; it looks like Windows-1252 or Latin-1"


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Return (front matter YAML, body, body's first line number)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(
            Diagnostic(
                path,
                "no front matter: a chapter starts with a '---' line, then title: and author:, then '---'",
                line=1,
                hint="add front matter at the top of the file",
            )
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise SourceError(
        Diagnostic(path, "front matter is never closed", line=1, hint="add a line '---' after the last front matter key")
    )


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML where an impossible date (2019-13-01) stays text, so schema.date can say what is wrong."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load_yaml(front: str) -> Any:
    """Front matter text to Python values (raises yaml.YAMLError). Each text is parsed once per
    process (the checker and the build both read every chapter); callers get their own copy."""
    return copy.deepcopy(_parsed_yaml(front)) if front.strip() else {}


@functools.lru_cache(maxsize=8192)
def _parsed_yaml(front: str) -> Any:
    return yaml.load(front, Loader=FrontMatterLoader)


def _key_lines(path: Path, front: str) -> dict[str, int]:
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 2 for k, _ in node.value}


def parse_front_matter(path: Path, front: str, fields: list[Field] = CHAPTER_FIELDS) -> dict[str, Any]:
    if len(front) > MAX_FRONT_MATTER_CHARS:
        raise SourceError(
            Diagnostic(path, "front matter is too long (over 64 KB)", line=1, hint="check that the closing '---' line is there")
        )
    try:
        data = load_yaml(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(
            Diagnostic(
                path,
                f"front matter is not valid YAML: {problem}",
                line=mark.line + 2 if mark is not None else None,
                hint="write one 'key: value' per line; put a value that contains ': ' in quotes",
            )
        ) from None
    if not isinstance(data, dict):
        raise SourceError(
            Diagnostic(path, "front matter must be 'key: value' lines", line=2, hint="for example 'title: My chapter'")
        )
    values, problems = schema.validate(data, fields)
    if problems:
        lines = _key_lines(path, front)
        raise SourceError(
            [Diagnostic(path, p.message, line=lines.get(p.key, 1), key=p.key, hint=p.hint) for p in problems]
        )
    return values


def read_book_file(path: Path, root: Path | None) -> bytes:
    """The bytes of a chapter or an editors' text, under the containment rule (``root``: the book's folder)."""
    data = read_contained(path, root if root is not None else path.parent, MAX_CHAPTER_BYTES)
    if not isinstance(data, Refusal):
        return data
    if data.kind == "too-big":
        size = path.stat().st_size if path.is_file() else MAX_CHAPTER_BYTES + 1
        raise _too_big(path, size)
    if data.kind == "outside":
        raise SourceError(Diagnostic(path, "is a link to a file outside the book's folder", hint="copy the file into the book's folder instead of linking to it"))
    message = data.reason if data.reason.startswith("cannot read") else f"cannot read: {data.reason}"
    raise SourceError(Diagnostic(path, message, hint="check the file exists, is readable and is an ordinary file"))


def read_chapter(path: Path, root: Path | None = None) -> ChapterSource:
    """One chapter file, read only when it lies inside ``root`` (the book's folder; by default the file's own)."""
    text = decode(path, read_book_file(path, root))
    if not text.strip():
        raise SourceError(Diagnostic(path, "is empty", line=1, hint="add front matter and the chapter's text, or remove the file"))
    front, body, body_line = split_front_matter(path, text)
    meta = parse_front_matter(path, front)
    return ChapterSource(path=path, meta=meta, body=body, body_line=body_line)


def read_chapters(config: Config) -> list[ChapterSource]:
    """Read every chapter; raise one SourceError listing the problems of all of them."""
    return collect(chapter_paths(config), lambda path: read_chapter(path, config.project_dir))


def read_matter_file(kind: str, path: Path, root: Path | None = None) -> MatterSource:
    """A front or back matter file: Markdown, optionally after front matter with title and author;
    read only when it lies inside ``root`` (the book's folder)."""
    text = decode(path, read_book_file(path, root))
    if not text.strip():
        raise SourceError(Diagnostic(path, "is empty", line=1, hint="write the text in Markdown, or remove the file"))
    meta: dict[str, Any] = {}
    body, body_line = text, 1
    if text.split("\n", 1)[0].strip() == "---":
        front, body, body_line = split_front_matter(path, text)
        meta = parse_front_matter(path, front, MATTER_FIELDS)
    if "title" not in meta:
        # A first line '# Title' names the text when its front matter does not.
        lines = body.split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        heading = re.match(r"^#\s+(.+?)\s*#*\s*$", lines[first]) if first is not None else None
        if heading and first is not None:
            meta = {**meta, "title": heading.group(1)}
            body, body_line = "\n".join(lines[first + 1 :]), body_line + first + 1
    return MatterSource(kind, path, meta, body, body_line)


def read_matter(config: Config) -> list[MatterSource]:
    """front/foreword.md, front/preface.md, front/introduction.md, back/afterword.md, back/acknowledgements.md."""
    found: list[MatterSource] = []
    problems: list[Diagnostic] = []
    for folder_name, kinds in MATTER_FILES.items():
        folder = config.project_dir / folder_name
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            if path.stem not in kinds and not path.name.startswith((".", "_")):
                guess = schema.nearest(path.stem, list(kinds))
                problems.append(
                    Diagnostic(path, f"'{path.name}' is not a known {folder_name} matter file",
                               hint=(f"did you mean '{guess}.md'? " if guess else "") + "known: " + ", ".join(f"{k}.md" for k in kinds))
                )
        for kind in kinds:
            path = folder / f"{kind}.md"
            if path.exists() or path.is_symlink():
                try:
                    found.append(read_matter_file(kind, path, config.project_dir))
                except SourceError as exc:
                    problems.extend(exc.diagnostics)
    if problems:
        raise SourceError(problems)
    return found
