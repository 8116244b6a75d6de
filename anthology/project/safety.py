"""Which files a build may read: only those inside the book's folder (and the package's own resources).

A reference from a chapter is refused when it is a URL (``http:``, ``file:``, ``data:``, ``//host``),
an absolute path, or a relative path that leads outside the book's folder, directly (``../..``) or
through a symbolic link. ``local_file`` says which of these it is, so the caller can name the
chapter and tell the author what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..errors import Diagnostic

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class Refusal:
    """Why a reference was not followed: ``kind`` is 'remote', 'absolute', 'outside' or 'missing'."""

    kind: str
    reason: str


def is_remote(reference: str) -> bool:
    """A URL with a scheme or a network path (``//host/x``): never fetched by a build."""
    text = reference.strip()
    return bool(_SCHEME.match(text)) and not _WINDOWS_DRIVE.match(text) or text.startswith("//")


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every symbolic link followed, lies inside ``root`` (also resolved)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop, an unreadable folder
        return False


def local_file(reference: str, base: Path, root: Path) -> Path | Refusal:
    """Resolve ``reference`` (a relative URL as written in a chapter) against folder ``base``.

    Returns the resolved path when it is a regular file inside ``root``; otherwise a Refusal.
    """
    text = reference.strip()
    if not text:
        return Refusal("missing", "is empty")
    if is_remote(text):
        return Refusal("remote", "is a URL, not a file in the book's folder")
    name = unquote(text.split("#", 1)[0].split("?", 1)[0])
    if name.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(name) or PurePosixPath(name).is_absolute():
        return Refusal("absolute", "is an absolute path")
    candidate = base / name
    if not inside(candidate, root):
        return Refusal("outside", "leads outside the book's folder")
    resolved = candidate.resolve()
    if not resolved.exists():
        return Refusal("missing", "not found")
    if not resolved.is_file():
        return Refusal("missing", "is not a regular file")
    return resolved


def case_variant(reference: str, base: Path, root: Path) -> str | None:
    """The reference as it should be written when a file inside ``root`` differs from it only in
    the case of its letters (images/photo.jpg for images/photo.JPG), else None."""
    name = unquote(reference.strip().split("#", 1)[0].split("?", 1)[0])
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute():
        return None
    folder = base
    written: list[str] = []
    for part in parts:
        if part in (".", ".."):
            folder = folder / part
            written.append(part)
            continue
        try:
            match = next((child for child in sorted(folder.iterdir()) if child.name.casefold() == part.casefold()), None)
        except OSError:
            return None
        if match is None:
            return None
        folder = match
        written.append(match.name)
    if not folder.is_file() or not inside(folder, root):
        return None
    return "/".join(written)


_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(["']?)([^"');\s]*)\1\s*\)?[^;]*;?""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""", re.IGNORECASE)


@dataclass(frozen=True)
class CssRefusal:
    line: int
    reference: str
    reason: str


def clean_stylesheet(css: str, css_dir: Path, root: Path) -> tuple[str, list[CssRefusal]]:
    """A book's stylesheet without the references a build must not follow.

    ``@import`` rules and ``url()`` values that name a URL (``http:``, ``file:``, ``//host``), an absolute
    path, or a file outside ``root`` are replaced by a comment or ``none``; the refusals say where they were.
    """
    refusals: list[CssRefusal] = []

    def verdict(reference: str) -> str | None:
        if reference.startswith("#") or reference.lower().startswith("data:"):
            return None
        found = local_file(reference, css_dir, root)
        if isinstance(found, Refusal) and found.kind != "missing":
            return found.reason
        return None

    def line_at(text: str, position: int) -> int:
        return text.count("\n", 0, position) + 1

    def drop_import(match: re.Match[str]) -> str:
        reason = verdict(match.group(2))
        if reason is None:
            return match.group(0)
        refusals.append(CssRefusal(line_at(css, match.start()), match.group(2), reason))
        return "/* @import refused */"

    def drop_url(match: re.Match[str]) -> str:
        reason = verdict(match.group(2))
        if reason is None:
            return match.group(0)
        refusals.append(CssRefusal(line_at(without_imports, match.start()), match.group(2), reason))
        return "none"

    without_imports = _CSS_IMPORT.sub(drop_import, css)
    return _CSS_URL.sub(drop_url, without_imports), refusals


def stylesheet_warnings(project_dir: Path) -> list[Diagnostic]:
    """One warning for every reference the book's own stylesheets (styles/*.css) make that a build refuses."""
    warnings: list[Diagnostic] = []
    folder = project_dir / "styles"
    if not folder.is_dir():
        return warnings
    for path in sorted(folder.glob("*.css")):
        if not path.is_file():  # a folder or a named pipe: never opened (a pipe would wait for ever)
            continue
        if not inside(path, project_dir):
            warnings.append(
                Diagnostic(path, "is a link to a file outside the book's folder; it is not used", level="warning",
                           hint="copy the stylesheet into styles/ instead of linking to it")
            )
            continue
        try:
            css = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        for refusal in clean_stylesheet(css, path.parent, project_dir)[1]:
            warnings.append(
                Diagnostic(
                    path,
                    f"'{refusal.reference}' {refusal.reason}; it is left out",
                    line=refusal.line,
                    hint="copy what it needs into the book's folder; a build never uses the network",
                    level="warning",
                )
            )
    return warnings
