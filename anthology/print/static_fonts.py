"""Variable fonts embedded as static instances made once, not once per PDF.

A PDF cannot hold a variable font, so WeasyPrint turns each variable font it embeds into a static
one at the weight and optical size used, after subsetting; with glyph ids kept, that costs about a
tenth of a second per font and size, again for every PDF. A book laid out in many chunks embeds
the same instances in every chunk, so here each instance is made once from the whole font (without
the layout tables that the PDF drops anyway), kept in a per-user cache folder, and handed to
WeasyPrint as the face to subset: the glyphs are the same, only the work is not repeated.

HarfBuzz's instancer (through uharfbuzz) makes a whole-font instance of Literata in about 0.04 s,
fontTools' in about 0.7 s: the first build of the sample book needs 15 instances, so making them is
no longer most of its time (see docs/benchmarks.md, "First build").

While ``static_instances()`` is active, WeasyPrint's font cleaning is wrapped; a font that is not
variable, or has axes other than weight and optical size, is left to WeasyPrint, as is any font
whose instance cannot be made here.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uharfbuzz
from fontTools.ttLib import TTFont
from weasyprint.text.ffi import ffi, harfbuzz

from .. import partfiles
from . import patches

AXES = frozenset({"wght", "opsz"})
DROPPED = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")  # what the PDF's subset drops
VARIABLE_TABLES = frozenset({"fvar", "gvar", "avar", "cvar", "HVAR", "VVAR", "MVAR", "STAT"})

_instances: dict[str, bytes] = {}
_axes: dict[str, frozenset[str]] = {}
_digests: dict[int, list[tuple[bytes, str]]] = {}  # by length: font files seen, with their SHA-256
_declared = False


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "anthology" / "fonts"


def _declare() -> None:
    """The two HarfBuzz calls needed to make a face from bytes (WeasyPrint does not declare them)."""
    global _declared
    if not _declared:
        ffi.cdef(
            "hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode, void *user_data, void *destroy);"
            "hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);"
        )
        _declared = True


def _face(data: bytes) -> Any:
    _declare()
    blob = harfbuzz.hb_blob_create(data, len(data), 0, ffi.NULL, ffi.NULL)  # mode 0: HarfBuzz copies the bytes
    try:
        return ffi.gc(harfbuzz.hb_face_create(blob, 0), harfbuzz.hb_face_destroy)
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _digest(data: bytes) -> str:
    """The SHA-256 of a font file. WeasyPrint hands over a fresh copy of the same file for every PDF;
    comparing bytes with a file seen before costs a fiftieth of hashing them again."""
    seen = _digests.setdefault(len(data), [])
    for known, key in seen:
        if known == data:
            return key
    key = hashlib.sha256(data).hexdigest()
    seen.append((data, key))
    return key


def _font_axes(key: str, data: bytes, index: int) -> frozenset[str]:
    if key not in _axes:
        font = TTFont(io.BytesIO(data), fontNumber=index, lazy=True)
        _axes[key] = frozenset(axis.axisTag for axis in font["fvar"].axes)
    return _axes[key]


def _read(folder: Path, key: str) -> bytes | None:
    for path in folder.glob(f"{key}-*.ttf"):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if path.stem.endswith("-" + hashlib.sha256(data).hexdigest()[:16]):
            return data
        path.unlink(missing_ok=True)
    return None


def _store(folder: Path, key: str, data: bytes) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partfiles.clear_leftovers(folder)
        handle, name = tempfile.mkstemp(dir=folder, prefix=partfiles.cache_prefix())
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(name, folder / f"{key}-{hashlib.sha256(data).hexdigest()[:16]}.ttf")
    except OSError:
        return


def _make(data: bytes, index: int, location: dict[str, float]) -> bytes:
    """The whole font, every glyph at its own id, pinned at ``location`` on its axes (a static font)."""
    face = uharfbuzz.Face(uharfbuzz.Blob(data), index)
    wanted = uharfbuzz.SubsetInput()
    wanted.keep_everything()
    wanted.flags |= uharfbuzz.SubsetFlags.RETAIN_GIDS
    for tag in DROPPED:
        wanted.drop_table_tag_set.add(_tag(tag))
    for axis, value in sorted(location.items()):
        if not wanted.pin_axis_location(face, axis, value):
            raise ValueError(f"cannot pin axis {axis} at {value}")
    static = uharfbuzz.subset(face, wanted)
    if static is None:
        raise ValueError("HarfBuzz could not make the instance")
    return bytes(static.blob.data)


def _tag(name: str) -> int:
    """An OpenType tag as HarfBuzz's 32-bit number."""
    return int.from_bytes(name.encode("ascii"), "big")


def instance(data: bytes, index: int, location: dict[str, float], font_key: str | None = None) -> bytes:
    """The static instance of a variable font at ``location``, from memory, the cache folder or made now
    (``font_key``: the hash of ``data``, when known)."""
    font_key = font_key or hashlib.sha256(data).hexdigest()
    where = ",".join(f"{axis}={value:g}" for axis, value in sorted(location.items()))
    key = hashlib.sha256(f"{font_key}:{index}:{where}:harfbuzz {uharfbuzz.__version__}".encode()).hexdigest()[:32]
    if key not in _instances:
        folder = cache_folder()
        found = _read(folder, key)
        if found is None:
            found = _make(data, index, location)
            _store(folder, key, found)
        _instances[key] = found
    return _instances[key]


def _location(font: Any, axes: frozenset[str]) -> dict[str, float]:
    """Where on its axes WeasyPrint puts the font: the variations asked for, else the weight and size used."""
    location = {axis: float(value) for axis, value in font.variations.items() if axis in axes}
    if "wght" in axes and "wght" not in location:
        location["wght"] = float(font.weight)
    if "opsz" in axes and "opsz" not in location:
        location["opsz"] = float(font.font_size)
    return location


def _static_face(font: Any) -> tuple[Any, bytes] | None:
    if "fvar" not in font.tables:
        return None
    data = font.file_content
    key = _digest(data)
    axes = _font_axes(key, data, font.index)
    if not axes <= AXES or set(font.variations) - AXES:
        return None
    static = instance(data, font.index, _location(font, axes), key)
    return _face(static), static


@contextlib.contextmanager
def static_instances() -> Iterator[None]:
    """While active, WeasyPrint embeds variable fonts through ``instance``."""

    def replace(font: Any) -> None:
        made = _static_face(font)
        if made is not None:
            font.hb_face, font.file_content = made
            font.index = 0
            font.tables = [tag for tag in font.tables if tag not in VARIABLE_TABLES]

    with patches.font_cleaning(replace):
        yield
