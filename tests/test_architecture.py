"""The folders of anthology/ are the pipeline's stages, and each imports only from those before it.

project -> markup -> layout -> print -> library -> formats; only anthology/print imports WeasyPrint
or pydyf. The one import against the flow: project/config.py reads the [print] table with
print/profiles.py (and project/scaffold.py writes its keys), whose profiles and PDF variants are the
print engine's.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "anthology"
STAGES = ["project", "markup", "layout", "print", "library", "formats"]
ALLOWED = {("project/config.py", "anthology.print.profiles"), ("project/scaffold.py", "anthology.print.profiles")}


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports, as absolute names."""
    parts = ["anthology", *path.relative_to(PACKAGE).with_suffix("").parts]
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _stage(module: str) -> int | None:
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[0] == "anthology" and parts[1] in STAGES else None


def test_each_stage_imports_only_from_earlier_ones() -> None:
    wrong = []
    for stage, name in enumerate(STAGES):
        for path in sorted((PACKAGE / name).rglob("*.py")):
            for module in _imports(path):
                other = _stage(module)
                relative = path.relative_to(PACKAGE).as_posix()
                if other is not None and other > stage and not any(relative == r and (module + ".").startswith(m + ".") for r, m in ALLOWED):
                    wrong.append(f"{relative} imports {module}")
    assert wrong == []


def test_only_the_print_engine_imports_weasyprint() -> None:
    outside = [
        path.relative_to(PACKAGE).as_posix()
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] != "print" and {m.split(".")[0] for m in _imports(path)} & {"weasyprint", "pydyf"}
    ]
    assert outside == []
