"""DAISY Ace, the accessibility checker of library and retail ingestion, run on an EPUB.

Ace is installed by scripts/install-tools.sh into .tools/ace of the project (npm, no bundled
browser) and drives Debian's Chromium. If it is missing, the helper runs that script once.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from helpers import PATIENCE

ROOT = Path(__file__).resolve().parent.parent
ACE = ROOT / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = Path("/usr/bin/chromium")


def ace_command() -> Path:
    if not ACE.exists() or not CHROMIUM.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "install-tools.sh")], check=True)
    assert ACE.exists(), "DAISY Ace is not installed: run 'make test' (scripts/install-tools.sh)"
    return ACE


def ace_report(epub: Path) -> dict:
    """Run Ace on ``epub`` and return its report.json."""
    command = ace_command()
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=str(CHROMIUM), PUPPETEER_SKIP_DOWNLOAD="1")
        run = subprocess.run(
            [str(command), "--silent", "--force", "--outdir", folder, str(epub)],
            env=env, capture_output=True, text=True, timeout=PATIENCE,
        )
        report = Path(folder) / "report.json"
        assert report.is_file(), f"Ace wrote no report (exit {run.returncode}): {run.stderr[-2000:]}"
        return json.loads(report.read_text(encoding="utf-8"))


def violations(report: dict) -> list[str]:
    """Every violation in an Ace report as 'document: impact: rule: description'."""
    found = []
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url", "?")
        for assertion in document.get("assertions", []):
            test = assertion["earl:test"]
            description = assertion.get("earl:result", {}).get("dct:description", "")
            found.append(f"{where}: {test.get('earl:impact')}: {test.get('dct:title')}: {description}")
    return found


def ace_violations(epub: Path) -> list[str]:
    report = ace_report(epub)
    found = violations(report)
    if not found:
        assert report["earl:result"]["earl:outcome"] == "pass", report["earl:result"]
    return found
