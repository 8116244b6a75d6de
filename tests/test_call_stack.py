"""anthology.print.call_stack: a call made through ``roomy`` behaves as the plain call, and a recursion
that keeps going deeper and coming back does not make the interpreter map fresh stack each time."""

from __future__ import annotations

import resource
import sys

import pytest

from anthology.print.call_stack import roomy


def _down(depth: int) -> int:
    return 0 if depth == 0 else 1 + _down(depth - 1)


def _excursions(times: int, depth: int) -> int:
    """Go ``depth`` calls deep and back ``times`` times: 200 frames span more than one 16 KiB chunk."""
    return sum(_down(depth) for _ in range(times))


def _faults(call: object) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    call()  # type: ignore[operator]
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_a_roomy_call_passes_arguments_results_and_errors() -> None:
    @roomy
    def divide(a: int, b: int = 1) -> float:
        return a / b

    assert divide(6, b=3) == 2 and divide.__name__ == "divide"
    with pytest.raises(ZeroDivisionError):
        divide(1, 0)


@pytest.mark.skipif(sys.platform != "linux", reason="counts the page faults Linux reports")
def test_deep_recursion_in_a_roomy_call_maps_no_fresh_stack() -> None:
    times, depth = 3000, 200
    plain = _faults(lambda: _excursions(times, depth))
    if plain < times:
        pytest.skip("this interpreter keeps the stack it has grown: nothing to spare")
    roomy_faults = _faults(lambda: roomy(_excursions)(times, depth))
    assert roomy_faults < times // 20, (plain, roomy_faults)
