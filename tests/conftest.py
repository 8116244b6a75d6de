from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from anthology.build import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book, copied and built once for the whole session; returns its build folder."""
    book = tmp_path_factory.mktemp("sample")
    shutil.copy(ROOT / "anthology.toml", book / "anthology.toml")
    shutil.copytree(ROOT / "chapters", book / "chapters")
    if (ROOT / "styles").is_dir():
        shutil.copytree(ROOT / "styles", book / "styles")
    build(book)
    return book / "build"


@pytest.fixture(scope="session")
def big_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30-chapter book with images, footnotes and two languages, built once as EPUB, PDF and Kobo EPUB."""
    from epub_books import write_big_book

    book = write_big_book(tmp_path_factory.mktemp("big") / "book")
    build(book, "epub,pdf,kepub")
    return book / "build"
