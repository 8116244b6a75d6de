"""No network, no escape: a build opens no connection and reads no file outside the book's folder.

A local TCP listener on 127.0.0.1 stands in for the network: every remote reference in the book points
at it, and it must see no connection. A secret file outside the book stands in for everything else on
the machine: every way of naming it is tried, and its contents must appear in no output.
"""

from __future__ import annotations

import os
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hardening_helpers import png_bytes, poppler_page_texts, run_cli
from helpers import PATIENCE, chapter, epubcheck_messages, write_book

SECRET = "TOP-SECRET-7f3a9c"


class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.connected = threading.Event()
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self.connected.set()
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_the_listener_does_see_a_connection(listener: Listener) -> None:
    """The guard itself works: a real connection is counted."""
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5):
        pass
    assert listener.connected.wait(PATIENCE)  # the listener thread counts it when it gets to run
    assert listener.connections == 1


def _remote_book(root: Path, port: int) -> Path:
    url = f"http://127.0.0.1:{port}"
    body = (
        f"![A remote picture]({url}/picture.png)\n\n"
        f'<img src="//127.0.0.1:{port}/protocol-relative.png" alt="protocol relative">\n\n'
        f'<img src="https://127.0.0.1:{port}/secure.png" alt="secure">\n\n'
        f'<iframe src="{url}/frame.html"></iframe>\n\n'
        f'<link rel="stylesheet" href="{url}/linked.css">\n\n'
        f'<p style="background: url({url}/inline-style.png)">styled</p>\n\n'
        f"A plain [link]({url}/page.html) is kept: readers may follow it, the build never does.\n"
    )
    write_book(root, {"01-remote.md": chapter("Remote things", body=body)})
    styles = root / "styles"
    styles.mkdir()
    remote_css = (
        f'@import url("{url}/imported.css");\n'
        f'@font-face {{ font-family: "Far"; src: url("{url}/far.woff2"); }}\n'
        f'body {{ background-image: url("{url}/background.png"); }}\n'
    )
    for name in ("base.css", "print.css", "epub.css", "html.css"):
        (styles / name).write_text(remote_css, encoding="utf-8")
    return root


