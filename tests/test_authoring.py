"""The authoring workflow on the command line: new, add, check, build's checks, help, progress and summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import chapter, epubcheck_messages, write_book
from PIL import Image

from anthology import __version__
from anthology.check import check_book, comment_cuts, isbn_problem
from anthology.cli import main
from anthology.project.scaffold import next_chapter_path, yaml_scalar
from anthology.project.sources import load_yaml


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


# new and add ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_new_then_build_works_first_time(tmp_path: Path) -> None:
    book = tmp_path / "my-first-book"
    result = run("new", str(book))
    assert result.exit_code == 0, result.output
    for name in ("anthology.toml", "chapters/01-welcome.md", "styles/base.css", ".gitignore"):
        assert (book / name).is_file(), name
    assert "build/" in (book / ".gitignore").read_text()
    toml = (book / "anthology.toml").read_text()
    assert 'title = "My First Book"' in toml
    for key in ("subtitle", "identifier", "publisher", "editors", "date", "rights", "chapters"):
        assert f"# {key} = " in toml, key
    checked = run("check", str(book), "--strict")
    assert checked.exit_code == 1, checked.output  # the scaffold's placeholders are still in
    assert "'Your Name'" in checked.output and "example text" in checked.output and "no editors" in checked.output
    welcome = book / "chapters" / "01-welcome.md"
    front = welcome.read_text().split("---")[1].replace("Your Name", "Ann Bee")
    welcome.write_text(f"---{front}---\n\nThe editor's own first chapter.\n")
    toml_path = book / "anthology.toml"
    toml_path.write_text(toml_path.read_text().replace("[book]\n", '[book]\neditors = ["Cy Dee"]\n', 1))
    checked = run("check", str(book), "--strict")
    assert checked.exit_code == 0, checked.output
    built = run("build", str(book))
    assert built.exit_code == 0, built.output
    assert "warning" not in built.output
    assert (book / "build" / "my-first-book.pdf").is_file()
    assert (book / "build" / "html" / "index.html").is_file()
    assert epubcheck_messages(book / "build" / "my-first-book.epub") == []


def test_new_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = run("new", str(tmp_path))
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "anthology.toml").exists()


def test_add_numbers_the_next_chapter(tmp_path: Path) -> None:
    book = tmp_path / "book"
    assert run("new", str(book)).exit_code == 0
    result = run("add", "Rugby: did we give the ball back? #coproweek", "--author", "Steve Palmer", "--project", str(book))
    assert result.exit_code == 0, result.output
    created = book / "chapters" / "02-rugby-did-we-give-the-ball-back-coproweek.md"
    assert created.is_file(), result.output
    meta = load_yaml(created.read_text().split("---")[1])
    assert meta["title"] == "Rugby: did we give the ball back? #coproweek"
    assert meta["author"] == "Steve Palmer"
    assert meta["date"] == dt.date.today()
    again = run("add", "Two voices", "--author", "Ann Bee", "--author", "Cy Dee", "--date", "2019-11-01", "--project", str(book))
    assert again.exit_code == 0, again.output
    third = book / "chapters" / "03-two-voices.md"
    assert load_yaml(third.read_text().split("---")[1])["author"] == ["Ann Bee", "Cy Dee"]
    checked = run("check", str(book), "--strict")
    assert checked.output.count("example text 'Write the chapter here.") == 2, checked.output


def test_add_outside_a_book_says_so(tmp_path: Path) -> None:
    result = run("add", "A title", "--author", "Ann", "--project", str(tmp_path))
    assert result.exit_code == 2
    assert "anthology.toml not found" in result.output and "anthology new" in result.output


def test_next_chapter_number_follows_the_highest(tmp_path: Path) -> None:
    for name in ("1-a.md", "9-b.md", "010-c.md", "notes.md"):
        (tmp_path / name).write_text("x")
    assert next_chapter_path(tmp_path, "New one").name == "011-new-one.md"


@pytest.mark.parametrize("value", ["Plain title", "at #coproweek", "Q: why?", "- dash", "yes", "2019-11-01", "[x]", ' "quoted" '])
def test_yaml_scalar_reads_back_unchanged(value: str) -> None:
    assert load_yaml(f"k: {yaml_scalar(value)}")["k"] == value


# check ------------------------------------------------------------------------------------------

SEEDED_TOML = """\
[book]
title = "Seeded"
language = "english please"
identifier = "978-0-306-40615-6"
"""

FIRST = """\
---
title: The first post
athor: Ann Bee
byline: organiser of #coproweek
---

