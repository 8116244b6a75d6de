"""Markdown to well-formed XHTML: one function, used for every output.

Python-Markdown (footnotes, tables, attr_list, toc, smart typography, verse and backslash line breaks
from ``verse``) writes HTML; nh3 cleans any raw
HTML to an allow-list; lxml re-reads the result and we write it back as namespaced XHTML, with every
id prefixed by the chapter's prefix (unique across the book), headings shifted so the chapter title is
the only level-one heading, footnotes split out as Note records, images collected as assets, and
links to other chapters' Markdown files recorded as CrossReference records (layout resolves them),
spaced hyphens made dashes (``typography``), lone images made figures and ``Table:`` paragraphs made
table captions (``captions``). The serialised XHTML never holds a named entity.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import markdown
import nh3
from lxml import etree
from lxml import html as lxml_html

from ..errors import Diagnostic, SourceError, collect
from ..project.config import CONFIG_NAME
from ..project.model import Book, Chapter, Matter
from ..project.safety import Refusal, case_variant, is_remote, local_file
from .captions import figures, table_captions
from .images import ImageProblem, inspect_image
from .namespaces import EPUB_NS, XHTML_NS, local_name
from .repair import repair, unwrap
from .typography import dashes
from .verse import VerseExtension

NSMAP = {None: XHTML_NS, "epub": EPUB_NS}
EPUB_TYPE = f"{{{EPUB_NS}}}type"

SMART_QUOTES = {
    "left-single-quote": "\u2018",
    "right-single-quote": "\u2019",
    "left-double-quote": "\u201c",
    "right-double-quote": "\u201d",
    "left-angle-quote": "\u00ab",
    "right-angle-quote": "\u00bb",
    "ellipsis": "\u2026",
    "ndash": "\u2013",
    "mdash": "\u2014",
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
    "section", "aside", "bdi", "bdo", "wbr",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start", "reversed"},
    "col": {"span"},
    "colgroup": {"span"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
# file: and data: pass nh3 only so that the image and link checks can name them in a warning; neither reaches an output.
URL_SCHEMES = {"http", "https", "mailto", "file", "data"}
# Elements removed with everything inside them (the rest of what nh3 strips keeps its text).
IMAGE_TYPES = {  # the file names the checker counts as images (markup itself reads the format from the bytes)
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "noscript", "object", "embed", "template", "svg", "math", "frameset"}
DECORATIVE = "decorative"
MAX_NESTING = 40  # block quotes or list levels in the Markdown source
MAX_DEPTH = 120  # elements inside one another in the chapter's XHTML
MAX_UNCLOSED = 64  # '[', '(' and '<' left open in one paragraph: Markdown's inline patterns scan on from each one
LONG_WORD = 60  # characters without a space; longer ones get break opportunities every BREAK_EVERY
BREAK_EVERY = 20
_LONG_TOKEN = re.compile(r"\S{%d,}" % LONG_WORD)
_REMOVED_TAG = re.compile(r"<(" + "|".join(sorted(CLEAN_CONTENT_TAGS)) + r")\b", re.IGNORECASE)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]{0,3}>)+")
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|[0-9]+[.)])[ \t]")
_URL_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in "<>\"{}|\\^`")
_BLOCK_TAGS = ("div", "table", "section", "aside", "blockquote", "figure", "ul", "ol", "dl", "pre")
_BLOCK_OPEN = re.compile(r"<(" + "|".join(_BLOCK_TAGS) + r")(?=[\s>/])", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(r"</(" + "|".join(_BLOCK_TAGS) + r")\s*>", re.IGNORECASE)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_BRACKETS = re.compile(r"\\.|[\[\]()<>]|\n[ \t]*\n")
_CLOSER = {"]": "[", ")": "(", ">": "<"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_NOTES_START = '<div class="footnote">'
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
_ID_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
XREF_SCHEME = "anthology-xref:"  # href of a link to another chapter until layout resolves it: XREF_SCHEME + its number
XREF_CLASS = "xref"
CHAPTER_SUFFIXES = (".md", ".markdown")
_WRAPPER = re.compile("^" + re.escape(f'<div xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">') + "|</div>$")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Note:
    """A footnote: its number in the chapter, its id, the id of its call, and its content as XHTML."""

    number: int
    id: str
    ref_id: str
    xhtml: str


@dataclass(frozen=True)
class Asset:
    """A file the chapter refers to (an image), and the name it has inside the outputs."""

    source: Path
    name: str
    media_type: str


@dataclass(frozen=True)
class Image:
    """One image as the chapter uses it: the asset's name, its alt text, and whether it is decorative.

    A decorative image (marked ``{: .decorative }``) has an empty alt and role="presentation";
    every other image has alt text (the markup stage refuses one without).
    """

    name: str
    alt: str
    decorative: bool = False


@dataclass(frozen=True)
class CrossReference:
    """A link to another chapter's source file, as the author wrote it, and where it points in the book.

    The link's <a> in the XHTML has the href ``XREF_SCHEME + str(number)``; layout resolves it to the
    target chapter's page and id (see ``layout.xrefs``), knowing every chapter.
    """

    number: int
    href: str  # as written
    target: str  # the file it names, relative to the book's folder ('chapters/02-b.md')
    fragment: str  # the id after '#' as written in the target's Markdown (percent-decoded), '' for the chapter
    line: int | None  # where the link is in the linking file


@dataclass(frozen=True)
class ChapterMarkup:
    chapter: Chapter | Matter
    xhtml: str  # the body as an XHTML fragment (block elements, in the XHTML namespace)
    headings: tuple[Heading, ...] = ()
    notes: tuple[Note, ...] = ()
    assets: tuple[Asset, ...] = ()
    word_count: int = 0
    images: tuple[Image, ...] = ()
    # what the checker reports: warnings always (what was left out, what a reader would notice);
    # errors only when rendered with collect=True
    diagnostics: tuple[Diagnostic, ...] = ()
    # the files the rendering read: each image reference as written, the file it resolved to and the
    # SHA-256 of the bytes read (what a cached rendering must find unchanged to be used again)
    reads: tuple[Read, ...] = ()
    # links to other chapters, resolved by layout
    xrefs: tuple[CrossReference, ...] = ()
    # every id of the chapter that a link from another chapter may name: (as written in the Markdown, as in the XHTML)
    anchors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Read:
    """A local file a chapter refers to, as written (``reference``), and what it was when rendered."""

    reference: str
    path: Path
    sha256: str


@dataclass
class _State:
    chapter: Chapter | Matter
    book_dir: Path  # no file outside this folder is read
    ids: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    assets: dict[Path, Asset] = field(default_factory=dict)
    images: list[Image] = field(default_factory=list)
    reads: dict[str, Read] = field(default_factory=dict)
    xrefs: list[CrossReference] = field(default_factory=list)

    def line_of(self, needle: str) -> int | None:
        """The file's line number of the first body line that holds ``needle`` (None when not found);
        a Markdown link or image target '(needle' is looked for first."""
        if needle:
            lines = self.chapter.markdown.split("\n")
            for wanted in (f"({needle}", needle):
                for index, line in enumerate(lines):
                    if wanted in line:
                        return self.chapter.body_line + index
        return None

    def error(self, message: str, needle: str = "", hint: str | None = None) -> None:
        self.problems.append(Diagnostic(self.chapter.source, message, line=self.line_of(needle), hint=hint))

    def warn(self, message: str, needle: str = "", hint: str | None = None) -> None:
        self.warnings.append(
            Diagnostic(self.chapter.source, message, line=self.line_of(needle), hint=hint, level="warning")
        )


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["footnotes", "tables", "attr_list", "toc", "smarty", "sane_lists", "fenced_code", VerseExtension()],
        extension_configs={
            "smarty": {"substitutions": SMART_QUOTES},
            "footnotes": {"UNIQUE_IDS": False, "BACKLINK_TEXT": "", "SUPERSCRIPT_TEXT": "{}"},
            "toc": {"permalink": False},
        },
        output_format="html",
    )


def _clean(html_text: str) -> str:
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        filter_style_properties={"text-align"},
    )


def _to_xhtml(element: lxml_html.HtmlElement) -> etree._Element:
    """Copy an lxml.html tree into the XHTML namespace."""
    tag = element.tag if isinstance(element.tag, str) else "span"
    new = etree.Element(f"{{{XHTML_NS}}}{tag.lower()}", nsmap=NSMAP)
    for name, value in element.attrib.items():
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name):
            new.set(name, _xml_text(value))
    new.text = _xml_text(element.text)
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            if len(new):
                new[-1].tail = (new[-1].tail or "") + (_xml_text(child.tail) or "")
            else:
                new.text = (new.text or "") + (_xml_text(child.tail) or "")
            continue
        copy = _to_xhtml(child)
        copy.tail = _xml_text(child.tail)
        new.append(copy)
    return new


def _xml_text(text: str | None) -> str | None:
    """Text without the characters XML cannot hold (a character reference such as &#1; can bring them in)."""
    return None if text is None else _XML_INVALID.sub("", text)


def _fresh_id(state: _State, wanted: str) -> str:
    base = f"{state.chapter.prefix}-{_ID_CHARS.sub('-', wanted).strip('-') or 'x'}"
    candidate, n = base, 2
    while candidate in state.used:
        candidate, n = f"{base}-{n}", n + 1
    state.used.add(candidate)
    return candidate


def _prefix_ids(root: etree._Element, state: _State) -> None:
    for element in root.iter():
        old = element.get("id")
        if old is not None:
            new = _fresh_id(state, old)
            state.ids.setdefault(old, new)
            element.set("id", new)
    for element in root.iter(f"{{{XHTML_NS}}}a"):
        href = element.get("href", "")
        if href.startswith("#") and href[1:] in state.ids:
            element.set("href", "#" + state.ids[href[1:]])


def _shift_headings(root: etree._Element) -> list[Heading]:
    """The top sub-heading becomes level two (below the chapter title); no level is skipped on the way down."""
    tags = [f"{{{XHTML_NS}}}h{n}" for n in range(1, 7)]
    found = []
    for element in list(root.iter(*tags)):
        if "".join(element.itertext()).strip():
            found.append(element)
        elif len(element):  # only an image, say: not a heading anyone can find in the contents
            element.tag = f"{{{XHTML_NS}}}p"
        else:  # an empty '#' line
            unwrap(element)
    if not found:
        return []
    top = min(int(local_name(e)[1]) for e in found)
    shift = 2 - top
    headings = []
    previous = 1
    for element in found:
        level = min(6, int(local_name(element)[1]) + shift, previous + 1)
        element.tag = f"{{{XHTML_NS}}}h{level}"
        previous = level
        headings.append(Heading(level, element.get("id", ""), "".join(element.itertext()).strip()))
    return headings


def _extract_notes(root: etree._Element, state: _State) -> list[Note]:
    # Python-Markdown puts the notes in a <div class="footnote"> after everything else.
    found = [c for c in root if local_name(c) == "div" and "footnote" in (c.get("class") or "").split()]
    if not found:
        return []
    container = found[-1]
    root.remove(container)
    items = {li.get("id", ""): li for li in container.iter(f"{{{XHTML_NS}}}li")}
    refs: dict[str, str] = {}
    numbers: dict[str, int] = {}
    # Calls in the text first, then calls inside the notes they reach (a note may cite another note).
    queue = [a for a in root.iter(f"{{{XHTML_NS}}}a") if "footnote-ref" in (a.get("class") or "").split()]
    while queue:
        a = queue.pop(0)
        sup = a.getparent()
        target = a.get("href", "")[1:]
        ref_id = sup.get("id") or _fresh_id(state, "fnref")
        if "id" in sup.attrib:
            del sup.attrib["id"]
        a.set("id", ref_id)
        a.set("class", "noteref")
        a.set(EPUB_TYPE, "noteref")
        a.set("role", "doc-noteref")
        refs.setdefault(target, ref_id)
        if target not in numbers:
            numbers[target] = len(numbers) + 1
            if target in items:
                queue += [n for n in items[target].iter(f"{{{XHTML_NS}}}a") if "footnote-ref" in (n.get("class") or "").split()]
        a.text = str(numbers[target])
    notes = []
    for li in list(container.iter(f"{{{XHTML_NS}}}li")):  # a list: serialising a note moves its content
        note_id = li.get("id", "")
        if note_id and note_id not in refs and note_id in state.ids.values():
            original = next((old for old, new in state.ids.items() if new == note_id), note_id)
            label = original.split(":", 1)[-1]
            state.warn(
                f"footnote '[^{label}]' is defined but never referred to, so it is left out",
                f"[^{label}]:",
                hint=f"refer to it in the text with [^{label}], or remove the definition",
            )
        for back in list(li.iter(f"{{{XHTML_NS}}}a")):
            if "footnote-backref" in (back.get("class") or "").split():
                parent = back.getparent()
                prev = back.getprevious()
                if prev is not None:
                    prev.tail = ((prev.tail or "") + (back.tail or "")).rstrip("\u00a0 ")
                else:
                    parent.text = ((parent.text or "") + (back.tail or "")).rstrip("\u00a0 ")
                parent.remove(back)
        content = "".join(_serialise_children(li))
        if note_id in refs:
            notes.append(Note(numbers[note_id], note_id, refs[note_id], content))
    return sorted(notes, key=lambda n: n.number)


def _check_undefined_notes(root: etree._Element, state: _State) -> None:
    """A '[^label]' left as text is a footnote reference whose definition is missing."""
    skip = {f"{{{XHTML_NS}}}code", f"{{{XHTML_NS}}}pre"}
    for element in root.iter():
        texts = [] if element.tag in skip else [element.text]
        texts.append(element.tail)
        for chunk in texts:
            for label in _NOTE_CALL.findall(chunk or ""):
                state.warn(
                    f"footnote reference '[^{label}]' has no definition",
                    f"[^{label}]",
                    hint=f"add a line '[^{label}]: the note's text' below the paragraph",
                )


def _serialise_children(element: etree._Element) -> list[str]:
    wrapper = etree.Element(f"{{{XHTML_NS}}}div", nsmap=NSMAP)
    wrapper.text = element.text
    for child in list(element):
        wrapper.append(child)
    return [serialise_fragment(wrapper)]


def serialise_fragment(wrapper: etree._Element) -> str:
    """The children of a namespaced wrapper element as an XHTML string, without the wrapper."""
    for key in list(wrapper.attrib):
        del wrapper.attrib[key]
    text = etree.tostring(wrapper, encoding="unicode", method="xml")
    if text.endswith("/>"):
        return ""
    return _WRAPPER.sub("", text)


def _collect_images(root: etree._Element, state: _State) -> None:
    """Every <img> must be a safe, real image file inside the book's folder, with alt text or marked decorative."""
    chapter_dir = state.chapter.source.parent
    book_dir = state.book_dir
    for img in list(root.iter(f"{{{XHTML_NS}}}img")):
        src = img.get("src", "").strip()
        classes = (img.get("class") or "").split()
        decorative = DECORATIVE in classes
        # A caption (the Markdown title, ![](photo.jpg "Caption")) describes an image that has no alt text.
        alt = " ".join((img.get("alt") or "").split()) or " ".join((img.get("title") or "").split())
        if not src:
            state.warn("an image without a file name (src) was left out", "<img", hint="give it a src naming a file in the book's folder, or remove it")
            _replace_by_text(img, alt)
            continue
        if is_remote(src):
            on_web = urlsplit(src).scheme.lower() in ("http", "https", "ftp", "")
            state.warn(
                f"image '{_short(src)}' " + ("is on the web" if on_web else "is a URL, not a file")
                + "; it is left out (a build reads only the book's own files and never uses the network)",
                src[:40],
                hint="save the image into the book's folder and refer to it by a relative path",
            )
            _replace_by_text(img, alt)
            continue
        found = local_file(src, chapter_dir, book_dir)
        if isinstance(found, Refusal):
            variant = case_variant(src, chapter_dir, book_dir) if found.kind == "missing" else None
            if variant is not None:
                state.error(f"image '{_short(src)}' not found: the file's name differs in capitals", src,
                            hint=f"did you mean {variant}? write ![{alt}]({variant}), or rename the file")
            else:
                state.error(f"image '{_short(src)}' {found.reason}", src, hint=_refusal_hint(found))
            continue
        try:
            info = inspect_image(found)
        except ImageProblem as problem:
            state.error(f"image '{_short(src)}' {problem.message}", src, hint=problem.hint)
            continue
        asset = state.assets.get(found)
        if asset is None:
            digest = hashlib.sha256(found.read_bytes()).hexdigest()
            asset = Asset(found, f"images/{digest[:16]}{info.extension}", info.media_type)
            state.assets[found] = asset
            state.reads.setdefault(src, Read(src, found, digest))
        elif src not in state.reads:
            known = next(r for r in state.reads.values() if r.path == found)
            state.reads[src] = Read(src, found, known.sha256)
        if not alt and not decorative:
            state.error(
                f"image '{_short(src)}' has no alt text",
                src,
                hint=f"describe it for readers who cannot see it: ![A red bicycle]({src}); "
                f"or, if it is only ornament, mark it: ![]({src}){{: .{DECORATIVE} }}",
            )
            continue
        img.set("src", asset.name)
        if decorative:
            img.set("alt", "")
            img.set("role", "presentation")
        else:
            img.set("alt", alt)
        state.images.append(Image(asset.name, "" if decorative else alt, decorative))


def _mark_image_paragraphs(root: etree._Element) -> None:
    """A paragraph that holds images and nothing else (several: one alone is a figure) gets the class ``image``: the stylesheets
    centre it and never indent it, whatever a reading system does to paragraphs."""
    for para in root.iter(f"{{{XHTML_NS}}}p"):
        children = list(para)
        if not children or any(not isinstance(c.tag, str) or etree.QName(c).localname != "img" for c in children):
            continue
        if (para.text or "").strip() or any((c.tail or "").strip() for c in children):
            continue
        para.set("class", " ".join(filter(None, [para.get("class"), "image"])))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _refusal_hint(refusal: Refusal) -> str:
    if refusal.kind == "missing":
        return "check the file name; it is relative to the chapter file"
    if refusal.kind == "remote":
        return "copy the file into the book's folder and refer to it by a relative path"
    if refusal.kind in ("special", "too-big"):
        return "refer to an ordinary image file of at most 30 MB"
    return "only files inside the book's folder are used: copy the file there and refer to it by a relative path"


def _replace_by_text(element: etree._Element, text: str) -> None:
    """Put ``text`` (an image's alt text) where ``element`` was, then remove the element."""
    parent = element.getparent()
    if parent is None:
        return
    addition = f"[{text}]" if text else ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + addition + (element.tail or "")
    else:
        parent.text = (parent.text or "") + addition + (element.tail or "")
    parent.remove(element)


def _check_links(root: etree._Element, state: _State) -> None:
    """Links go to the web, to an e-mail address, to a place in this chapter, or to a Markdown file in the
    book (recorded for layout, which knows the other chapters); any other link keeps only its text."""
    known = {e.get("id") for e in root.iter() if e.get("id")}
    for a in list(root.iter(f"{{{XHTML_NS}}}a")):
        href = a.get("href")
        if href is None:
            continue
        href = href.strip()
        if "footnote-backref" in (a.get("class") or "").split():
            continue  # removed with its note's markup; a note never referred to is reported on its own
        if href.startswith("#"):
            if href[1:] in known:
                continue
            state.warn(
                f"link to '#{_short(href[1:])}' goes nowhere: no heading or anchor in this chapter has the id "
                f"'{_short(href[1:])}'; only its text is kept",
                href,
                hint="give the target an id, e.g. '## Results {: #results }', or fix the link",
            )
        else:
            safe = _safe_url(href)
            if safe is not None:
                a.set("href", safe)
                continue
            if _cross_reference(a, href, state):
                continue
            state.warn(
                f"link to '{_short(href)}' is not a web address: it points to a file, which the book does not carry; "
                "only its text is kept",
                href,
                hint="link to a web address (https://…) or to an id in this chapter ('#id')",
            )
        unwrap(a)


def _cross_reference(a: etree._Element, href: str, state: _State) -> bool:
    """Record a link to a Markdown file inside the book (another chapter, as far as markup can tell) and
    mark its <a> for layout; False when ``href`` is not such a link."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or parts.query or not path.lower().endswith(CHAPTER_SUFFIXES) or path.startswith("/"):
        return False
    try:
        folder = state.chapter.source.resolve().parent.relative_to(state.book_dir).as_posix()
    except ValueError:
        return False
    target = posixpath.normpath(posixpath.join(folder, path))
    if target.startswith("../") or target == "..":
        return False
    reference = CrossReference(len(state.xrefs) + 1, href, target, unquote(parts.fragment), state.line_of(href))
    state.xrefs.append(reference)
    kept = {name: value for name, value in a.attrib.items() if name not in ("class", "href")}
    a.attrib.clear()
    a.set("class", XREF_CLASS)  # first, then the href: layout and the print chunks find the link by its start
    a.set("href", f"{XREF_SCHEME}{reference.number}")
    for name, value in kept.items():
        a.set(name, value)
    return True


def _anchors(root: etree._Element, notes: list[Note], state: _State) -> tuple[tuple[str, str], ...]:
    """The ids a link from another chapter may name, as written and as they are in the XHTML."""
    present = {e.get("id") for e in root.iter() if e.get("id")} | {n.id for n in notes}
    return tuple((old, new) for old, new in state.ids.items() if new in present)


def _safe_url(href: str) -> str | None:
    """``href`` as a valid absolute http(s) or mailto URL, percent-encoding what needs it; None if it is not one."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.hostname:
        return quote(href, safe=_URL_SAFE + "%")
    if scheme == "mailto" and len(href) > len("mailto:"):
        return quote(href, safe=_URL_SAFE + "%")
    return None


def _warn_removed(html_text: str, state: _State) -> None:
    """Say which raw HTML elements are removed with their content (scripts, frames, embedded objects)."""
    seen: set[str] = set()
    for match in _REMOVED_TAG.finditer(html_text):
        tag = match.group(1).lower()
        if tag not in seen:
            seen.add(tag)
            state.warn(
                f"raw HTML <{tag}> is not allowed in a book; it was removed with everything inside it",
                f"<{match.group(1)}",
                hint="remove it from the chapter; put any text it held outside it",
            )


def _break_long_words(root: etree._Element) -> None:
    """Give very long words and URLs invisible break opportunities (<wbr/>), so no line overflows the page
    and the print layout never tries to hyphenate a word thousands of characters long."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.text and _LONG_TOKEN.search(element.text):
            pieces = _split_long_words(element.text)
            element.text = pieces[0]
            for index, piece in enumerate(pieces[1:]):
                wbr = etree.Element(f"{{{XHTML_NS}}}wbr")
                wbr.tail = piece
                element.insert(index, wbr)
        if element.tail and element.getparent() is not None and _LONG_TOKEN.search(element.tail):
            pieces = _split_long_words(element.tail)
            element.tail = pieces[0]
            anchor = element
            for piece in pieces[1:]:
                wbr = etree.Element(f"{{{XHTML_NS}}}wbr")
                wbr.tail = piece
                anchor.addnext(wbr)
                anchor = wbr


def _split_long_words(text: str) -> list[str]:
    """``text`` cut inside each long word every BREAK_EVERY characters, never before a combining mark or joiner."""
    pieces: list[str] = []
    start = 0
    for match in _LONG_TOKEN.finditer(text):
        cut = match.start() + BREAK_EVERY
        while cut < match.end() - 1:
            while cut < match.end() and _clings(text[cut]):
                cut += 1
            if cut >= match.end():
                break
            pieces.append(text[start:cut])
            start = cut
            cut += BREAK_EVERY
    pieces.append(text[start:])
    return pieces


def _clings(char: str) -> bool:
    """A character that belongs to the one before it: a combining mark, a joiner, a variation selector."""
    return bool(unicodedata.combining(char)) or char in "\u200d\u200c\u2060" or "\ufe00" <= char <= "\ufe0f" or unicodedata.category(char) in ("Mn", "Me", "Sk") and char not in "^`"


def _warn_unclosed(markdown_text: str, state: _State) -> None:
    """Say where a raw HTML block element is opened and never closed: Markdown after it is not formatted."""
    text = _CODE.sub(lambda m: " " * len(m.group(0)), markdown_text)
    opened: dict[str, list[int]] = {}
    for match in sorted([*_BLOCK_OPEN.finditer(text), *_BLOCK_CLOSE.finditer(text)], key=lambda m: m.start()):
        tag = match.group(1).lower()
        if match.group(0).startswith("</"):
            if opened.get(tag):
                opened[tag].pop()
        else:
            opened.setdefault(tag, []).append(match.start())
    for tag, starts in opened.items():
        if starts:
            line = state.chapter.body_line + text.count("\n", 0, starts[0])
            state.warnings.append(
                Diagnostic(
                    state.chapter.source,
                    f"raw HTML <{tag}> is never closed, so the Markdown after it is not formatted",
                    line=line,
                    hint=f"add </{tag}> where the block ends, or remove <{tag}>",
                    level="warning",
                )
            )


def _unclosed(markdown_text: str) -> tuple[int, int]:
    """(most '[', '(' and '<' left open in one paragraph, the line index where that paragraph ends).

    Markdown's link, image and tag patterns look for the closing mark from every opening one, so a
    paragraph of thousands of unclosed '[' takes minutes; counting them first costs one pass."""
    text = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown_text) if "`" in markdown_text else markdown_text
    open_marks = {"[": 0, "(": 0, "<": 0}
    worst, where = 0, 0
    for match in _BRACKETS.finditer(text):
        mark = match.group(0)
        if mark in open_marks:
            open_marks[mark] += 1
        elif mark in _CLOSER:
            opener = _CLOSER[mark]
            open_marks[opener] = max(0, open_marks[opener] - 1)
        elif mark.strip() == "":  # a blank line: a new paragraph
            open_marks = dict.fromkeys(open_marks, 0)
            continue
        else:  # an escaped character
            continue
        total = open_marks["["] + open_marks["("] + open_marks["<"]
        if total > worst:
            worst, where = total, match.start()
    return worst, text.count("\n", 0, where)


def _html_depth(markdown_text: str) -> tuple[int, int]:
    """(deepest nesting of raw HTML elements in the Markdown source, its line index), counted before
    Markdown sees it: its HTML block processing takes minutes over thousands of nested elements."""
    if "<" not in markdown_text:
        return 0, 0
    depth = deepest = where = 0
    for match in _TAG.finditer(markdown_text):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
    return deepest, markdown_text.count("\n", 0, where)


def _nesting(markdown_text: str) -> tuple[int, int]:
    """(deepest block-quote nesting, deepest list indentation in levels) of the Markdown source, and its line index."""
    deepest, where = 0, 0
    for index, line in enumerate(markdown_text.split("\n")):
        quote_prefix = _QUOTE_PREFIX.match(line)
        depth = quote_prefix.group(0).count(">") if quote_prefix else 0
        item = _LIST_ITEM.match(line[quote_prefix.end() if quote_prefix else 0 :])
        if item:
            depth += len(item.group(1).expandtabs(4)) // 4 + 1
        if depth > deepest:
            deepest, where = depth, index
    return deepest, where


def _depth(root: etree._Element) -> int:
    deepest = 0
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _too_deep(state: _State, line: int | None) -> SourceError:
    return SourceError(
        Diagnostic(
            state.chapter.source,
            f"block quotes, lists or HTML elements are nested more than {MAX_NESTING} levels deep",
            line=line,
            hint="flatten the nesting; no reader can follow that many levels",
        )
    )


def render_chapter(chapter: Chapter | Matter, book_dir: Path | None = None, collect: bool = False) -> ChapterMarkup:
    """Turn one chapter's (or an editor's text's) Markdown into an XHTML fragment plus its headings,
    notes and images.

    Images are read only from inside ``book_dir``: the book's folder (by default the nearest folder
    above the file that holds anthology.toml, else the file's own folder). Errors raise a
    SourceError, unless ``collect`` is true: then they are returned with the warnings in
    ``diagnostics`` (the checker reads every problem of every chapter that way).
    """
    state = _State(chapter, (book_dir or _book_dir(chapter.source)).resolve())
    try:
        root = _parse(chapter, state)
    except SourceError as error:
        if not collect:
            raise
        return ChapterMarkup(chapter=chapter, xhtml="", diagnostics=tuple(error.diagnostics))
    repair(root)
    table_captions(root)
    dashes(root)
    _prefix_ids(root, state)
    _check_links(root, state)
    _break_long_words(root)
    notes = _extract_notes(root, state)
    for stray in [a for a in root.iter(f"{{{XHTML_NS}}}a") if "footnote-backref" in (a.get("class") or "").split()]:
        unwrap(stray)  # a back link that raw HTML in a note pushed out of the notes
    _check_undefined_notes(root, state)
    headings = _shift_headings(root)
    _collect_images(root, state)
    figures(root)
    _mark_image_paragraphs(root)
    if state.problems and not collect:
        raise SourceError(state.problems)
    words = len("".join(root.itertext()).split())
    if words == 0 and root.find(f".//{{{XHTML_NS}}}img") is None:
        state.warnings.append(
            Diagnostic(
                chapter.source,
                "the chapter has no text",
                line=chapter.body_line,
                hint="write the chapter below the front matter, or remove the file",
                level="warning",
            )
        )
    return ChapterMarkup(
        chapter=chapter,
        xhtml=serialise_fragment(root),
        headings=tuple(headings),
        notes=tuple(notes),
        assets=tuple(state.assets.values()),
        word_count=words,
        images=tuple(state.images),
        diagnostics=tuple(state.problems + state.warnings),
        reads=tuple(state.reads.values()),
        xrefs=tuple(state.xrefs),
        anchors=_anchors(root, notes, state),
    )


def _book_dir(source: Path) -> Path:
    """The book's folder: the nearest folder above ``source`` holding anthology.toml."""
    for folder in list(source.resolve().parents)[:3]:
        if (folder / CONFIG_NAME).is_file():
            return folder
    return source.parent


def _parse(chapter: Chapter | Matter, state: _State) -> etree._Element:
    """Markdown to a cleaned XHTML tree, refusing nesting no reader could follow."""
    text = _XML_INVALID.sub("", chapter.markdown)
    deepest, where = _nesting(text)
    if deepest > MAX_NESTING:
        raise _too_deep(state, chapter.body_line + where)
    deepest, where = _html_depth(text)
    if deepest > MAX_DEPTH:
        raise _too_deep(state, chapter.body_line + where)
    unclosed, where = _unclosed(text)
    if unclosed > MAX_UNCLOSED:
        raise SourceError(
            Diagnostic(
                chapter.source,
                f"a paragraph leaves {unclosed:,} brackets ('[', '(' or '<') open; at most {MAX_UNCLOSED} can be converted in reasonable time",
                line=chapter.body_line + where,
                hint="close the brackets, write them as \\[ \\( \\<, or put the text in a code block",
            )
        )
    try:
        _warn_unclosed(text, state)
        converted = _markdown().convert(text)
        _warn_removed(converted, state)
        html_text = _clean(converted)
        # The notes come last; parsed apart, an element left open in the text cannot swallow them.
        split = html_text.rfind(_NOTES_START)
        body, notes = (html_text[:split], html_text[split:]) if split >= 0 else (html_text, "")
        fragment = lxml_html.fragment_fromstring(body or "<p></p>", create_parent="div")
        if notes:
            fragment.extend(lxml_html.fragment_fromstring(notes, create_parent="div"))
        if _depth(fragment) > MAX_DEPTH:
            raise _too_deep(state, None)
        return _to_xhtml(fragment)
    except (RecursionError, etree.ParserError) as exc:
        raise _too_deep(state, None) from exc


def render_chapters(
    chapters: tuple[Chapter, ...], each: Callable[[Chapter], None] | None = None, book_dir: Path | None = None
) -> list[ChapterMarkup]:
    """Render every chapter (calling ``each`` before each one); report the problems of all chapters at once."""

    def one(chapter: Chapter) -> ChapterMarkup:
        if each is not None:
            each(chapter)
        return render_chapter(chapter, book_dir)

    return collect(chapters, one)


@functools.lru_cache(maxsize=64)
def render_matter(matter: Matter) -> ChapterMarkup:
    """An editors' text (foreword, part introduction, afterword …), rendered once like a chapter."""
    return render_chapter(matter)


def book_matter(book: Book) -> tuple[Matter, ...]:
    """Every editors' text of the book in reading order: front, part introductions, back."""
    intros = tuple(p.intro for p in book.parts if p.intro is not None)
    return book.front + intros + book.back


def render_book_matter(book: Book) -> dict[str, ChapterMarkup]:
    """Render every editors' text, keyed by id; report the problems of all of them at once."""
    results: dict[str, ChapterMarkup] = {}
    problems: list[Diagnostic] = []
    for matter in book_matter(book):
        try:
            results[matter.id] = render_matter(matter)
        except SourceError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SourceError(problems)
    return results
