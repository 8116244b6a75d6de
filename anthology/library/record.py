"""Catalogue facts about a book, gathered once from anthology.toml, the chapters and the built outputs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pycountry

from ..layout.accessibility import AccessibilityFacts
from ..project.model import Book


@dataclass(frozen=True)
class Name:
    name: str
    inverted: str  # 'Hickey, Gary'
    role: str  # MARC relator code: 'edt' editor, 'aut' author
    bio: str | None = None


@dataclass(frozen=True)
class Subject:
    scheme: str  # 'thema' or 'bisac'
    code: str
    heading: str | None = None


@dataclass(frozen=True)
class ContentsEntry:
    title: str
    authors: tuple[str, ...]


@dataclass(frozen=True)
class CatalogueRecord:
    identifier: str
    isbns: dict[str, str]  # format ('epub', 'pdf', …) -> 13 digits, no hyphens
    title: str
    subtitle: str | None
    editors: tuple[Name, ...]
    authors: tuple[Name, ...]
    language: str  # BCP 47, as in anthology.toml
    publisher: str | None
    place: str | None
    date: dt.date | None
    description: str | None
    subjects: tuple[Subject, ...]
    license_name: str | None
    license_url: str | None
    rights: str | None
    edition: str | None
    pages: int | None  # pages of the print edition
    contents: tuple[ContentsEntry, ...]
    url: str | None
    accessibility: AccessibilityFacts

    @property
    def language_code(self) -> str:
        """ISO 639-2/B (bibliographic) code, as MARC and ONIX want it: en -> eng, cy -> wel, fr -> fre."""
        return bibliographic_language(self.language)

    @property
    def contributors(self) -> tuple[Name, ...]:
        return self.editors + self.authors

    def isbn_for(self, form: str) -> str | None:
        return self.isbns.get(form)


def bibliographic_language(tag: str) -> str:
    primary = tag.split("-")[0].lower()
    found = pycountry.languages.get(alpha_2=primary) if len(primary) == 2 else pycountry.languages.get(alpha_3=primary)
    if found is None:
        return "und"
    return getattr(found, "bibliographic", None) or found.alpha_3


def catalogue_record(book: Book, facts: AccessibilityFacts, pages: int | None) -> CatalogueRecord:
    """Every fact the kit's records need, from anthology.toml, the chapters and the print edition."""
    settings = book.config.book
    editors = tuple(Name(e.name, e.sort_as, "edt", e.bio) for e in book.editors)
    editor_names = {e.name for e in editors}
    authors = tuple(Name(a.name, a.sort_as, "aut", a.bio) for a in book.contributors if a.name not in editor_names)
    contents = tuple(ContentsEntry(c.title, tuple(a.name for a in c.authors)) for c in book.chapters)
    license_ = settings.license
    return CatalogueRecord(
        identifier=settings.identifier,
        isbns={form: isbn.replace("-", "") for form, isbn in settings.isbn},
        title=book.title,
        subtitle=settings.subtitle,
        editors=editors,
        authors=authors,
        language=book.language,
        publisher=settings.publisher,
        place=settings.place,
        date=book.date,
        description=settings.description,
        subjects=tuple(Subject(scheme, code) for scheme, code in settings.subjects),
        license_name=f"{license_.name} ({license_.short})" if license_ else None,
        license_url=license_.url if license_ else None,
        rights=book.rights,
        edition=settings.edition,
        pages=pages,
        contents=contents,
        url=settings.url,
        accessibility=facts,
    )
