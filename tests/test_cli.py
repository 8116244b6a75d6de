from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import chapter, write_book

from anthology.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_build_epub_says_what_it_wrote(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter()})
    result = run("build", str(root), "--format", "epub")
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "test-book.epub" in result.output
    assert (root / "build" / "test-book.epub").is_file()
    assert not (root / "build" / "test-book.pdf").exists()


def test_output_option(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter()})
    result = run("build", str(root), "--format", "html", "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "html" / "index.html").is_file()


def test_missing_config_exit_2(tmp_path: Path) -> None:
    result = run("build", str(tmp_path))
    assert result.exit_code == 2
    assert "anthology.toml not found" in result.output
    assert "Traceback" not in result.output


def test_malformed_front_matter_exit_2_names_file_and_line(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-bad.md": "---\ntitle: [unclosed\nauthor: Ann\n---\nx\n"})
    result = run("build", str(root))
    assert result.exit_code == 2
    assert "01-bad.md:" in result.output and "not valid YAML" in result.output


def test_unknown_key_exit_2(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter(subtitle="x")})
    result = run("build", str(root))
    assert result.exit_code == 2
    assert "unknown key 'subtitle'" in result.output


def test_unknown_format_exit_2(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter()})
    result = run("build", str(root), "--format", "mobi")
    assert result.exit_code == 2
    assert "unknown format 'mobi'" in result.output


@pytest.mark.slow
def test_build_error_exit_1_leaves_earlier_outputs(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"a.md": chapter()})
    assert run("build", str(root), "--format", "epub,html").exit_code == 0
    epub = root / "build" / "test-book.epub"
    before = epub.read_bytes()
    index_before = (root / "build" / "html" / "index.html").read_bytes()
    (root / "templates").mkdir()
    (root / "templates" / "chapter.html").write_text("<section><p>unclosed</section>")
    result = run("build", str(root), "--format", "epub,html")
    assert result.exit_code == 1
    assert "not well-formed" in result.output and "Traceback" not in result.output
    assert epub.read_bytes() == before
    assert (root / "build" / "html" / "index.html").read_bytes() == index_before


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and "anthology" in result.output
