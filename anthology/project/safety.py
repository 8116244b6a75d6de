"""Which files a build may read: only those inside the book's folder (and the package's own resources).

This module holds the one containment rule every reader of the book's files goes through (chapters,
front and back matter, [[parts]] chapters, the cover, images, stylesheets, templates, and the local
images an import copies): ``contained`` resolves a path with every symbolic link followed and
refuses it when it leaves its root, is not a regular file (a folder, a named pipe, a device) or is
larger than the reader's limit; ``read_contained`` reads such a file without ever blocking on it.

A reference from a chapter is refused when it is a URL (``http:``, ``file:``, ``data:``, ``//host``),
an absolute path, or a relative path that leads outside the book's folder, directly (``../..``) or
through a symbolic link. ``local_file`` says which of these it is, so the caller can name the
chapter and tell the author what to do.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import tinycss2

from ..errors import Diagnostic

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")

MAX_TEXT_BYTES = 2 * 1024 * 1024  # a chapter, an editors' text, a template, a stylesheet
MAX_IMAGE_BYTES = 30_000_000  # an image or the cover


@dataclass(frozen=True)
class Refusal:
    """Why a file or reference was not used: ``kind`` is 'remote', 'absolute', 'outside', 'missing',
    'special' (a folder, named pipe or device) or 'too-big'."""

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


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def contained(path: Path, root: Path, max_bytes: int | None = MAX_TEXT_BYTES) -> Path | Refusal:
    """The containment rule: ``path`` resolved (every symbolic link followed) when it is a regular
    file inside ``root`` of at most ``max_bytes``; otherwise a Refusal saying why."""
    try:
        resolved = path.resolve()
        if not resolved.is_relative_to(root.resolve()):
            return Refusal("outside", "leads outside the book's folder")
        info = resolved.stat()
    except FileNotFoundError:
        return Refusal("missing", "not found")
    except (OSError, RuntimeError) as exc:  # a symlink loop, an unreadable folder
        return Refusal("missing", f"cannot read: {getattr(exc, 'strerror', None) or exc}")
    if not stat.S_ISREG(info.st_mode):
        return Refusal("special", "is not a regular file (a folder, a named pipe or a device)")
    if max_bytes is not None and info.st_size > max_bytes:
        return Refusal("too-big", f"is {_megabytes(info.st_size)}; the limit is {_megabytes(max_bytes)}")
    return resolved


def read_contained(path: Path, root: Path, max_bytes: int | None = MAX_TEXT_BYTES) -> bytes | Refusal:
    """The bytes of ``path`` when ``contained`` accepts it. Opened without blocking (a file swapped for
    a named pipe after the check cannot hang the build) and read no further than ``max_bytes``."""
    found = contained(path, root, max_bytes)
    if isinstance(found, Refusal):
        return found
    try:
        fd = os.open(found, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return Refusal("missing", f"cannot read: {exc.strerror or exc}")
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return Refusal("special", "is not a regular file (a folder, a named pipe or a device)")
        data = handle.read(max_bytes + 1 if max_bytes is not None else -1)
    if max_bytes is not None and len(data) > max_bytes:
        return Refusal("too-big", f"is over {_megabytes(max_bytes)}, the limit")
    return data


def refusal_hint(refusal: Refusal) -> str:
    """What to do about a refused file."""
    return {
        "outside": "copy the file into the book's folder instead of linking to it; a build reads nothing outside it",
        "absolute": "give a path relative to the book's folder",
        "remote": "download the file into the book's folder; a build never uses the network",
        "special": "give the path of an ordinary file",
        "too-big": "check that it is the right file, or make it smaller",
    }.get(refusal.kind, "check the path and that the file is readable")


def local_file(reference: str, base: Path, root: Path, max_bytes: int | None = None) -> Path | Refusal:
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
    return contained(base / name, root, max_bytes)


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


@dataclass(frozen=True)
class CssRefusal:
    line: int
    reference: str
    reason: str


_URL_FUNCTIONS = {"url", "src"}  # their argument is a URL, quoted or not
_STRING_URL_FUNCTIONS = {"image-set", "-webkit-image-set"}  # a bare string argument is a URL


def _url_of(node: tinycss2.ast.Node) -> str | None:
    """The URL ``node`` names, if it is a url(…) or src(…) (however it is written: escaped, quoted, bare)."""
    if isinstance(node, tinycss2.ast.URLToken):
        return node.value
    if isinstance(node, tinycss2.ast.FunctionBlock) and node.lower_name in _URL_FUNCTIONS:
        values = [a for a in node.arguments if not isinstance(a, (tinycss2.ast.WhitespaceToken, tinycss2.ast.Comment))]
        if values and isinstance(values[0], tinycss2.ast.StringToken):
            return values[0].value
        return tinycss2.serialize(values).strip()
    return None


def css_references(css: str) -> list[tuple[int, str]]:
    """Every (line, URL) a stylesheet would load: @import targets, url()/src() values (escaped or not),
    and the strings of image-set(), read with a CSS tokenizer so that no spelling hides one."""
    found: list[tuple[int, str]] = []
    _walk(tinycss2.parse_component_value_list(css, skip_comments=True), found, None)
    return found


def _walk(nodes: list[tinycss2.ast.Node], found: list[tuple[int, str]], replace: _Replacer | None) -> list[tinycss2.ast.Node]:
    """Collect (and, with ``replace``, rewrite) every URL in ``nodes``; returns the nodes to keep."""
    kept: list[tinycss2.ast.Node] = []
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if isinstance(node, tinycss2.ast.AtKeywordToken) and node.lower_value == "import":
            index = _import_rule(nodes, index, found, replace, kept)
            continue
        url = _url_of(node)
        if url is not None:
            found.append((node.source_line, url))
            if replace is not None and replace(url, node.source_line) is not None:
                kept.append(tinycss2.ast.IdentToken(node.source_line, node.source_column, "none"))
            else:
                kept.append(node)
        elif isinstance(node, tinycss2.ast.FunctionBlock) and node.lower_name in _STRING_URL_FUNCTIONS:
            node.arguments = _walk(_string_urls(node.arguments, found, replace), found, replace)
            kept.append(node)
        elif isinstance(node, (tinycss2.ast.FunctionBlock,)):
            node.arguments = _walk(node.arguments, found, replace)
            kept.append(node)
        elif isinstance(node, (tinycss2.ast.CurlyBracketsBlock, tinycss2.ast.SquareBracketsBlock, tinycss2.ast.ParenthesesBlock)):
            node.content = _walk(node.content, found, replace)
            kept.append(node)
        else:
            kept.append(node)
        index += 1
    return kept


def _import_rule(nodes: list[tinycss2.ast.Node], index: int, found: list[tuple[int, str]], replace: _Replacer | None,
                 kept: list[tinycss2.ast.Node]) -> int:
    """The @import rule at ``nodes[index]``: its target collected, the rule kept or replaced by a comment;
    returns the index after the rule."""
    node = nodes[index]
    end = index + 1
    while end < len(nodes) and not (isinstance(nodes[end], tinycss2.ast.LiteralToken) and nodes[end].value == ";") \
            and not isinstance(nodes[end], tinycss2.ast.CurlyBracketsBlock):
        end += 1
    prelude = [n for n in nodes[index + 1 : end] if not isinstance(n, (tinycss2.ast.WhitespaceToken, tinycss2.ast.Comment))]
    target = prelude[0] if prelude else None
    reference = target.value if isinstance(target, tinycss2.ast.StringToken) else (_url_of(target) if target is not None else None)
    found.append((node.source_line, reference or ""))
    if replace is not None and replace(reference or "", node.source_line) is not None:
        kept.append(tinycss2.ast.Comment(node.source_line, node.source_column, " @import refused "))
        return end + 1 if end < len(nodes) else end
    kept.extend(nodes[index : end + 1])
    return end + 1


def _string_urls(arguments: list[tinycss2.ast.Node], found: list[tuple[int, str]], replace: _Replacer | None) -> list[tinycss2.ast.Node]:
    """The arguments of image-set() and the like, whose plain strings are URLs: each collected, refused ones replaced."""
    result = []
    for argument in arguments:
        if isinstance(argument, tinycss2.ast.StringToken):
            found.append((argument.source_line, argument.value))
            if replace is not None and replace(argument.value, argument.source_line) is not None:
                argument = tinycss2.ast.IdentToken(argument.source_line, argument.source_column, "none")
        result.append(argument)
    return result


class _Replacer:
    """Decides for each URL of a stylesheet whether it is kept (None) or refused (the reason), and keeps the refusals."""

    def __init__(self, css_dir: Path, root: Path) -> None:
        self.css_dir = css_dir
        self.root = root
        self.refusals: list[CssRefusal] = []

    def __call__(self, reference: str, line: int) -> str | None:
        text = reference.strip()
        if text.startswith("#") or (text.lower().startswith("data:") and "url(" not in text.lower()):
            return None
        if not text:
            reason = "is empty or could not be read as a URL"
        else:
            found = local_file(text, self.css_dir, self.root)
            if not isinstance(found, Refusal) or found.kind in ("missing", "special", "too-big"):
                return None
            reason = found.reason
        self.refusals.append(CssRefusal(line, reference, reason))
        return reason


def clean_stylesheet(css: str, css_dir: Path, root: Path) -> tuple[str, list[CssRefusal]]:
    """A book's stylesheet without the references a build must not follow.

    The stylesheet is read with a CSS tokenizer (tinycss2), so escapes (``url(http\\:\\/\\/…)``), a
    missing space (``@import"…"``) or another function (``image-set("…")``) cannot hide a URL.
    ``@import`` rules and ``url()`` values that name a URL (``http:``, ``file:``, ``//host``), an
    absolute path, or a file outside ``root`` are replaced by a comment or ``none``; the refusals say
    where they were.
    """
    replacer = _Replacer(css_dir, root)
    nodes = tinycss2.parse_component_value_list(css, skip_comments=False)
    kept = _walk(nodes, [], replacer)
    if not replacer.refusals:
        return css, []
    return tinycss2.serialize(kept), replacer.refusals


def book_stylesheet(path: Path, project_dir: Path) -> str | Refusal:
    """The text of one of the book's own stylesheets (styles/NAME.css), read under the containment rule."""
    data = read_contained(path, project_dir, MAX_TEXT_BYTES)
    if isinstance(data, Refusal):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Refusal("missing", "is not UTF-8 text")


def stylesheet_warnings(project_dir: Path) -> list[Diagnostic]:
    """One warning for every reference the book's own stylesheets (styles/*.css) make that a build refuses,
    and for every stylesheet a build does not use at all (a link out of the book, a pipe, too big, not UTF-8)."""
    warnings: list[Diagnostic] = []
    folder = project_dir / "styles"
    if not folder.is_dir():
        return warnings
    for path in sorted(folder.glob("*.css")):
        css = book_stylesheet(path, project_dir)
        if isinstance(css, Refusal):
            message = ("is a link to a file outside the book's folder" if css.kind == "outside" else css.reason) + "; it is not used"
            hint = "copy the stylesheet into styles/ instead of linking to it" if css.kind == "outside" else refusal_hint(css)
            warnings.append(Diagnostic(path, message, level="warning", hint=hint))
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
