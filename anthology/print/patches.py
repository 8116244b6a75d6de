"""Every change anthology makes to WeasyPrint and pydyf, in one module: what each wraps, and what
happens when a release of theirs moves it.

Each patch is a context manager that puts a wrapper in place of one of their functions for the time
of a layout or a write and puts the original back afterwards. Before wrapping, it checks that the
function is still where, and as, anthology expects (``TARGETS``); when it is not, the patch leaves
WeasyPrint alone and the fallback named below applies, so a new WeasyPrint can make a build slower,
never wrong. ``tests/test_print_patches.py`` fails as soon as one of them no longer finds its target.

- ``margin_state``: ``weasyprint.layout.make_margin_boxes``, where a chunk's margins learn its real
  first page number (see ``chunk_layout``). Fallback: the chunks give up and the book is laid out as
  one document.
- ``flate_level``: ``pydyf.zlib``, so that streams are compressed at zlib's level 6, not pydyf's 9
  (a tenth of the writing time for files under 2% larger). Fallback: pydyf's level.
- ``font_cleaning``: ``weasyprint.pdf.fonts.Font.clean``, so that a variable font is embedded from
  a static instance made once (see ``static_fonts``). Fallback: WeasyPrint subsets the variable font.
- ``image_names``: ``weasyprint.document.original_get_image_from_uri``, so that an image of the book
  is named in the PDF from its address inside the book's folder, not from the folder's absolute
  path: the same sources give the same bytes wherever they are built. Fallback: WeasyPrint's names.
- ``notes_kept``: ``weasyprint.layout.block._linebox_layout``, rebuilt from its source with one line
  changed (``NOTES_REPORT``): when a paragraph's second line does not fit at the foot of a page
  (its first line alone would be an orphan), WeasyPrint made room for it by moving notes already
  set on the page, whose calls are above, to the next page; with the patch the paragraph goes to
  the next page as orphan control always has it, and every note stays on the page of its call.
  Fallback: WeasyPrint's way, notes now and then a page after their calls.
- ``whole_lines``: ``weasyprint.text.line_break.split_first_line`` as ``weasyprint.layout.inline``
  calls it, rebuilt with one line changed (``FIT_TEST``). A run of text followed by an inline
  element (emphasis, a link) ends in a space; when the run fit the line but for that space,
  WeasyPrint took it for one word too long for the line and set its first word alone on a line of
  its own ("trust" above a full line). With the patch the run fits when it does without its
  trailing space (as WeasyPrint already judges a line's end elsewhere), and the line is broken
  where it should be. Fallback: WeasyPrint's way, a one-word line now and then.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import inspect
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pydyf

FLATE_LEVEL = 6  # zlib's own default

# (module, attribute path, the parameters anthology's wrapper passes on): what each patch wraps.
TARGETS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "margin_state": ("weasyprint.layout", "make_margin_boxes", ("context", "page", "state")),
    "flate_level": ("pydyf", "zlib", ()),
    "font_cleaning": ("weasyprint.pdf.fonts", "Font.clean", ("self", "to_unicode", "hinting")),
    "image_names": ("weasyprint.document", "original_get_image_from_uri", ("cache", "url_fetcher", "options", "url", "forced_mime_type", "context", "orientation")),
    "notes_kept": ("weasyprint.layout.block", "_linebox_layout", ("context", "box", "index", "child", "new_children", "page_is_empty")),
    "whole_lines": ("weasyprint.text.line_break", "split_first_line", ("text", "style", "context", "max_width", "justification_spacing")),
    "structure_notes": ("weasyprint.pdf.tags", "_build_box_tree", ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags")),
}
# The line of ``_linebox_layout`` that moves notes off their page, and what ``notes_kept`` puts in its place.
NOTES_REPORT = "report = not context.in_column and can_break_now and not could_break_before"
NOTES_KEPT = "report = False"
# The line of ``split_first_line`` that judges whether a run of text fits, and ``whole_lines``'s own.
FIT_TEST = "if resume_index is None and first_line_width <= max_width:"
# The trimmed layout is kept in a local for as long as its line is measured: a line of a layout that
# is already freed is measured wrongly (Pango says "LINE_IS_VALID (line) failed").
FITS_WITHOUT_TRAILING_SPACE = (
    "if resume_index is None and (first_line_width <= max_width or (space_collapse and text.endswith(' ') and ("
    "_anthology_trimmed := create_layout(text.rstrip(' '), style, context, max_width, justification_spacing)) is not None "
    "and line_size(_anthology_trimmed.get_first_line()[0], style)[0] <= max_width)):"
)
# What each rebuilt function must say once, and what it says instead.
REWRITES = {"notes_kept": (NOTES_REPORT, NOTES_KEPT), "whole_lines": (FIT_TEST, FITS_WITHOUT_TRAILING_SPACE)}


def _target(name: str) -> Any:
    module_name, path, _ = TARGETS[name]
    found: Any = importlib.import_module(module_name)
    for part in path.split("."):
        found = getattr(found, part, None)
        if found is None:
            return None
    return found


def unusable(name: str) -> str | None:
    """Why the patch ``name`` would leave WeasyPrint alone (its fallback applies), or None."""
    found = _target(name)
    module_name, path, parameters = TARGETS[name]
    if found is None:
        return f"{module_name}.{path} is gone"
    if name == "flate_level":
        return None if found is zlib else "pydyf no longer compresses through its own name 'zlib'"
    try:
        have = tuple(inspect.signature(found).parameters)
    except (TypeError, ValueError):
        return f"{module_name}.{path} has no signature to check"
    if have[: len(parameters)] != parameters:
        return f"{module_name}.{path} takes {', '.join(have)}, not {', '.join(parameters)}"
    if name in REWRITES:
        try:
            source = inspect.getsource(found)
        except (OSError, TypeError):
            return f"{module_name}.{path} has no source to read"
        old = REWRITES[name][0]
        if source.count(old) != 1:
            return f"{module_name}.{path} no longer says '{old}' once"
    if name == "whole_lines" and getattr(importlib.import_module("weasyprint.layout.inline"), "split_first_line", None) is not found:
        return "weasyprint.layout.inline no longer calls split_first_line by that name"
    return None


@contextlib.contextmanager
def _swapped(owner: Any, attribute: str, replacement: Any) -> Iterator[None]:
    original = getattr(owner, attribute)
    setattr(owner, attribute, replacement)
    try:
        yield
    finally:
        setattr(owner, attribute, original)


@contextlib.contextmanager
def margin_state(adjust: Callable[[Any, Any], Any]) -> Iterator[bool]:
    """While active, each page's margin boxes are laid out with the counter state ``adjust(context,
    state)`` gives. Yields False (nothing wrapped) when WeasyPrint no longer lays them out there."""
    if unusable("margin_state"):
        yield False
        return
    import weasyprint.layout as layout

    original = layout.make_margin_boxes

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        return original(context, page, adjust(context, state))

    with _swapped(layout, "make_margin_boxes", make_margin_boxes):
        yield True


class _Flate:
    """pydyf's ``zlib`` while a PDF is written: streams compressed at ``FLATE_LEVEL``, not 9."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(FLATE_LEVEL if level == 9 else level, *args, **kwargs)


