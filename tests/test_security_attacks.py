"""The attacks of a hostile contributor, export or web page, each refused with a message naming the
file and the fix (exit 2 for the user's input, 1 for the build), never a traceback.

A secret file outside the book stands in for everything else on the machine; a file a template
would create stands in for a command it would run.
"""

from __future__ import annotations

import base64
import http.client
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hardening_helpers import huge_png_bytes, png_bytes, run_cli
from helpers import chapter, epubcheck_messages, running_preview, write_book
from import_sources import blogger_entry, write_atom, write_wxr, wxr_item

from anthology.project.safety import clean_stylesheet, contained, css_references, read_contained

SECRET = "TOP-SECRET-7f3a9c"
TOML = '[book]\ntitle = "T"\nlanguage = "en"\n'


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "secret.md").write_text(chapter("Secret", body=SECRET), encoding="utf-8")
    (folder / "secret.png").write_bytes(png_bytes(600, 900, (1, 2, 3)))
    (folder / "secret.html").write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    return folder


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output, output


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("latin-1") for n in z.namelist())


# 1. one containment rule ---------------------------------------------------------------------


def test_the_rule_refuses_links_out_pipes_and_big_files(tmp_path: Path, secret: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "ok.md").write_text("fine", encoding="utf-8")
    (book / "out.md").symlink_to(secret / "secret.md")
    os.mkfifo(book / "pipe.md")
    (book / "big.md").write_bytes(b"x" * 2000)
    assert contained(book / "ok.md", book) == (book / "ok.md").resolve()
    assert read_contained(book / "ok.md", book) == b"fine"
    assert contained(book / "out.md", book).kind == "outside"
    assert contained(book / ".." / "private" / "secret.md", book).kind == "outside"
    assert contained(book / "pipe.md", book).kind == "special"
    assert read_contained(book / "pipe.md", book).kind == "special"  # never opened, never waits
    assert contained(book / "big.md", book, max_bytes=1000).kind == "too-big"
    assert contained(book / "missing.md", book).kind == "missing"


@pytest.mark.parametrize("listed", ["../private/secret.md", "{private}/secret.md", "chapters/link.md"])
def test_a_part_chapter_outside_the_book_is_refused(tmp_path: Path, secret: Path, listed: str) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    (root / "chapters" / "link.md").symlink_to(secret / "secret.md")
    name = listed.format(private=secret)
    (root / "anthology.toml").write_text(
        TOML + f'\n[[parts]]\ntitle = "One"\nchapters = ["chapters/01-a.md", "{name}"]\n', encoding="utf-8"
    )
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "anthology.toml" in result.output and f"chapter '{name}' listed in part 1 ('One') is outside the book's folder" in result.output
    assert SECRET not in result.output
    _no_traceback(result.output)


