"""Read people and dates written as text: "By Name, role" bylines, date lines, feed date formats."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

_BY = re.compile(r"^\s*(?:written\s+)?by[:\s]\s*(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL)
_AND = re.compile(r"\s*(?:,?\s+and\s+|\s*&\s*)\s*")
_EMAIL_NAME = re.compile(r"^\S+@\S+\s*\((?P<name>[^)]+)\)\s*$")
_POSTED = re.compile(r"^(?:posted|published|written|updated)(?:\s+on)?[:\s]+", re.IGNORECASE)
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_DATE_FORMATS = (
    "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%A %d %B %Y", "%a %d %b %Y", "%A %B %d %Y",
    "%a %b %d %Y", "%Y-%m-%d", "%d %B, %Y", "%B %d, %Y", "%b %d, %Y", "%A, %d %B %Y", "%A, %B %d, %Y",
    "%A %d %B, %Y", "%d.%m.%Y",
)
MAX_BYLINE = 300
_PARTICLES = frozenset("de da di du del della der den van von la le bin ibn al el y zu ten ter".split())


@dataclass(frozen=True)
class Byline:
    authors: list[str]
    role: str | None


def parse_byline(text: str) -> Byline | None:
    """'By Clare Evans MBE, First director of …' -> (['Clare Evans MBE'], 'First director of …').

    Several authors are joined by 'and' or '&' before the first comma. None when the text is not a byline.
    """
    text = " ".join(text.split())
    if len(text) > MAX_BYLINE:
        return None
    match = _BY.match(text)
    if not match:
        return None
    names, _, role = match.group("rest").partition(",")
    authors = [n.strip(" .") for n in _AND.split(names) if n.strip(" .")]
    if not authors or not all(_looks_like_name(a) for a in authors):
        return None
    return Byline(authors, role.strip() or None)


def _looks_like_name(text: str) -> bool:
    """'Dr Gary Hickey', 'Ludwig van Beethoven' — not 'the way' or '2020'."""
    words = text.split()
    if not 1 <= len(words) <= 6 or any(ch.isdigit() for ch in text):
        return False
    return words[0][0].isupper() and all(w[0].isupper() or w.lower() in _PARTICLES for w in words)


_NOT_NAMES = frozenset("the a an our my your his her their this that these part chapter section introduction contents table figure abstract summary notes".split())
_LIST_SPLIT = re.compile(r"\s*(?:;|,?\s+and\s+|&|,)\s*")


def turn_name(text: str) -> str:
    """'Seeley, Jason' -> 'Jason Seeley' (a library-catalogue order); other names as they are."""
    text = " ".join(text.split())
    last, comma, first = text.partition(",")
    if not comma or "," in first:
        return text
    last, first = last.strip(), first.strip()
    if last and first and 1 <= len(last.split()) <= 2 and 1 <= len(first.split()) <= 3 and _looks_like_name(last) and _looks_like_name(first):
        return f"{first} {last}"
    return text


def names_line(text: str) -> list[str] | None:
    """A line that is only people's names: 'Mary Ann Evans and Aurore Dupin', 'Evans, Mary Ann'; else None."""
    text = " ".join(text.split()).strip(" .")
    if not text or len(text) > 160 or any(ch in text for ch in ":!?\"“”()"):
        return None
    turned = turn_name(text)
    if turned != text:
        return [turned]
    names = [n for n in _LIST_SPLIT.split(text) if n]
    if any(n.split()[0].casefold() in _NOT_NAMES for n in names):
        return None
    if not 1 <= len(names) <= 8 or not all(_looks_like_name(n) and len(n.split()) >= 2 for n in names):
        return None
    return names


def author_from_feed(text: str) -> str:
    """RSS <author> is 'mail@example.org (Name)'; keep the name, else the text as it is."""
    text = " ".join(text.split())
    match = _EMAIL_NAME.match(text)
    return match.group("name").strip() if match else text


def date_from_text(text: str) -> dt.date | None:
    """A short line that is only a date: '25 April 2017', 'Tuesday, April 25th, 2017', 'Posted on 2017-04-25'."""
    text = _POSTED.sub("", " ".join(text.split())).strip(" .")
    if not text or len(text) > 40:
        return None
    text = _ORDINAL.sub(r"\1", text)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def date_from_iso(text: str) -> dt.date | None:
    """Atom and WordPress dates: '2017-04-25T10:00:00Z', '2017-04-25 10:00:00'; None when empty or zero."""
    text = text.strip()
    if not text or text.startswith("0000"):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None


def date_from_rfc822(text: str) -> dt.date | None:
    """RSS dates: 'Tue, 25 Apr 2017 10:00:00 +0000'."""
    text = text.strip()
    if not text:
        return None
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return date_from_iso(text)