@contextlib.contextmanager
def flate_level() -> Iterator[None]:
    """While active, pydyf compresses at ``FLATE_LEVEL``."""
    if unusable("flate_level"):
        yield
        return
    with _swapped(pydyf, "zlib", _Flate()):
        yield


@contextlib.contextmanager
def font_cleaning(replace: Callable[[Any], None]) -> Iterator[None]:
    """While active, ``replace(font)`` may swap a font's face before WeasyPrint subsets it; an error
    in it leaves the font to WeasyPrint."""
    if unusable("font_cleaning"):
        yield
        return
    from weasyprint.pdf import fonts

    original = fonts.Font.clean

    def clean(self: Any, to_unicode: Any, hinting: Any) -> Any:
        try:
            replace(self)
        except Exception:  # anything unexpected: WeasyPrint's own way, slower but sure
            pass
        return original(self, to_unicode, hinting)

    with _swapped(fonts.Font, "clean", clean):
        yield


def image_id(url: str, base_url: str) -> str | None:
    """The name of the image at ``url`` in the PDF when it lies under ``base_url`` (the book's
    folder): from its address relative to the folder. None for anything else (left as WeasyPrint names it)."""
    if not url.startswith(base_url):
        return None
    return hashlib.md5(("book:" + url[len(base_url):]).encode("utf-8"), usedforsecurity=False).hexdigest()


