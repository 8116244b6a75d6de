"""calibre's book checker (the editor's Check Book) run on an EPUB, headless.

calibre-debug runs its checks (``calibre.ebooks.oeb.polish.check.main.run_checks``) in calibre's
own Python; the CSS checks run in a Qt WebEngine page, so Qt draws off screen and, as root, its
Chromium runs without a sandbox. Debian's package ``calibre`` provides it (scripts/install-tools.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from helpers import PATIENCE

CALIBRE_DEBUG = shutil.which("calibre-debug")
SCRIPT = """
import json, sys
from calibre.ebooks.oeb.polish.container import get_container
from calibre.ebooks.oeb.polish.check.main import run_checks
container = get_container({path!r}, tweak_mode=True)
found = [dict(level=e.level, kind=type(e).__name__, name=e.name, line=getattr(e, 'line', None), msg=str(e.msg)) for e in run_checks(container)]
print('CHECK-RESULT ' + json.dumps(found))
"""


def calibre_findings(epub: Path) -> list[str]:
    """Everything calibre's checker reports on ``epub``, as 'Kind file:line: message'."""
    assert CALIBRE_DEBUG is not None, "calibre is not installed (scripts/install-tools.sh installs it)"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QTWEBENGINE_DISABLE_SANDBOX="1")
    run = subprocess.run(
        [CALIBRE_DEBUG, "-c", SCRIPT.format(path=str(epub))], env=env, capture_output=True, text=True, timeout=PATIENCE
    )
    line = next((x for x in run.stdout.splitlines() if x.startswith("CHECK-RESULT ")), None)
    assert line is not None, f"calibre's checker gave no result (exit {run.returncode}): {run.stderr[-2000:]}"
    return [f"{f['kind']} {f['name']}:{f['line']}: {f['msg']}" for f in json.loads(line.removeprefix("CHECK-RESULT "))]