@pytest.mark.slow
def test_building_opens_no_network_connection(tmp_path: Path, listener: Listener) -> None:
    root = _remote_book(tmp_path / "book", listener.port)
    result = run_cli("build", str(root))
    assert result.exit_code == 0, result.output
    assert listener.connections == 0
    assert "01-remote.md:6: warning: image 'http://127.0.0.1:" in result.output
    assert "is on the web; it is left out" in result.output
    assert "base.css" in result.output and "warning" in result.output
    epub = root / "build" / "test-book.epub"
    with zipfile.ZipFile(epub) as z:
        packaged = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert f"127.0.0.1:{listener.port}/picture.png" not in packaged
    assert f"127.0.0.1:{listener.port}/imported.css" not in packaged
    assert f"127.0.0.1:{listener.port}/page.html" in packaged  # a link is not a fetch
    assert epubcheck_messages(epub) == []


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A folder beside the book holding files that must never be read: text, an image, a stylesheet."""
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (folder / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="0" y="20">{SECRET}</text></svg>', encoding="utf-8"
    )
    (folder / "secret.png").write_bytes(png_bytes(7, 7, (1, 2, 3)))
    (folder / "secret.css").write_text(f'body::after {{ content: "{SECRET}"; }}\n', encoding="utf-8")
    (folder / "secret.md").write_text(chapter("Secret chapter", body=SECRET), encoding="utf-8")
    return folder


def _all_output_text(build: Path) -> str:
    """The text of every output. build/.cache is not an output: it keeps what the build read from the
    book's own files (a chapter's warnings quote its text, such as the data: URL of the links test)."""
    texts = []
    for path in build.rglob("*"):
        if path.is_file() and ".cache" not in path.relative_to(build).parts:
            data = path.read_bytes()
            texts.append(data.decode("latin-1"))
            if path.suffix == ".epub":
                with zipfile.ZipFile(path) as z:
                    texts += [z.read(n).decode("latin-1") for n in z.namelist()]
            if path.suffix == ".pdf":
                texts += poppler_page_texts(path)
    return "\n".join(texts)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reference", "says"),
    [
        ("../../private/secret.png", "leads outside the book's folder"),
        ("../../../../../../../../etc/passwd.png", "leads outside the book's folder"),
        ("{private}/secret.png", "is an absolute path"),
        ("file://{private}/secret.svg", "left out"),
        ("link.png", "leads outside the book's folder"),
        ("linkdir/secret.svg", "leads outside the book's folder"),
    ],
)
def test_an_image_outside_the_book_is_refused(tmp_path: Path, secret: Path, reference: str, says: str) -> None:
    root = tmp_path / "shelf" / "book"
    write_book(root, {"01-escape.md": chapter("Escape", body=f"Before.\n\n![A secret]({reference.format(private=secret)})\n")})
    (root / "chapters" / "link.png").symlink_to(secret / "secret.png")
    (root / "chapters" / "linkdir").symlink_to(secret, target_is_directory=True)
    (tmp_path / "shelf" / "private").symlink_to(secret, target_is_directory=True)
    result = run_cli("build", str(root))
    assert "01-escape.md:8:" in result.output and says in result.output, result.output
    if result.exit_code == 0:
        assert SECRET not in _all_output_text(root / "build")
    else:
        assert result.exit_code == 2
        assert not (root / "build").exists() or not any((root / "build").iterdir())


@pytest.mark.slow
def test_stylesheets_and_links_reach_nothing_outside(tmp_path: Path, secret: Path) -> None:
    root = tmp_path / "book"
    body = (
        f"[a file link](file://{secret}/secret.txt) and [a relative one](../../private/secret.txt)\n\n"
        f'<a href="{secret}/secret.txt">absolute</a> <img src="data:image/svg+xml;utf8,<svg>{SECRET}</svg>" alt="data">\n'
    )
    write_book(root, {"01-links.md": chapter("Links", body=body)})
    styles = root / "styles"
    styles.mkdir()
    css = (
        f'@import url("file://{secret}/secret.css");\n'
        f'@import "../../private/secret.css";\n'
        f'@import "{secret}/secret.css";\n'
        f'body {{ background: url("file://{secret}/secret.svg"); }}\n'
        f'h1 {{ background: url("../{os.path.relpath(secret, root)}/secret.svg"); }}\n'
    )
    for name in ("base.css", "print.css", "epub.css", "html.css"):
        (styles / name).write_text(css, encoding="utf-8")
    result = run_cli("build", str(root))
    assert result.exit_code == 0, result.output
    assert SECRET not in _all_output_text(root / "build")
    assert "secret.css" in result.output  # each refusal is reported
    assert epubcheck_messages(root / "build" / "test-book.epub") == []


@pytest.mark.slow
def test_a_stylesheet_linked_from_outside_is_not_read(tmp_path: Path, secret: Path) -> None:
    root = write_book(tmp_path / "book", {"01-fine.md": chapter()})
    (root / "styles").mkdir()
    (root / "styles" / "base.css").symlink_to(secret / "secret.css")
    result = run_cli("build", str(root))
    assert result.exit_code == 0, result.output
    assert "base.css: warning: is a link to a file outside the book's folder" in result.output
    assert SECRET not in _all_output_text(root / "build")


def test_a_chapter_linked_from_outside_is_refused(tmp_path: Path, secret: Path) -> None:
    root = write_book(tmp_path / "book", {"01-fine.md": chapter()})
    (root / "chapters" / "02-stolen.md").symlink_to(secret / "secret.md")
    result = run_cli("build", str(root))
    assert result.exit_code == 2
    assert "02-stolen.md: error: is a link to a file outside the book's folder" in result.output


def test_a_chapter_listed_outside_the_book_is_refused(tmp_path: Path, secret: Path) -> None:
    toml = '[book]\ntitle = "T"\nlanguage = "en"\nchapters = ["../private/secret.md"]\n'
    root = write_book(tmp_path / "book", {}, toml=toml)
    result = run_cli("build", str(root))
    assert result.exit_code == 2
    assert "outside the book's folder" in result.output and "anthology.toml" in result.output
    assert SECRET not in result.output


@pytest.mark.slow
def test_build_never_writes_to_the_sources(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", {"01-a.md": chapter(body="Text[^1].\n\n[^1]: A note.\n"), "02-b.md": chapter("B")})
    (root / "images").mkdir()
    (root / "images" / "p.png").write_bytes(png_bytes())
    (root / "chapters" / "01-a.md").write_text(chapter(body="![A dot](../images/p.png)\n"), encoding="utf-8")

    def snapshot() -> dict[str, tuple[bytes, int]]:
        return {
            str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in root.rglob("*")
            if p.is_file() and "build" not in p.relative_to(root).parts
        }

    before = snapshot()
    for path in before:
        (root / path).chmod(0o444)
    result = run_cli("build", str(root))
    assert result.exit_code == 0, result.output
    assert snapshot() == before


def test_the_print_fetcher_reads_only_inside_its_folders(tmp_path: Path, secret: Path, listener: Listener) -> None:
    from anthology.print.fetcher import LocalFetcher

    book = tmp_path / "book"
    book.mkdir()
    (book / "ok.css").write_text("p { color: red }", encoding="utf-8")
    (book / "escape.css").symlink_to(secret / "secret.css")
    fetcher = LocalFetcher([book], [])
    assert fetcher.fetch((book / "ok.css").as_uri()).read() == b"p { color: red }"
    refused = [
        f"http://127.0.0.1:{listener.port}/x.css",
        f"https://127.0.0.1:{listener.port}/x.css",
        f"ftp://127.0.0.1:{listener.port}/x.css",
        (secret / "secret.css").as_uri(),
        (book / "escape.css").as_uri(),
        (book / ".." / "private" / "secret.css").as_uri(),
        f"file://127.0.0.1{secret}/secret.css",
        (book / "missing.css").as_uri(),
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    assert listener.connections == 0