@contextlib.contextmanager
def image_names(base_url: str) -> Iterator[None]:
    """While active, the raster images read from under ``base_url`` are named by ``image_id``."""
    if unusable("image_names"):
        yield
        return
    import weasyprint.document as document

    original = document.original_get_image_from_uri

    def get_image_from_uri(*args: Any, **kwargs: Any) -> Any:
        image = original(*args, **kwargs)
        url = kwargs.get("url", args[3] if len(args) > 3 else None)
        named = image_id(url, base_url) if isinstance(url, str) and image is not None and hasattr(image, "id") else None
        if named is not None:
            image.id = named
        return image

    with _swapped(document, "original_get_image_from_uri", get_image_from_uri):
        yield


@functools.cache
def _rebuilt(name: str, original: Any) -> Any:
    """WeasyPrint's function ``original`` compiled again with the line ``REWRITES[name]`` replaces,
    in the namespace of its own module."""
    old, new = REWRITES[name]
    module = importlib.import_module(original.__module__)
    lines, first = inspect.getsourcelines(original)
    source = "\n" * (first - 1) + "".join(lines).replace(old, new)  # its own line numbers in tracebacks
    namespace: dict[str, Any] = {}
    exec(compile(source, inspect.getfile(original), "exec"), module.__dict__, namespace)  # noqa: S102 - WeasyPrint's own code, one line changed
    return namespace[original.__name__]


@contextlib.contextmanager
def notes_kept() -> Iterator[None]:
    """While active, WeasyPrint never moves a note whose call is set on a page to a later page to
    make room for a line of text (see ``NOTES_REPORT``)."""
    if unusable("notes_kept"):
        yield
        return
    from weasyprint.layout import block

    with _swapped(block, "_linebox_layout", _rebuilt("notes_kept", block._linebox_layout)):
        yield


@contextlib.contextmanager
def whole_lines() -> Iterator[None]:
    """While active, a run of text that fits a line but for its trailing space is set whole on the
    line (see ``FIT_TEST``)."""
    if unusable("whole_lines"):
        yield
        return
    from weasyprint.layout import inline

    with _swapped(inline, "split_first_line", _rebuilt("whole_lines", inline.split_first_line)):
        yield


Describe = Callable[[Any, Any, int, dict[int, Any], dict[Any, Any]], Callable[[list[Any]], None]]


@contextlib.contextmanager
def structure_notes(describe: Describe) -> Iterator[bool]:
    """While active, ``describe(box, pdf, page_number, nums, marked)`` is called before WeasyPrint
    makes the structure element of each box (``nums``: the page's marked-content numbers so far, to
    structure elements; ``marked``: the text boxes and images drawn on the page, to their numbers),
    and the function it returns is called with what WeasyPrint made for the box: its element, or for
    the page, html and body boxes the elements of their children. An error in either leaves the
    element as WeasyPrint makes it. Yields False (nothing wrapped) when WeasyPrint no longer builds
    its structure tree there."""
    if unusable("structure_notes"):
        yield False
        return
    from weasyprint.pdf import tags

    original = tags._build_box_tree

    def build_box_tree(box: Any, parent: Any, pdf: Any, page_number: int, nums: dict[int, Any], annotations: Any, marked: Any) -> Iterator[Any]:
        try:
            done: Callable[[list[Any]], None] | None = describe(box, pdf, page_number, nums, marked)
        except Exception:  # anything unexpected: the element as WeasyPrint makes it
            done = None
        made = list(original(box, parent, pdf, page_number, nums, annotations, marked))
        if done is not None:
            with contextlib.suppress(Exception):
                done(made)
        yield from made

    with _swapped(tags, "_build_box_tree", build_box_tree):
        yield True
