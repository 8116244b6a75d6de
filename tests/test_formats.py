"""The formats live behind one interface: the registry finds them, the build and the CLI name none.

A format made up here and added to the registry is built and offered by ``--format`` without any
change to ``anthology.build`` or the CLI; the README describes every registered format.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import chapter, write_book

from anthology import build as build_module
from anthology.artifacts import Artifact
from anthology.build import build
from anthology.cli import main
from anthology.context import BuildContext
from anthology.formats import registry
from anthology.formats.registry import Format, Given, Made
from anthology.layout.documents import TARGETS

ROOT = Path(__file__).resolve().parent.parent


def test_every_format_module_registers_itself() -> None:
    helpers = ("__init__", "registry", "ncx")  # ncx.py: the EPUB's NCX, used by epub.py
    modules = sorted(p.stem for p in (ROOT / "anthology" / "formats").glob("*.py") if p.stem not in helpers)
    assert sorted(f.name for f in registry.formats()) == modules == ["booklet", "cover", "epub", "html", "kepub", "library", "pdf"]
    assert registry.default_names() == ("epub", "pdf", "html")
    assert {f.layout for f in registry.formats()} <= {*TARGETS, None}  # each names a layout the layout stage makes


@pytest.mark.parametrize("path", ["anthology/build.py", "anthology/cli/build.py"])
def test_the_build_and_the_cli_name_no_format(path: str) -> None:
    strings = {node.value for node in ast.walk(ast.parse((ROOT / path).read_text())) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    names = {f.name for f in registry.formats()}
    assert not strings & names, strings & names


def test_the_readme_describes_every_format() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for found in registry.formats():
        assert f"| `{found.name}` | {found.summary} | `{found.output}` |" in readme, found.name


def _words(context: BuildContext, given: Given) -> Made:
    text = "\n".join(f"{m.chapter.title}: {m.word_count}" for m in context.markups)
    made_before = ", ".join(given.made)
    return Made(
        Artifact(f"{context.book.slug}-words.txt", data=text.encode("utf-8"), summary="word counts"),
        more=(Artifact(f"{context.book.slug}-words-after.txt", data=made_before.encode("utf-8"), summary="made before"),),
    )


def test_a_new_format_is_built_and_offered_without_touching_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = Format("words", "each chapter's word count", "SLUG-words.txt", make=_words, order=99)
    known = registry.formats()
    monkeypatch.setattr(registry, "formats", lambda: (*known, extra))
    root = write_book(tmp_path / "book", {"01-a.md": chapter(title="First", body="One two three."), "02-b.md": chapter(title="Second", body="Four five.")})
    report = build(root, "html,words")
    assert (root / "build" / "test-book-words.txt").read_text() == "First: 3\nSecond: 2"
    assert (root / "build" / "test-book-words-after.txt").read_text() == "html"  # the outputs made before it are given to it
    assert [a.name for a, _ in report.outputs] == ["html", "test-book-words.txt", "test-book-words-after.txt"]
    result = CliRunner().invoke(main, ["build", str(root), "--format", "words", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert build_module.parse_formats("words") == ("words",)
