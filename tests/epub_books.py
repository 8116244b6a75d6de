"""Test books for the EPUB tests: a 30-chapter book with images, footnotes and two languages."""

from __future__ import annotations

import io
from pathlib import Path

from helpers import chapter, write_book
from PIL import Image, ImageDraw

BIG_TOML = """[book]
title = "Voices from the Valleys"
subtitle = "Thirty pieces on working together"
language = "en-GB"
editors = ["Dr Gary Hickey", "Clare Evans MBE"]
publisher = "Test Press"
date = 2019-11-01
"""

WELSH = (
    "Mae cyd-gynhyrchu yn golygu gweithio gyda’n gilydd o’r dechrau i’r diwedd. "
    "Roedd y grŵp yn cwrdd bob mis yn y llyfrgell, ac roedd pawb yn cael dweud eu dweud[^1]. "
    "Dros amser, newidiodd y ffordd yr oedd y gwasanaeth yn cael ei gynllunio a’i redeg."
)
ENGLISH = (
    "Co-production means working together from the very start to the very end of a project. "
    "The group met every month in the library, and everyone had their say[^1]. "
    "Over time the way the service was planned and run changed, slowly at first and then quickly, "
    "as people who used it took on more of the decisions that mattered to them."
)


def png(path: Path, colour: str, size: tuple[int, int] = (600, 400)) -> None:
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse([size[0] // 8, size[1] // 8, size[0] * 7 // 8, size[1] * 7 // 8], fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


def big_chapter(n: int) -> str:
    welsh = n % 5 == 0
    text = WELSH if welsh else ENGLISH
    paragraphs = [text.replace("[^1]", "[^1]" if k == 0 else "") for k in range(3 + n % 4)]
    body = "\n\n".join(paragraphs[:2]) + "\n\n## " + ("Beth ddigwyddodd nesaf" if welsh else "What happened next") + "\n\n"
    body += "\n\n".join(paragraphs[2:])
    if n % 3 == 0:
        body += "\n\n![A white circle on a coloured ground, the group's logo](../images/logo.png)\n"
    if n % 7 == 0:
        body += "\n\n![](../images/rule.png){: .decorative }\n\nAfter the rule, a last word[^2].\n"
        body += "\n[^2]: " + ("Nodyn arall." if welsh else "A second note, with *emphasis* and a [link](https://example.org/).") + "\n"
    body += "\n[^1]: " + ("Nodyn cyntaf y bennod." if welsh else "The chapter's first note, which explains a point in more detail.") + "\n"
    extra = {"lang": "cy", "byline": "Awdur gwadd"} if welsh else {"byline": "Guest author", "date": f"2019-10-{n:02d}"}
    return chapter(f"Chapter {n} – {'Stori am gydweithio' if welsh else 'A story of working together'}", f"Author Number{n} Person", body, **extra)


def write_big_book(root: Path) -> Path:
    chapters = {f"{n:02d}-chapter.md": big_chapter(n) for n in range(1, 31)}
    write_book(root, chapters, BIG_TOML)
    (root / "images").mkdir(exist_ok=True)
    png(root / "images" / "logo.png", "#335577")
    png(root / "images" / "rule.png", "#999999", (600, 20))
    return root
