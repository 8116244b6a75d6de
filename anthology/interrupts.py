"""Ctrl-C and the worker processes.

A terminal's Ctrl-C sends SIGINT to every process of the build: the parent stops the workers and
says so, and each worker ignores it (``ignore_in_worker``, a pool's initialiser). A worker being
forked at that moment has not run its initialiser yet, and would take the interrupt in the middle of
the fork and print a traceback. So a pool's processes are forked with SIGINT held back
(``forking``): the new process starts with it held, ignores it, then lets it through; the parent
gets a Ctrl-C that came meanwhile as soon as the processes are started.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

_HOLDS = hasattr(signal, "pthread_sigmask")


@contextlib.contextmanager
def forking() -> Iterator[None]:
    """SIGINT held back in this thread (and in the processes it forks) for the time of the block."""
    if not _HOLDS:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_in_worker() -> None:
    """A worker's initialiser: Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _HOLDS:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
