"""What ``check`` (and so ``build``) warns about before the print edition is set: characters no font
of the book has, and languages that have no hyphenation patterns.

Characters are read from the sources as written (each chapter and editors' text, and anthology.toml
for the metadata), HTML character references decoded and composed (NFC) as the layout composes
them. One warning per file lists each missing character with the line (and, in anthology.toml, the
key) of its first use, however often it comes back.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import Diagnostic
from .layout.fonts import covered
from .print.hyphenation import has_patterns, unhyphenated
from .project.config import Config, key_line
from .project.model import Chapter

SHOWN = 12  # characters named in one warning; the rest are counted
_NO_GLYPH = {"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"}  # controls, format characters (joiners, marks of direction), spaces
_TOML_KEY = re.compile(r'^\s*("[^"]+"|[A-Za-z0-9_.-]+)\s*=')
_TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")

FONT_HINT = ("name a font that has {them} in [book] fallback_fonts in anthology.toml (a .ttf or .otf file in the "
             "book's folder, or an installed pip font package), or write {them} otherwise: the PDF prints {them} as empty boxes")


def needs_glyph(character: str) -> bool:
    """Whether a character is drawn (not a control, format character, space or variation selector)."""
    if unicodedata.category(character) in _NO_GLYPH:
        return False
    point = ord(character)
    return not (0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF)


def missing_characters(lines: Iterable[str], have: frozenset[int]) -> dict[str, int]:
    """Each character no font has, with the number (from 1) of the first line it is on."""
    first: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        for character in unicodedata.normalize("NFC", html.unescape(line)):
            if character not in first and ord(character) not in have and needs_glyph(character):
                first[character] = number
    return first


def _named(character: str) -> str:
    return f"{character} (U+{ord(character):04X}"


def _listing(found: dict[str, int], where: dict[int, str] | None = None) -> str:
    shown = [f"{_named(c)}, line {n}" + (f", {where[n]}" if where and where.get(n) else "") + ")" for c, n in list(found.items())[:SHOWN]]
    more = len(found) - SHOWN
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _warning(path: Path, found: dict[str, int], where: dict[int, str] | None = None) -> Diagnostic:
    count = len(found)
    them = "it" if count == 1 else "them"
    first_line = min(found.values())
    return Diagnostic(
        path,
        f"{count} character{'s' if count != 1 else ''} no font of the book has: {_listing(found, where)}",
        line=first_line, key=(where or {}).get(first_line), hint=FONT_HINT.format(them=them), level="warning",
    )


def _toml_keys(source: str) -> dict[int, str]:
    """The key each line of a TOML text sets, as table.key ('book.title')."""
    keys: dict[int, str] = {}
    table = ""
    for number, line in enumerate(source.splitlines(), start=1):
        header = _TOML_TABLE.match(line)
        if header:
            table = header.group(1)
            continue
        key = _TOML_KEY.match(line)
        if key:
            keys[number] = f"{table}.{key.group(1)}" if table else key.group(1)
        elif number - 1 in keys:  # a value going on over several lines
            keys[number] = keys[number - 1]
    return keys


def font_coverage(config: Config, sources: Iterable[Path]) -> list[Diagnostic]:
    """One warning for each source (and for anthology.toml) that holds characters no font of the
    book, nor a fallback font, has."""
    have = covered(config.fallback_fonts)
    found: list[Diagnostic] = []
    settings = config.path.read_text(encoding="utf-8-sig", errors="replace") if config.path.is_file() else ""
    lines = [line if not line.lstrip().startswith("#") else "" for line in settings.splitlines()]
    missing = missing_characters(lines, have)
    if missing:
        found.append(_warning(config.path, missing, _toml_keys(settings)))
    for path in sources:
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue  # the checker reports a file it cannot read
        missing = missing_characters(text.split("\n"), have)
        if missing:
            found.append(_warning(path, missing))
    return found


def _lang_line(chapter: Chapter) -> int | None:
    lines = chapter.source.read_text(encoding="utf-8-sig", errors="replace").split("\n")
    return next((n for n, line in enumerate(lines[: chapter.body_line], start=1) if re.match(r"^lang\s*:", line)), None)


def hyphenation_warnings(config: Config, chapters: Iterable[Chapter], language_name: Callable[[str], str]) -> list[Diagnostic]:
    """A warning for the book, and for each chapter in a language of its own, whose language has no
    hyphenation patterns (its justified print lines are not hyphenated)."""
    found: list[Diagnostic] = []
    book = config.book.language
    hint = ("nothing to do if its lines look well; otherwise set it ragged-right in styles/print.css: "
            ':lang({code}) p {{ text-align: start; }}')
    if not has_patterns(book) and not unhyphenated(book):
        source = config.path.read_text(encoding="utf-8-sig", errors="replace") if config.path.is_file() else ""
        found.append(Diagnostic(
            config.path, f"anthology has no hyphenation patterns for {language_name(book)}, the book's language: "
            "the print edition's justified lines are not hyphenated", line=key_line(source, "book", "language"),
            key="book.language", hint=hint.format(code=book), level="warning"))
    for chapter in chapters:
        lang = chapter.lang
        if lang.lower() == book.lower() or has_patterns(lang) or unhyphenated(lang):
            continue
        found.append(Diagnostic(
            chapter.source, f"anthology has no hyphenation patterns for {language_name(lang)}, the language of "
            f"'{chapter.title}': its justified print lines are not hyphenated", line=_lang_line(chapter), key="lang",
            hint=hint.format(code=lang), level="warning"))
    return found
