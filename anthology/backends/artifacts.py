"""Outputs held in memory until the whole build has succeeded, then moved into place atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


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
        """Write to a temporary name beside the target, then rename over it: never a half-written output."""
        target = output_dir / self.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.data is not None:
            write_atomic(target, self.data)
        else:
            replace_tree(target, self.files)
        return target


def write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_tree(target: Path, files: dict[str, bytes]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        for name, data in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(staging, 0o755)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
