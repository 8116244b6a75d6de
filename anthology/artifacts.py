"""Outputs held in memory until the whole build has succeeded, then moved into place atomically.

``commit_all`` first writes every output beside its target under a temporary name (``.NAME.*.part``),
synced to disk; only when all of them are complete are they renamed over the targets. A failure or an
interruption (Ctrl-C, a full disk) before that point removes the temporary files and leaves every
previous output byte for byte as it was; a failure among the renames puts back the ones already made.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import partfiles
from .errors import BuildError, ConfigError, Diagnostic


@dataclass(frozen=True)
class Artifact:
    """One output: a single file (``data``) or a folder of files (``files``), named relative to the output folder."""

    name: str
    data: bytes | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    summary: str = ""

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else sum(len(b) for b in self.files.values())

    def commit(self, output_dir: Path) -> Path:
        """Write this output alone, atomically (see ``commit_all`` for several at once)."""
        return commit_all([self], output_dir)[0]


@dataclass
class _Staged:
    target: Path
    staging: Path
    backup: Path | None = None
    placed: bool = False


def check_output_folder(folder: Path) -> None:
    """Raise a ConfigError naming ``folder`` when outputs could not be written there: it lies under a
    file, or its nearest existing folder is read-only or refuses new files (/proc, a read-only disk).
    Tried with a probe file before anything is made; nothing is left behind."""
    existing = folder
    while not (existing.exists() or existing.is_symlink()) and existing.parent != existing:
        existing = existing.parent
    hint = "choose another --output folder"
    if not existing.is_dir():
        raise ConfigError(Diagnostic(folder, f"cannot be the output folder: {existing} is a file, not a folder", hint=hint))
    try:
        fd, name = tempfile.mkstemp(prefix=partfiles.prefix("probe"), suffix=".part", dir=existing)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise ConfigError(Diagnostic(folder, f"cannot be the output folder: {existing} cannot be written ({exc.strerror or exc})", hint=hint)) from None


def commit_all(artifacts: list[Artifact], output_dir: Path, durable: bool = True) -> list[Path]:
    """Write every artifact to a temporary name, then move them all into place; all or nothing.
    ``durable`` syncs each file to the disk first (False: for a temporary folder, such as the preview's)."""
    staged: list[_Staged] = []
    cleared: set[Path] = set()
    try:
        for artifact in artifacts:
            target = output_dir / artifact.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.parent not in cleared:  # what a killed build left half-written
                partfiles.clear_leftovers(target.parent)
                cleared.add(target.parent)
            if artifact.data is not None:
                staged.append(_Staged(target, _stage_file(target, artifact.data)))
            else:
                staged.append(_Staged(target, _stage_tree(target, artifact.files, durable)))
        for item in staged:
            _place(item)
    except OSError as exc:
        _roll_back(staged)
        raise BuildError(
            Diagnostic(
                Path(exc.filename) if exc.filename else output_dir,
                f"cannot write the outputs: {exc.strerror or exc}",
                hint="free some disk space or choose another --output folder; the previous outputs are unchanged",
            )
        ) from None
    except BaseException:
        _roll_back(staged)
        raise
    for item in staged:
        if item.backup is not None:
            _remove(item.backup)
    return [item.target for item in staged]


def _stage_file(target: Path, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=partfiles.prefix(target.name), suffix=".part", dir=target.parent)
    path = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(path, 0o644)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _stage_tree(target: Path, files: dict[str, bytes], durable: bool = True) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=partfiles.prefix(target.name), suffix=".part", dir=target.parent))
    try:
        for name, data in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
        os.chmod(staging, 0o755)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _place(item: _Staged) -> None:
    """Move one staged output into place, keeping the previous one aside (a hard link for a file) for a roll-back."""
    if item.target.exists() or item.target.is_symlink():
        item.backup = item.target.with_name(f".{item.target.name}.old")
        _remove(item.backup)
        if item.staging.is_dir():
            os.replace(item.target, item.backup)  # a folder cannot be renamed over a folder
        else:
            try:
                os.link(item.target, item.backup)
            except OSError:
                shutil.copy2(item.target, item.backup)
    os.replace(item.staging, item.target)
    item.placed = True


def _roll_back(staged: list[_Staged]) -> None:
    """Put every previous output back and remove what was staged."""
    for item in reversed(staged):
        try:
            if item.backup is not None and item.backup.exists():
                if item.placed or not item.target.exists():
                    if item.target.is_dir() and not item.target.is_symlink():
                        shutil.rmtree(item.target)
                    os.replace(item.backup, item.target)
                else:
                    _remove(item.backup)
            elif item.placed:
                _remove(item.target)
            if not item.placed:
                _remove(item.staging)
        except OSError:
            continue


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


