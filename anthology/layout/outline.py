"""The book's outline: what the contents page, the EPUB navigation and the HTML index list, and how it nests.

Front matter before the contents (half-title, title page, imprint, dedication, epigraph) is not listed in
the contents; the editors' texts, the parts with their chapters, About the contributors and the back
matter are.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..project.model import Book

# Documents shown together on the HTML edition's index page, in this order.
OPENING_KINDS = ("halftitle", "titlepage", "imprint", "dedication", "epigraph", "contents")


@dataclass(frozen=True)
class Entry:
    """One line of the contents: a document, what it is called, by whom, and what nests under it."""

    id: str  # the document's id
    kind: str
    title: str
    label: str = ""  # 'Part I' for parts
    authors: str = ""
    children: tuple[Entry, ...] = ()
    lang: str = ""  # a chapter's language


def roman(number: int) -> str:
    """1 -> 'I', 14 -> 'XIV'."""
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
              (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def part_label(book: Book, number: int) -> str:
    """'Part IV', in the book's language."""
    return book.config.labels.text("part", number=roman(number))


def contents_entries(book: Book) -> tuple[Entry, ...]:
    """What comes after the contents page, nested by part."""
    entries: list[Entry] = [Entry(m.id, m.kind, m.title, authors=m.author_names) for m in book.front]
    chapters = {c.number: Entry(c.id, "chapter", c.title, authors=c.author_names, lang=c.lang) for c in book.chapters}
    if book.parts:
        for part in book.parts:
            children = tuple(chapters[c.number] for c in part.chapters)
            entries.append(Entry(part.id, "part", part.title, label=part_label(book, part.number), children=children))
    else:
        entries.extend(chapters.values())
    entries.append(Entry("contributors", "contributors", book.config.labels.text("contributors")))
    entries.extend(Entry(m.id, m.kind, m.title, authors=m.author_names) for m in book.back)
    return tuple(entries)
