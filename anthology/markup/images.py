"""What an image file really holds: its format (from its bytes, not its name), size, and whether it is safe.

Raster images are opened with Pillow (header and checksums, not every pixel); SVG files are parsed
without entities or network and refused when they hold scripts, event handlers or references to
other files. ``inspect_image`` raises ImageProblem with a message and what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from PIL import Image, UnidentifiedImageError

from ..project.safety import css_references

MAX_PIXELS = 40_000_000  # 8000 x 5000; far more than a printed A5 page or any reader's screen needs
MAX_BYTES = 30_000_000
RASTER_FORMATS = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
_CSS_EXTERNAL = re.compile(r"@import|url\(\s*['\"]?(?!#)", re.IGNORECASE)


@dataclass(frozen=True)
class ImageInfo:
    media_type: str
    extension: str  # with the dot: '.png'
    width: int | None = None
    height: int | None = None


class ImageProblem(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def inspect_image(path: Path) -> ImageInfo:
    """Check one image file; raise ImageProblem saying what is wrong and what to do."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImageProblem(
                f"is {size / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB",
                "save it smaller: 3000 pixels on the longest side is plenty for print",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImageProblem(f"cannot be read ({exc.strerror or exc})", "check the file's permissions") from None
    if path.suffix.lower() == ".svg":
        return _inspect_svg(data)
    return _inspect_raster(path)


def _inspect_raster(path: Path) -> ImageInfo:
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # we check the size ourselves, with a message that says what to do
    try:
        with Image.open(path) as image:
            kind = image.format or "unknown"
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageProblem(
                    f"is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels); "
                    f"the limit is {MAX_PIXELS / 1e6:.0f} megapixels",
                    "scale it down: 3000 pixels on the longest side is plenty for print",
                )
            image.verify()
    except UnidentifiedImageError:
        raise ImageProblem(
            "is not an image (its contents are not PNG, JPEG, GIF, WebP or SVG)",
            "export it again from an image editor, or remove the reference",
        ) from None
    except ImageProblem:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageProblem(f"is damaged ({exc})", "export it again from an image editor") from None
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    if kind not in RASTER_FORMATS:
        raise ImageProblem(
            f"is a {kind} image, which EPUB readers cannot show",
            "convert it to PNG or JPEG",
        )
    media_type, extension = RASTER_FORMATS[kind]
    return ImageInfo(media_type, extension, width, height)


def _inspect_svg(data: bytes) -> ImageInfo:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"is not a well-formed SVG file ({exc})", "export it again from a drawing program") from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or b"<!ENTITY" in data:
        raise ImageProblem("declares a DOCTYPE or entities", "remove the <!DOCTYPE ...> part from the SVG file")
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageProblem("is not an SVG image (its root element is not <svg>)", "export it again as SVG")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in _SVG_FORBIDDEN:
            raise ImageProblem(f"holds a <{name}> element", "remove scripts and embedded content from the SVG file")
        if name == "style" and _loads_files(element.text or ""):
            raise ImageProblem("has a stylesheet that loads other files", "remove @import and url() from the SVG file")
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            if local.lower().startswith("on"):
                raise ImageProblem(f"has an event handler ({local})", "remove scripts from the SVG file")
            if (attribute == XLINK_HREF or local == "href") and not value.strip().startswith("#"):
                raise ImageProblem(f"refers to another file ({value[:60]})", "embed everything in the SVG, or use a PNG")
            if local == "style" and _loads_files(value):
                raise ImageProblem("has a style that loads other files", "remove url() from the SVG file")
    return ImageInfo("image/svg+xml", ".svg")


def _loads_files(css: str) -> bool:
    """Whether CSS inside an SVG would load anything: a pattern first, then a real tokenizer (escapes)."""
    return bool(_CSS_EXTERNAL.search(css)) or any(not url.strip().startswith("#") for _, url in css_references(css))
