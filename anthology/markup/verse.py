"""What Python-Markdown lacks and writers use: verse and hard line breaks.

- Line blocks, as pandoc writes them: each line of a poem starts with ``| ``; a line that starts with a
  space continues the line above (one long line, wrapped in the source); ``|`` alone, or a blank line
  between two line blocks, is a stanza break; spaces after ``| `` indent the line.
- A fenced verse block, ``::: verse`` (or ``::: {.verse}``) up to ``:::``: every line inside is a line
  of the poem, a blank line a stanza break. It is the same as writing each line with ``| ``.
- A backslash at the end of a line is a hard line break, like two spaces there.

A poem becomes ``<div class="verse">`` holding one ``<div class="stanza">`` per stanza, with each line
a ``<p class="line">`` (so every reading system keeps the lines apart, even one that ignores our
stylesheets); the stylesheets indent a line's turnover, not its start, and never justify it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

VERSE_CLASS = "verse"
STANZA_CLASS = "stanza"
LINE_CLASS = "line"
_LINE = re.compile(r"^\|(?: |$)")
_FENCE_OPEN = re.compile(r"^:{3,}[ \t]*(?:verse|\{[ \t]*\.verse[ \t]*\})[ \t]*$")
_FENCE_CLOSE = re.compile(r"^:{3,}[ \t]*$")
_INDENT = re.compile(r"^[ \t]+")
# The first line of a '::: verse' block: a new poem, never a stanza of a line block just above it. A
# control character no chapter can hold (markup strips them from the source before Markdown runs).
_NEW_POEM = "|\x02"


class _VerseFences(Preprocessor):
    """``::: verse`` … ``:::`` to line-block lines (runs after fenced code is set aside)."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        inside = False
        for line in lines:
            if not inside and _FENCE_OPEN.match(line):
                inside = True
                out += ["", _NEW_POEM]
            elif inside and _FENCE_CLOSE.match(line):
                inside = False
                out.append("")
            elif inside:
                out.append(f"| {line.rstrip()}" if line.strip() else "|")
            else:
                out.append(line)
        return out


class _LineBlocks(BlockProcessor):
    """A block whose first line starts with ``| ``: a stanza (or several) of verse."""

    def test(self, parent: ElementTree.Element, block: str) -> bool:
        return bool(_LINE.match(block)) or block.startswith(_NEW_POEM)

    def run(self, parent: ElementTree.Element, blocks: list[str]) -> None:
        lines: list[str | None] = []  # None: a stanza break
        rest: list[str] = []
        raw_lines = blocks.pop(0).split("\n")
        new_poem = raw_lines[0] == _NEW_POEM
        if new_poem:
            raw_lines.pop(0)
        for index, raw in enumerate(raw_lines):
            if _LINE.match(raw):
                content = raw[2:].rstrip()
                lines.append(content if content.strip() else None)
            elif raw[:1] in (" ", "\t") and raw.strip() and lines and lines[-1] is not None:
                lines[-1] = f"{lines[-1]} {raw.strip()}"
            else:  # the line block ends; what follows is ordinary Markdown
                rest = raw_lines[index:]
                break
        if rest:
            blocks.insert(0, "\n".join(rest))
        if not any(line is not None for line in lines):
            return
        previous = parent[-1] if len(parent) else None
        if not new_poem and previous is not None and previous.tag == "div" and previous.get("class") == VERSE_CLASS:
            verse = previous  # a blank line between two line blocks: a new stanza of the same poem
        else:
            verse = ElementTree.SubElement(parent, "div", {"class": VERSE_CLASS})
        stanza: ElementTree.Element | None = None
        for text in lines:
            if text is None:
                stanza = None
                continue
            if stanza is None:
                stanza = ElementTree.SubElement(verse, "div", {"class": STANZA_CLASS})
            line = ElementTree.SubElement(stanza, "p", {"class": LINE_CLASS})
            indent = _INDENT.match(text)
            line.text = ("\u00a0" * len(indent.group(0).expandtabs(4)) + text[indent.end():]) if indent else text


class _BackslashBreak(InlineProcessor):
    """A backslash at the end of a line (not an escaped one): a line break."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ElementTree.Element, int, int]:  # type: ignore[override]
        return ElementTree.Element("br"), m.start(0), m.end(0)


class VerseExtension(Extension):
    """Line blocks, ``::: verse`` blocks and backslash line breaks for Python-Markdown."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_VerseFences(md), "verse_fences", 22)
        md.parser.blockprocessors.register(_LineBlocks(md.parser), "line_blocks", 74)
        # after code spans (190), before escapes (180): '\' + newline is not an escape Markdown knows
        md.inlinePatterns.register(_BackslashBreak(r"(?<!\\)\\\n", md), "backslash_break", 185)
