"""A plain-language accessibility statement, from the same facts as the EPUB's metadata."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .record import CatalogueRecord

FEATURES = {
    "structuralNavigation": "Headings mark every chapter and section, so a screen reader can move from one to the next.",
    "tableOfContents": "A table of contents links to every chapter.",
    "readingOrder": "The reading order is the order of the text; nothing has to be read out of sequence.",
    "ARIA": "Parts of the book (chapters, notes, contents) are marked for assistive technology.",
    "displayTransformability": "Text can be resized, and fonts and colours changed, in any reading app.",
    "annotations": "Footnotes are linked to where they are called and link back again.",
    "alternativeText": "Every image that carries meaning has a text description.",
    "printPageNumbers": "Page numbers of the printed edition are marked, so page references work in the e-book too.",
    "pageNavigation": "A list of pages lets readers go straight to a page of the printed edition.",
}
HAZARDS = {
    "none": "The book contains nothing that flashes, moves or makes sound.",
    "unknownFlashingHazard": "The book contains animated images that have not been checked for flashing.",
    "noMotionSimulationHazard": "There is no motion simulation.",
    "noSoundHazard": "There is no sound.",
}


def statement_html(record: CatalogueRecord) -> bytes:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    facts = record.accessibility
    text = environment.get_template("accessibility.html").render(
        record=record,
        facts=facts,
        features=[FEATURES[f] for f in facts.features if f in FEATURES],
        hazards=[HAZARDS[h] for h in facts.hazards if h in HAZARDS],
        reading_without_sight="textual" in facts.access_modes_sufficient,
    )
    return text.encode("utf-8")
