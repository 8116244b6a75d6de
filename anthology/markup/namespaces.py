"""The XML namespaces of the markup and the layout, and the local name of an element's tag."""

from __future__ import annotations

from typing import Any

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


def local_name(element: Any) -> str:
    """The tag of an lxml element without its namespace; '' for a comment or processing instruction."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
