"""Chapter files for imported posts: names numbered after the existing chapters, YAML front matter,
written to a staging folder first and moved into chapters/ only when the whole import succeeded.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..errors import SourceError
from ..project.safety import Refusal, read_contained
from ..project.sources import CHAPTER_DIR, MAX_CHAPTER_BYTES, decode, split_front_matter
from ..text import natural_key, slugify
from .images import IMAGE_DIR, StagedImage
from .post import Post

_NUMBER = re.compile(r"^(\d+)[-_. ]*")
_LINK = re.compile(r"((?<!!)\[(?:\\.|[^\\\]\n])*\]\()(https?://[^\s)]+)")


def address_key(url: str) -> str:
    """One form for the ways a post's address is written: scheme, 'www.', case of the host, last '/'."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or ""
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Planned:
    path: Path  # where the chapter will be written
    replaces: bool  # an existing chapter holds the same post (same source, title or name)


@dataclass(frozen=True)
class Written:
    path: Path
    title: str
    authors: tuple[str, ...]
    date: str | None
    images: int
    replaced: bool


def front_matter(post: Post) -> str:
    """The chapter's front matter as YAML; every value quoted as YAML needs it."""
    data: dict[str, Any] = {"title": post.title}
    data["author"] = post.authors[0] if len(post.authors) == 1 else list(post.authors)
    if post.byline:
        data["byline"] = post.byline
    if post.date is not None:
        data["date"] = post.date
    if post.source and post.source.startswith(("http://", "https://")):
        data["source"] = post.source  # a web address; a Word document's file name is not written
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)
    return f"---\n{text}---\n"


def file_slug(title: str, limit: int = 50) -> str:
    """A short file name from a title: 'Ruth's story. Designing …' -> 'ruths-story-designing-co-production-in'."""
    slug = slugify(re.sub(r"['’]", "", title), fallback="post")
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return cut or slug[:limit]


class ChapterWriter:
    """Plans file names against the chapters already there, stages files, then moves them in."""

    def __init__(self, project_dir: Path) -> None:
        self.folder = project_dir / CHAPTER_DIR
        self.by_name: dict[str, Path] = {}
        self.by_source: dict[str, Path] = {}
        self.by_title: dict[str, Path] = {}
        numbers = [0]
        widths = [2]
        existing = sorted(self.folder.glob("*.md"), key=lambda p: natural_key(p.name)) if self.folder.is_dir() else []
        for path in existing:
            match = _NUMBER.match(path.stem)
            if match:
                numbers.append(int(match.group(1)))
                widths.append(len(match.group(1)))
            self.by_name[_NUMBER.sub("", path.stem)] = path
            source, title = _existing_meta(path)
            if source:
                self.by_source[source] = path
            if title:
                self.by_title[title.casefold()] = path
        self.next_number = max(numbers) + 1
        self.width = max(widths)
        self.planned: set[Path] = set()
        self.names: set[str] = set(self.by_name)
        self.staging: Path | None = None
        self.staged: list[tuple[Path, Path]] = []  # (staged file, final path)

    def plan(self, post: Post) -> Planned:
        slug = file_slug(post.title)
        existing = (
            (self.by_source.get(post.source) if post.source else None)
            or self.by_title.get(post.title.casefold())
            or self.by_name.get(slug)
        )
        if existing is not None and existing not in self.planned:
            self.planned.add(existing)
            return Planned(existing, True)
        name, n = slug, 2
        while name in self.names:
            name, n = f"{slug}-{n}", n + 1
        self.names.add(name)
        path = self.folder / f"{self.next_number:0{self.width}d}-{name}.md"
        self.next_number += 1
        self.planned.add(path)
        return Planned(path, False)

    def stage(self, target: Path, text: str, images: list[StagedImage]) -> None:
        if self.staging is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.staging = Path(tempfile.mkdtemp(prefix=".import-", dir=self.folder))
        staged = self.staging / target.name
        staged.write_text(text, encoding="utf-8")
        self.staged.append((staged, target))
        for image in images:
            file = self.staging / f"img-{len(self.staged)}-{image.name}"
            file.write_bytes(image.data)
            self.staged.append((file, self.folder / IMAGE_DIR / image.name))

    def stage_image(self, name: str, data: bytes) -> None:
        """An image that arrived after its chapter was staged (downloaded with --fetch-images)."""
        if self.staging is None:
            return
        file = self.staging / f"img-{len(self.staged)}-{name}"
        file.write_bytes(data)
        self.staged.append((file, self.folder / IMAGE_DIR / name))

    def link_chapters(self, addresses: dict[str, Path]) -> int:
        """Point links to an imported post's web address at its chapter file; return how many."""
        if not addresses:
            return 0
        count = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal count
            url = match.group(2)
            address, _, fragment = url.partition("#")
            target = addresses.get(address_key(address))
            if target is None:
                return match.group(0)
            count += 1
            return f"{match.group(1)}{target.name}{'#' + fragment if fragment else ''}"

        for staged, final in self.staged:
            if final.suffix != ".md":
                continue
            text = staged.read_text(encoding="utf-8")
            new = _LINK.sub(replace, text)
            if new != text:
                staged.write_text(new, encoding="utf-8")
        return count

    def commit(self) -> None:
        """Move every staged file into place (each move is atomic)."""
        for staged, final in self.staged:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)
        self.staged = []

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def _existing_meta(path: Path) -> tuple[str | None, str | None]:
    """The `source` and `title` of a chapter already in the book, read leniently (a broken chapter has none)."""
    data = read_contained(path, path.parent, MAX_CHAPTER_BYTES)  # a named pipe or a link out is not read
    if isinstance(data, Refusal):
        return None, None
    try:
        text = decode(path, data)
        front, _, _ = split_front_matter(path, text)
        data = yaml.safe_load(front)
    except (OSError, SourceError, yaml.YAMLError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    source, title = data.get("source"), data.get("title")
    return (source.strip() if isinstance(source, str) else None), (str(title).strip() if title is not None else None)
