"""The one date every output is stamped with, never the clock: SOURCE_DATE_EPOCH, else the book's
date (anthology.toml, or the newest chapter date), else the newest chapter file's time."""

from __future__ import annotations

import datetime as dt
import os

from ..project.model import Book


def build_date(book: Book) -> dt.datetime:
    """A UTC datetime; the same sources give the same date on every machine (when a date is given)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    if book.date is not None:
        return dt.datetime(book.date.year, book.date.month, book.date.day, tzinfo=dt.timezone.utc)
    newest = max((int(c.source.stat().st_mtime) for c in book.chapters), default=0)
    return dt.datetime.fromtimestamp(newest, tz=dt.timezone.utc)
