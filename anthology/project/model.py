"""The book as data: Book, Part, Chapter, Matter, Contributor. Built from config and sources; no Markdown parsed here."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostic, SourceError
from ..text import file_as, slugify, smarten
from .config import Config, Epigraph, Person
from .direction import Direction, direction
from .labels import join
from .licenses import License
from .sources import ChapterSource, MatterSource

# The editors' texts in front/ and back/ are titled, unless they say otherwise, by the label named
# after their file (foreword, preface, introduction, afterword, acknowledgements) in the book's language.
FRONT_KINDS = ("foreword", "preface", "introduction")


@dataclass(frozen=True)
class Contributor:
    name: str
    sort_as: str
    bio: str | None = None
    anchor: str = ""  # unique in the book when set by build_book

    @classmethod
    def named(cls, name: str) -> Contributor:
        return cls(name=name, sort_as=file_as(name))

    @property
    def id(self) -> str:
        """Anchor of the person's entry in About the contributors."""
        return self.anchor or "contributor-" + slugify(self.name, fallback="person")

    @property
    def sort_key(self) -> tuple[str, str]:
        plain = unicodedata.normalize("NFKD", self.sort_as).encode("ascii", "ignore").decode("ascii")
        return (plain.casefold(), self.sort_as.casefold())


def join_names(names: list[str], lang: str = "en") -> str:
    """'Ann, Bee and Cy', in the language ``lang``."""
    return join(names, lang)


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
    summary: str | None = None
    running_head: str | None = None  # the title in the print edition's page heads, when shorter than the title
    first_published: str | None = None  # the web address where the piece first appeared
    license: License | None = None
    epigraph: Epigraph | None = None
    part: int | None = None  # the number of the part it belongs to

    @property
    def prefix(self) -> str:
        """Prefix of every id inside the chapter, so ids stay unique across the whole book."""
        return f"c{self.number}"

    @property
    def author_names(self) -> str:
        return join_names([a.name for a in self.authors], self.lang)

    @property
    def direction(self) -> Direction:
        """'rtl' when the chapter's language is written right to left (Hebrew, Arabic, …)."""
        return direction(self.lang)


@dataclass(frozen=True)
class Matter:
    """Text by the editors in Markdown: a foreword, introduction, afterword, acknowledgements, a part's introduction."""

    kind: str  # 'foreword', 'preface', 'introduction', 'afterword', 'acknowledgements' or 'part-intro'
    id: str
    title: str
    source: Path
    markdown: str
    body_line: int
    lang: str
    authors: tuple[Contributor, ...] = ()

    @property
    def prefix(self) -> str:
        return f"{self.id}-text"

    @property
    def author_names(self) -> str:
        return join_names([a.name for a in self.authors], self.lang)


@dataclass(frozen=True)
class Part:
    number: int
    id: str
    title: str
    chapters: tuple[Chapter, ...]
    intro: Matter | None = None


@dataclass(frozen=True)
class Book:
    config: Config
    chapters: tuple[Chapter, ...]
    parts: tuple[Part, ...] = ()
    front: tuple[Matter, ...] = ()  # foreword, preface, introduction: after the contents
    back: tuple[Matter, ...] = ()  # afterword, acknowledgements: after About the contributors

    @property
    def title(self) -> str:
        return self.config.book.title

    @property
    def language(self) -> str:
        return self.config.book.language

    @property
    def direction(self) -> Direction:
        """'rtl' when the book's language is written right to left: every document then runs that way."""
        return direction(self.config.book.language)

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
    def contributors_by_name(self) -> tuple[Contributor, ...]:
        """Every chapter author once, sorted by surname (or their sort_as)."""
        return tuple(sorted(self.contributors, key=lambda c: c.sort_key))

    def chapters_by(self, contributor: Contributor) -> tuple[Chapter, ...]:
        return tuple(c for c in self.chapters if any(a.name == contributor.name for a in c.authors))

    @property
    def licenses(self) -> tuple[License, ...]:
        """Licences that chapters set for themselves, different from the book's."""
        own = self.config.book.license
        found: dict[str, License] = {}
        for chapter in self.chapters:
            if chapter.license is not None and chapter.license != own:
                found.setdefault(chapter.license.id, chapter.license)
        return tuple(found.values())

    @property
    def rights(self) -> str | None:
        """The rights statement for metadata: [book] rights, else the copyright line and the licence."""
        settings = self.config.book
        if settings.rights:
            return settings.rights
        parts = [settings.copyright] if settings.copyright else []
        if settings.license:
            parts.append(f"{settings.license.name} ({settings.license.short}): {settings.license.url}")
        return ". ".join(parts) or None

    @property
    def date(self) -> dt.date | None:
        if self.config.book.date:
            return self.config.book.date
        dates = [c.date for c in self.chapters if c.date]
        return max(dates) if dates else None


def chapter_id(number: int, title: str) -> str:
    """File stem of a chapter: 'ch01-co-production-and-rugby-union'."""
    return f"ch{number:02d}-" + slugify(title, fallback="chapter")[:40].rstrip("-")


def part_id(number: int, title: str) -> str:
    return f"part{number}-" + slugify(title, fallback="part")[:40].rstrip("-")


