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
