"""docs/cli.md is the commands' own --help: regenerated in memory, it must match the file."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from anthology.cli import main

ROOT = Path(__file__).resolve().parent.parent


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert load_generator().render() == written, (
        "docs/cli.md differs from the commands' --help: run '.venv/bin/python scripts/cli_docs.py' and commit it"
    )


@pytest.mark.parametrize("args", [[], *[[name] for name in main.commands]])
def test_cli_reference_holds_what_help_prints(args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--help"], terminal_width=100, prog_name="anthology")
    assert result.exit_code == 0, result.output
    assert result.output in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
