"""The build context: what every stage after markup is given, as one object.

A build reads the book, renders its chapters' markup once and settles the print settings; the
formats and the print engine then work from a ``BuildContext`` holding all of it, with the cache,
the number of processes and the layout mode, instead of each taking the same parameters.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cache import Cache

if TYPE_CHECKING:
    from .markup.render import ChapterMarkup
    from .print.profiles import PrintSettings
    from .project.model import Book


@dataclass(frozen=True)
class BuildContext:
    """One build's book, markup and settings.

    ``settings`` are the print settings of the PDF (``[print]`` with the command line's options over
    it); ``chunked`` lays the print edition out a few chapters at a time in ``jobs`` processes and
    joins the PDFs (False: as one document); ``print_pages`` is what an EPUB made without the PDF
    does for its print page numbers when the cache lacks them (see ``anthology.build``); ``force``
    makes what a limit would refuse, with a warning; ``strict`` fails the build on any warning.
    """

    book: Book
    markups: list[ChapterMarkup]
    settings: PrintSettings
    cache: Cache = field(default_factory=lambda: Cache(None))
    jobs: int = 1
    chunked: bool = True
    print_pages: bool | None = None
    force: bool = False  # make what a limit refuses (a booklet above [booklet] max_sheets), with a warning
    strict: bool = False  # warnings fail the build before anything is written

    def with_settings(self, settings: PrintSettings) -> BuildContext:
        """The same build, for an edition printed with other settings (the booklet, the archival PDF)."""
        return dataclasses.replace(self, settings=settings)