A paragraph with a note.[^missing]

![](../images/photo.png)

See [the results](#results).

![A map](../images/map.png)
"""

SECOND = """\
---
title: The First Post
author: Cy Dee
date: 2019-13-01
---

"""


def seeded_book(root: Path) -> Path:
    book = write_book(root, {"01-first.md": FIRST, "02-second.md": SECOND}, toml=SEEDED_TOML)
    (book / "images").mkdir()
    Image.new("RGB", (4, 4), "white").save(book / "images" / "photo.png")
    Image.new("RGB", (4, 4), "white").save(book / "images" / "spare.png")
    return book


def test_check_names_ten_mistakes_with_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = seeded_book(tmp_path / "book")
    monkeypatch.chdir(book)  # paths are shown relative to the current folder
    result = run("check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    expected = [
        ("anthology.toml:3: error:", "'english please' is not a BCP 47 language tag"),
        ("anthology.toml:4: error:", "not a valid ISBN: the check digit should be 7"),
        ("chapters/01-first.md:3: error:", "unknown key 'athor' (did you mean 'author'?)"),
        ("chapters/01-first.md:4: warning:", "'byline' is cut at ' #'"),
        ("chapters/01-first.md:7: warning:", "footnote reference '[^missing]' has no definition"),
        ("chapters/01-first.md:9: error:", "image '../images/photo.png' has no alt text"),
        ("chapters/01-first.md:11: warning:", "link to '#results' goes nowhere"),
        ("chapters/01-first.md:13: error:", "image '../images/map.png' not found"),
        ("chapters/02-second.md:2: warning:", "is also the title of 01-first.md"),
        ("chapters/02-second.md:4: error:", "'2019-13-01' has month 13"),
        ("chapters/02-second.md:6: warning:", "the chapter has no text"),
        ("images/spare.png: warning:", "not used by any chapter"),
    ]
    for where, what in expected:
        assert any(line.startswith(where) and what in line for line in lines), f"{where} {what}\n{result.output}"
    assert "Traceback" not in result.output
    assert "missing required key 'author'" not in result.output  # the misspelt key is reported once, as 'athor'
    assert "6 errors, 6 warnings" in result.output


def test_check_exit_codes_and_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter(body="See [there](#nowhere).")})
    monkeypatch.chdir(tmp_path)
    book = Path("book")
    relaxed = run("check", str(book))
    assert relaxed.exit_code == 0, relaxed.output
    assert "book/chapters/a.md:6: warning: link to '#nowhere' goes nowhere" in relaxed.output
    strict = run("check", str(book), "--strict")
    assert strict.exit_code == 1
    assert "--strict" in strict.output
    quiet = run("check", str(book), "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    assert run("check", str(tmp_path / "nowhere")).exit_code == 2


def test_check_clean_book(tmp_path: Path) -> None:
    toml = '[book]\ntitle = "T"\nlanguage = "en"\neditors = ["Ed Itor"]\n'
    book = write_book(tmp_path / "book", {"a.md": chapter(), "b.md": chapter(title="Another")}, toml=toml)
    result = run("check", str(book))
    assert result.exit_code == 0
    assert "2 chapters checked: no problems found" in result.output


def test_comment_cut_is_found_only_where_text_is_lost(tmp_path: Path) -> None:
    front = 'title: "Quoted #fine"\nbyline: at #coproweek\n# a comment line\nauthor: Ann # trailing note\nlang: cy#x\n'
    found = comment_cuts(tmp_path / "a.md", front)
    assert [(d.line, d.key) for d in found] == [(3, "byline"), (5, "author")]
    assert 'byline: "at #coproweek"' in (found[0].hint or "")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("978-0-306-40615-7", None),
        ("0-306-40615-2", None),
        ("urn:isbn:9780306406157", None),
        ("isbn 0-8044-2957-X", None),
        ("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427", None),
        ("978-0-306-40615-6", "check digit should be 7"),
        ("0-306-40615-3", "check digit should be 2"),
        ("ISBN 978-0-306", "digits"),
        ("123-4-567-89012-8", "978 or 979"),
    ],
)
def test_isbn(value: str, problem: str | None) -> None:
    found = isbn_problem(value)
    assert (found is None) if problem is None else (found is not None and problem in found), found


def test_check_reports_chapters_left_out_of_the_list(tmp_path: Path) -> None:
    toml = '[book]\ntitle = "T"\nlanguage = "en"\neditors = ["Ed Itor"]\nchapters = ["chapters/a.md"]\n'
    book = write_book(tmp_path / "book", {"a.md": chapter(), "b.md": chapter(title="B")}, toml=toml)
    report = check_book(book)
    assert [(d.path.name, d.level) for d in report.diagnostics if d.path] == [("b.md", "warning")]
    assert "not listed in [book] chapters" in report.diagnostics[0].message


# build runs the checks first ----------------------------------------------------------------------


def test_build_prints_warnings_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = '[book]\ntitle = "T"\nlanguage = "en"\neditors = ["Ed Itor"]\n'
    book = write_book(tmp_path / "book", {"a.md": chapter(body="See [there](#nowhere).")}, toml=toml)
    monkeypatch.chdir(book)
    result = run("build", "--format", "html")
    assert result.exit_code == 0, result.output
    assert "chapters/a.md:6: warning: link to '#nowhere' goes nowhere" in result.output
    assert "with 1 warning" in result.output


def test_build_stops_on_check_errors_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = seeded_book(tmp_path / "book")
    monkeypatch.chdir(book)
    result = run("build", "--format", "html")
    assert result.exit_code == 2
    assert "chapters/01-first.md:13: error: image '../images/map.png' not found" in result.output
    assert "nothing was built" in result.output
    assert not (book / "build").exists()


# help, version, progress ------------------------------------------------------------------------


def test_version() -> None:
    for flag in ("--version", "-V"):
        result = run(flag)
        assert result.exit_code == 0
        assert result.output.strip() == f"anthology, version {__version__}"


def test_every_command_has_help_with_examples() -> None:
    top = run("--help")
    assert top.exit_code == 0 and "Examples:" in top.output
    assert set(main.commands) >= {"new", "add", "check", "build", "preview"}
    for name in main.commands:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Examples:" in result.output, name
        assert f"anthology {name}" in result.output.split("Examples:")[1], name
        assert name in top.output


@pytest.mark.slow
def test_plain_progress_and_summary(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": chapter(), "b.md": chapter(title="B", body="One two three.")})
    result = run("build", str(book), "--format", "epub,html", env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.output  # no colour codes, no live display off a terminal
    assert "making the EPUB" in result.output and "making the HTML edition" in result.output
    assert "rendering" not in result.output
    assert "test-book.epub" in result.output and "KiB" in result.output and "2 chapters" in result.output
    assert "2 chapters, 5 words; done in" in result.output
    verbose = run("build", str(book), "--format", "html", "-v")
    assert "rendering 1/2" in verbose.output and "rendering 2/2" in verbose.output
    assert " s)" in verbose.output  # each output's time
    quiet = run("build", str(book), "--format", "html", "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    both = run("build", str(book), "-q", "-v")
    assert both.exit_code == 2


def test_live_progress_on_a_terminal(tmp_path: Path) -> None:
    import io

    from anthology.build import build
    from anthology.cli.progress import Reporter

    book = write_book(tmp_path / "book", {"a.md": chapter()})
    shown = Reporter(live=True)
    shown.err.file = io.StringIO()
    with shown.building():
        report = build(book, "html", progress=shown.step)
    assert shown._progress is None  # the display is closed
    assert report.chapters == 1 and report.timings.keys() == {"html"}
