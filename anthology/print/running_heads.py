"""Print-only touches to whole pages of the edition: running heads, names kept on one line.

A right-hand running head is the chapter's title and its authors, on one line. The title is the
chapter's ``running_head`` when it has one; else a long blog-style title ("Ruth’s story. Designing
co-production in from the start") is cut at the end of its first sentence, or else at a word. The
authors are one or two names, or the first name and "and others" (the ``and_others`` label, in the
chapter's language). The left-hand head is the book's ``running_head``, else its title, cut alike.
The print stylesheet reads them from ``data-running-head`` and ``data-running-author`` attributes
(and keeps the line whole as a last resort). On the title page and in the contents, a person's name
never breaks across two lines.
"""

from __future__ import annotations

import dataclasses
import re

from markupsafe import escape

from ..layout.documents import Edition
from ..project.labels import Labels
from ..project.model import Chapter, join_names

LIMIT = 44
HEAD_LIMIT = 74  # characters of a running head, title and authors: one line of the smallest profile (A5)
AUTHORS_LIMIT = 32  # two authors' names longer than this become the first and "and others"
_SENTENCE = re.compile(r"(?<=\w)([.?!:]|\s[–—])\s")


def running_head(title: str, limit: int = LIMIT) -> str:
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    match = _SENTENCE.search(title)
    if match and 8 <= match.start() <= limit:
        end = match.group(1)
        return title[: match.start()] + (end if end in "?!" else "")
    cut = title[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:–— ")
    return cut + "…"


def running_authors(names: list[str], lang: str, labels: Labels) -> str:
    """'Ann Bee', 'Ann Bee and Cy Dee', or 'Ann Bee and others' past two names (or past ``AUTHORS_LIMIT``)."""
    if len(names) <= 1:
        return names[0] if names else ""
    joined = join_names(names, lang)
    if len(names) == 2 and len(joined) <= AUTHORS_LIMIT:
        return joined
    return labels.text("and_others", lang, name=names[0])


def chapter_head(chapter: Chapter, labels: Labels) -> tuple[str, str]:
    """The running head of ``chapter``: its title (short) and its authors (few)."""
    authors = running_authors([a.name for a in chapter.authors], chapter.lang, labels)
    if chapter.running_head:
        return " ".join(chapter.running_head.split()), authors
    return running_head(chapter.title, max(20, min(LIMIT, HEAD_LIMIT - 3 - len(authors)))), authors


def _unbroken_names(body: str, names: list[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = str(escape(name))
        if " " in text:
            body = body.replace(text, text.replace(" ", "\u00a0"))
    return body


def with_running_heads(edition: Edition) -> Edition:
    """The edition with each chapter's <section> carrying its running head, names kept whole."""
    book = edition.book
    labels = book.config.labels
    names = [c.name for c in book.contributors] + [e.name for e in book.editors]
    book_head = " ".join((book.config.book.running_head or "").split()) or running_head(book.title, HEAD_LIMIT)
    documents = []
    for document in edition.documents:
        body = document.body
        chapter = document.markup.chapter if document.markup is not None else None
        if document.kind == "chapter" and "<section " in body and isinstance(chapter, Chapter):
            head, authors = chapter_head(chapter, labels)
            body = body.replace("<section ", f'<section data-running-head="{escape(head)}" data-running-author="{escape(authors)}" ', 1)
        elif document.kind in ("titlepage", "contents"):
            body = _unbroken_names(body, names)
        if document.kind == "titlepage":
            body = body.replace("<h1 ", f'<h1 data-running-head="{escape(book_head)}" ', 1)
        documents.append(dataclasses.replace(document, body=body))
    return dataclasses.replace(edition, documents=tuple(documents))
