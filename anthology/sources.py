"""Read chapter files: decode them, split YAML front matter from the Markdown body, validate the keys.

Every problem in every chapter is collected, then raised together as one SourceError.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import schema
from .config import Config
from .errors import Diagnostic, SourceError
from .schema import Field
from .text import natural_key

CHAPTER_DIR = "chapters"

CHAPTER_FIELDS = [
    Field("title", schema.text, required=True, doc="title: The chapter's title"),
    Field("author", schema.text_list, required=True, doc="author: Name (or a list of names)"),
    Field("byline", schema.text, doc="byline: role and organisation"),
    Field("date", schema.date, doc="date: 2019-11-01"),
    Field("lang", schema.language, doc="lang: en-GB"),
    Field("source", schema.text, doc="source: https://example.org/the-original-post"),
]


@dataclass(frozen=True)
class ChapterSource:
    """One chapter file, read and checked but not yet rendered."""

    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # the file's line number on which the Markdown body starts


def chapter_paths(config: Config) -> list[Path]:
    """The chapter files in reading order: as listed in anthology.toml, else by natural file-name order."""
    project = config.project_dir
    if config.book.chapters is not None:
        paths: list[Path] = []
        problems: list[Diagnostic] = []
        for name in config.book.chapters:
            path = project / name
            if not path.is_file():
                problems.append(
                    Diagnostic(
                        config.path,
                        f"chapter '{name}' listed in [book] chapters does not exist",
                        key="book.chapters",
                        hint="check the path; it is relative to the book's folder",
                    )
                )
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
    return paths


def decode(path: Path, data: bytes) -> str:
    """Bytes to text: UTF-8 (a byte-order mark is dropped), line endings normalised to '\\n'."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(
            Diagnostic(path, "contains a NUL byte: this is not a text file", line=line, hint="save the chapter as UTF-8 text")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            Diagnostic(
                path,
                f"is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                line=line,
                hint="save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
            )
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


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


def _key_lines(path: Path, front: str) -> dict[str, int]:
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 2 for k, _ in node.value}


def parse_front_matter(path: Path, front: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(front) if front.strip() else {}
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
    values, problems = schema.validate(data, CHAPTER_FIELDS)
    if problems:
        lines = _key_lines(path, front)
        raise SourceError(
            [Diagnostic(path, p.message, line=lines.get(p.key, 1), key=p.key, hint=p.hint) for p in problems]
        )
    return values


def read_chapter(path: Path) -> ChapterSource:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Diagnostic(path, f"cannot read: {exc.strerror}", hint="check the file exists and is readable")) from None
    text = decode(path, data)
    if not text.strip():
        raise SourceError(Diagnostic(path, "is empty", line=1, hint="add front matter and the chapter's text, or remove the file"))
    front, body, body_line = split_front_matter(path, text)
    meta = parse_front_matter(path, front)
    return ChapterSource(path=path, meta=meta, body=body, body_line=body_line)


def read_chapters(config: Config) -> list[ChapterSource]:
    """Read every chapter; raise one SourceError listing the problems of all of them."""
    sources: list[ChapterSource] = []
    problems: list[Diagnostic] = []
    for path in chapter_paths(config):
        try:
            sources.append(read_chapter(path))
        except SourceError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SourceError(problems)
    return sources
