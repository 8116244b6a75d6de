"""Dates written out in the chapter's language: 2017-04-30 -> '30 April 2017' (en-GB)."""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date


def long_date(value: dt.date, lang: str) -> str:
    try:
        locale = Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return format_date(value, format="long", locale=locale)
