"""The book as data: Book, Chapter, Contributor. Built from config and sources; no Markdown parsed here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .sources import ChapterSource
from .text import file_as, slugify, smarten


@dataclass(frozen=True)
class Contributor:
    name: str
    sort_as: str

    @classmethod
    def named(cls, name: str) -> Contributor:
        return cls(name=name, sort_as=file_as(name))


@dataclass(frozen=True)
class Chapter:
    number: int
    id: str  # unique in the book; the prefix of every id inside the chapter; the EPUB/HTML file stem
    source: Path
    title: str
    authors: tuple[Contributor, ...]
    lang: str
    markdown: str
    body_line: int
    byline: str | None = None
    date: dt.date | None = None

    @property
    def prefix(self) -> str:
        """Prefix of every id inside the chapter, so ids stay unique across the whole book."""
        return f"c{self.number}"

    @property
    def author_names(self) -> str:
        names = [a.name for a in self.authors]
        if len(names) <= 2:
            return " and ".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class Book:
    config: Config
    chapters: tuple[Chapter, ...]

    @property
    def title(self) -> str:
        return self.config.book.title

    @property
    def language(self) -> str:
        return self.config.book.language

    @property
    def slug(self) -> str:
        return self.config.slug

    @property
    def editors(self) -> tuple[Contributor, ...]:
        return tuple(Contributor.named(n) for n in self.config.book.editors)

    @property
    def contributors(self) -> tuple[Contributor, ...]:
        """Every chapter author once, in order of first appearance."""
        seen: dict[str, Contributor] = {}
        for chapter in self.chapters:
            for author in chapter.authors:
                seen.setdefault(author.name, author)
        return tuple(seen.values())

    @property
    def date(self) -> dt.date | None:
        if self.config.book.date:
            return self.config.book.date
        dates = [c.date for c in self.chapters if c.date]
        return max(dates) if dates else None


def chapter_id(number: int, title: str) -> str:
    """File stem of a chapter: 'ch01-co-production-and-rugby-union'."""
    return f"ch{number:02d}-" + slugify(title, fallback="chapter")[:40].rstrip("-")


def build_book(config: Config, sources: list[ChapterSource]) -> Book:
    chapters = []
    for number, src in enumerate(sources, start=1):
        meta = src.meta
        chapters.append(
            Chapter(
                number=number,
                id=chapter_id(number, meta["title"]),
                source=src.path,
                title=smarten(meta["title"]),
                authors=tuple(Contributor.named(n) for n in meta["author"]),
                lang=meta.get("lang", config.book.language),
                markdown=src.body,
                body_line=src.body_line,
                byline=smarten(meta["byline"]) if meta.get("byline") else None,
                date=meta.get("date"),
            )
        )
    return Book(config=config, chapters=tuple(chapters))
