"""A 12-chapter book in two languages (English, and Welsh chapters with ``lang: cy``), with notes, a
table, a figure, a list and inline spans in the other language, for the PDF structure tree tests."""

from __future__ import annotations

from pathlib import Path

from helpers import chapter, write_book
from PIL import Image

ENGLISH = ("The committee met again on Tuesday to consider the neighbourhood's recommendations about "
           "transportation, accommodation and responsibilities shared between organisations. ")
WELSH = ("Cyfarfu'r pwyllgor eto ddydd Mawrth i ystyried argymhellion y gymdogaeth ynglŷn â "
         "thrafnidiaeth, llety a chyfrifoldebau a rennir rhwng sefydliadau cymunedol. ")
CHAPTERS = 12
WELSH_CHAPTERS = (3, 6, 9, 12)


def _body(number: int) -> str:
    welsh = number in WELSH_CHAPTERS
    sentence = WELSH if welsh else ENGLISH
    other = '<span lang="en">community care</span>' if welsh else '<span lang="cy">gofal cymunedol</span>'
    paragraphs = [
        f"FIRST{number}x opens the chapter. " + sentence * 3,
        f"CALL{number}x carries a note,[^a{number}] and names {other} in the other language. " + sentence * 2,
        sentence * 9,  # long enough to cross a page
        "## " + ("Adran arall" if welsh else "Another section"),
        "- " + "\n- ".join(f"Item {n} of the list in chapter {number}" for n in range(1, 4)),
        # The first chapter's table crosses a page, which repeats its header row.
        "| Name | Role | Year |\n|---|---|---|\n" + "".join(f"| Person {n} | Coordinator | 2019 |\n" for n in range(1, 40 if number == 1 else 4)),
        f"![A blue field for chapter {number}](field.png)",
        f"LAST{number}x closes the chapter, with a second note.[^b{number}] " + sentence * 2,
        f"[^a{number}]: NOTEA{number}x explains the first call.",
        f"[^b{number}]: NOTEB{number}x explains the second call.",
    ]
    return "\n\n".join(paragraphs)


def write_tagged_book(root: Path) -> Path:
    chapters = {}
    for number in range(1, CHAPTERS + 1):
        extra = {"lang": "cy"} if number in WELSH_CHAPTERS else {}
        title = f"Pennod {number} yn Gymraeg" if extra else f"Chapter {number} in English"
        chapters[f"{number:02d}.md"] = chapter(title, f"Author {number}", _body(number), **extra)
    book = write_book(root, chapters, toml='[book]\ntitle = "Tagged Book"\nlanguage = "en-GB"\ndate = 2019-11-01\n')
    Image.new("RGB", (1400, 700), (90, 120, 160)).save(book / "chapters" / "field.png")
    return book
