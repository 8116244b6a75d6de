"""Helpers for the print tests: a book with notes, images, a table and a German chapter; PDF reading."""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import chapter, write_book
from PIL import Image
from pypdf import PdfReader

MM = 72 / 25.4
SENTENCE = "The quick brown fox jumps over the lazy dog while the committee deliberates on matters of some weight. "
GERMAN = ("Die Donaudampfschifffahrtsgesellschaftskapitänsmütze liegt auf dem Tisch neben der "
          "Rechtsschutzversicherungsgesellschaft und dem Bundesverfassungsgericht. ") * 14


def long_chapter() -> str:
    paragraphs = []
    for n in range(1, 17):
        text = SENTENCE * 4
        if n in (3, 7, 12, 13):
            text = f"Paragraph CALL{n}x has a note.[^n{n}] " + SENTENCE * 3
        paragraphs.append(text)
        if n == 8:
            paragraphs.append("## A section heading")
    notes = "\n\n".join(f"[^n{n}]: NOTE{n}x explains the call, and cites a source." for n in (3, 7, 12, 13))
    return chapter("A long chapter with notes. And a subtitle that runs on and on", "Ann Author",
                   "\n\n".join(paragraphs) + "\n\n" + notes)


def table_chapter() -> str:
    rows = "".join(
        f"| Person {n} | Supercalifragilisticexpialidocious-coordinator | A long description of what this person did during the week, in many words | 2019 |\n"
        for n in range(8)
    )
    table = "| Name | Role | Description | Year |\n|---|---|---|---|\n" + rows
    body = (
        "Some text with a note.[^a]\n\n"
        '![A wide picture](wide.png "A wide field of blue")\n\n'
        "More text.\n\n![](tall.png \"Under the tall one\")\n\n"
        + table
        + "\n\n[^a]: NOTEAx is the first note of this chapter.\n"
    )
    return chapter("Pictures and tables", "[Bea Bee, Cy Sea]", body)


def write_print_book(root: Path, toml_extra: str = "") -> Path:
    book = write_book(
        root,
        {
            "01-long.md": long_chapter(),
            "02-pictures.md": table_chapter(),
            "03-deutsch.md": chapter("Ein deutsches Kapitel", "Dora Dietz", GERMAN, lang="de"),
        },
        toml='[book]\ntitle = "Print Test"\nlanguage = "en-GB"\ndate = 2019-11-01\n' + toml_extra,
    )
    Image.new("RGB", (3000, 1200), (90, 120, 160)).save(book / "chapters" / "wide.png")
    Image.new("RGB", (300, 1800), (160, 120, 90)).save(book / "chapters" / "tall.png")
    return book


def write_small_book(root: Path, toml_extra: str = "") -> Path:
    return write_book(
        root,
        {"a.md": chapter("First", "Ann Author", SENTENCE * 3), "b.md": chapter("Second", "Bo Author", SENTENCE * 3)},
        toml='[book]\ntitle = "Small"\nlanguage = "en"\ndate = 2020-01-02\n' + toml_extra,
    )


def page_texts(path: Path) -> list[str]:
    """Each page's text as poppler reads it (reading order, one string per page)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[: len(PdfReader(str(path)).pages)]


def half_text(path: Path, page: int, left: bool) -> str:
    """The text on the left or right half of a page (from 1)."""
    reader = PdfReader(str(path))
    box = reader.pages[page - 1].mediabox
    width, height = int(box.width), int(box.height)
    x = 0 if left else width // 2
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-x", str(x), "-y", "0", "-W", str(width // 2), "-H", str(height),
         "-r", "72", str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    return out
