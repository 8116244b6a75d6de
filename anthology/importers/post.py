"""What every importer yields: a Post (one future chapter) and the --select filter over posts."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, ImportSourceError


@dataclass
class Post:
    """One blog post or document, as read from its source, before it becomes Markdown.

    ``html`` is the body; ``base`` is the folder relative to which local images are looked for.
    ``autop`` asks for WordPress-style paragraphs (blank lines separate paragraphs).
    """

    title: str
    html: str
    base: Path
    authors: list[str] = field(default_factory=list)
    byline: str | None = None
    date: dt.date | None = None
    source: str | None = None
    where: str = ""  # where the post sits in its source file, for messages: "item 4", "entry 2"
    autop: bool = False
    image_alts: Mapping[str, str] = field(default_factory=dict)  # image URL -> alt text known from the source
    fallback_title: str = ""  # used when neither the source nor the body gives a title
    weak_date: bool = False  # a date line at the top of the body wins over `date`
    aliases: tuple[str, ...] = ()  # other addresses of the post (a WordPress guid), for links between posts
    blocks: bool = False  # block-editor markup (<!-- wp:… --> comments delimit the blocks)
    footnotes: dict[str, str] = field(default_factory=dict)  # block-editor footnotes: id -> HTML
    reusable: Mapping[str, str] = field(default_factory=dict)  # the export's reusable blocks: id -> block markup
    names_line: bool = False  # a line of names under the title is the byline (Word documents)
    author_note: str = ""  # why the source's own author field was not used, for the "names no author" error
    summary_only: bool = False  # the source gave only a summary of the post
    warnings: list[str] = field(default_factory=list)  # what could not be kept, for the editor


@dataclass(frozen=True)
class Selection:
    """--select criteria: kinds are combined with AND, several values of one kind with OR."""

    titles: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    ranges: tuple[tuple[dt.date | None, dt.date | None], ...] = ()
    given: tuple[str, ...] = ()

    def matches(self, post: Post) -> bool:
        if self.titles and not any(t in post.title.casefold() for t in self.titles):
            return False
        if self.authors and not any(a in name.casefold() for a in self.authors for name in post.authors):
            return False
        if self.ranges:
            if post.date is None:
                return False
            if not any((lo is None or lo <= post.date) and (hi is None or post.date <= hi) for lo, hi in self.ranges):
                return False
        return True

    def __bool__(self) -> bool:
        return bool(self.titles or self.authors or self.ranges)


_SELECT_HINT = "use title:WORDS, author:NAME or date:2019-04-01..2019-04-30 (also date:2019-04, date:2019, date:2019-04-01..)"


def parse_selection(values: tuple[str, ...] | list[str]) -> Selection:
    """Parse --select values such as 'title:rugby', 'author:Evans', 'date:2017-04-20..2017-04-30'."""
    titles: list[str] = []
    authors: list[str] = []
    ranges: list[tuple[dt.date | None, dt.date | None]] = []
    problems: list[Diagnostic] = []
    for value in values:
        kind, sep, rest = value.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in ("title", "author", "date"):
            kind, rest = "title", value
        rest = rest.strip()
        if not rest:
            problems.append(Diagnostic(None, f"--select '{value}' is empty after '{kind}:'", hint=_SELECT_HINT))
        elif kind == "title":
            titles.append(rest.casefold())
        elif kind == "author":
            authors.append(rest.casefold())
        else:
            try:
                ranges.append(_date_range(rest))
            except ValueError as exc:
                problems.append(Diagnostic(None, f"--select '{value}': {exc}", hint=_SELECT_HINT))
    if problems:
        raise ImportSourceError(problems)
    return Selection(tuple(titles), tuple(authors), tuple(ranges), tuple(values))


def _date_range(text: str) -> tuple[dt.date | None, dt.date | None]:
    if ".." in text:
        low, _, high = text.partition("..")
        start = _bound(low.strip(), first=True) if low.strip() else None
        end = _bound(high.strip(), first=False) if high.strip() else None
        if start is None and end is None:
            raise ValueError("a date range needs at least one end")
        if start and end and start > end:
            raise ValueError(f"the range starts ({start}) after it ends ({end})")
        return start, end
    return _bound(text, first=True), _bound(text, first=False)


def _bound(text: str, first: bool) -> dt.date:
    """'2019' / '2019-04' / '2019-04-25' as the first or last day it covers."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not match:
        raise ValueError(f"'{text}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (1 if first else 12)
    if match.group(3):
        day = int(match.group(3))
    else:
        day = 1 if first else calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 1
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None
