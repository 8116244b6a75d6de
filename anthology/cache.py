"""The build cache in ``build/.cache``: files stored under a content hash, never trusted blindly.

An entry is a folder named by the hash of everything its content was made from (or, for small
entries such as one chapter's markup, a single file of that name). Each file is written whole (to a
temporary name, then renamed) and read back with its own hash checked, so a half-written or
damaged file is a miss, never a wrong output. Every failure to read or write the
cache is ignored: the build then simply does the work.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import partfiles

FOLDER = ".cache"
KEEP = 4  # entries kept per kind; the oldest go first


def digest(parts: Iterable[str | bytes]) -> str:
    """SHA-256 of the parts, each length-prefixed so that ('ab', 'c') and ('a', 'bc') differ."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


_digests: dict[tuple[str, int, int, int, int], str] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes; remembered in this process while the file's size, time and inode stay."""
    status = os.stat(path)
    key = (str(path), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
    if key not in _digests:
        with path.open("rb") as handle:
            _digests[key] = hashlib.file_digest(handle, "sha256").hexdigest()
    return _digests[key]


def file_digests(paths: Iterable[Path | str]) -> dict[str, str]:
    """The files an entry was made from, with their hashes (files that no longer exist left out)."""
    return {str(path): file_digest(Path(path)) for path in sorted(map(str, paths)) if Path(path).is_file()}


def files_unchanged(files: object) -> bool:
    """Whether every file recorded by ``file_digests`` still has the same bytes."""
    if not isinstance(files, dict):
        return False
    try:
        return all(file_digest(Path(path)) == wanted for path, wanted in files.items())
    except OSError:
        return False


class Cache:
    """Entries of one kind ('print', …) under ``root``; ``root`` None is a cache that keeps nothing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._cleared: set[Path] = set()

    def _clear_once(self, folder: Path) -> None:
        """Remove what a killed build left half-written in ``folder``, once per folder and cache."""
        if folder not in self._cleared:
            self._cleared.add(folder)
            partfiles.clear_leftovers(folder)

    def holds(self, kind: str) -> bool:
        """Whether any entry of ``kind`` is stored (without reading one)."""
        if self.root is None:
            return False
        try:
            return any(not entry.name.startswith(".") for entry in (self.root / kind).iterdir())
        except OSError:
            return False

    def _entry(self, kind: str, key: str) -> Path | None:
        return None if self.root is None else self.root / kind / key

    def read(self, kind: str, key: str, name: str) -> bytes | None:
        """The file ``name`` of the entry, or None when missing or damaged."""
        entry = self._entry(kind, key)
        if entry is None:
            return None
        try:
            index = json.loads((entry / "index.json").read_text(encoding="utf-8"))
            data = (entry / name).read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(index, dict) or index.get(name) != hashlib.sha256(data).hexdigest():
            return None
        return data

    def read_json(self, kind: str, key: str, name: str) -> object | None:
        data = self.read(kind, key, name)
        if data is None:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except ValueError:
            return None

    def write(self, kind: str, key: str, files: dict[str, bytes], keep: int = KEEP) -> None:
        """Store the entry's files (added to what it already holds), keeping the ``keep`` newest
        entries of the kind; failures are ignored."""
        entry = self._entry(kind, key)
        if entry is None:
            return
        try:
            entry.mkdir(parents=True, exist_ok=True)
            self._clear_once(entry)
            try:
                index = json.loads((entry / "index.json").read_text(encoding="utf-8"))
                index = index if isinstance(index, dict) else {}
            except (OSError, ValueError):
                index = {}
            for name, data in files.items():
                _write_atomically(entry / name, data)
                index[name] = hashlib.sha256(data).hexdigest()
            _write_atomically(entry / "index.json", json.dumps(index, sort_keys=True).encode("utf-8"))
            os.utime(entry)
            self._prune(entry.parent, keep)
        except OSError:
            return

    def read_one(self, kind: str, key: str) -> bytes | None:
        """An entry that is a single file (see ``write_one``), or None when missing or damaged."""
        entry = self._entry(kind, key)
        if entry is None:
            return None
        try:
            stored = entry.read_bytes()
        except OSError:
            return None
        head, newline, data = stored.partition(b"\n")
        if not newline or head != hashlib.sha256(data).hexdigest().encode("ascii"):
            return None
        return data

    def write_one(self, kind: str, key: str, data: bytes) -> None:
        """Store an entry as a single file, its hash on the first line (one file to write for a small
        entry, where ``write`` makes a folder with an index); failures are ignored. See ``prune``."""
        entry = self._entry(kind, key)
        if entry is None:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            self._clear_once(entry.parent)
            _write_atomically(entry, hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data)
        except OSError:
            return

    def touch(self, kind: str, key: str) -> bool:
        """Mark an entry as just used, so that pruning keeps it; False when it is not there."""
        entry = self._entry(kind, key)
        if entry is None:
            return False
        try:
            os.utime(entry)
        except OSError:
            return False
        return True

    def prune(self, kind: str, keep: int) -> None:
        """Keep only the ``keep`` most recently written or used entries of ``kind``; failures are ignored."""
        if self.root is not None:
            try:
                self._prune(self.root / kind, keep)
            except OSError:
                return

    def _prune(self, folder: Path, keep: int = KEEP) -> None:
        entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[keep:]:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=partfiles.cache_prefix())
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.rename(name, path)  # atomic on POSIX, and apart from the outputs' own renames
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