def test_a_linked_foreword_is_refused(tmp_path: Path, secret: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    (root / "front").mkdir()
    (root / "front" / "foreword.md").symlink_to(secret / "secret.md")
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "foreword.md: error: is a link to a file outside the book's folder" in result.output
    assert not list((root / "build").glob("*.epub")) if (root / "build").exists() else True


def test_a_foreword_that_is_too_big_is_refused(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    (root / "front").mkdir()
    (root / "front" / "foreword.md").write_bytes(b"# Foreword\n\n" + b"word " * 500_000)
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "foreword.md:1: error: is 2.4 MB; a chapter may be at most 2 MB" in result.output


@pytest.mark.parametrize("cover", ["../private/secret.png", "{private}/secret.png", "link.png"])
def test_a_cover_outside_the_book_is_refused(tmp_path: Path, secret: Path, cover: str) -> None:
    root = write_book(tmp_path / "shelf" / "book", {"01-a.md": chapter()})
    (root / "link.png").symlink_to(secret / "secret.png")
    (tmp_path / "shelf" / "private").symlink_to(secret, target_is_directory=True)
    name = cover.format(private=secret)
    (root / "anthology.toml").write_text(TOML.replace('language = "en"\n', f'language = "en"\ncover = "{name}"\n'), encoding="utf-8")
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert f"anthology.toml: error: cover image '{name}' leads outside the book's folder" in result.output


def test_a_cover_declaring_thirty_thousand_pixels_square_is_a_message(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    (root / "cover.png").write_bytes(huge_png_bytes(30000, 30000))
    (root / "anthology.toml").write_text(TOML + 'cover = "cover.png"\n', encoding="utf-8")
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "cover image 'cover.png' declares more pixels than Pillow will open" in result.output
    _no_traceback(result.output)


# import: never a file it was not given, never over an existing one --------------------------


def _post_with_images(tmp_path: Path, secret: Path) -> list[str]:
    (tmp_path / "export" / "sub").mkdir(parents=True)
    (tmp_path / "export" / "sub" / "link.png").symlink_to(secret / "secret.png")
    return [
        f"file://{secret}/secret.png",
        f"{secret}/secret.png",
        "../private/secret.png",
        "sub/../../private/secret.png",
        "sub/link.png",
    ]


def _nothing_copied(output: str, book: Path, sources: list[str]) -> None:
    """No picture reached the book, and the import said so of each."""
    images = book / "chapters" / "images"
    assert not images.exists() or not any(images.iterdir())
    assert output.count("it was not copied") == len(sources)


def test_a_wxr_cannot_make_the_import_copy_local_files(tmp_path: Path, secret: Path) -> None:
    sources = _post_with_images(tmp_path, secret)
    body = "".join(f'<p><img src="{src}" alt="picture {n}"></p>' for n, src in enumerate(sources))
    export = write_wxr(tmp_path / "export", [wxr_item("Pictures", body)])
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(export), str(book))
    assert result.exit_code == 0, result.output
    for src in sources:
        assert f"image {src} " in result.output
    _nothing_copied(result.output, book, sources)


def test_an_atom_feed_cannot_make_the_import_copy_local_files(tmp_path: Path, secret: Path) -> None:
    sources = _post_with_images(tmp_path, secret)
    body = "".join(f'<p><img src="{src}" alt="picture {n}"></p>' for n, src in enumerate(sources))
    export = write_atom(tmp_path / "export", [blogger_entry("Pictures", "Ann Bee", "2019-01-02T00:00:00Z", body)])
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(export), str(book))
    assert result.exit_code == 0, result.output
    _nothing_copied(result.output, book, sources)


def test_a_saved_page_cannot_make_the_import_copy_local_files(tmp_path: Path, secret: Path) -> None:
    sources = _post_with_images(tmp_path, secret)
    images = "".join(f'<p><img src="{src}" alt="picture {n}"></p>' for n, src in enumerate(sources))
    page = tmp_path / "export" / "post.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Pictures</title></head><body><article><h1>Pictures</h1>"
        f"<p>By Ann Bee</p><p>Text.</p>{images}</article></body></html>",
        encoding="utf-8",
    )
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(page), str(book))
    assert result.exit_code == 0, result.output
    _nothing_copied(result.output, book, sources)


def test_an_image_inside_the_exports_folder_is_still_copied(tmp_path: Path) -> None:
    (tmp_path / "export" / "pics").mkdir(parents=True)
    (tmp_path / "export" / "pics" / "dot.png").write_bytes(png_bytes())
    export = write_wxr(tmp_path / "export", [wxr_item("Pictures", '<p><img src="pics/dot.png" alt="A dot"></p>')])
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(export), str(book))
    assert result.exit_code == 0, result.output
    assert (book / "chapters" / "images" / "01-pictures-dot.png").read_bytes() == png_bytes()


