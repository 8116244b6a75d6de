"""The output formats: one small interface, and the registry the build, the CLI and the docs read.

A format is a module of this package that defines ``FORMAT``, a ``Format``: its name (the value of
``--format``), a line saying what it makes, the file it writes, whether a build makes it when no
format is named, what it needs from the build (the print edition's page numbers, the cover) and
the function that makes its Artifact from the ``BuildContext``. ``formats()`` finds every such
module, so adding a format is adding one module: nothing in ``anthology.build`` or the CLI names a
format. A format module imports WeasyPrint (through ``anthology.print``) only inside ``make``, so
that an EPUB-only build never loads it.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..artifacts import Artifact
from ..errors import Diagnostic

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..print.pagemap import Pagination


@dataclass(frozen=True)
class Given:
    """What the build gives a format besides the context: the print edition's pagination, when the
    format asks for a page list and one is at hand, and the outputs made before it in this build."""

    pagination: Pagination | None = None
    made: Mapping[str, Artifact] = field(default_factory=dict)


@dataclass(frozen=True)
class Made:
    """What making a format gave: its Artifact (and ``more`` files of the same format, written
    beside it), the print edition's pagination when it laid the print edition out as the PDF (the
    EPUB's page list comes from it), and warnings for the reader."""

    artifact: Artifact
    pagination: Pagination | None = None
    warnings: tuple[Diagnostic, ...] = ()
    more: tuple[Artifact, ...] = ()


@dataclass(frozen=True)
class Format:
    """One output format.

    ``name`` is the value of ``--format``; ``summary`` says what it is (CLI help, README);
    ``output`` names what it writes (``SLUG`` is the book's slug); ``default``: made by a build
    that names no format; ``order``: its place in lists. ``layout`` is the layout target its
    documents are made for ('epub', 'pdf' or 'html': it decides how documents link to each other).
    ``page_list``: it wants the print edition's page numbers, which the build passes to ``make`` in
    ``Given`` (from the PDF made in the same build, or the cache); ``prints_edition``: it lays out the
    print edition with the book's own settings and gives the pagination (made before the others);
    ``cover``: it uses the cover image, which is checked before anything is made.
    """

    name: str
    summary: str
    output: str
    make: Callable[[BuildContext, Given], Made]
    order: int
    layout: str | None = None
    default: bool = False
    page_list: bool = False
    prints_edition: bool = False
    cover: bool = False


@functools.cache
def formats() -> tuple[Format, ...]:
    """Every format, from the modules of this package that define ``FORMAT``, in their order."""
    found = []
    for module in pkgutil.iter_modules(_package_path()):
        loaded = importlib.import_module(f"{__package__}.{module.name}")
        candidate = getattr(loaded, "FORMAT", None)
        if isinstance(candidate, Format):
            found.append(candidate)
    return tuple(sorted(found, key=lambda f: (f.order, f.name)))


def _package_path() -> list[str]:
    return list(importlib.import_module(__package__ or "anthology.formats").__path__)


def named(name: str) -> Format:
    return {f.name: f for f in formats()}[name]


def names() -> tuple[str, ...]:
    return tuple(f.name for f in formats())


def default_names() -> tuple[str, ...]:
    return tuple(f.name for f in formats() if f.default)


def help_text() -> str:
    """The formats as the CLI's ``--format`` help lists them."""
    return "Outputs to make, comma-separated: " + "; ".join(f"{f.name} ({f.summary})" for f in formats()) + "."
