"""A small anthology with every kind of front and back matter, parts, shared and multi-author chapters."""

from __future__ import annotations

from pathlib import Path

TOML = '''[book]
title = "Rivers and Roads"
subtitle = "Writing from the edges"
language = "en-GB"
editors = ["Mara Quill"]
publisher = "Little Harbour Press"
place = "Bristol"
edition = "First edition"
date = 2024-05-01
license = "CC-BY-4.0"
isbn = { epub = "978-0-306-40615-7", pdf = "9781234567897" }
dedication = "For everyone who walked with us"
epigraph = { text = "The road goes ever on.", source = "An old walking song" }

[contributors."Ann Bee"]
bio = "Ann Bee writes about rivers and the people who live beside them."

[contributors."Dr Cy van Dee"]
sort_as = "Dee, Cy van"

[[parts]]
title = "Water"
intro = "Three writers on *rivers*, floods and the sea."
chapters = ["chapters/01-source.md", "chapters/02-estuary.md"]

[[parts]]
title = "Land"
chapters = ["chapters/03-hedges.md"]
'''

CHAPTERS = {
    "01-source.md": """---
title: At the source
author: [Ann Bee, Dr Cy van Dee]
date: 2023-03-01
---

The river starts as a seep in a field.[^1]

## Upstream

We walked up it together.

[^1]: Or so the map says.
""",
    "02-estuary.md": """---
title: The estuary
author: Ann Bee
byline: Writer in residence, Little Harbour
---

Where the river meets the sea, the mud shines.
""",
    "03-hedges.md": """---
title: Hedges
author:
  - name: Eve Zed
    bio: Eve Zed lays hedges in Somerset.
  - Dr Cy van Dee
summary: What a hedge remembers, and what it forgets.
source: https://www.example.org/hedges
date: 2022-11-05
license: CC-BY-SA-4.0
epigraph:
  text: A hedge is a slow wall.
  source: Eve's grandfather
---

Hawthorn, hazel, field maple.
""",
}

FRONT = {
    "foreword.md": """---
author: Mara Quill
---

These pieces were written over two years by people who walk.
""",
}

BACK = {
    "afterword.md": "# After the walk\n\nWe are still walking.\n",
    "acknowledgements.md": "Thanks to the Little Harbour walking group.\n",
}

CHAPTER_TITLES = ["At the source", "The estuary", "Hedges"]


def write_matter_book(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "anthology.toml").write_text(TOML, encoding="utf-8")
    for folder, files in (("chapters", CHAPTERS), ("front", FRONT), ("back", BACK)):
        (root / folder).mkdir(exist_ok=True)
        for name, text in files.items():
            (root / folder / name).write_text(text, encoding="utf-8")
    return root
