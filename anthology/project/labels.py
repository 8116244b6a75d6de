"""The fixed words of a book ("Contents", "Edited by …", "p."), in the book's and each chapter's language.

They come from one TOML file per language shipped in ``project/translations`` (``cy.toml``, ``fr.toml``…),
chosen by the language tag's primary subtag (``cy-GB`` uses ``cy.toml``). ``en.toml`` names every
label and is the fallback: a language without a file, or a label missing from one, is in English.
A book changes any label in ``anthology.toml``: ``[labels]`` for the book's language, ``[labels.fr]``
for the chapters in French. Words in braces (``{names}``) are filled in when the label is used.
"""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

LABELS_DIR = Path(__file__).parent / "translations"
FALLBACK = "en"


@functools.cache
def catalogue(code: str) -> Mapping[str, str] | None:
    """The labels shipped for a primary language subtag ('cy'), or None when there is no file for it."""
    path = LABELS_DIR / f"{code}.toml"
    if not code.isalpha() or not path.is_file():
        return None
    with path.open("rb") as handle:
        return tomllib.load(handle)


def english() -> Mapping[str, str]:
    found = catalogue(FALLBACK)
    assert found is not None, "the English labels are part of the package"
    return found


def keys() -> tuple[str, ...]:
    """Every label's name, in the order of the English file."""
    return tuple(english())


def shipped() -> tuple[str, ...]:
    """The languages with a labels file."""
    return tuple(sorted(p.stem for p in LABELS_DIR.glob("*.toml")))


def primary(tag: str) -> str:
    """'cy-GB' -> 'cy'; 'pt-BR' -> 'pt'."""
    return tag.split("-", 1)[0].lower()


def is_translated(tag: str) -> bool:
    return catalogue(primary(tag)) is not None


def join(items: list[str], lang: str, fix_welsh: bool = True) -> str:
    """'Ann, Bee and Cy' in the language's own way (CLDR list patterns, through Babel). English is
    written as this project always has, without a comma before 'and' (CLDR's en-GB)."""
    from babel import Locale, UnknownLocaleError
    from babel.lists import format_list

    if not items:
        return ""
    tag = "en-GB" if lang.lower() in ("en", "en-us") else lang
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en_GB")
    joined = format_list(list(items), locale=locale)
    return joined.replace(" a(c) ", f" {welsh_and(items[-1])} ") if fix_welsh and " a(c) " in joined else joined


WELSH_VOWELS = tuple("aeiouwyâêîôûŵŷáéíóúàèìòùäëïöü")


def welsh_and(following: str) -> str:
    """Welsh 'and' is 'ac' before a vowel and 'a' before a consonant (CLDR writes 'a(c)')."""
    return "ac" if following.strip().lower().startswith(WELSH_VOWELS) else "a"


def braced_names(text: str) -> set[str]:
    """The names in braces in a label: 'Edited by {names}' -> {'names'}."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Labels:
    """The labels of one book: the shipped translations under the book's own ([labels] in anthology.toml).

    ``overrides`` maps a primary language subtag to labels; the book's language is ``language``.
    """

    language: str = FALLBACK
    overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def template(self, key: str, lang: str | None = None) -> str:
        code = primary(lang or self.language)
        own = self.overrides.get(code, {})
        if key in own:
            return own[key]
        found = catalogue(code) or {}
        if key in found:
            return found[key]
        return english()[key]

    def text(self, key: str, lang: str | None = None, **values: object) -> str:
        """The label ``key`` in language ``lang`` (the book's by default), its braces filled with ``values``."""
        return self.template(key, lang).format(**values)

    def translated(self, lang: str) -> bool:
        """Whether ``lang`` has its own words: a shipped file, or every label given in anthology.toml."""
        code = primary(lang)
        return is_translated(code) or set(keys()) <= set(self.overrides.get(code, {}))
