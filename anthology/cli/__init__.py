"""The command line: a thin layer over the library. Only here are errors printed and exit codes chosen.

Exit codes: 0 ok, 1 build or check failed, 2 usage or configuration error.
Each command lives in its own module and is registered on ``main`` below; ``progress`` is what a
command shows while it works (progress, diagnostics, the closing summary).
"""

from __future__ import annotations

import click

from .. import __version__
from .add import add
from .build import build
from .check import check
from .import_ import import_command
from .new import new
from .preview import preview


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="anthology")
def main() -> None:
    """Publish a book of chapters by many authors as EPUB, PDF and HTML.

    \b
    Examples:
      anthology new my-book          start a book
      cd my-book
      anthology add "Second post" --author "Ann Bee"
      anthology check                find every problem, with file and line
      anthology preview              live HTML preview at http://127.0.0.1:8000/
      anthology build                make the EPUB, the PDF and the HTML edition
      anthology import blog.xml      turn a blog export into chapters

    Run 'anthology COMMAND --help' for a command's options.
    """


for command in (new, add, check, build, preview, import_command):
    main.add_command(command)