def merge_people(config: Config, sources: list[ChapterSource]) -> dict[str, Contributor]:
    """One Contributor per name: [contributors] in anthology.toml first, then what chapters say.

    A bio given in a chapter's author list counts when anthology.toml gives none; two chapters giving
    different bios for one person is an error. A single author's ``byline`` is their bio when nothing
    else gives one.
    """
    table = config.contributors
    bios: dict[str, tuple[str, Path]] = {}
    sorts: dict[str, str] = {}
    bylines: dict[str, str] = {}
    problems: list[Diagnostic] = []
    names: list[str] = []
    for src in sources:
        people: list[Person] = src.meta["author"]
        for person in people:
            if person.name not in names:
                names.append(person.name)
            if person.sort_as:
                sorts.setdefault(person.name, person.sort_as)
            if person.bio and person.name not in table:
                earlier = bios.get(person.name)
                if earlier is not None and earlier[0] != person.bio:
                    problems.append(
                        Diagnostic(src.path, f"a second, different bio for {person.name} (the first is in {earlier[1].name})",
                                   key="author", hint=f'give the bio once, in anthology.toml under [contributors."{person.name}"]')
                    )
                bios.setdefault(person.name, (person.bio, src.path))
        if len(people) == 1 and src.meta.get("byline"):
            bylines.setdefault(people[0].name, src.meta["byline"])
    problems.extend(_unknown_contributors(config, names))
    if problems:
        raise SourceError(problems)
    merged: dict[str, Contributor] = {}
    anchors: set[str] = set()
    for name in names:
        entry = table.get(name)
        bio = (entry.bio if entry else None) or (bios[name][0] if name in bios else None) or bylines.get(name)
        sort_as = (entry.sort_as if entry else None) or sorts.get(name) or file_as(name)
        merged[name] = Contributor(name=name, sort_as=sort_as, bio=smarten(bio) if bio else None, anchor=_fresh_anchor(name, anchors))
    return merged


def _unknown_contributors(config: Config, names: list[str]) -> list[Diagnostic]:
    """An error for each [contributors] entry that no chapter's author list names."""
    problems = []
    for name in config.contributors:
        if name not in names:
            guess = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            problems.append(
                Diagnostic(config.path, f"contributor '{name}' is the author of no chapter", key=f"contributors.{name}",
                           hint=f"did you mean '{guess[0]}'? The name must be written as in the chapters" if guess
                           else "write the name exactly as the chapters' 'author' gives it, or remove the entry")
            )
    return problems


def _fresh_anchor(name: str, anchors: set[str]) -> str:
    """The contributor's anchor, numbered when another name gave the same one (which it adds to ``anchors``)."""
    anchor = base = "contributor-" + slugify(name, fallback="person")
    count = 2
    while anchor in anchors:  # 'Zoë Lee' and 'Zoe Lee', or names without Latin letters
        anchor, count = f"{base}-{count}", count + 1
    anchors.add(anchor)
    return anchor


def build_matter(config: Config, src: MatterSource) -> Matter:
    title = src.meta.get("title") or config.labels.text(src.kind)
    return Matter(
        kind=src.kind,
        id=src.kind,
        title=smarten(title),
        source=src.path,
        markdown=src.body,
        body_line=src.body_line,
        lang=config.book.language,
        authors=tuple(Contributor.named(n) for n in src.meta.get("author", ())),
    )


def build_book(config: Config, sources: list[ChapterSource], matter: list[MatterSource] | None = None) -> Book:
    people = merge_people(config, sources)
    part_of: dict[Path, int] = {}
    for part in config.parts:
        for name in part.chapters:
            part_of[(config.project_dir / name).resolve()] = part.number
    chapters = []
    for number, src in enumerate(sources, start=1):
        meta = src.meta
        epigraph = meta.get("epigraph")
        chapters.append(
            Chapter(
                number=number,
                id=chapter_id(number, meta["title"]),
                source=src.path,
                title=smarten(meta["title"]),
                authors=tuple(people[p.name] for p in meta["author"]),
                lang=meta.get("lang", config.book.language),
                markdown=src.body,
                body_line=src.body_line,
                byline=smarten(meta["byline"]) if meta.get("byline") else None,
                date=meta.get("date"),
                summary=smarten(meta["summary"]) if meta.get("summary") else None,
                running_head=smarten(meta["running_head"]) if meta.get("running_head") else None,
                first_published=meta.get("source"),
                license=meta.get("license"),
                epigraph=Epigraph(smarten(epigraph.text), smarten(epigraph.source) if epigraph.source else None) if epigraph else None,
                part=part_of.get(src.path.resolve()),
            )
        )
    parts = []
    for settings in config.parts:
        pid = part_id(settings.number, settings.title)
        intro = None
        if settings.intro:
            intro = Matter("part-intro", f"{pid}-intro", smarten(settings.title), config.path, settings.intro,
                           settings.line or 1, config.book.language)
        members = tuple(c for c in chapters if c.part == settings.number)
        parts.append(Part(settings.number, pid, smarten(settings.title), members, intro))
    items = [build_matter(config, m) for m in matter or []]
    return Book(
        config=config,
        chapters=tuple(chapters),
        parts=tuple(parts),
        front=tuple(m for m in items if m.kind in FRONT_KINDS),
        back=tuple(m for m in items if m.kind not in FRONT_KINDS),
    )


def has_print_edition(book: Book) -> bool:
    """Whether the book says it is also printed ([print] settings, or an ISBN for a paper or PDF edition):
    only then does an EPUB without the print edition's page numbers lack something."""
    return bool(book.config.print_keys) or any(edition != "epub" for edition, _ in book.config.book.isbn)
