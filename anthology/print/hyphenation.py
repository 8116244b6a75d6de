"""Hyphenation patterns: which languages the print edition can hyphenate, and the ones anthology adds.

WeasyPrint hyphenates with pyphen's dictionaries, chosen by the element's ``lang``. pyphen has none
for Welsh, so anthology ships one (``hyph_cy.dic``: the hyph-utf8 Welsh patterns, MIT licence,
source and changes in its header) and ``register`` adds it to pyphen's table before a layout.
``has_patterns`` says whether a language tag finds a dictionary, as WeasyPrint looks it up;
``unhyphenated`` is the languages set without hyphenation by custom, which need no warning.
"""

from __future__ import annotations

from pathlib import Path

import pyphen

SHIPPED = {"cy": Path(__file__).resolve().parent / "hyph_cy.dic"}

# Scripts set without hyphenation: Arabic, Persian, Urdu, Pashto, Hebrew, Yiddish, Chinese, Japanese, Korean
# (Thai, Lao, Khmer and Burmese break between words, not inside them).
UNHYPHENATED = frozenset({"ar", "fa", "ur", "ps", "he", "yi", "zh", "ja", "ko", "lo", "km", "my"})


def register() -> None:
    """Add the shipped dictionaries to pyphen's table (again after a reload: it is cheap)."""
    for code, path in SHIPPED.items():
        pyphen.LANGUAGES.setdefault(code, path)
        pyphen.LANGUAGES_LOWERCASE.setdefault(code.lower(), code)


def has_patterns(tag: str) -> bool:
    """Whether WeasyPrint finds hyphenation patterns for the language tag ``tag`` ('cy', 'en-GB')."""
    register()
    return pyphen.language_fallback(tag) is not None


def unhyphenated(tag: str) -> bool:
    """Whether the language is set without hyphenation by custom (no patterns needed)."""
    return tag.split("-")[0].lower() in UNHYPHENATED
