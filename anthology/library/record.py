"""Catalogue facts about a book, gathered once from anthology.toml, the chapters and the built outputs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pycountry

from ..accessibility import AccessibilityFacts


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
