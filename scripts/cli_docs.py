"""Write docs/cli.md, the command-line reference, from the click commands' own --help.

Run it after changing a command's options or help text:

    .venv/bin/python scripts/cli_docs.py

tests/test_cli_docs.py renders the same text in memory and fails when docs/cli.md differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from anthology.cli import main

WIDTH = 100
TARGET = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def help_text(command: click.Command, name: str, parent: click.Context | None) -> str:
    """The --help of one command, wrapped at WIDTH columns whatever the terminal is."""
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    return command.get_help(click.Context(command, info_name=name, parent=parent, **settings))


def render() -> str:
    """The whole of docs/cli.md: the group's help, then each command's, in the order they were added."""
    settings = {**main.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    root = click.Context(main, info_name="anthology", **settings)
    parts = [
        "# Command-line reference",
        "",
        "Each command's `--help`, as `anthology COMMAND --help` prints it. This file is written by",
        "`scripts/cli_docs.py` from the commands themselves (`tests/test_cli_docs.py` fails when it is",
        "out of date); [commands.md](commands.md) says more about each command.",
        "",
        "## anthology",
        "",
        "```text",
        help_text(main, "anthology", None),
        "```",
    ]
    for name, command in main.commands.items():
        parts += ["", f"## anthology {name}", "", "```text", help_text(command, name, root), "```"]
    return "\n".join(parts) + "\n"


def main_script() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main_script())
