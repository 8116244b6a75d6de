"""Small text helpers shared by every stage: slugs, natural sort keys, sort-as names."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Any

_NON_WORD = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"(\d+)")

# Words that sit before or after a person's name but are not part of the surname.
HONORIFICS = frozenset(
    "dr dr. prof prof. professor mr mr. mrs mrs. ms ms. miss mx mx. sir dame rev rev. revd".split()
)
POST_NOMINALS = frozenset(
    "mbe obe cbe kbe dbe bem qc kc phd dphil md frs jr jr. sr sr. ii iii iv".split()
)


def slugify(text: str, fallback: str = "book") -> str:
    """Lower-case ASCII slug: 'Co-production Week 2019' -> 'co-production-week-2019'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or fallback


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts '2-b.md' before '10-a.md'."""
    parts = _DIGITS.split(text)
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in parts if p != "")


def name_parts(name: str) -> tuple[str, str]:
    """Split a display name into (given names, surname), ignoring honorifics and post-nominals.

    'Dr Gary Hickey' -> ('Gary', 'Hickey'); 'Clare Evans MBE' -> ('Clare', 'Evans').
    A single word is treated as the surname.
    """
    words = [w.strip(",") for w in name.split()]
    while words and words[0].lower() in HONORIFICS:
        words.pop(0)
    while len(words) > 1 and words[-1].lower().rstrip(".") in {p.rstrip(".") for p in POST_NOMINALS}:
        words.pop()
    if not words:
        return "", name.strip()
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


def file_as(name: str) -> str:
    """Library-style sort name: 'Dr Gary Hickey' -> 'Hickey, Gary'."""
    given, surname = name_parts(name)
    return f"{surname}, {given}" if given else surname


@functools.cache
def _smarty() -> tuple[Any, threading.Lock]:
    """One Markdown converter with the smarty extension, reset before each use (building one costs more
    than converting a title)."""
    import markdown

    return markdown.Markdown(extensions=["smarty"], extension_configs={"smarty": {"smart_angled_quotes": False}}), threading.Lock()


# A hyphen with a space on either side stands for a dash: an en dash. The space before a spaced en or
# em dash becomes a no-break space, so the dash ends a line rather than starts one.
_SPACED_HYPHEN = re.compile(r"[ \t\r\n]+-(?=[ \t\r\n])")
_SPACED_DASH = re.compile(r"(?<=\S)[ \t\r\n]+([\u2013\u2014])(?=[ \t\r\n]|$)|^[ \t\r\n]+([\u2013\u2014])(?=[ \t\r\n])")


# French spacing, as writers type it: « mot », « mot » ; mot : the space inside guillemets and the space
# before ; : ! ? become no-break spaces, so a guillemet never ends (or starts) a line without its word and
# a line never starts with the punctuation. Guillemets used the other way (»Wort«), without spaces, are left.
_OPEN_GUILLEMET = re.compile(r"(?:(?<=[\s(\[\u2013\u2014])|^)([\u00ab\u2039])[ \t\r\n]+(?=\S|$)")
_CLOSE_GUILLEMET = re.compile(r"(?:(?<=\S)|^)[ \t\r\n]+([\u00bb\u203a])(?=[\s.,;:!?)\]\u2026\u2013\u2014]|$)")
_HIGH_PUNCTUATION = re.compile(r"(?:(?<=\S)|^)[ \t\r\n]+([;:!?]+)(?=[\s\u00bb\u203a)\]]|$)")


def french_spaces(text: str) -> str:
    """'dit-elle ; « Oui »' -> 'dit-elle\u00a0; «\u00a0Oui\u00a0»' (guillemets and ; : ! ? keep to their words)."""
    if "\u00ab" in text or "\u2039" in text:
        text = _OPEN_GUILLEMET.sub(lambda m: m.group(1) + "\u00a0", text)
    if "\u00bb" in text or "\u203a" in text:
        text = _CLOSE_GUILLEMET.sub(lambda m: "\u00a0" + m.group(1), text)
    if " ;" in text or " :" in text or " !" in text or " ?" in text or "\n" in text:
        text = _HIGH_PUNCTUATION.sub(lambda m: "\u00a0" + m.group(1), text)
    return text


def spaced_dashes(text: str, bind: bool = True) -> str:
    """'No - I get' -> 'No\u00a0\u2013 I get'; 'so \u2014 then' -> 'so\u00a0\u2014 then' (the dash stays with the word before).

    A hyphen without a space on both sides (a compound, '-5', '1990-2000') is left as it is. Without
    ``bind`` the spaces stay ordinary ones (for metadata: titles in bookmarks, records and file names)."""
    space = "\u00a0" if bind else " "
    if "-" in text:
        text = _SPACED_HYPHEN.sub(space + "\u2013", text)
    if bind and ("\u2013" in text or "\u2014" in text):
        text = _SPACED_DASH.sub(lambda m: space + (m.group(1) or m.group(2)), text)
    return text


@functools.lru_cache(maxsize=8192)
def smarten(text: str) -> str:
    """Smart typography for plain text such as titles: curly quotes, dashes and ellipses, as in the body."""
    import html

    converter, lock = _smarty()
    with lock:
        converted = converter.reset().convert(text.replace("<", "&lt;"))
    inner = converted.removeprefix("<p>").removesuffix("</p>")
    plain = re.sub(r"<[^>]+>", "", inner)
    return spaced_dashes(html.unescape(plain), bind=False)
