"""Images of imported posts: found locally (beside the export, in a saved page's folder, inside a .docx)
and copied into chapters/images/, or, when only on the web, named for the editor to download.

A local image is copied only from the folder of the file being imported, under the containment rule
of ``safety``: ``file:`` URLs, absolute paths and ``../`` that leave that folder (directly or through
a link) are refused with a warning, so an export cannot make the import copy a file it was not given.
An image already in chapters/images/ is never replaced unless ``force`` is given: the new one gets a
free name instead.
"""

from __future__ import annotations

import base64
import binascii
import io
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

from ..markup.images import MAX_PIXELS
from ..markup.render import IMAGE_TYPES
from ..project.safety import MAX_IMAGE_BYTES, Refusal, contained, local_file, read_contained
from ..text import slugify

IMAGE_DIR = "images"
_MEDIA_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg", "image/webp": ".webp"}
_SIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")  # WordPress's resized copies: photo-300x200.jpg


@dataclass(frozen=True)
class StagedImage:
    name: str  # file name inside chapters/images/
    data: bytes


@dataclass
class ImageSink:
    """Collects the images of one chapter; `place` returns the path the Markdown should use."""

    stem: str  # the chapter file's stem, which prefixes every image name
    base: Path  # where local images are looked for: the imported file's folder, and nothing outside it
    existing: Path | None = None  # chapters/images/: its files are replaced only with ``force``
    force: bool = False
    alts: Mapping[str, str] = field(default_factory=dict)
    images: list[StagedImage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    remote: list[tuple[str, str]] | None = None  # with --fetch-images: (address, file name) to download
    _names: set[str] = field(default_factory=set)

    def place(self, src: str, alt: str) -> tuple[str, str]:
        """Return (path relative to the chapter file, alt text) for an <img src>."""
        src = src.strip()
        alt = alt.strip() or self.alts.get(src, "") or self.alts.get(_SIZED.sub("", src), "")
        if src.startswith("data:"):
            return self._data_uri(src), alt
        parts = urlsplit(src)
        if parts.scheme in ("http", "https") or src.startswith("//"):
            local = self._find_local(unquote(parts.path))
            if local is not None:
                return self._copy(local, src), alt
            name = self._name(PurePosixPath(unquote(parts.path)).name or "image")
            if self.remote is not None:
                self.remote.append((src, name))
                if not alt:
                    self.warnings.append(f"image {src} has no alt text: add a description")
                return f"{IMAGE_DIR}/{name}", alt
            self.warnings.append(
                f"image {src} is on the web: download it to chapters/{IMAGE_DIR}/{name}"
                + ("" if alt else " (it has no alt text: add a description)")
            )
            return f"{IMAGE_DIR}/{name}", alt
        found = Refusal("remote", "is a file: URL") if parts.scheme else local_file(src, self.base, self.base, MAX_IMAGE_BYTES)
        if isinstance(found, Refusal):
            name = self._name(PurePosixPath(unquote(parts.path)).name or "image")
            if found.kind == "missing":
                self.warnings.append(f"image {src} not found beside the source: copy it to chapters/{IMAGE_DIR}/{name}")
            else:
                self.warnings.append(
                    f"image {src} {found.reason}: it was not copied (an import copies only files in the folder of what it imports); "
                    f"if you mean to use it, copy it to chapters/{IMAGE_DIR}/{name} yourself"
                )
            return f"{IMAGE_DIR}/{name}", alt
        return self._copy(found, src), alt

    def _find_local(self, url_path: str) -> Path | None:
        """A web image that was exported alongside: …/wp-content/uploads/2019/04/a.jpg, uploads/…, a.jpg."""
        segments = [s for s in url_path.split("/") if s]
        if not segments:
            return None
        wanted = [segments]
        unsized = _SIZED.sub("", segments[-1])
        if unsized != segments[-1]:
            wanted.append(segments[:-1] + [unsized])
        for parts in wanted:
            for start in range(len(parts)):
                candidate = contained(self.base.joinpath(*parts[start:]), self.base, MAX_IMAGE_BYTES)
                if isinstance(candidate, Path):
                    return candidate
        return None

    def _data_uri(self, src: str) -> str:
        header, _, payload = src.partition(",")
        media = header[5:].split(";")[0].lower()
        try:
            data = base64.b64decode(payload, validate=False) if ";base64" in header else unquote(payload).encode()
        except (binascii.Error, ValueError):
            self.warnings.append("an embedded image could not be decoded and was left out")
            return ""
        suffix = _MEDIA_SUFFIX.get(media) or mimetypes.guess_extension(media) or "." + media.rsplit("-", 1)[-1].rsplit("/", 1)[-1]
        return self._stage(data, "image" + suffix, "an embedded picture")

    def _copy(self, path: Path, src: str) -> str:
        data = read_contained(path, self.base, MAX_IMAGE_BYTES)
        if isinstance(data, Refusal):
            self.warnings.append(f"image {src} {data.reason}: it was not copied")
            return ""
        return self._stage(data, path.name, src)

    def _stage(self, data: bytes, original: str, src: str) -> str:
        suffix = PurePosixPath(original).suffix.lower()
        if suffix not in IMAGE_TYPES:
            converted = _to_png(data)
            if converted is None:
                wanted = self._name(PurePosixPath(original).stem + ".png")
                raw = self._name(original, keep_suffix=True)
                self.images.append(StagedImage(raw, data))
                self.warnings.append(
                    f"{src} is a {suffix.lstrip('.').upper() or 'kind of'} picture that books cannot show: saved as "
                    f"chapters/{IMAGE_DIR}/{raw}; convert it to chapters/{IMAGE_DIR}/{wanted}"
                )
                return f"{IMAGE_DIR}/{wanted}"
            data, original = converted, PurePosixPath(original).stem + ".png"
        name = self._name(original)
        self.images.append(StagedImage(name, data))
        return f"{IMAGE_DIR}/{name}"

    def _name(self, original: str, keep_suffix: bool = False) -> str:
        path = PurePosixPath(original)
        suffix = path.suffix.lower() if keep_suffix or path.suffix.lower() in IMAGE_TYPES else ".png"
        base = f"{self.stem}-{slugify(path.stem, fallback='image')}"
        name, n = f"{base}{suffix}", 2
        while name in self._names or self._taken(name):
            name, n = f"{base}-{n}{suffix}", n + 1
        self._names.add(name)
        return name


    def _taken(self, name: str) -> bool:
        """Whether chapters/images/ already holds ``name`` (or a link by that name) that must not be replaced."""
        if self.force or self.existing is None:
            return False
        path = self.existing / name
        return path.exists() or path.is_symlink()


def _to_png(data: bytes) -> bytes | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                return None
            out = io.BytesIO()
            image.save(out, format="PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return None
