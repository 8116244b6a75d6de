"""Helpers for the bad-input, security and property tests: running the CLI with a time limit, small images, PDF links."""

from __future__ import annotations

import signal
import struct
import subprocess
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner, Result
from helpers import PATIENCE
from pypdf import PdfReader

from anthology.cli import main


class Hang(Exception):
    """A build took longer than its time limit."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail with Hang instead of waiting for ever (the main thread of a Unix process)."""

    def expire(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(*args: str) -> Result:
    """Run ``anthology ARGS`` in this process; a Python traceback or a hang fails the calling test."""
    with time_limit(PATIENCE):
        result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"anthology {' '.join(args)} raised {result.exception!r}\n{result.output}") from result.exception
    assert "Traceback" not in result.output, result.output
    return result


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A small valid PNG, made by hand (no image library needed to write one)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def huge_png_bytes(width: int = 20000, height: int = 20000) -> bytes:
    """A real PNG of width x height black pixels (1 bit deep), compressed to a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    raw = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def pdf_internal_links(path: Path) -> list[tuple[int, str, int | None]]:
    """Every internal link of a PDF as (page index of the link, destination name, page index it lands on or None)."""
    reader = PdfReader(str(path))
    names = reader.named_destinations
    links = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            dest = annotation.get("/Dest")
            action = annotation.get("/A")
            if dest is None and action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if dest is None:
                continue
            name = str(dest)
            target = names.get(name)
            links.append((index, name, reader.get_destination_page_number(target) if target is not None else None))
    return links


def pdf_external_links(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                uris.append(str(action.get("/URI")))
    return uris


def poppler_page_texts(path: Path) -> list[str]:
    """The text of each page as pdftotext reads it (it maps every embedded font's glyphs back to text)."""
    output = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=PATIENCE).stdout
    return output.decode("utf-8").split("\f")[:-1]
