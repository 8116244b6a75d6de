"""Notes at the foot of the page, for the print edition.

The markup stage splits each chapter's notes out as Note records; the EPUB and HTML editions list
them after the chapter. For print, ``notes_at_calls`` puts each note's text right after its call as
a ``<span class="footnote">`` that the print stylesheet floats to the foot of the page
(``float: footnote``), so WeasyPrint sets it on the page of the call.

WeasyPrint never splits a note across pages: a note taller than the note area (three quarters of
the page, see print.css) would be set whole on the page after its call and run past that page's
foot, so a note longer than ``foot_limit`` is left after the chapter, as an endnote, and
``too_long_notes`` warns of each note that long, for the build to report.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree

from ..errors import Diagnostic
from ..markup.render import XHTML_NS, ChapterMarkup, Note, serialise_fragment
from ..project.model import Chapter
from .profiles import PrintSettings

PT_PER_MM = 72 / 25.4
NOTE_AREA = 0.75  # of the text block's height: @footnote's max-height in print.css
NOTE_TYPE = 0.8  # the notes' type size, of the body's
NOTE_LEADING = 1.32  # their line height
CHARACTER = 0.5  # an average character's width, in ems

_WRAP = f'<div xmlns="{XHTML_NS}" xmlns:epub="http://www.idpf.org/2007/ops">'
# Block elements a note may hold; inside a paragraph they become spans displayed as blocks.
_BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "pre", "table", "thead", "tbody", "tr", "td", "th",
           "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "figure", "figcaption", "section", "aside", "hr"}


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def parse_fragment(fragment: str) -> etree._Element:
    return etree.fromstring((_WRAP + fragment + "</div>").encode("utf-8"))


def q(name: str) -> str:
    return f"{{{XHTML_NS}}}{name}"


def _note_span(note: Note) -> etree._Element:
    span = etree.Element(q("span"))
    span.set("id", note.id)
    span.set("class", "footnote")
    span.set("role", "doc-footnote")
    span.set("data-number", str(note.number))
    content = parse_fragment(note.xhtml)
    # Whitespace around blocks would become lines of its own once the blocks are spans (before
    # the first block, it would push the note's text below its number).
    for element in list(content.iter()):
        if not isinstance(element.tag, str) or etree.QName(element).localname not in _BLOCKS:
            continue
        if not (element.tail or "").strip():
            element.tail = None
        parent = element.getparent()
        if parent is not None and parent[0] is element and not (parent.text or "").strip():
            parent.text = None
    span.text = content.text
    for child in list(content):
        span.append(child)
    for element in span.iter():
        if element is span or not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in _BLOCKS:
            element.set("class", " ".join(filter(None, [element.get("class"), f"note-{local}"])))
            element.tag = q("span")
    return span


def _label_without_calls(heading: etree._Element) -> None:
    """A heading holding a note call keeps its bookmark label free of the call and the note."""
    copy = etree.fromstring(etree.tostring(heading))
    for element in list(copy.iter(q("sup"), q("span"))):
        if element.get("class") == "footnote" or element.find(q("a")) is not None:
            parent = element.getparent()
            if parent is not None:
                previous = element.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + (element.tail or "")
                else:
                    parent.text = (parent.text or "") + (element.tail or "")
                parent.remove(element)
    heading.set("data-label", " ".join("".join(copy.itertext()).split()))


def note_text(note: Note) -> str:
    return " ".join("".join(parse_fragment(note.xhtml).itertext()).split())


def notes_at_calls(markup: ChapterMarkup, limit: int | None = None) -> ChapterMarkup:
    """The chapter with each note's text placed at its first call, and no notes left after it but
    those longer than ``limit`` characters: too long for the foot of a page (WeasyPrint cannot carry a
    note over to the next page), they are set after the chapter, as its endnotes."""
    if not markup.notes:
        return markup
    root = parse_fragment(markup.xhtml)
    notes = {note.id: note for note in markup.notes if limit is None or len(note_text(note)) <= limit}
    placed: set[str] = set()
    for call in list(root.iter(q("a"))):
        if "noteref" not in (call.get("class") or "").split():
            continue
        target = call.get("href", "")[1:]
        if target not in notes or target in placed:
            continue
        anchor = call.getparent() if etree.QName(call.getparent()).localname == "sup" else call
        span = _note_span(notes[target])
        span.tail = anchor.tail
        anchor.tail = None
        anchor.addnext(span)
        placed.add(target)
        heading = next((a for a in call.iterancestors() if etree.QName(a).localname in _HEADINGS), None)
        if heading is not None:
            _label_without_calls(heading)
    # A note whose call was lost (never expected from the markup stage) still reaches the reader.
    left = tuple(n for n in markup.notes if n.id not in placed)
    return dataclasses.replace(markup, xhtml=serialise_fragment(root), notes=left)


def note_capacity(settings: PrintSettings) -> int:
    """About how many characters of note text the note area of a page holds in ``settings``'s profile."""
    profile = settings.profile
    size = profile.font_size * NOTE_TYPE
    lines = (profile.text_height * NOTE_AREA * PT_PER_MM - 8) / (size * NOTE_LEADING)
    per_line = (profile.width - profile.inner - profile.outer) * PT_PER_MM / (size * CHARACTER)
    return int(lines * per_line)


def _line_of(chapter: Chapter, text: str) -> int | None:
    words = text.split()[:4]
    if not words:
        return None
    found = re.search(r"\W+".join(re.escape(w) for w in words), chapter.markdown)
    return None if found is None else chapter.body_line + chapter.markdown.count("\n", 0, found.start())


def foot_limit(settings: PrintSettings) -> int:
    """The longest note set at the foot of a page: 90% of ``note_capacity``, so as to be sure."""
    return int(note_capacity(settings) * 0.9)


def too_long_notes(markups: list[ChapterMarkup], settings: PrintSettings) -> list[Diagnostic]:
    """A warning for each note too long for the foot of a page (``foot_limit``): it is set after its
    chapter instead (``notes_at_calls``)."""
    limit = foot_limit(settings)
    warnings = []
    for markup in markups:
        chapter = markup.chapter
        if not isinstance(chapter, Chapter):
            continue
        for note in markup.notes:
            text = note_text(note)
            if len(text) > limit:
                warnings.append(Diagnostic(
                    chapter.source, f"note {note.number} is too long for the foot of a page ({len(text)} characters; "
                    f"the notes of a page in the {settings.profile.name} profile hold about {limit}): in print it is set after the chapter, "
                    "as an endnote, where it has room",
                    line=_line_of(chapter, text), level="warning", hint="shorten the note, or move part of it into the chapter's text, to keep it at the foot of its page"))
    return warnings
