"""Temporary files of atomic writes (``.NAME.PID-RANDOM.part``): named after the process that writes
them, so that a later build can clear those a killed process left (kill -9, a power cut) without
touching those of a build still running beside it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

_PART = re.compile(r"^\..*\.(\d+)-[^./]*\.part$|^\.part-(\d+)-[^./]*$")


def prefix(name: str) -> str:
    """The start of a temporary name for ``name`` written by this process."""
    return f".{name}.{os.getpid()}-"


def cache_prefix() -> str:
    """The start of a temporary name in the build cache, written by this process."""
    return f".part-{os.getpid()}-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def clear_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files and folders in ``folder`` whose writing process is gone; returns them."""
    cleared: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return cleared
    for path in entries:
        match = _PART.match(path.name)
        if match is None or _alive(int(match.group(1) or match.group(2))):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        cleared.append(path)
    return cleared
