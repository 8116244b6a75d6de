from __future__ import annotations

from pathlib import Path

import pytest

from anthology.errors import ConfigError
from anthology.project.config import derive_identifier, load_config


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "anthology.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_minimal_config_derives_identifier_and_slug(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[book]\ntitle = "Co-production Week 2019"\nlanguage = "en-GB"\n'))
    assert config.book.title == "Co-production Week 2019"
    assert config.slug == "co-production-week-2019"
    assert config.book.identifier == derive_identifier("Co-production Week 2019")
    assert config.book.identifier.startswith("urn:uuid:")


def test_every_problem_is_reported_at_once_with_lines(tmp_path: Path) -> None:
    path = write(tmp_path, '[book]\ntitle = "T"\nlanguage = "english please"\ntitel = "x"\neditors = 3\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = info.value.format(tmp_path)
    assert "anthology.toml:4: error: unknown key 'titel' in [book] (did you mean 'title'?)" in text
    assert "anthology.toml:3:" in text and "BCP 47" in text
    assert "anthology.toml:5:" in text and "'editors'" in text
    assert info.value.exit_code == 2


def test_missing_required_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "[book]\nsubtitle = 'x'\n"))
    text = str(info.value)
    assert "missing required key 'title'" in text and "missing required key 'language'" in text


def test_unknown_table_names_nearest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, '[bok]\ntitle = "T"\n'))
    assert "unknown table or key 'bok'" in str(info.value)
    assert "did you mean '[book]'?" in str(info.value)


def test_toml_syntax_error_names_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, '[book]\ntitle = "T\nlanguage = "en"\n'))
    assert info.value.diagnostics[0].line == 2
    assert "not valid TOML" in str(info.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "anthology.toml not found" in str(info.value)
    assert "anthology new" in str(info.value)
