"""Links from one chapter to another, resolved once every chapter is rendered.

Markup renders each chapter alone (in worker processes, or from its cache), so a link to another
chapter's Markdown file is only recorded there (a ``CrossReference``: the file relative to the book's
folder and the id after '#' as the author wrote it) and its <a> carries ``XREF_SCHEME`` and the
reference's number. Here, knowing the book's chapters and their ids, each reference becomes the
target chapter's document and element id; one that names no chapter, or an id the chapter does not
have, keeps only its text and is reported. Nothing of this is cached with the markup, so a heading
renamed in one chapter changes the links to it from every other chapter without rendering them again.
"""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostic
from ..markup.render import XREF_CLASS, XREF_SCHEME, ChapterMarkup, CrossReference
from ..project.model import Chapter

_LINK = re.compile(r'<a class="' + XREF_CLASS + r'" href="' + re.escape(XREF_SCHEME) + r'(\d+)"([^>]*?)(?:/>|>(.*?)</a>)', re.DOTALL)
_NOTE_IDS = ("fn:", "fnref:")  # footnotes: not what a link from another chapter names
SUGGESTIONS = 3


@dataclass(frozen=True)
class Target:
    """Where a cross-reference leads: a chapter's document, and an element in it (None: its opening)."""

    document: str
    anchor: str | None


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


class CrossReferences:
    """The book's chapters by file (relative to the book's folder), with the ids each one has."""

    def __init__(self, book_dir: Path, markups: Iterable[ChapterMarkup]) -> None:
        self.root = book_dir.resolve()
        self.chapters: dict[str, ChapterMarkup] = {}
        for markup in markups:
            if isinstance(markup.chapter, Chapter):
                key = _relative(markup.chapter.source, self.root)
                if key is not None:
                    self.chapters[key] = markup
        self._ids: dict[str, dict[str, str]] = {}

    def _anchors(self, key: str) -> dict[str, str]:
        if key not in self._ids:
            self._ids[key] = dict(self.chapters[key].anchors)
        return self._ids[key]

    def target(self, xref: CrossReference) -> Target | None:
        """The chapter and element ``xref`` names, or None when the book has no such chapter or id."""
        markup = self.chapters.get(xref.target)
        if markup is None:
            return None
        if not xref.fragment:
            return Target(markup.chapter.id, None)
        anchor = self._anchors(xref.target).get(xref.fragment)
        return None if anchor is None else Target(markup.chapter.id, anchor)

    def problems(self, markup: ChapterMarkup) -> list[Diagnostic]:
        """A warning for each cross-reference of ``markup`` that leads nowhere, with what it could mean."""
        found = []
        for xref in markup.xrefs:
            if self.target(xref) is not None:
                continue
            source = markup.chapter.source
            if xref.target not in self.chapters:
                found.append(Diagnostic(
                    source,
                    f"link to '{xref.href}' names no chapter of the book: '{xref.target}' is not one of its chapter files; "
                    "only its text is kept",
                    line=xref.line, level="warning", hint=self._file_hint(xref, source),
                ))
            else:
                found.append(Diagnostic(
                    source,
                    f"link to '{xref.href}' goes nowhere: '{xref.target}' has no heading or anchor with the id "
                    f"'{xref.fragment}'; only its text is kept",
                    line=xref.line, level="warning", hint=self._id_hint(xref),
                ))
        return found

    def _file_hint(self, xref: CrossReference, source: Path) -> str:
        own = _relative(source, self.root) or ""
        folder = posixpath.dirname(own)
        names = {posixpath.relpath(key, folder or "."): key for key in self.chapters if key != own}
        wanted = posixpath.relpath(xref.target, folder or ".")
        nearest = difflib.get_close_matches(wanted, list(names), n=SUGGESTIONS, cutoff=0.0)
        if not nearest:
            return "the book has no chapter to link to; link to a web address or to an id in this chapter ('#id')"
        return "link to a chapter file of the book, relative to this file: " + ", ".join(f"'{name}'" for name in nearest)

    def _id_hint(self, xref: CrossReference) -> str:
        ids = [written for written in self._anchors(xref.target) if not written.startswith(_NOTE_IDS)]
        nearest = difflib.get_close_matches(xref.fragment, ids, n=SUGGESTIONS, cutoff=0.0)
        if not nearest:
            return f"that chapter has no headings: link to the chapter itself ('{xref.href.split('#', 1)[0]}')"
        return "use one of its ids: " + ", ".join(f"'#{name}'" for name in nearest) + \
            ", or give the heading an id, e.g. '## Results {: #results }'"

    def resolve(self, text: str, markup: ChapterMarkup, href: Callable[[str, str | None], str]) -> str:
        """``text`` (the XHTML of ``markup`` or of one of its notes) with each cross-reference pointing at
        ``href(document, anchor)``, or reduced to its text when it leads nowhere."""
        if not markup.xrefs:
            return text
        by_number = {xref.number: xref for xref in markup.xrefs}

        def swap(match: re.Match[str]) -> str:
            xref = by_number.get(int(match.group(1)))
            target = self.target(xref) if xref is not None else None
            inner = match.group(3) or ""
            if target is None:
                return inner
            address = html.escape(href(target.document, target.anchor), quote=True)
            if match.group(3) is None:
                return f'<a class="{XREF_CLASS}" href="{address}"{match.group(2)}/>'
            return f'<a class="{XREF_CLASS}" href="{address}"{match.group(2)}>{inner}</a>'

        return _LINK.sub(swap, text)