def test_an_existing_image_is_never_replaced_without_force(tmp_path: Path) -> None:
    (tmp_path / "export" / "pics").mkdir(parents=True)
    (tmp_path / "export" / "pics" / "dot.png").write_bytes(png_bytes(4, 3, (1, 1, 1)))
    export = write_wxr(tmp_path / "export", [wxr_item("Pictures", '<p><img src="pics/dot.png" alt="A dot"></p>')])
    book = write_book(tmp_path / "book", {})
    images = book / "chapters" / "images"
    images.mkdir(parents=True)
    mine = png_bytes(4, 3, (9, 9, 9))
    (images / "01-pictures-dot.png").write_bytes(mine)
    result = run_cli("import", str(export), str(book))
    assert result.exit_code == 0, result.output
    assert (images / "01-pictures-dot.png").read_bytes() == mine
    assert (images / "01-pictures-dot-2.png").read_bytes() == png_bytes(4, 3, (1, 1, 1))
    assert "images/01-pictures-dot-2.png" in (book / "chapters" / "01-pictures.md").read_text(encoding="utf-8")


def test_a_named_pipe_as_the_source_is_refused_without_waiting(tmp_path: Path) -> None:
    pipe = tmp_path / "export.xml"
    os.mkfifo(pipe)
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(pipe), str(book))
    assert result.exit_code == 2, result.output
    assert "export.xml: error: is not a regular file (a named pipe or a device)" in result.output


def test_a_data_image_declaring_thirty_thousand_pixels_square_is_not_decoded(tmp_path: Path) -> None:
    data = base64.b64encode(huge_png_bytes(30000, 30000)).decode()
    body = f'<p>Text.</p><p><img src="data:image/x-portable-anymap;base64,{data}" alt="huge"></p>'
    export = write_atom(tmp_path / "export", [blogger_entry("Huge", "Ann Bee", "2019-01-02T00:00:00Z", body)])
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(export), str(book))
    _no_traceback(result.output)
    assert result.exit_code == 0, result.output
    assert "books cannot show" in result.output


# .docx: bounded cost, every fault a message -------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def _docx(path: Path, document: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document)
    return path


def _document(inner: str, prolog: str = "") -> bytes:
    return f'<?xml version="1.0"?>{prolog}<w:document {W}><w:body>{inner}</w:body></w:document>'.encode()


LAUGHS = "<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\">" + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
) + "]>"


@pytest.mark.parametrize(
    ("document", "says"),
    [
        (_document('<w:p><w:r><w:t>&i;</w:t></w:r></w:p>', LAUGHS), "declares a DOCTYPE or entities"),
        (_document("<w:sdt><w:sdtContent>" * 60000 + "<w:p/>" + "</w:sdtContent></w:sdt>" * 60000), "nests elements more than 256 deep"),
        (_document('<w:p><w:r><w:t xml:space="preserve">' + " " * 16_000_000 + "</w:t></w:r></w:p>"), "holds a run of over 1,048,576 characters"),
        (_document("<w:p>" * 40 + "unclosed"), "is damaged: its part word/document.xml cannot be read (XML error at line 1"),
    ],
    ids=["billion-laughs", "60k-deep", "16-MB-of-blanks", "broken-xml"],
)
def test_a_hostile_docx_is_refused_with_a_message(tmp_path: Path, document: bytes, says: str) -> None:
    source = _docx(tmp_path / "in" / "essay.docx", document)
    assert source.stat().st_size < 100_000  # small on disk, whatever it unpacks to
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(source), str(book), "--author", "Ann Bee")
    assert result.exit_code == 2, result.output
    assert f"essay.docx: error: its part word/document.xml {says}" in result.output or f"essay.docx: error: {says}" in result.output
    _no_traceback(result.output)
    assert not list((book / "chapters").glob("*.md")) if (book / "chapters").exists() else True


