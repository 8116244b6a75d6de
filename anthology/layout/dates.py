"""Dates written out in the chapter's language: 2017-04-30 -> '30 April 2017' (en-GB)."""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date


def babel_locale(lang: str) -> Locale:
    """The CLDR locale of a language tag, English when CLDR does not know it."""
    try:
        return Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def long_date(value: dt.date, lang: str) -> str:
    return format_date(value, format="long", locale=babel_locale(lang))
