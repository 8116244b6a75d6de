"""Room on Python's frame stack for a deeply recursive call, so that it is not mapped and unmapped
thousands of times a second.

CPython (3.11 and later) keeps the frames of Python functions in chunks of 16 KiB, allocated from
the system as the stack grows and given back as soon as it shrinks below a chunk's first frame.
WeasyPrint's layout recurses through every nested box and returns again, crossing such a boundary
thousands of times per page: each crossing maps a fresh chunk and faults its pages in. How often
depends on how deep the layout is entered: in a build, about 3,000 maps and unmaps for each
32-page chunk of the print edition; entered at an unlucky depth, 17,000, a seventh of the chunk's
time, all of it in the kernel.

``roomy`` calls a function from a frame that reserves 512 KiB of operand stack it never uses.
CPython puts that frame at the start of a chunk of 1 MiB, and the frames of the call beneath it
fill the other half of the same chunk: one map for the whole call. On an interpreter that keeps
its frames otherwise, the frame is merely large.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

RESERVED_SLOTS = 1 << 16  # 8 bytes each: 512 KiB, so the chunk holding the frame is 1 MiB


def _call(function: Callable[..., R], *args: object, **kwargs: object) -> R:
    return function(*args, **kwargs)


_roomy_call = types.FunctionType(_call.__code__.replace(co_stacksize=RESERVED_SLOTS), _call.__globals__, "_roomy_call")


def roomy(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, called from a frame with room for its whole call stack (see the module)."""

    @functools.wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return _roomy_call(function, *args, **kwargs)

    return call


__all__ = ["roomy"]