def test_a_docx_with_a_damaged_deflate_stream_is_a_message(tmp_path: Path) -> None:
    source = _docx(tmp_path / "in" / "essay.docx", _document("<w:p><w:r><w:t>Words and words.</w:t></w:r></w:p>" * 2000))
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 40] = b"\xff" * 40
    source.write_bytes(bytes(data))
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(source), str(book), "--author", "Ann Bee")
    assert result.exit_code == 2, result.output
    assert "essay.docx: error: is damaged: its part word/document.xml cannot be read (Error -3 while decompressing data" in result.output
    _no_traceback(result.output)


def test_a_docx_that_unpacks_to_too_much_is_refused(tmp_path: Path) -> None:
    source = _docx(tmp_path / "in" / "essay.docx", _document("<w:p/>" * (6 * 1024 * 1024)))
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(source), str(book), "--author", "Ann Bee")
    assert result.exit_code == 2, result.output
    assert "essay.docx: error: its part word/document.xml unpacks to 36 MB; the limit is 32 MB" in result.output


def test_the_converter_is_pinned_where_external_files_are_off() -> None:
    import tomllib

    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert "mammoth>=1.11,<2" in project["project"]["dependencies"]


# Markdown: bounded cost -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["[" * 58_000, "[a](" * 5000, "<a " * 5000, "![" * 5000])
def test_a_paragraph_of_unclosed_brackets_is_refused_before_markdown(tmp_path: Path, text: str) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body="Fine.\n\n" + text + "\n")})
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "01-a.md:8: error: a paragraph leaves" in result.output and "brackets" in result.output


def test_brackets_closed_in_each_paragraph_are_fine(tmp_path: Path) -> None:
    body = "\n\n".join(f"See [link {n}](https://example.org/{n}) and (an aside) <b>here</b>." for n in range(300))
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body=body)})
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 0, result.output


def test_sixty_thousand_nested_elements_are_a_message(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body="<div>" * 60_000 + "x" + "</div>" * 60_000)})
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "01-a.md" in result.output and "nested more than" in result.output
    _no_traceback(result.output)


