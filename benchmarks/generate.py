"""Write a synthetic anthology: N chapters of about W words each, the same bytes for the same N, W and seed.

Each chapter has sub-headings, paragraphs with emphasis and links, a list, a table, footnotes, a block
quote, and every fifth chapter an image (a small PNG drawn here). Used by benchmarks/run.py.

    python benchmarks/generate.py OUTPUT_DIR --chapters 200 --words 1500
"""

from __future__ import annotations

import argparse
import random
import struct
import zlib
from pathlib import Path

WORDS = (
    "community care support people service public involvement research practice co-production "
    "local team family health social voice choice equal value design decision experience network "
    "carer user professional agency trust listen share learn change together project principle "
    "workshop meeting report evidence outcome quality standard funding policy council partner"
).split()
NAMES = ["Ann", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Joe", "Kim", "Lou"]
SURNAMES = ["Ashby", "Brook", "Carter", "Dunn", "Ellis", "Frost", "Grant", "Hale", "Irwin", "Jones"]


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    if n > 6 and rng.random() < 0.3:
        words[2] = f"*{words[2]}*"
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, words: int) -> tuple[str, int]:
    sentences, count = [], 0
    while count < words:
        n = rng.randint(8, 20)
        sentences.append(_sentence(rng, n))
        count += n
    return " ".join(sentences), count


def png(width: int, height: int, shade: int) -> bytes:
    """A small valid PNG (a gradient), drawn without any imaging library."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 3 + shade) % 256, (y * 2) % 256, 160)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def chapter(rng: random.Random, number: int, words: int, image: str | None) -> str:
    author = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}"
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()
    lines = ["---", f"title: {title} {number}", f"author: {author}", f"date: 2019-{1 + number % 12:02d}-{1 + number % 28:02d}", "---", ""]
    written, notes, section = 0, 0, 0
    while written < words:
        if written and written // 400 > section:
            section = written // 400
            lines += [f"## {' '.join(rng.choice(WORDS) for _ in range(3)).capitalize()}", ""]
        text, n = _paragraph(rng, rng.randint(60, 140))
        if rng.random() < 0.25:
            notes += 1
            text += f"[^{notes}]"
        lines += [text, ""]
        written += n
        if section == 1 and "- " not in "".join(lines[-12:]) and rng.random() < 0.5:
            lines += [f"- {_sentence(rng, 6)}" for _ in range(4)] + [""]
    lines += ["| Item | Count | Share |", "|:--|--:|--:|"]
    lines += [f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {rng.randint(1, 99)}% |" for _ in range(4)] + [""]
    lines += [f"> {_sentence(rng, 18)} {_sentence(rng, 12)}", ""]
    if image:
        lines += [f"![A chart for chapter {number}]({image})", ""]
    for n in range(1, notes + 1):
        lines.append(f"[^{n}]: {_sentence(rng, 12)}")
    return "\n".join(lines) + "\n"


def generate(root: Path, chapters: int, words: int, seed: int = 2019) -> Path:
    rng = random.Random(seed)
    (root / "chapters" / "images").mkdir(parents=True, exist_ok=True)
    (root / "anthology.toml").write_text(
        f'[book]\ntitle = "Benchmark anthology {chapters}"\nlanguage = "en-GB"\nidentifier = "urn:uuid:00000000-0000-4000-8000-{chapters:012d}"\n',
        encoding="utf-8",
    )
    for number in range(1, chapters + 1):
        image = None
        if number % 5 == 0:
            image = f"images/chart-{number:04d}.png"
            (root / "chapters" / image).write_bytes(png(120, 80, number))
        text = chapter(rng, number, words, image)
        (root / "chapters" / f"{number:04d}.md").write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--chapters", type=int, default=50)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    generate(args.output, args.chapters, args.words, args.seed)
    print(f"wrote {args.chapters} chapters of about {args.words} words to {args.output}")


if __name__ == "__main__":
    main()
