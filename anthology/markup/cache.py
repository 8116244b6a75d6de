"""Rendered chapters kept for the next build: in memory for this process, and in ``build/.cache``.

A chapter's markup is stored under the hash of everything its rendering reads that is known
beforehand: the chapter's Markdown, file name, first body line and id prefix, the book's folder,
the versions of anthology, Python-Markdown, nh3, lxml, libxml2, Pillow and Python's Unicode data,
and the source of the modules that render. The images it refers to are known only once it is
rendered, so the entry records each reference as written, the file it resolved to and the SHA-256
of its bytes; a stored rendering is used only when every reference still resolves to the same file
with the same bytes. Only renderings without errors are stored. Entries are JSON of the dataclass
fields (never pickle), read back with their types checked: anything unexpected is a miss, and the
chapter is rendered again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import unicodedata
from collections import OrderedDict
from pathlib import Path

import markdown
import nh3
import PIL
from lxml import etree

from .. import __version__, text
from ..cache import Cache, digest, file_digest
from ..errors import Diagnostic
from ..project import safety
from ..project.model import Chapter, Matter
from ..project.safety import local_file
from . import render
from .render import Asset, ChapterMarkup, CrossReference, Heading, Image, Note, Read

KIND = "markup"
FORMAT = "2"  # the layout of the stored JSON
MEMO_SIZE = 4096  # renderings kept in memory by one process (a long preview session)
_MEMO: OrderedDict[str, ChapterMarkup] = OrderedDict()


def renderer_sources() -> list[Path]:
    """The source files the rendering runs: every module of this package (Markdown extensions, repair,
    typography, captions, …) and the shared text and safety helpers."""
    return sorted(Path(__file__).parent.glob("*.py")) + [Path(str(text.__file__)), Path(str(safety.__file__))]


@functools.cache
def _renderer() -> tuple[str, ...]:
    """What the rendering code is: versions of it and of its libraries, and the source of our modules."""
    code = hashlib.sha256()
    for source in renderer_sources():
        code.update(source.name.encode() + b"\0" + source.read_bytes())
    return (
        FORMAT, __version__, markdown.__version__, getattr(nh3, "__version__", ""), repr(etree.LXML_VERSION),
        repr(etree.LIBXML_VERSION), PIL.__version__, unicodedata.unidata_version, code.hexdigest(),
    )


def markup_key(chapter: Chapter | Matter, book_dir: Path) -> str:
    """The hash of what the rendering of ``chapter`` reads, apart from the files it refers to."""
    return digest([*_renderer(), type(chapter).__name__, chapter.prefix, str(chapter.source), str(chapter.body_line),
                   str(book_dir.resolve()), chapter.markdown])


def _still_the_same(markup_: ChapterMarkup, chapter: Chapter | Matter, book_dir: Path) -> bool:
    root = book_dir.resolve()
    for read in markup_.reads:
        if local_file(read.reference, chapter.source.parent, root) != read.path:
            return False
        try:
            if file_digest(read.path) != read.sha256:
                return False
        except OSError:
            return False
    return True


def _has_errors(markup_: ChapterMarkup) -> bool:
    return any(d.level == "error" for d in markup_.diagnostics)


def to_json(markup_: ChapterMarkup) -> bytes:
    """Every field of the markup except its chapter (the build's own is put back on reading)."""
    data = {
        "format": FORMAT,
        "xhtml": markup_.xhtml,
        "headings": [[h.level, h.id, h.text] for h in markup_.headings],
        "notes": [[n.number, n.id, n.ref_id, n.xhtml] for n in markup_.notes],
        "assets": [[str(a.source), a.name, a.media_type] for a in markup_.assets],
        "word_count": markup_.word_count,
        "images": [[i.name, i.alt, i.decorative] for i in markup_.images],
        "diagnostics": [[None if d.path is None else str(d.path), d.message, d.line, d.key, d.hint, d.level] for d in markup_.diagnostics],
        "reads": [[r.reference, str(r.path), r.sha256] for r in markup_.reads],
        "xrefs": [[x.number, x.href, x.target, x.fragment, x.line] for x in markup_.xrefs],
        "anchors": [[written, made] for written, made in markup_.anchors],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected a whole number")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _rows(data: dict[str, object], name: str, width: int) -> list[list[object]]:
    rows = data[name]
    if not isinstance(rows, list) or not all(isinstance(row, list) and len(row) == width for row in rows):
        raise TypeError(f"{name}: expected rows of {width}")
    return rows


def _diagnostic(row: list[object]) -> Diagnostic:
    path, message, line, key, hint, level = row
    return Diagnostic(
        None if path is None else Path(_str(path)), _str(message), None if line is None else _int(line),
        None if key is None else _str(key), None if hint is None else _str(hint), _str(level),
    )


def from_json(payload: bytes, chapter: Chapter | Matter) -> ChapterMarkup | None:
    """The markup stored by ``to_json`` for ``chapter``, or None when the data is not what it should be."""
    try:
        data = json.loads(payload.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        return ChapterMarkup(
            chapter=chapter,
            xhtml=_str(data["xhtml"]),
            headings=tuple(Heading(_int(a), _str(b), _str(c)) for a, b, c in _rows(data, "headings", 3)),
            notes=tuple(Note(_int(a), _str(b), _str(c), _str(d)) for a, b, c, d in _rows(data, "notes", 4)),
            assets=tuple(Asset(Path(_str(a)), _str(b), _str(c)) for a, b, c in _rows(data, "assets", 3)),
            word_count=_int(data["word_count"]),
            images=tuple(Image(_str(a), _str(b), _bool(c)) for a, b, c in _rows(data, "images", 3)),
            diagnostics=tuple(_diagnostic(row) for row in _rows(data, "diagnostics", 6)),
            reads=tuple(Read(_str(a), Path(_str(b)), _str(c)) for a, b, c in _rows(data, "reads", 3)),
            xrefs=tuple(
                CrossReference(_int(a), _str(b), _str(c), _str(d), None if e is None else _int(e)) for a, b, c, d, e in _rows(data, "xrefs", 5)
            ),
            anchors=tuple((_str(a), _str(b)) for a, b in _rows(data, "anchors", 2)),
        )
    except (ValueError, TypeError, KeyError):
        return None


def clear_memory() -> None:
    """Forget the renderings kept in memory by this process (the cache on disk stays)."""
    _MEMO.clear()


class MarkupCache:
    """Renderings of this process (always) and of earlier builds (when ``cache`` has a folder).

    ``write`` False only reads the folder (the checker, which must leave the book's folder as it
    was); a build that follows writes what it took from memory.
    """

    def __init__(self, cache: Cache | None = None, book_dir: Path | None = None, write: bool = True) -> None:
        self.cache = cache or Cache(None)
        self.book_dir = book_dir
        self.write = write and self.cache.root is not None
        self.used: set[str] = set()

    def _folder(self, chapter: Chapter | Matter) -> Path:
        return self.book_dir if self.book_dir is not None else render._book_dir(chapter.source)

    def get(self, chapter: Chapter | Matter) -> ChapterMarkup | None:
        """The stored rendering of ``chapter``, when what it read is unchanged; else None."""
        folder = self._folder(chapter)
        key = markup_key(chapter, folder)
        found = _MEMO.get(key)
        if found is not None:
            found = dataclasses.replace(found, chapter=chapter)
        else:
            payload = self.cache.read_one(KIND, key)
            found = from_json(payload, chapter) if payload is not None else None
        if found is None or not _still_the_same(found, chapter, folder):
            return None
        self._remember(key, found)
        # Marked as used, so that pruning keeps it; one known only in memory (rendered by the check) is stored.
        if self.write and key not in self.used and not self.cache.touch(KIND, key):
            self.cache.write_one(KIND, key, to_json(found))
        self.used.add(key)
        return found

    def put(self, markup_: ChapterMarkup) -> None:
        """Keep a rendering for later builds, unless it has errors (those are rendered again)."""
        if _has_errors(markup_):
            return
        key = markup_key(markup_.chapter, self._folder(markup_.chapter))
        self._remember(key, markup_)
        if self.write and key not in self.used:
            self.cache.write_one(KIND, key, to_json(markup_))
        self.used.add(key)

    def prune(self, spare: int = 16) -> None:
        """Drop the oldest entries on disk beyond twice this build's chapters (and ``spare`` more)."""
        if self.write:
            self.cache.prune(KIND, 2 * len(self.used) + spare)

    @staticmethod
    def _remember(key: str, markup_: ChapterMarkup) -> None:
        _MEMO[key] = markup_
        _MEMO.move_to_end(key)
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
