"""A generated book for the print typography tests: many chapters, hundreds of notes of every length
(some long enough to fill half a page, some called near the foot of a page), emphasis in the
running text, chapters by one, two and three authors, long titles, and the PDF read back page by page.

Each note call follows a token ``Q<chapter><note>`` in the running text and each note opens with
``R<chapter><note>``, so a reader of the PDF knows which note belongs to which call. The tokens
are five characters: too short to be hyphenated.
"""

from __future__ import annotations

import html
import random
import re
import subprocess
from pathlib import Path

from helpers import write_book

WORDS = (
    "community care support people service public involvement research practice local team family "
    "health social voice choice equal value design decision experience network carer user agency trust "
    "listen share learn change together project principle workshop meeting report evidence outcome "
    "quality standard funding policy council partner neighbourhood volunteer conversation responsibility "
    "understanding commissioning relationship accessibility organisation"
).split()
FIRST = ["Alexandra", "Stanley", "Bea", "Callum", "Deirdre", "Eliza", "Gwendolyn", "Hal", "Ifeoma", "Joaquin"]
LAST = ["Ashby-Worthington", "Brook", "Carterhaugh", "Dunmore", "Ellis", "Fitzgerald", "Grant", "Hale"]
TITLE_WORDS = ["Listening", "to", "the", "people", "who", "use", "services", "and", "what", "we", "learned",
               "about", "designing", "care", "together", "in", "a", "small", "town", "over", "ten", "years"]


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    if n > 6 and rng.random() < 0.3:
        words[2] = f"*{words[2]}*"  # an inline element after a space: where WeasyPrint left one-word lines
    return " ".join(words).capitalize() + "."


def _text(rng: random.Random, words: int) -> str:
    out, count = [], 0
    while count < words:
        n = rng.randint(7, 18)
        out.append(_sentence(rng, n))
        count += n
    return " ".join(out)


def _authors(rng: random.Random, number: int) -> str:
    count = 3 if number % 4 == 1 else 2 if number % 4 == 2 else 1
    names = [f"{FIRST[(number + i) % len(FIRST)]} {LAST[(number * 3 + i) % len(LAST)]}" for i in range(count)]
    return names[0] if count == 1 else "[" + ", ".join(names) + "]"


def note_chapter(rng: random.Random, number: int, notes: int) -> str:
    """A chapter with ``notes`` notes: short, middling and long ones, several to a paragraph at times."""
    title = " ".join(TITLE_WORDS[: rng.randint(3, len(TITLE_WORDS))]).capitalize() + f" {number}"
    lines = ["---", f"title: {title}", f"author: {_authors(rng, number)}", "---", ""]
    bodies = []
    made = 0
    while made < notes:
        text = _text(rng, rng.randint(40, 160))
        calls = 0 if rng.random() < 0.3 else rng.choice([1, 1, 1, 2, 3])
        sentences = text.split(". ")
        for _ in range(min(calls, notes - made)):
            made += 1
            token = f"Q{number:02d}{made:02d}"
            at = rng.randrange(len(sentences))
            sentences[at] = sentences[at].rstrip(".") + f" {token}[^{made}]"
            kind = rng.random()
            length = rng.randint(4, 14) if kind < 0.55 else rng.randint(25, 60) if kind < 0.85 else rng.randint(110, 220)
            bodies.append(f"[^{made}]: R{number:02d}{made:02d} {_text(rng, length)}")
        lines += [". ".join(sentences).rstrip(".") + ".", ""]
        if rng.random() < 0.1:
            lines += [f"## {_sentence(rng, 3).rstrip('.')}", ""]
    return "\n".join(lines + bodies) + "\n"


def write_notes_book(root: Path, chapters: int = 12, notes: int = 14, seed: int = 20, toml_extra: str = "") -> Path:
    rng = random.Random(seed)
    return write_book(
        root,
        {f"{n:02d}.md": note_chapter(rng, n, notes) for n in range(1, chapters + 1)},
        toml='[book]\ntitle = "Notes on Every Page"\nsubtitle = "Writing from a hundred small places"\n'
             'language = "en-GB"\ndate = 2020-05-01\neditors = ["Alexandra Stanley-Hughes", "Ifeoma Okonkwo"]\n' + toml_extra,
    )


def pdf_pages(path: Path) -> list[str]:
    """Each page's text as poppler reads it, hyphenated words joined again."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"[-\u2010]\n(?=\w)", "", page) for page in out.split("\f")[:-1]]


def notes_off_their_page(path: Path) -> tuple[int, list[str]]:
    """How many notes the PDF has, and each one whose opening is not on its call's page (or is lost)."""
    calls: dict[str, int] = {}
    starts: dict[str, int] = {}
    for number, text in enumerate(pdf_pages(path), start=1):
        for token in re.findall(r"\bQ(\d{4})", text):
            calls.setdefault(token, number)
        for token in re.findall(r"\bR(\d{4})\b", text):
            starts.setdefault(token, number)
    off = [f"note {t[:2]}.{t[2:]}: called on page {p}, set on page {starts.get(t)}" for t, p in sorted(calls.items()) if starts.get(t) != p]
    off += [f"note {t[:2]}.{t[2:]}: set on page {p}, its call not found" for t, p in sorted(starts.items()) if t not in calls]
    return len(calls), off


def stray_lines(path: Path) -> list[str]:
    """Each line of a single word inside a paragraph followed by a full line of the same paragraph
    (pdftotext -bbox-layout: same size of type, same left edge, the next line the column's width)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        lines = []
        for line in page.split("<line ")[1:]:
            box = [float(v) for v in re.findall(r'[xy]M(?:in|ax)="([\d.]+)"', line)[:4]]
            words = [html.unescape(w) for w in re.findall(r"<word [^>]*>([^<]*)</word>", line)]
            lines.append((box, words))
        if not lines:
            continue
        left, right = min(box[0] for box, _ in lines), max(box[2] for box, _ in lines)
        for (a, one), (b, after) in zip(lines, lines[1:], strict=False):
            same_size = abs((b[3] - b[1]) - (a[3] - a[1])) < 0.5
            if (len(one) == 1 and a[2] - a[0] < (right - left) / 2 and 0 < b[1] - a[1] < 20 and abs(b[0] - a[0]) < 1
                    and same_size and b[2] - b[0] > 0.9 * (right - left) and not re.fullmatch(r"\d+\.", after[0])):
                found.append(f"page {number}: '{one[0]}' above '{' '.join(after)[:40]}'")
    return found
