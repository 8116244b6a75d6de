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
    """A value has the wrong type or form; the message says what was expected."""


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


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FieldError(f"expected a date written YYYY-MM-DD, got {value!r}")


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
    name: str
    convert: Callable[[Any], Any]
    required: bool = False
    doc: str = ""


def key(convert: Callable[[Any], Any], *, required: bool = False, doc: str = "", default: Any = dataclasses.MISSING) -> Any:
    """An attribute of a settings dataclass that is also a key of its table: how its value is read
    (``convert`` gives the attribute's type), whether the table must have it, how it is written."""
    return dataclasses.field(default=default, metadata={"schema": (convert, required, doc)})


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
    for key in data:
        if key not in known:
            guess = nearest(str(key), list(known))
            hint = f"did you mean '{guess}'?" if guess else "known keys: " + ", ".join(known)
            problems.append(Problem(str(key), f"unknown key '{key}'", hint))
    for f in fields:
        if f.name not in data or data[f.name] is None:
            if f.required:
                problems.append(Problem(f.name, f"missing required key '{f.name}'", f"add {f.doc}" if f.doc else None))
            continue
        try:
            values[f.name] = f.convert(data[f.name])
        except FieldError as exc:
            problems.append(Problem(f.name, f"'{f.name}': {exc}", f.doc or None))
    return values, problems
