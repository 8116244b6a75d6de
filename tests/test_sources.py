from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import chapter, write_book

from anthology.build import load_book
from anthology.errors import SourceError


def test_front_matter_fields(tmp_path: Path) -> None:
    text = "---\ntitle: One\nauthor: [Ann Bee, Cy Dee]\nbyline: 'Editor at #coproweek'\ndate: 2017-04-30\nlang: cy\n---\nBody\n"
    book = load_book(write_book(tmp_path, {"01.md": text}))
    ch = book.chapters[0]
    assert ch.title == "One"
    assert [a.name for a in ch.authors] == ["Ann Bee", "Cy Dee"]
    assert ch.byline == "Editor at #coproweek"
    assert ch.date == dt.date(2017, 4, 30)
    assert ch.lang == "cy"
    assert ch.body_line == 8


def test_natural_file_name_order(tmp_path: Path) -> None:
    book = load_book(write_book(tmp_path, {"10-c.md": chapter("C"), "2-b.md": chapter("B"), "1-a.md": chapter("A")}))
    assert [c.title for c in book.chapters] == ["A", "B", "C"]


def test_order_from_config(tmp_path: Path) -> None:
    toml = '[book]\ntitle = "T"\nlanguage = "en"\nchapters = ["chapters/b.md", "chapters/a.md"]\n'
    book = load_book(write_book(tmp_path, {"a.md": chapter("A"), "b.md": chapter("B")}, toml))
    assert [c.title for c in book.chapters] == ["B", "A"]


def test_unknown_key_names_file_line_and_nearest(tmp_path: Path) -> None:
    text = "---\ntitle: One\nauthor: Ann\nauthr: Bob\n---\nBody\n"
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"01-one.md": text}))
    message = info.value.format(tmp_path)
    assert "chapters/01-one.md:4: error: unknown key 'authr' (did you mean 'author'?)" in message
    assert info.value.exit_code == 2


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    text = "---\ntitle: One\nauthor: Ann\ndate: [2017\n---\nBody\n"
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"x.md": text}))
    diag = info.value.diagnostics[0]
    assert diag.path and diag.path.name == "x.md"
    assert diag.line is not None and diag.line >= 4
    assert "not valid YAML" in diag.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No front matter here.\n", "no front matter"),
        ("---\ntitle: One\n", "never closed"),
        ("---\nauthor: Ann\n---\nx\n", "missing required key 'title'"),
        ("---\ntitle: One\nauthor: Ann\ndate: 30 April 2017\n---\nx\n", "YYYY-MM-DD"),
        ("", "is empty"),
    ],
)
def test_front_matter_errors(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"x.md": text}))
    assert expected in str(info.value)


def test_all_chapters_reported_together(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"a.md": "nothing\n", "b.md": "---\ntitle: B\n---\nx\n"}))
    paths = {d.path.name for d in info.value.diagnostics if d.path}
    assert paths == {"a.md", "b.md"}


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    root = write_book(tmp_path, {})
    (root / "chapters" / "a.md").write_bytes("\ufeff---\r\ntitle: A\r\nauthor: Ann\r\n---\r\nText\r\n".encode("utf-8"))
    book = load_book(root)
    assert book.chapters[0].title == "A"
    assert "\r" not in book.chapters[0].markdown


def test_latin1_bytes_name_the_line(tmp_path: Path) -> None:
    root = write_book(tmp_path, {})
    (root / "chapters" / "a.md").write_bytes(b"---\ntitle: A\nauthor: Ann\n---\ncaf\xe9\n")
    with pytest.raises(SourceError) as info:
        load_book(root)
    assert info.value.diagnostics[0].line == 5
    assert "UTF-8" in str(info.value)
