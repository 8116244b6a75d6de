"""What an editor meets in the first hour: each mistake told once, with what is wrong, where, and
the fix in their own words; check's warnings about what the scaffold left in; the scaffolded
anthology.toml naming every setting."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import chapter, write_book
from PIL import Image

from anthology.cli import main
from anthology.print.profiles import PRINT_FIELDS
from anthology.project import labels
from anthology.project.config import BOOK_FIELDS, CONTRIBUTOR_FIELDS, PART_FIELDS, load_config
from anthology.project.scaffold import config_text

EDITED = '[book]\ntitle = "T"\nlanguage = "en"\neditors = ["Ed Itor"]\n'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def lines_about(output: str, word: str) -> list[str]:
    return [line for line in output.splitlines() if word in line]


# messages ---------------------------------------------------------------------------------------


def test_a_date_with_month_13_says_the_month_is_the_problem_and_offers_the_date_meant(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter(date="2025-13-04")}, EDITED)
    result = run("check", str(book))
    assert result.exit_code == 1
    [line] = lines_about(result.output, "2025-13-04")
    assert "a.md:4: error:" in line and "month 13" in line and "write 2025-04-13" in line, line
    assert "YYYY-MM-DD, got" not in line  # the old message blamed the way it was written


def test_a_date_in_anthology_toml_toml_cannot_read_is_explained_too(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter()}, EDITED + "date = 2025-13-04\n")
    result = run("check", str(book))
    assert result.exit_code == 1
    [line] = lines_about(result.output, "2025-13-04")
    assert "anthology.toml:5: error:" in line and "month 13" in line and "not valid TOML" not in line, line


def test_isbn_as_one_number_is_refused_once_with_the_table_to_write(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter()}, EDITED + 'isbn = "978-0-306-40615-7"\n')
    result = run("check", str(book))
    assert result.exit_code == 1
    [line] = lines_about(result.output, "isbn")
    assert "anthology.toml:5: error:" in line
    assert 'isbn = { epub = "978-0-306-40615-7" }' in line
    assert line.count("978-") == 2  # the user's number, then the fix using it; no example printed twice


def test_an_unknown_format_suggests_the_nearest(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter()}, EDITED)
    result = run("build", str(book), "--format", "epbu")
    assert result.exit_code == 2
    assert "unknown format 'epbu' (did you mean 'epub'?" in result.output
    assert not (book / "build").exists()


def test_add_date_in_another_order_answers_in_year_month_day_words(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter()}, EDITED)
    result = run("add", "Later", "--author", "Ann", "--date", "12/10/2025", "--project", str(book))
    assert result.exit_code == 2
    assert "%Y" not in result.output
    assert "year-month-day" in result.output
    assert "2025-10-12 for 12 October 2025" in result.output and "2025-12-10 for 10 December 2025" in result.output


def test_a_misspelt_required_key_is_one_message(tmp_path: Path) -> None:
    text = "---\ntitle: One\nathor: Ann Bee\n---\nText.\n"
    book = write_book(tmp_path / "book", {"a.md": text}, EDITED)
    result = run("check", str(book))
    errors = lines_about(result.output, "error:")
    assert len(errors) == 1, result.output
    assert "a.md:3: error: unknown key 'athor' (did you mean 'author'?)" in errors[0]


def test_an_image_named_with_other_capitals_is_one_message_naming_the_file(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter(body="![A photo](images/photo.jpg)")}, EDITED)
    (book / "chapters" / "images").mkdir()
    Image.new("RGB", (4, 4), "white").save(book / "chapters" / "images" / "photo.JPG", "JPEG")
    result = run("check", str(book))
    assert result.exit_code == 1
    about = lines_about(result.output, "photo")
    assert len(about) == 1, result.output
    assert "error:" in about[0] and "did you mean images/photo.JPG?" in about[0]


def test_the_epub_page_list_note_is_one_line_only_for_a_book_with_a_print_edition(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter()}, EDITED)
    plain = run("build", str(book), "--format", "epub", "--jobs", "1")
    assert plain.exit_code == 0, plain.output
    assert "page list" not in plain.output and "note:" not in plain.output and "warning" not in plain.output
    (book / "anthology.toml").write_text(EDITED + 'isbn = { paperback = "978-0-306-40615-7" }\n')
    printed = run("build", str(book), "--format", "epub,kepub", "--jobs", "1")
    assert printed.exit_code == 0, printed.output
    notes = lines_about(printed.output, "note:")
    assert len(notes) == 1 and "no print page numbers" in notes[0] and len(notes[0]) < 160, printed.output
    assert "warning" not in printed.output


# check's warnings -------------------------------------------------------------------------------


def test_check_warns_about_the_scaffold_left_in_until_it_is_replaced(tmp_path: Path) -> None:
    book = tmp_path / "book"
    assert run("new", str(book)).exit_code == 0
    result = run("check", str(book))
    assert "'Your Name'" in result.output and "example text" in result.output
    assert "no editors are named" in result.output


def test_editors_said_to_be_none_are_not_warned_about(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter()}, '[book]\ntitle = "T"\nlanguage = "en"\neditors = []\n')
    result = run("check", str(book))
    assert result.exit_code == 0, result.output
    assert "editors" not in result.output


def test_check_warns_about_files_in_chapters_that_are_not_chapters(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter()}, EDITED)
    for name in ("notes.txt", "essay.docx", "old.doc", "_draft.txt", ".hidden"):
        (book / "chapters" / name).write_text("x")
    result = run("check", str(book))
    assert result.exit_code == 0
    assert "notes.txt' is not a chapter" in result.output and "rename it to notes.md" in result.output
    assert "anthology import chapters/essay.docx" in result.output
    assert "old.doc' is not a chapter" in result.output and "Word Document (.docx)" in result.output
    assert "_draft" not in result.output and ".hidden" not in result.output


def test_a_missing_translation_falls_back_to_english_with_a_warning_naming_the_language(tmp_path: Path) -> None:
    toml = EDITED.replace('"en"', '"eu"')
    book = write_book(tmp_path / "book", {"a.md": chapter()}, toml)
    result = run("check", str(book))
    [line] = lines_about(result.output, "translation")
    assert "Basque (eu)" in line and "warning" in line and "[labels]" in line


# the scaffolded anthology.toml ------------------------------------------------------------------


def test_new_writes_every_setting_commented_with_its_default() -> None:
    text = config_text("My Book", "cy")
    for table, fields in (("book", BOOK_FIELDS), ("print", PRINT_FIELDS), ("contributors", CONTRIBUTOR_FIELDS),
                          ("parts", PART_FIELDS)):
        for field in fields:
            assert re.search(rf"^(# )?{field.name} = ", text, re.MULTILINE), (table, field.name)
            assert field.help and field.example, (table, field.name)
            # the example is a value the setting takes
            field.convert(tomllib.loads(f"value = {field.example}")["value"])
    for key, _english in labels.english().items():
        assert f"# {key} = " in text, key
    assert "Default: " in text
    tomllib.loads(text)


def test_every_setting_of_the_scaffold_uncommented_is_a_valid_book(tmp_path: Path) -> None:
    book = tmp_path / "book"
    assert run("new", str(book)).exit_code == 0
    lines = []
    for line in (book / "anthology.toml").read_text().splitlines():
        setting = re.match(r"^# ((\[.*\])|([a-z_]+ = .*))$", line)
        if setting and not line.startswith(("# chapters = [\"chapters/01-welcome.md\", \"chapters/02", "# fallback_fonts = [\"fonts/")):
            line = setting.group(1)
        lines.append(line)
    (book / "anthology.toml").write_text("\n".join(lines) + "\n")
    config = load_config(book)
    assert config.book.editors == ("Ann Bee", "Cy Dee") and config.parts and config.contributors
    assert config.labels.text("contents") == "Contents"


def test_o_is_short_for_output(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter()}, EDITED)
    result = run("build", str(book), "--format", "html", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "html" / "index.html").is_file()


@pytest.mark.parametrize("code", ["en", "cy", "ga", "gd", "fr", "de", "es", "it", "nl", "pt", "pl", "sv", "he", "ar"])
def test_each_shipped_language_has_every_label_with_its_braced_names(code: str) -> None:
    found = labels.catalogue(code)
    assert found is not None, code
    english = labels.english()
    assert set(found) == set(english), set(english) ^ set(found)
    for key, text in found.items():
        assert labels.braced_names(text) == labels.braced_names(english[key]), (code, key)
        assert text.strip()
