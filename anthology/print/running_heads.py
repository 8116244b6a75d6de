"""Print-only touches to whole pages of the edition: running heads, names kept on one line.

Long blog-style titles ("Ruth’s story. Designing co-production in from the start") are cut at the
end of their first sentence, or else at a word, so the running head stays on one line; the print
stylesheet reads it from the chapter's ``data-running-head`` attribute. On the title page and in
the contents, a person's name never breaks across two lines.
"""

from __future__ import annotations

import dataclasses
import re

from markupsafe import escape

from ..layout.documents import Edition

LIMIT = 44
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


def _unbroken_names(body: str, names: list[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = str(escape(name))
        if " " in text:
            body = body.replace(text, text.replace(" ", "\u00a0"))
    return body


def with_running_heads(edition: Edition) -> Edition:
    """The edition with each chapter's <section> carrying its running head, names kept whole."""
    names = [c.name for c in edition.book.contributors] + [e.name for e in edition.book.editors]
    documents = []
    for document in edition.documents:
        body = document.body
        if document.kind == "chapter" and "<section " in body:
            head = escape(running_head(document.title))
            body = body.replace("<section ", f'<section data-running-head="{head}" ', 1)
        elif document.kind in ("titlepage", "contents"):
            body = _unbroken_names(body, names)
        documents.append(dataclasses.replace(document, body=body))
    return dataclasses.replace(edition, documents=tuple(documents))
