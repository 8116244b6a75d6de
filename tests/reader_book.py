"""A small book for the reading-system tests: a subtitle, a description, editors or none, a chapter
opening with every part of a chapter head, images with and without a caption, and notes."""

from __future__ import annotations

from pathlib import Path

from epub_books import png
from helpers import chapter, write_book

TOML = """[book]
title = "Harbour Lights"
subtitle = "Pieces from the quayside"
description = "Two writers on the harbour at night: the lights, the boats and the people who keep them."
language = "en-GB"
publisher = "Quay Press"
date = 2024-03-01
"""
EDITORS = 'editors = ["Nia Penhallow", "Dr Tom Vosper"]\n'

BODY = """The harbour at night is a field of small lights, each one a boat or a house or a lamp on the wall[^1].
The tide comes in twice a day and the lights rise with it, slowly, until they stand level with the quay.

![A lamp on the harbour wall at dusk](lamp.png)

The keepers walk the wall at eight, at midnight and at four. Nobody remembers who began it.

![A boat at its mooring](boat.png "The last boat in, moored by the steps")

![The lamp again](lamp.png) ![The boat again](boat.png)

Each keeper writes a line in the book in the hut: the weather, the lights, anything unusual[^2].

[^1]: Thirty-one lights on a clear night, by the keepers' count; fewer in fog.
[^2]: The book goes back to 1911, with a gap in the war years.

    The gap is two winters long.
"""

SECOND = "The boats go out before light and come back when the market opens.\n"


def write_reader_book(root: Path, editors: bool = False) -> Path:
    toml = TOML.replace("[book]\n", "[book]\n" + (EDITORS if editors else ""))
    chapters = {
        "01-lights.md": chapter(
            "The harbour lights and the keepers who walk the wall", "Morwenna Trelawny", BODY,
            byline="Harbour keeper since 1998", date="2023-11-02", summary="How the lights are kept.",
            source="https://example.org/harbour/lights",
        ),
        "02-boats.md": chapter("Boats", "Jory Pascoe", SECOND, source="https://example.org/harbour/boats"),
    }
    write_book(root, chapters, toml)
    png(root / "chapters" / "lamp.png", "#224466", (400, 300))
    png(root / "chapters" / "boat.png", "#446622", (300, 300))
    return root
