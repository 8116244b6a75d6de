"""Nothing lost: a build that fails or is interrupted at any point leaves the previous outputs byte for byte.

Each output is written to a temporary file beside its target and moved into place only when every
output is complete; the failures are simulated where they happen: Ctrl-C while the PDF is made, an
error in a backend, a full disk while writing, a failure among the final renames.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hardening_helpers import run_cli
from helpers import chapter, write_book

pytestmark = pytest.mark.slow  # builds whole books

import anthology.artifacts as artifacts
import anthology.formats.html as html_format
import anthology.print.output as output
from anthology.build import build
from anthology.errors import BuildError


def snapshot(folder: Path) -> dict[str, bytes]:
    """The outputs in the build folder (the cache in build/.cache is not an output)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.relative_to(folder).parts}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A book built once (EPUB, PDF, HTML), then changed so that a new build would change every output."""
    root = write_book(tmp_path / "book", {"01-a.md": chapter("First", body="The first version.")})
    build(root)
    before = snapshot(root / "build")
    assert {"test-book.epub", "test-book.pdf", "html/index.html"} <= set(before)
    (root / "chapters" / "01-a.md").write_text(chapter("First", body="The second version."), encoding="utf-8")
    return root, before


def fail_on_call(number: int, error: BaseException, real: Callable[..., object]) -> Callable[..., object]:
    calls = {"n": 0}

    def wrapper(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == number:
            raise error
        return real(*args, **kwargs)

    return wrapper


def assert_untouched(root: Path, before: dict[str, bytes]) -> None:
    assert snapshot(root / "build") == before
    leftovers = [p.name for p in (root / "build").rglob("*") if p.name.endswith((".part", ".old"))]
    assert leftovers == []


def test_ctrl_c_while_the_pdf_is_made(built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, before = built
    monkeypatch.setattr(output, "print_output", fail_on_call(1, KeyboardInterrupt(), output.print_output))
    with pytest.raises(KeyboardInterrupt):
        build(root)
    assert_untouched(root, before)


def test_ctrl_c_on_the_command_line(built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, before = built
    monkeypatch.setattr(html_format, "make_html", fail_on_call(1, KeyboardInterrupt(), html_format.make_html))
    result = run_cli("build", str(root))
    assert result.exit_code == 1
    assert "Aborted" in result.output
    assert_untouched(root, before)


def test_an_error_in_a_backend(built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, before = built
    monkeypatch.setattr(html_format, "make_html", fail_on_call(1, RuntimeError("backend broke"), html_format.make_html))
    with pytest.raises(RuntimeError):
        build(root)
    assert_untouched(root, before)


@pytest.mark.parametrize("failing_write", [1, 2, 3, 5])
def test_a_full_disk_while_writing(built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, failing_write: int) -> None:
    """The disk fills up on the first, second, third or a later file written (EPUB, PDF, then the HTML files)."""
    root, before = built
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(artifacts.os, "fsync", fail_on_call(failing_write, full, os.fsync))
    with pytest.raises(BuildError) as info:
        build(root)
    assert "No space left on device" in str(info.value)
    assert "previous outputs are unchanged" in str(info.value)
    assert_untouched(root, before)


def test_a_full_disk_on_the_command_line(built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, before = built
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(artifacts.os, "fsync", fail_on_call(2, full, os.fsync))
    result = run_cli("build", str(root))
    assert result.exit_code == 1
    assert "error: cannot write the outputs: No space left on device" in result.output
    assert_untouched(root, before)


@pytest.mark.parametrize("failing_rename", [1, 2, 3])
@pytest.mark.parametrize("error", [OSError(errno.EIO, "Input/output error"), KeyboardInterrupt()])
def test_a_failure_among_the_renames_puts_everything_back(
    built: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, failing_rename: int, error: BaseException
) -> None:
    root, before = built
    monkeypatch.setattr(artifacts.os, "replace", fail_on_call(failing_rename, error, os.replace))
    with pytest.raises((BuildError, KeyboardInterrupt)):
        build(root)
    assert_untouched(root, before)


def test_a_complete_build_replaces_everything_and_leaves_nothing_behind(built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    build(root)
    after = snapshot(root / "build")
    assert set(after) == set(before)
    assert after["test-book.epub"] != before["test-book.epub"]
    assert [p for p in (root / "build").iterdir() if p.name.startswith(".") and p.name != ".cache"] == []  # the cache stays


def test_a_read_only_output_folder_is_a_clear_error(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    out = tmp_path / "out"
    out.mkdir()
    (out / "test-book.epub").mkdir()  # a folder where the EPUB file should go: cannot be replaced by a file
    result = run_cli("build", str(root), "--format", "epub", "--output", str(out))
    assert result.exit_code == 1
    assert "cannot write the outputs" in result.output
    assert (out / "test-book.epub").is_dir()
