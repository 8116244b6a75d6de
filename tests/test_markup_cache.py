"""The markup cache: a chapter is rendered again only when something its rendering reads changed,
and a build from the cache gives the bytes of a cold build. Also what else keeps an EPUB rebuild
small: the typographic cover from the cache, and no WeasyPrint for an EPUB alone.

Renderings are counted by wrapping ``workers.render_chapter`` (builds run with one process, so the
wrapper sees every rendering); the in-memory renderings of the test process are forgotten before
each build that must read the cache on disk.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PATIENCE, chapter, write_book
from PIL import Image

from anthology.build import build
from anthology.cache import Cache
from anthology.markup import cache as markup_cache
from anthology.markup import workers
from anthology.markup.cache import MarkupCache, clear_memory, from_json, to_json
from anthology.markup.render import render_chapter
from anthology.project.model import Chapter

SLUG = "test-book"
FORMATS = "epub,html"


def _book(root: Path) -> Path:
    chapters = {}
    for n in range(1, 9):
        body = f"Chapter {n} opens here.[^a]\n\n## A section\n\n" + ("Words of the story go on. " * (10 + n)) + "\n\n[^a]: A note.\n"
        if n == 3:
            body += "\n![A blue square](square.png)\n\n![](square.png){: .decorative }\n\n[nowhere](#nowhere)\n"
        chapters[f"{n:02d}-c.md"] = chapter(title=f"Chapter {n}", author=f"Author {n}", body=body, date="2020-01-02")
    root = write_book(root, chapters)
    Image.new("RGB", (40, 40), "#2040a0").save(root / "chapters" / "square.png")
    return root


def _outputs(build_dir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(build_dir).as_posix(): path.read_bytes()
        for path in sorted(build_dir.rglob("*"))
        if path.is_file() and ".cache" not in path.parts
    }


def _cold(root: Path) -> dict[str, bytes]:
    """A serial build without any cache (nor this process's renderings); its build folder is then emptied."""
    clear_memory()
    build(root, FORMATS, jobs=1, use_cache=False)
    made = _outputs(root / "build")
    shutil.rmtree(root / "build")
    return made


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names of the chapters rendered (not taken from a cache), in order."""
    names: list[str] = []

    def counting(chapter: Chapter, book_dir: Path | None = None, collect: bool = False) -> object:
        names.append(chapter.source.name)
        return render_chapter(chapter, book_dir, collect=collect)

    monkeypatch.setattr(workers, "render_chapter", counting)
    return names


def _warm(root: Path) -> None:
    clear_memory()
    build(root, FORMATS, jobs=1)


@pytest.mark.slow
def test_only_the_edited_chapter_is_rendered_again_and_the_outputs_match_a_cold_build(tmp_path: Path, rendered: list[str]) -> None:
    root = _book(tmp_path / "book")
    _warm(root)
    assert len(rendered) == 8
    assert len(list((root / "build" / ".cache" / "markup").iterdir())) == 8
    rendered.clear()
    _warm(root)
    assert rendered == []
    edited = root / "chapters" / "05-c.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("opens here", "begins here"), encoding="utf-8")
    rendered.clear()
    _warm(root)
    assert rendered == ["05-c.md"]
    warm = _outputs(root / "build")
    assert warm == _cold(root)


@pytest.mark.slow
def test_a_changed_image_invalidates_the_chapters_that_use_it(tmp_path: Path, rendered: list[str]) -> None:
    root = _book(tmp_path / "book")
    _warm(root)
    Image.new("RGB", (40, 40), "#a02040").save(root / "chapters" / "square.png")
    rendered.clear()
    _warm(root)
    assert rendered == ["03-c.md"]
    assert _outputs(root / "build") == _cold(root)


@pytest.mark.slow
def test_an_image_reference_that_resolves_elsewhere_invalidates(tmp_path: Path, rendered: list[str]) -> None:
    """The same bytes under another file: the chapter names another asset, so it is rendered again."""
    root = _book(tmp_path / "book")
    (root / "chapters" / "art").mkdir()
    shutil.copy(root / "chapters" / "square.png", root / "chapters" / "art" / "square.png")
    _warm(root)
    (root / "chapters" / "square.png").unlink()
    (root / "chapters" / "square.png").symlink_to(root / "chapters" / "art" / "square.png")
    rendered.clear()
    _warm(root)
    assert rendered == ["03-c.md"]
    assert _outputs(root / "build") == _cold(root)


@pytest.mark.slow
def test_damaged_cache_files_are_ignored(tmp_path: Path, rendered: list[str]) -> None:
    root = _book(tmp_path / "book")
    cold = _cold(root)
    _warm(root)
    entries = sorted((root / "build" / ".cache" / "markup").iterdir())
    entries[0].write_bytes(entries[0].read_bytes()[:-40])  # cut short
    entries[1].write_bytes(b"\x00\xff")
    stored = entries[2].read_bytes().split(b"\n", 1)[1]  # a valid hash over data of the wrong shape
    bad = stored.replace(b'"word_count":', b'"word_count":"many","was":')
    assert bad != stored
    entries[2].write_bytes(hashlib.sha256(bad).hexdigest().encode() + b"\n" + bad)
    rendered.clear()
    _warm(root)
    assert len(rendered) == 3
    assert _outputs(root / "build") == cold


@pytest.mark.slow
def test_no_cache_neither_reads_nor_writes_it(tmp_path: Path, rendered: list[str]) -> None:
    root = _book(tmp_path / "book")
    _warm(root)
    rendered.clear()
    clear_memory()
    build(root, FORMATS, jobs=1, use_cache=False)
    assert len(rendered) == 8
    shutil.rmtree(root / "build" / ".cache")
    clear_memory()
    build(root, FORMATS, jobs=1, use_cache=False)
    assert not (root / "build" / ".cache").exists()


@pytest.mark.slow
def test_the_build_command_renders_each_chapter_once(tmp_path: Path, rendered: list[str]) -> None:
    """The check before the build renders the chapters; the build takes them from memory."""
    from click.testing import CliRunner

    from anthology.cli import main

    root = _book(tmp_path / "book")
    clear_memory()
    result = CliRunner().invoke(main, ["build", str(root), "--format", FORMATS, "--jobs", "1", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert sorted(rendered) == [f"{n:02d}-c.md" for n in range(1, 9)]
    rendered.clear()
    clear_memory()
    result = CliRunner().invoke(main, ["build", str(root), "--format", FORMATS, "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert len(rendered) == 8 and len(list((root / "build" / ".cache" / "markup").iterdir())) == 8


@pytest.mark.slow
def test_the_check_command_reads_the_build_s_cache_and_finds_the_same(tmp_path: Path, rendered: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """After a build, 'anthology check' renders only what changed since, and reports the same."""
    from click.testing import CliRunner

    from anthology import check
    from anthology.cli import main

    monkeypatch.setattr(check, "default_jobs", lambda: 1)  # rendered here, where they are counted

    root = _book(tmp_path / "book")
    edited = root / "chapters" / "05-c.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nSee [the map](#nowhere).\n", encoding="utf-8")
    clear_memory()
    fresh = CliRunner().invoke(main, ["check", str(root)])
    assert len(rendered) == 8 and "#nowhere" in fresh.output
    _warm(root)
    stored = sorted(p.name for p in (root / "build" / ".cache" / "markup").iterdir())
    edited.write_text(edited.read_text(encoding="utf-8").replace("the map", "the old map"), encoding="utf-8")
    rendered.clear()
    clear_memory()
    checked = CliRunner().invoke(main, ["check", str(root)])
    assert rendered == ["05-c.md"]
    assert checked.exit_code == fresh.exit_code and checked.output == fresh.output
    assert sorted(p.name for p in (root / "build" / ".cache" / "markup").iterdir()) == stored  # read, never written


def test_stored_markup_reads_back_field_for_field(tmp_path: Path) -> None:
    root = _book(tmp_path / "book")
    from anthology.build import load_book

    book = load_book(root)
    for item in book.chapters:
        markup = render_chapter(item, root)
        assert from_json(to_json(markup), item) == markup
    markup = render_chapter(book.chapters[2], root)
    assert markup.reads and markup.images and markup.notes and markup.diagnostics
    assert from_json(b"not json", book.chapters[2]) is None
    assert from_json(to_json(markup).replace(b'"format":"2"', b'"format":"0"'), book.chapters[2]) is None


def test_a_cache_without_a_folder_keeps_only_this_process_renderings(tmp_path: Path) -> None:
    root = _book(tmp_path / "book")
    from anthology.build import load_book

    book = load_book(root)
    clear_memory()
    store = MarkupCache(Cache(None), root)
    assert store.get(book.chapters[0]) is None
    markup = render_chapter(book.chapters[0], root)
    store.put(markup)
    assert MarkupCache(None, root).get(book.chapters[0]) == markup
    clear_memory()
    assert MarkupCache(None, root).get(book.chapters[0]) is None
    assert markup_cache.KIND not in {p.name for p in tmp_path.rglob("*")}


@pytest.mark.slow
def test_an_epub_alone_does_not_import_weasyprint(tmp_path: Path) -> None:
    root = _book(tmp_path / "book")
    with (root / "anthology.toml").open("a") as toml:  # a print edition: the EPUB notes its missing page numbers
        toml.write('\n[print]\nprofile = "a5"\n')
    code = (
        "import sys\nfrom pathlib import Path\nfrom anthology.build import build\n"
        f"report = build(Path({str(root)!r}), 'epub,html', jobs=1, use_cache=False)\n"
        "assert 'weasyprint' not in sys.modules, 'WeasyPrint was imported'\n"
        "print(' '.join(d.message for d in report.warnings))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0, done.stderr
    assert "no print page numbers" in done.stdout


@pytest.mark.slow
def test_the_typographic_cover_comes_from_the_cache_until_its_words_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from anthology.layout import cover

    root = _book(tmp_path / "book")
    cold = _cold(root)
    build(root, "epub", jobs=1)

    def not_again(book: object) -> bytes:
        raise AssertionError("the cover was drawn again")

    monkeypatch.setattr(cover, "typographic_cover", not_again)
    build(root, FORMATS, jobs=1)
    assert _outputs(root / "build") == cold
    monkeypatch.undo()
    toml = root / "anthology.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[book]\n", '[book]\nsubtitle = "Stories"\n'), encoding="utf-8")
    build(root, "epub", jobs=1)
    assert (root / "build" / f"{SLUG}.epub").read_bytes() != cold[f"{SLUG}.epub"]
    assert len(list((root / "build" / ".cache" / cover.KIND).iterdir())) == 2


@pytest.mark.slow
def test_pruning_keeps_every_entry_of_the_last_build(tmp_path: Path, rendered: list[str]) -> None:
    root = _book(tmp_path / "book")
    _warm(root)
    folder = root / "build" / ".cache" / "markup"
    for n in range(40):  # older entries of earlier versions of the chapters
        (folder / f"{n:064x}").write_bytes(b"0\nold")
    for path in folder.iterdir():
        os.utime(path, (1, 1))
    rendered.clear()
    _warm(root)
    assert rendered == []
    assert len(list(folder.iterdir())) == 2 * 8 + 16
    rendered.clear()
    _warm(root)
    assert rendered == []


@pytest.mark.parametrize("module", ["anthology/markup/typography.py", "anthology/markup/verse.py", "anthology/markup/captions.py", "anthology/text.py"])
def test_an_edit_to_any_module_that_renders_is_a_cache_miss(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Dashes, French spacing, verse and captions are made outside render.py: an edit there must not
    # let a build reuse markup rendered by the code before it.
    target = Path(markup_cache.__file__).parents[2] / module
    read_bytes = Path.read_bytes

    def edited(self: Path) -> bytes:
        data = read_bytes(self)
        return data + b"\n# edited\n" if self.resolve() == target.resolve() else data

    markup_cache._renderer.cache_clear()
    before = markup_cache._renderer()
    monkeypatch.setattr(Path, "read_bytes", edited)
    markup_cache._renderer.cache_clear()
    try:
        assert markup_cache._renderer() != before
    finally:
        monkeypatch.undo()
        markup_cache._renderer.cache_clear()
