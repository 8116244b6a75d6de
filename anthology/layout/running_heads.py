"""Running heads for the print edition: a chapter title short enough for the head of a page.

Long blog-style titles ("Ruth’s story. Designing co-production in from the start") are cut at the
end of their first sentence, or else at a word, so the head stays on one line. The print stylesheet
reads the result from the chapter's ``data-running-head`` attribute.
"""

from __future__ import annotations

import dataclasses
import re

from markupsafe import escape

from .documents import Edition

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


def with_running_heads(edition: Edition) -> Edition:
    """The edition with each chapter's <section> carrying its running head."""
    documents = []
    for document in edition.documents:
        if document.kind == "chapter" and "<section " in document.body:
            head = escape(running_head(document.title))
            body = document.body.replace("<section ", f'<section data-running-head="{head}" ', 1)
            document = dataclasses.replace(document, body=body)
        documents.append(document)
    return dataclasses.replace(edition, documents=tuple(documents))
