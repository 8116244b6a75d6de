"""anthology preview: a live HTML preview that rebuilds and reloads on every saved change."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from ..errors import AnthologyError
from ..preview.server import Preview
from ..project.config import CONFIG_NAME, load_config
from .common import fail, output_options, project_argument, reporter


@click.command(short_help="Live HTML preview that rebuilds and reloads as you save.")
@project_argument
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in your web browser.")
@output_options
def preview(project_dir: Path, port: int, open_browser: bool, quiet: bool, verbose: bool) -> None:
    """Serve the HTML edition of the book in PROJECT_DIR at http://127.0.0.1:PORT/.

    Every time you save a file in the book's folder the book is rebuilt and the page in your
    browser reloads by itself. When a build fails the preview keeps running and shows the error
    in the page. The toolbar's "Print edition" link shows the PDF's pages. Ctrl-C stops it.

    \b
    Examples:
      anthology preview
      anthology preview my-book --port 8080 --open
    """
    shown = reporter(quiet, verbose)
    if not (project_dir / CONFIG_NAME).is_file():
        try:
            load_config(project_dir)  # says what is missing; a book with wrong settings is still previewed
        except AnthologyError as error:
            fail(error, shown)
    server = Preview(project_dir, port=port, say=shown.say, warn=shown.diagnostics if verbose else None)
    try:
        server.start()
    except AnthologyError as error:
        fail(error, shown)
    shown.result(f"Previewing {project_dir} at {server.url}  (Ctrl-C to stop)", style="bold")
    if open_browser:
        webbrowser.open(server.url)
    server.wait_until_interrupted()
    shown.say("preview stopped")
