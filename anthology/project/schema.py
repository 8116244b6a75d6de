"""A declared schema for mappings (anthology.toml tables, chapter front matter).

Each field names its type and whether it is required; validation reports every problem at once,
with the nearest known key for a misspelt one. A table of anthology.toml is declared once, as a
dataclass whose attributes are made with ``key``: ``fields_of`` gives its schema, and the values
validated build the dataclass directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8}|-[0-9][A-Za-z0-9]{3})*$")


class FieldError(ValueError):
    """A value has the wrong type or form; the message says what was expected, ``hint`` (when given) the fix."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError(f"expected text, got {_describe(value)}")
    result = str(value).strip()
    if not result:
        raise FieldError("must not be empty")
    return result


def text_list(value: Any) -> list[str]:
    """A name or a list of names."""
    if isinstance(value, str):
        return [text(value)]
    if isinstance(value, list) and value:
        return [text(v) for v in value]
    raise FieldError(f"expected text or a list of text, got {_describe(value)}")


def text_list_or_none(value: Any) -> list[str]:
    """A name, a list of names, or an empty list that says there are none."""
    return [] if value == [] else text_list(value)


_DATE_PARTS = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_OTHER_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _spoken(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_problem(written: str) -> FieldError:
    """Why ``written`` is not a date written year-month-day, with the fix in the user's own numbers."""
    value = written.strip()
    parts = _DATE_PARTS.match(value)
    if parts:
        year, month, day = (int(n) for n in parts.groups())
        if not 1 <= month <= 12:
            message = f"'{value}' has month {month}: there are 12 months"
            if 1 <= day <= 12:
                try:
                    swapped = dt.date(year, day, month)
                except ValueError:
                    swapped = None
                if swapped is not None:
                    return FieldError(message, f"the date is written year-month-day; for {_spoken(swapped)} write {swapped.isoformat()}")
            return FieldError(message, "the date is written year-month-day, e.g. 2019-11-01 for 1 November 2019")
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        if not 1 <= day <= last:
            return FieldError(f"'{value}' has day {day}, but {MONTHS[month - 1]} {year} has {last} days",
                              "check the day; the date is written year-month-day")
        return FieldError(f"'{value}' is not a date", "write it year-month-day, e.g. 2019-11-01")
    other = _OTHER_DATE.match(value)
    if other:
        first, second, year = (int(n) for n in other.groups())
        readings = []
        for day, month in ((first, second), (second, first)):
            try:
                readings.append(dt.date(year, month, day))
            except ValueError:
                pass
        readings = list(dict.fromkeys(readings))
        if readings:
            fixes = " or ".join(f"{d.isoformat()} for {_spoken(d)}" for d in readings)
            return FieldError(f"'{value}' is not written YYYY-MM-DD (year-month-day)", f"write {fixes}")
    in_words = _date_in_words(value)
    if in_words is not None:
        return in_words
    return FieldError(f"'{value}' is not a date written YYYY-MM-DD (year-month-day)", "write it like 2019-11-01 for 1 November 2019")


def _date_in_words(value: str) -> FieldError | None:
    """The fix for a date written with the month's name ('1 November 2019', 'November 1st, 2019')."""
    words = re.match(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$", value) or re.match(
        r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", value)
    if words:
        first, second, year = words.groups()
        day, name = (first, second) if first.isdigit() else (second, first)
        month = next((n for n, m in enumerate(MONTHS, start=1) if len(name) >= 3 and m.lower().startswith(name.lower())), None)
        try:
            meant = dt.date(int(year), month, int(day)) if month else None
        except ValueError:
            meant = None
        if meant is not None:
            return FieldError(f"'{value}' is not written YYYY-MM-DD (year-month-day)", f"write {meant.isoformat()}")
    return None


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise date_problem(value) from None
    raise FieldError(f"expected a date written YYYY-MM-DD (year-month-day), got {_describe(value)}", "write it like 2019-11-01")


def language(value: Any) -> str:
    tag = text(value)
    if not LANGUAGE_TAG.match(tag):
        raise FieldError(f"{tag!r} is not a BCP 47 language tag such as 'en', 'en-GB' or 'cy'")
    return tag


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldError(f"expected true or false, got {_describe(value)}")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date ({value})"
    return f"{type(value).__name__} {value!r}"


@dataclass(frozen=True)
class Field:
    """One key: its converter, whether it is required, the hint shown when it is wrong (``doc``), and
    what the scaffolded anthology.toml says of it: ``help`` (a sentence), ``example`` (a TOML value
    that converts) and ``default`` (what holds without it)."""

    name: str
    convert: Callable[[Any], Any]
    required: bool = False
    doc: str = ""
    help: str = ""
    example: str = ""
    default: str = ""


def key(
    convert: Callable[[Any], Any], *, required: bool = False, doc: str = "", help: str = "", example: str = "", shown: str = "",
    default: Any = dataclasses.MISSING,
) -> Any:
    """An attribute of a settings dataclass that is also a key of its table: how its value is read
    (``convert`` gives the attribute's type), whether the table must have it, how it is written
    (``doc``, ``help``, ``example``, and ``shown``: what holds without it, as ``Field.default`` says)."""
    return dataclasses.field(default=default, metadata={"schema": (convert, required, doc, help, example, shown)})


def fields_of(settings: type) -> list[Field]:
    """The schema of a settings dataclass declared with ``key``, in the order of its attributes."""
    return [Field(f.name, *f.metadata["schema"]) for f in dataclasses.fields(settings) if "schema" in f.metadata]


@dataclass(frozen=True)
class Problem:
    key: str
    message: str
    hint: str | None = None


def nearest(key: str, known: list[str]) -> str | None:
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    return matches[0] if matches else None


def validate(data: Mapping[str, Any], fields: list[Field]) -> tuple[dict[str, Any], list[Problem]]:
    """Convert every known key; collect a Problem for each missing, unknown or malformed one."""
    known = {f.name: f for f in fields}
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    guessed: set[str] = set()
    for key in data:
        if key not in known:
            guess = nearest(str(key), list(known))
            if guess:
                guessed.add(guess)
            hint = f"did you mean '{guess}'?" if guess else "known keys: " + ", ".join(known)
            problems.append(Problem(str(key), f"unknown key '{key}'", hint))
    for f in fields:
        if f.name not in data or data[f.name] is None:
            # a misspelt required key is reported once, as the unknown key that names it
            if f.required and f.name not in guessed:
                problems.append(Problem(f.name, f"missing required key '{f.name}'", f"add {f.doc}" if f.doc else None))
            continue
        try:
            values[f.name] = f.convert(data[f.name])
        except FieldError as exc:
            problems.append(Problem(f.name, f"'{f.name}': {exc}", exc.hint or f.doc or None))
    return values, problems
