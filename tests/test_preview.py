"""The preview server without a browser: what it serves, live-reload state, errors, the print view, stopping."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PATIENCE, chapter, running_preview, write_book

from anthology.preview.server import Preview


def get(url: str, timeout: float = PATIENCE) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "book", {"01-a.md": chapter(title="Alpha", body="First words.")})


@pytest.fixture()
def server(book: Path) -> Iterator[Preview]:
    with running_preview(book) as preview:
        yield preview


def version(server: Preview, since: int | None = None) -> dict:
    query = "" if since is None else f"?since={since}"
    return json.loads(get(server.url + "_preview/version" + query)[2])


def next_build(server: Preview, since: int) -> dict:
    """The state once a build after version ``since`` is done: long polls, each answered when the
    version changes (or after the server's wait, then asked again), however long the build takes."""
    started = time.monotonic()
    state = version(server, since=since)
    while state["version"] <= since:
        assert time.monotonic() - started < PATIENCE, "no new build: a hang"
        state = version(server, since=since)
    return state


def test_serves_the_html_edition_with_reload_script_only_in_responses(server: Preview, book: Path) -> None:
    status, kind, body = get(server.url)
    assert status == 200 and kind.startswith("text/html")
    page = body.decode()
    assert 'data-version="1"' in page and "/_preview/version" in page and "/_preview/print" in page
    chapter_page = get(server.url + "ch01-alpha.html")[2].decode()
    assert "First words." in chapter_page and "/_preview/version" in chapter_page
    built = (server.html_dir / "ch01-alpha.html").read_text()
    assert "_preview" not in built  # the built files stay clean
    status, kind, _ = get(server.url + "styles/base.css")
    assert status == 200 and "css" in kind
    assert not (book / "build").exists()  # the preview never writes into the book's build folder
    assert server.url.startswith("http://127.0.0.1:")


def test_version_waits_for_a_rebuild_after_a_save(server: Preview, book: Path) -> None:
    assert version(server)["version"] == 1
    answer: dict = {}
    asked = threading.Event()
    waiter = threading.Thread(target=lambda: (asked.set(), answer.update(next_build(server, since=1))))
    waiter.start()
    asked.wait()
    assert not answer  # a long poll: nothing changed yet, so no answer
    (book / "chapters" / "01-a.md").write_text(chapter(title="Alpha", body="Second words."))
    waiter.join()
    assert answer["version"] >= 2 and answer["error"] is None
    assert "Second words." in get(server.url + "ch01-alpha.html")[2].decode()


def test_a_failed_build_keeps_serving_and_shows_the_error(server: Preview, book: Path) -> None:
    source = book / "chapters" / "01-a.md"
    source.write_text("---\ntitle: Alpha\nauthor: Ann\nsubtitle: x\n---\n\nBroken words.\n")
    state = next_build(server, since=1)
    assert "chapters/01-a.md:4: error: unknown key 'subtitle'" in state["error"]
    page = get(server.url + "ch01-alpha.html")[2].decode()
    assert 'id="anthology-preview-error"' in page and "unknown key &#x27;subtitle&#x27;" in page
    assert "First words." in page  # the last good build stays underneath


def post(url: str, data: bytes, timeout: float = 120) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST"), timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.mark.slow
def test_print_view_draws_the_pages(server: Preview) -> None:
    status, _, body = get(server.url + "_preview/print")
    assert status == 200 and 'id="anthology-preview-layout"' in body.decode()  # a GET lays nothing out
    assert not list(server.output_dir.glob("*.pdf"))
    status, _, body = post(server.url + "_preview/print", f"token={server.token}".encode())  # the button: 303, then GET
    page = body.decode()
    assert status == 200
    assert "/_preview/pages/page-1.png" in page and "/_preview/book.pdf" in page
    assert 'id="anthology-preview-layout"' not in page
    assert f"/_preview/pages/page-1.png?token={server.token}" in page
    assert get(server.url + "_preview/pages/page-1.png")[0] == 403  # another site's <img> cannot have pages drawn
    assert get(server.url + "_preview/pages/page-1.png?token=wrong")[0] == 403
    status, kind, png = get(server.url + f"_preview/pages/page-1.png?token={server.token}")
    assert status == 200 and kind == "image/png" and png.startswith(b"\x89PNG")
    assert get(server.url + "_preview/book.pdf")[0] == 404  # the pages come from the chunks' PDFs: none joined yet
    assert 'action="/_preview/book.pdf"' in page  # the button that makes the PDF to download
    assert post(server.url + "_preview/book.pdf", b"token=wrong")[0] == 403
    status, kind, pdf = post(server.url + "_preview/book.pdf", f"token={server.token}".encode())
    assert status == 200 and kind == "application/pdf" and pdf.startswith(b"%PDF")
    assert get(server.url + "_preview/book.pdf")[2] == pdf
    assert get(server.url + "_preview/pages/../book.pdf")[0] == 404
    assert get(server.url + "_preview/nothing")[0] == 404


def test_first_build_failing_still_serves_an_error_page(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"a.md": "no front matter\n"})
    preview = Preview(book, port=0)
    preview.start()
    try:
        status, _, body = get(preview.url)
        assert status == 503
        assert "chapters/a.md:1: error: no front matter" in body.decode()
    finally:
        preview.stop()


def test_stop_closes_the_port_and_removes_the_temporary_build(book: Path) -> None:
    preview = Preview(book, port=0)
    preview.start()
    url, folder = preview.url, preview.output_dir
    assert folder.is_dir()
    preview.stop()
    assert not folder.exists()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)


def test_port_in_use_is_a_clear_error(server: Preview, book: Path) -> None:
    from click.testing import CliRunner

    from anthology.cli import main

    result = CliRunner().invoke(main, ["preview", str(book), "--port", str(server.port)])
    assert result.exit_code == 2
    assert "cannot serve on 127.0.0.1" in result.output and "--port" in result.output


def test_preview_outside_a_book(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from anthology.cli import main

    result = CliRunner().invoke(main, ["preview", str(tmp_path)])
    assert result.exit_code == 2 and "anthology.toml not found" in result.output


@pytest.mark.slow
def test_ctrl_c_stops_the_command_cleanly(book: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "anthology.cli", "preview", str(book), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        # each line as it comes; the loop ends at the address, or at the end of the output if the command died
        line = next((line for line in process.stdout if "http://127.0.0.1:" in line), "")
        assert line, process.stderr.read() if process.stderr else "no output"
        url = "http://" + line.split("http://")[1].split()[0]
        assert "First words." in get(url + "ch01-alpha.html")[2].decode()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=PATIENCE) == 0  # however long a busy machine takes to stop it
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    errors = process.stderr.read() if process.stderr else ""
    assert "preview stopped" in errors and "Traceback" not in errors
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)
