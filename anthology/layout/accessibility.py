"""Accessibility facts of a book, derived from its content: what the EPUB metadata (and later an
ONIX record or an accessibility statement) may truthfully claim.

``accessibility_facts`` turns the book's content into schema.org terms; an image without a
description breaks the claims (markup refuses one unless it is marked decorative).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from PIL import Image, UnidentifiedImageError

from ..markup.render import XHTML_NS, ChapterMarkup
from ..project.model import Book

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
DECORATIVE = "decorative"  # the class that marks an image as decoration: ![](rule.png){: .decorative}


@dataclass(frozen=True)
class ImageFacts:
    """What the book's images are: informative ones carry a description, decorative ones are marked."""

    informative: int = 0
    decorative: int = 0
    undescribed: tuple[str, ...] = ()  # images with neither a description nor the decorative mark
    animated: bool = False  # an animated GIF or WebP might flash


@dataclass(frozen=True)
class AccessibilityFacts:
    access_modes: tuple[str, ...]
    access_modes_sufficient: tuple[str, ...]  # each a comma-separated set, e.g. "textual"
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    conforms_to: str | None  # CONFORMANCE when the book meets it

    def meta(self) -> list[tuple[str, str]]:
        """(property, value) pairs for an EPUB package document, in a stable order."""
        pairs = [("schema:accessMode", m) for m in self.access_modes]
        pairs += [("schema:accessModeSufficient", m) for m in self.access_modes_sufficient]
        pairs += [("schema:accessibilityFeature", f) for f in self.features]
        pairs += [("schema:accessibilityHazard", h) for h in self.hazards]
        pairs.append(("schema:accessibilitySummary", self.summary))
        return pairs


def _images(markup: ChapterMarkup) -> list[etree._Element]:
    root = etree.fromstring(f'<div xmlns="{XHTML_NS}" xmlns:epub="http://www.idpf.org/2007/ops">{markup.xhtml}</div>'.encode("utf-8"))
    return list(root.iter(f"{{{XHTML_NS}}}img"))


def _is_decorative(img: etree._Element) -> bool:
    return DECORATIVE in (img.get("class") or "").split() or img.get("role") in ("presentation", "none")


def _animated(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            return bool(getattr(image, "is_animated", False))
    except (OSError, UnidentifiedImageError):
        return False


def image_facts(markups: list[ChapterMarkup] | tuple[ChapterMarkup, ...]) -> ImageFacts:
    informative = decorative = 0
    undescribed: list[str] = []
    sources: dict[str, Path] = {}
    for markup in markups:
        sources.update({a.name: a.source for a in markup.assets})
        for img in _images(markup):
            if _is_decorative(img):
                decorative += 1
            elif (img.get("alt") or "").strip() or (img.get("title") or "").strip():  # described, or captioned
                informative += 1
            else:
                undescribed.append(f"{markup.chapter.source}: {img.get('src', '')}")
    animated = any(_animated(path) for path in sources.values())
    return ImageFacts(informative, decorative, tuple(undescribed), animated)


def accessibility_facts(book: Book, markups: list[ChapterMarkup] | tuple[ChapterMarkup, ...], page_list: bool = False) -> AccessibilityFacts:
    """What the book offers a reader who cannot see, or cannot see well, derived from its content."""
    images = image_facts(markups)
    has_images = images.informative + images.decorative > 0
    modes = ("textual", "visual") if images.informative else ("textual",)
    # Every informative image is described, so the text alone carries everything.
    sufficient = ("textual",) if not images.informative else ("textual", "textual,visual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "ARIA", "displayTransformability"]
    if any(m.notes for m in markups):
        features.append("annotations")
    if images.informative and not images.undescribed:
        features.append("alternativeText")
    if page_list:
        features += ["printPageNumbers", "pageNavigation"]
    if images.animated:
        hazards: tuple[str, ...] = ("unknownFlashingHazard", "noMotionSimulationHazard", "noSoundHazard")
    else:
        hazards = ("none",)
    meets = not images.undescribed and not _templates_overridden(book)
    summary = _summary(book, markups, images, has_images, page_list, meets)
    return AccessibilityFacts(modes, sufficient, tuple(features), hazards, summary, CONFORMANCE if meets else None)


def _templates_overridden(book: Book) -> bool:
    """A book with its own templates has markup we did not write, so we claim nothing for it."""
    folder = book.config.project_dir / "templates"
    return folder.is_dir() and any(folder.iterdir())


def _summary(book: Book, markups: list[ChapterMarkup] | tuple[ChapterMarkup, ...], images: ImageFacts, has_images: bool, page_list: bool, meets: bool) -> str:
    parts = []
    if meets:
        parts.append("This publication meets WCAG 2.2 Level AA.")
    parts.append(
        f"It has a table of contents and structured headings for each of its {len(markups)} chapters, "
        "a logical reading order, and text the reader can resize and restyle."
    )
    langs = sorted({m.chapter.lang for m in markups} - {book.language})
    if langs:
        parts.append("Chapters not in the book's main language are marked with their own language (" + ", ".join(langs) + ").")
    if images.informative:
        parts.append("Every informative image has a text description.")
    elif has_images:
        parts.append("Its images are decorative only.")
    if any(m.notes for m in markups):
        parts.append("Footnotes are linked both ways and can be shown as pop-ups.")
    if page_list:
        parts.append("Page numbers of the print edition are marked in the text and listed in the navigation.")
    if images.animated:
        parts.append("It contains animated images, which have not been checked for flashing.")
    else:
        parts.append("It has no flashing, motion or sound hazards.")
    return re.sub(r"\s+", " ", " ".join(parts))
