"""Running heads stay on one line (long titles shortened, many authors as "A and others", the
``running_head`` keys), and personal names are never hyphenated: read back from the PDF."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from helpers import write_book
from notes_book import _text

from anthology.build import build

LONG = "Listening to the people who use services and what we learned about designing care together over ten long years"
THREE = ["Alexandra Ashby-Worthington", "Gwendolyn Carterhaugh", "Joaquin Fitzgerald"]
TWO = ["Ifeoma Okonkwo", "Hal Grant"]
TWO_LONG = ["Stanley Dunmore-Fitzwilliam", "Deirdre Carterhaugh-Ellis"]
NAME_WORDS = {word for name in THREE + TWO + TWO_LONG + ["Bartholomew Featherstonehaugh"] for word in re.split(r"[ -]", name)}


def _chapter(title: str, authors: list[str], seed: int, extra: str = "") -> str:
    import random

    rng = random.Random(seed)
    body = "\n\n".join(_text(rng, rng.randint(60, 140)) for _ in range(24))
    return f"---\ntitle: {title}\nauthor: [{', '.join(authors)}]\n{extra}---\n\n{body}\n"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_book(
        tmp_path_factory.mktemp("heads") / "book",
        {
            "01.md": _chapter(LONG, THREE, 1),
            "02.md": _chapter(LONG + " again", TWO, 2, "running_head: Listening again\n"),
            "03.md": _chapter("Short", ["Bartholomew Featherstonehaugh"], 3),
            "04.md": _chapter("Two names too long for one head", TWO_LONG, 4),
        },
        toml='[book]\ntitle = "Writing from a hundred small places, gathered over a decade by many hands"\n'
             'running_head = "A Hundred Places"\nlanguage = "en-GB"\ndate = 2020-05-01\neditors = []\n',
    )
    build(root, "pdf", output_dir=root / "out", jobs=2, use_cache=False)
    return next((root / "out").glob("*.pdf"))


def _words(path: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's words as (yMin, xMin, text)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', page)
        pages.append([(float(y), float(x), html.unescape(text)) for x, y, text in words])
    return pages


def _heads(path: Path) -> list[list[str]]:
    """Each page's running head, as its lines (none on a page without one): the words above the
    text block (A5: its top margin is 17 mm)."""
    top = 17 * 72 / 25.4
    heads = []
    for words in _words(path):
        lines: dict[int, list[tuple[float, str]]] = {}
        for y, x, text in words:
            if y < top - 4:
                lines.setdefault(round(y), []).append((x, text))
        heads.append([" ".join(t for _, t in sorted(line)) for _, line in sorted(lines.items())])
    return heads


def test_running_heads_are_one_line_each(pdf: Path) -> None:
    heads = [h for h in _heads(pdf) if h]
    assert len(heads) > 20
    assert all(len(head) == 1 for head in heads), [h for h in heads if len(h) != 1]
    right = [h[0] for h in heads if "·" in h[0]]
    assert any(h.endswith("· Alexandra Ashby-Worthington and others") for h in right)
    assert any(h == "Listening again · Ifeoma Okonkwo and Hal Grant" for h in right)
    assert any(h == "Two names too long for one head · Stanley Dunmore-Fitzwilliam and others" for h in right)
    assert any(h == "Short · Bartholomew Featherstonehaugh" for h in right)
    assert all(not h.startswith(LONG) for h in right)
    left = {h[0].casefold() for h in heads if "·" not in h[0]}
    assert left == {"a hundred places"}


def test_names_are_never_hyphenated(pdf: Path) -> None:
    """Bylines, the contents, the title page and About the contributors: no name word split at a line's end."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    broken = {a + b for a, b in re.findall(r"(\w+)[-\u2010\u00ad]\n(\w+)", out)}
    assert not broken & NAME_WORDS
    assert all(word in out for word in NAME_WORDS)