def test_a_chapter_too_slow_to_render_is_stopped_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from anthology.cli import main
    from anthology.markup import workers

    monkeypatch.setattr(workers, "RENDER_SECONDS", 0.001)  # a chapter of 3,000 paragraphs takes far longer
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body="\n\n".join(f"Paragraph *{n}* of many." for n in range(3000)))})
    result = CliRunner().invoke(main, ["build", str(root), "--format", "epub", "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert "01-a.md" in result.output and "was stopped" in result.output
    _no_traceback(result.output)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


# templates: sandboxed ---------------------------------------------------------------------------


def _book_with_template(tmp_path: Path, text: str) -> Path:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    (root / "templates").mkdir()
    (root / "templates" / "chapter.html").write_text(text, encoding="utf-8")
    return root


def test_a_template_cannot_run_a_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    root = _book_with_template(tmp_path, f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}\n")
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert not marker.exists()
    assert "templates/chapter.html:1: error: not allowed in a template (templates run sandboxed)" in result.output
    _no_traceback(result.output)


def test_a_template_cannot_include_a_file_outside_its_folder(tmp_path: Path, secret: Path) -> None:
    root = _book_with_template(tmp_path, '{% include "stolen.html" %}\n')
    (root / "templates" / "stolen.html").symlink_to(secret / "secret.html")
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "stolen.html: error: template is a link to a file outside its templates folder" in result.output
    (root / "templates" / "chapter.html").write_text('{% include "../../private/secret.html" %}\n', encoding="utf-8")
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "template '../../private/secret.html' not found" in result.output
    assert SECRET not in result.output


def test_a_broken_template_names_its_file_and_line(tmp_path: Path) -> None:
    root = _book_with_template(tmp_path, "<section>\n{% if %}\n</section>\n")
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 2, result.output
    assert "templates/chapter.html:2: error: template error:" in result.output
    _no_traceback(result.output)


def test_a_template_may_still_use_what_it_is_given(tmp_path: Path) -> None:
    original = (Path(__file__).parent.parent / "anthology" / "layout" / "templates" / "chapter.html").read_text(encoding="utf-8")
    root = _book_with_template(tmp_path, original.replace("{{ content }}", "<p>{{ chapter.title | upper }} by {{ chapter.author_names }}</p>{{ content }}", 1))
    result = run_cli("build", str(root), "--format", "epub")
    assert result.exit_code == 0, result.output
    assert "A CHAPTER by Ann Author" in _epub_text(next((root / "build").glob("*.epub")))


# stylesheets: a tokenizer, not patterns ------------------------------------------------------------


def test_css_spellings_that_hide_a_url_are_found(tmp_path: Path) -> None:
    css = (
        '@import"http://evil.example/a.css";\n'
        "p { background: url(http\\:\\/\\/evil.example/b.png); }\n"
        'q { background: image-set("http://evil.example/c.png" 1x); }\n'
        "r { background: \\75 rl(http://evil.example/d.png); }\n"
        "s { background: URL( 'http://evil.example/e.png' ); }\n"
    )
    cleaned, refusals = clean_stylesheet(css, tmp_path, tmp_path)
    assert [r.line for r in refusals] == [1, 2, 3, 4, 5]
    assert "evil.example" not in cleaned
    assert [url for _, url in css_references(cleaned)] == []


def test_css_bypasses_reach_neither_the_epub_nor_the_html(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    (root / "styles").mkdir()
    css = (
        '@import"http://127.0.0.1:9/a.css";\n'
        "p { background: url(http\\:\\/\\/127.0.0.1:9/b.png); }\n"
        'q { background: image-set("http://127.0.0.1:9/c.png" 1x); }\n'
    )
    for name in ("base.css", "epub.css", "html.css"):
        (root / "styles" / name).write_text(css, encoding="utf-8")
    result = run_cli("build", str(root), "--format", "epub,html")
    assert result.exit_code == 0, result.output
    epub = next((root / "build").glob("*.epub"))
    assert "127.0.0.1:9" not in _epub_text(epub)
    html = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (root / "build" / "html").rglob("*.css"))
    assert "127.0.0.1:9" not in html and "127.0.0.1\\:9" not in html
    assert "base.css:1: warning: 'http://127.0.0.1:9/a.css' is a URL" in result.output
    assert epubcheck_messages(epub) == []


# outputs: every fault a message -------------------------------------------------------------------


def test_an_output_folder_under_a_file_is_a_message(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = run_cli("build", str(root), "--format", "epub", "--output", str(tmp_path / "afile" / "out"))
    assert result.exit_code == 2, result.output
    assert "cannot be the output folder" in result.output and "is a file, not a folder" in result.output


def test_an_output_folder_in_proc_is_a_message(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    result = run_cli("build", str(root), "--format", "epub", "--output", "/proc/anthology-out")
    assert result.exit_code == 2, result.output
    assert "/proc/anthology-out: error: cannot be the output folder: /proc cannot be written" in result.output


def test_a_read_only_output_folder_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    out = tmp_path / "out"
    out.mkdir()
    real = tempfile.mkstemp

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:  # chmod does not stop root: the disk says no
        if Path(str(kwargs.get("dir"))) == out:
            raise OSError(30, "Read-only file system", str(out))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = run_cli("build", str(root), "--format", "epub", "--output", str(out))
    assert result.exit_code == 2, result.output
    assert "cannot be the output folder" in result.output and "Read-only file system" in result.output


def test_part_files_of_a_killed_build_are_cleared_at_the_next(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    build_dir = root / "build"
    build_dir.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = build_dir / f".test-book.epub.{dead.pid}-x1y2.part"
    left.write_bytes(b"half an EPUB")
    left_tree = build_dir / f".html.{dead.pid}-abcd.part"
    left_tree.mkdir()
    (left_tree / "index.html").write_text("half", encoding="utf-8")
    alive = build_dir / f".test-book.epub.{os.getpid()}-keep.part"  # a build still running beside this one
    alive.write_bytes(b"in progress")
    result = run_cli("build", str(root), "--format", "epub,html")
    assert result.exit_code == 0, result.output
    assert not left.exists() and not left_tree.exists()
    assert alive.exists()


FORKED_DURING_CTRL_C = """
import multiprocessing, os, signal
from concurrent.futures import ProcessPoolExecutor
from anthology.interrupts import forking, ignore_in_worker
os.register_at_fork(after_in_child=lambda: os.kill(os.getpid(), signal.SIGINT))  # Ctrl-C mid-fork
pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=ignore_in_worker)
with forking():
    future = pool.submit(pow, 2, 10)
print(future.result())
pool.shutdown()
"""


def test_a_worker_forked_as_ctrl_c_arrives_does_not_take_it() -> None:
    """The race the test below can lose: the interrupt reaching a worker before its initialiser runs."""
    done = subprocess.run([sys.executable, "-c", FORKED_DURING_CTRL_C], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "1024", done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr


def test_ctrl_c_in_the_print_workers_is_clean(tmp_path: Path) -> None:
    body = "\n\n".join("Words of a long paragraph, laid out over many pages. " * 12 for _ in range(30))
    root = write_book(tmp_path / "book", {f"{n:02d}.md": chapter(f"Chapter {n}", body=body) for n in range(1, 41)})
    command = [str(Path(sys.executable).with_name("anthology")), "build", str(root), "--format", "pdf", "--jobs", "2", "--no-cache"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    ready = threading.Event()
    while process.poll() is None and not ready.is_set():
        if len(children.read_text().split()) >= 2:  # the layout workers are forked
            ready.set()
        else:
            ready.wait(0.05)
    assert ready.is_set(), "the build ended before its workers started"
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, err = process.communicate(timeout=60)
    text = err.decode()
    assert process.returncode == 1, text
    assert "Aborted!" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert not list((root / "build").glob("*.pdf")) if (root / "build").exists() else True


# preview -------------------------------------------------------------------------------------------


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[object]:
    root = write_book(tmp_path / "book", {"01-a.md": chapter(title="Alpha", body="First words.")})
    with running_preview(root) as server:
        yield server


def _request(preview: object, method: str, path: str, host: str | None = None, body: bytes | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=60)  # type: ignore[attr-defined]
    headers = {"Host": host} if host is not None else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def test_the_preview_refuses_another_host(preview: object) -> None:
    assert _request(preview, "GET", "/ch01-alpha.html")[0] == 200
    status, body = _request(preview, "GET", "/ch01-alpha.html", host="evil.example")
    assert status == 403 and b"First words." not in body
    assert _request(preview, "GET", "/_preview/version", host=f"evil.example:{preview.port}")[0] == 403  # type: ignore[attr-defined]
    assert _request(preview, "POST", "/_preview/print", host="evil.example", body=f"token={preview.token}".encode())[0] == 403  # type: ignore[attr-defined]


def test_laying_out_the_print_edition_needs_a_post_with_the_token(preview: object) -> None:
    output = preview.output_dir  # type: ignore[attr-defined]
    assert _request(preview, "GET", "/_preview/print")[0] == 200
    assert _request(preview, "GET", "/_preview/book.pdf")[0] == 404
    assert _request(preview, "POST", "/_preview/print", body=b"token=guess")[0] == 403
    assert _request(preview, "POST", "/_preview/print", body=b"")[0] == 403
    assert _request(preview, "POST", "/_preview/book.pdf", body=b"token=guess")[0] == 403
    assert not list(output.rglob("*.pdf"))  # nothing was laid out, nothing written
    page = _request(preview, "GET", "/ch01-alpha.html")[1].decode()
    assert f'name="token" value="{preview.token}"' in page  # type: ignore[attr-defined]
    status, _ = _request(preview, "POST", "/_preview/print", body=f"token={preview.token}".encode())  # type: ignore[attr-defined]
    assert status == 303
    assert list(output.rglob("*.pdf"))


@pytest.mark.parametrize("since", ["9" * 5000, "1.5", "x", "-"])
def test_a_bad_since_is_400(preview: object, since: str) -> None:
    status, body = _request(preview, "GET", f"/_preview/version?since={since}")
    assert status == 400 and b"since=" in body


def test_the_watcher_survives_a_link_to_the_root_and_says_so(tmp_path: Path) -> None:
    from anthology.preview.server import Preview

    root = write_book(tmp_path / "book", {"01-a.md": chapter(title="Alpha", body="First words.")})
    (root / "everything").symlink_to("/", target_is_directory=True)
    server = Preview(root, port=0)
    server.start()
    try:
        page = urllib.request.urlopen(server.url + "ch01-alpha.html", timeout=30).read().decode()
        assert 'id="anthology-preview-watch"' in page and "everything: a link to a folder outside the book" in page
        since = server.state.version
        (root / "chapters" / "01-a.md").write_text(chapter(title="Alpha", body="Second words."), encoding="utf-8")
        state = server.wait_for_change(since, 30)
        assert state.version > since  # still watching
        assert "Second words." in urllib.request.urlopen(server.url + "ch01-alpha.html", timeout=30).read().decode()
    finally:
        server.stop()


def test_the_watcher_names_an_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from anthology.preview import server as preview_module

    root = write_book(tmp_path / "book", {"01-a.md": chapter()})
    (root / "locked").mkdir()
    real = os.scandir

    def refuse(path: object = ".") -> object:  # chmod 000 does not stop root
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    folders, notes = preview_module.watched_folders(root)
    assert root.resolve() in folders and (root / "chapters").resolve() in folders
    assert notes == ["locked: cannot be read (Permission denied); changes in it do not rebuild the preview"]



def test_import_never_writes_through_a_link_out_of_the_book(tmp_path: Path, secret: Path) -> None:
    export = write_wxr(tmp_path / "export", [wxr_item("Post", "<p>Words.</p>")])
    book = write_book(tmp_path / "book", {})
    (book / "chapters").rmdir()
    (book / "chapters").symlink_to(secret, target_is_directory=True)
    result = run_cli("import", str(export), str(book))
    assert result.exit_code == 2, result.output
    assert "chapters: error: is a link to a folder outside the book's folder" in result.output
    assert sorted(p.name for p in secret.iterdir()) == ["secret.html", "secret.md", "secret.png"]


def test_a_saved_page_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from anthology.importers import blogpage

    monkeypatch.setattr(blogpage, "MAX_PAGE_BYTES", 1024)
    page = tmp_path / "post.html"
    page.write_text("<!DOCTYPE html><html><body><article><h1>T</h1><p>By Ann Bee</p>" + "<p>words</p>" * 200 + "</article></body></html>", encoding="utf-8")
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(page), str(book))
    assert result.exit_code == 2, result.output
    assert "post.html: error: is 2 KB; the limit is 1 KB (save the page again, one page per file)" in result.output


def test_a_docx_that_takes_too_long_to_convert_is_stopped_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from anthology.importers import word

    monkeypatch.setattr(word, "MAX_CONVERT_SECONDS", 0)  # no conversion is done the moment it starts
    source = _docx(tmp_path / "in" / "essay.docx", _document("<w:p><w:r><w:t>Words.</w:t></w:r></w:p>"))
    book = write_book(tmp_path / "book", {})
    result = run_cli("import", str(source), str(book), "--author", "Ann Bee")
    assert result.exit_code == 2, result.output
    assert "essay.docx: error: took more than 0 s to convert and was stopped (split it into several documents, one per chapter)" in result.output
    assert not list((book / "chapters").glob("*.md"))
