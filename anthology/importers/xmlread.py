"""Safe, streaming XML reading for exports and feeds.

Every XML file goes through defusedxml (no entity expansion, no DTDs fetched, no external references)
and is read with iterparse, so an export of any size is held one item at a time. Malformed XML becomes
an ImportSourceError that names the file and the line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO

import defusedxml
import defusedxml.ElementTree as SafeET

from ..errors import Diagnostic, ImportSourceError

Event = tuple[str, ET.Element | tuple[str, str]]


def iterparse(path: Path, events: tuple[str, ...] = ("start", "end")) -> Generator[Event, None, None]:
    """iterparse over a file with defusedxml's guards; errors name the file and line."""
    try:
        handle: IO[bytes] = path.open("rb")
    except OSError as exc:
        raise ImportSourceError(Diagnostic(path, f"cannot read: {exc.strerror}", hint="check the path")) from None
    with handle:
        try:
            yield from SafeET.iterparse(handle, events=events, forbid_dtd=True)
        except ET.ParseError as exc:
            line, column = exc.position
            reason = str(exc).split(":")[0]
            raise ImportSourceError(
                Diagnostic(
                    path,
                    f"is not well-formed XML: {reason} (column {column + 1})",
                    line=line,
                    hint="the export is damaged or incomplete: export it again, or repair the XML at that line",
                )
            ) from None
        except defusedxml.DefusedXmlException as exc:
            raise ImportSourceError(
                Diagnostic(
                    path,
                    f"refused: the XML declares a DTD, entities or external references ({type(exc).__name__})",
                    hint="blog exports and feeds do not need these; remove the <!DOCTYPE …> declaration",
                )
            ) from None


def local(tag: str) -> str:
    """'{http://purl.org/rss/1.0/modules/content/}encoded' -> 'encoded'."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def child_text(element: ET.Element, name: str, ns: str | None = None) -> str:
    """Text of the first child called `name` (in namespace `ns`, or any namespace when None)."""
    for child in element:
        if local(child.tag) == name and (ns is None or namespace(child.tag) == ns):
            return (child.text or "").strip()
    return ""


def children(element: ET.Element, name: str, ns: str | None = None) -> list[ET.Element]:
    return [c for c in element if local(c.tag) == name and (ns is None or namespace(c.tag) == ns)]


def stream_items(
    path: Path, item: Callable[[ET.Element, list[ET.Element]], bool]
) -> Iterator[tuple[ET.Element, list[ET.Element]]]:
    """Yield each element for which item(element, ancestors) is true, once fully read, then free it.

    Everything already yielded is removed from the tree, so memory holds one item at a time plus
    the small elements that came before it at the top level.
    """
    stack: list[ET.Element] = []
    for event, element in iterparse(path):
        assert isinstance(element, ET.Element)
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        if item(element, stack):
            yield element, stack
            if stack:
                stack[-1].remove(element)
            element.clear()
