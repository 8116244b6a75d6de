"""Markdown to well-formed XHTML: one function, used for every output.

Python-Markdown (footnotes, tables, attr_list, toc, smart typography) writes HTML; nh3 cleans any raw
HTML to an allow-list; lxml re-reads the result and we write it back as namespaced XHTML, with every
id prefixed by the chapter's prefix (unique across the book), headings shifted so the chapter title is
the only level-one heading, footnotes split out as Note records, and images collected as assets.
The serialised XHTML never holds a named entity.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import nh3
from lxml import etree
from lxml import html as lxml_html

from .errors import Diagnostic, SourceError
from .model import Book, Chapter, Matter

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
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
URL_SCHEMES = {"http", "https", "mailto"}
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
_URL_WITH_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
_ID_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_WRAPPER = re.compile(r"^<div xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\">|</div>$")


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
class ChapterMarkup:
    chapter: Chapter | Matter
    xhtml: str  # the body as an XHTML fragment (block elements, in the XHTML namespace)
    headings: tuple[Heading, ...] = ()
    notes: tuple[Note, ...] = ()
    assets: tuple[Asset, ...] = ()
    word_count: int = 0
    # what the checker reports: warnings always; errors only when rendered with collect=True
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass
class _State:
    chapter: Chapter | Matter
    ids: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    assets: dict[Path, Asset] = field(default_factory=dict)

    def line_of(self, needle: str) -> int | None:
        """The file's line number of the first body line holding ``needle`` (None when not found)."""
        for index, line in enumerate(self.chapter.markdown.split("\n")):
            if needle in line:
                return self.chapter.body_line + index
        return None

    def warn(self, message: str, needle: str, hint: str | None = None) -> None:
        self.warnings.append(
            Diagnostic(self.chapter.source, message, line=self.line_of(needle), hint=hint, level="warning")
        )


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["footnotes", "tables", "attr_list", "toc", "smarty", "sane_lists", "fenced_code"],
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
        filter_style_properties={"text-align"},
    )


def _to_xhtml(element: lxml_html.HtmlElement) -> etree._Element:
    """Copy an lxml.html tree into the XHTML namespace."""
    tag = element.tag if isinstance(element.tag, str) else "span"
    new = etree.Element(f"{{{XHTML_NS}}}{tag.lower()}", nsmap=NSMAP)
    for name, value in element.attrib.items():
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name):
            new.set(name, value)
    new.text = element.text
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            if len(new):
                new[-1].tail = (new[-1].tail or "") + (child.tail or "")
            else:
                new.text = (new.text or "") + (child.tail or "")
            continue
        copy = _to_xhtml(child)
        copy.tail = child.tail
        new.append(copy)
    return new


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


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
        elif "footnote-backref" in (element.get("class") or "").split():
            continue  # the back link of a note never referred to; that note is reported on its own
        elif href.startswith("#"):
            state.warn(
                f"link to '{href}' goes nowhere: no heading or anchor in this chapter has the id '{href[1:]}'",
                f"({href}",
                hint="give the target an id, e.g. '## Results {: #results }', or fix the link",
            )
        elif href and not _URL_WITH_SCHEME.match(href) and not href.startswith("//"):
            state.warn(
                f"link to '{href}' points to a file, which the book does not carry",
                f"({href}",
                hint="link to a web address (https://…) or to an id in this chapter ('#id')",
            )


def _shift_headings(root: etree._Element) -> list[Heading]:
    tags = [f"{{{XHTML_NS}}}h{n}" for n in range(1, 7)]
    found = [e for e in root.iter(*tags)]
    if not found:
        return []
    top = min(int(_local(e)[1]) for e in found)
    shift = 2 - top
    headings = []
    for element in found:
        level = min(6, int(_local(element)[1]) + shift)
        element.tag = f"{{{XHTML_NS}}}h{level}"
        headings.append(Heading(level, element.get("id", ""), "".join(element.itertext()).strip()))
    return headings


def _extract_notes(root: etree._Element, state: _State) -> list[Note]:
    container = None
    for div in root.iter(f"{{{XHTML_NS}}}div"):
        if "footnote" in (div.get("class") or "").split():
            container = div
            break
    if container is None:
        return []
    container.getparent().remove(container)
    refs: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for a in root.iter(f"{{{XHTML_NS}}}a"):
        if "footnote-ref" in (a.get("class") or "").split():
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
            numbers.setdefault(target, len(numbers) + 1)
            a.text = str(numbers[target])
    notes = []
    for li in container.iter(f"{{{XHTML_NS}}}li"):
        note_id = li.get("id", "")
        if note_id not in refs:
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
    chapter_dir = state.chapter.source.parent
    for img in root.iter(f"{{{XHTML_NS}}}img"):
        src = img.get("src", "")
        line = state.line_of(f"({src}") or state.line_of(src)
        described = img.get("alt", "").strip() or img.get("title", "").strip()  # a caption describes it too
        if not described and "decorative" not in (img.get("class") or "").split():
            state.problems.append(
                Diagnostic(
                    state.chapter.source,
                    f"image '{src}' has no alt text",
                    line=line,
                    hint=f"describe it for readers who cannot see it: ![A crowd at the match]({src}); "
                    f"if it is only decoration, mark it: ![]({src}){{: .decorative }}",
                )
            )
        if "alt" not in img.attrib:
            img.set("alt", "")
        if _URL_WITH_SCHEME.match(src) or src.startswith("//"):
            state.problems.append(
                Diagnostic(
                    state.chapter.source,
                    f"image '{src}' is not a local file",
                    line=line,
                    hint="download the image into the book's folder and refer to it by a relative path",
                )
            )
            continue
        path = (chapter_dir / src).resolve()
        suffix = path.suffix.lower()
        if suffix not in IMAGE_TYPES:
            state.problems.append(
                Diagnostic(state.chapter.source, f"image '{src}' is not a PNG, JPEG, GIF, SVG or WebP file", line=line)
            )
            continue
        if not path.is_file():
            state.problems.append(
                Diagnostic(
                    state.chapter.source,
                    f"image '{src}' not found",
                    line=line,
                    hint="check the path; it is relative to the chapter file",
                )
            )
            continue
        asset = state.assets.get(path)
        if asset is None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            asset = Asset(path, f"images/{digest}{suffix}", IMAGE_TYPES[suffix])
            state.assets[path] = asset
        img.set("src", asset.name)


def render_chapter(chapter: Chapter | Matter, collect: bool = False) -> ChapterMarkup:
    """Turn one chapter's (or an editor's text's) Markdown into an XHTML fragment plus its headings,
    notes and images.

    Errors raise a SourceError, unless ``collect`` is true: then they are returned with the warnings
    in ``diagnostics`` (the checker reads every problem of every chapter that way).
    """
    state = _State(chapter)
    html_text = _clean(_markdown().convert(chapter.markdown))
    fragment = lxml_html.fragment_fromstring(html_text or "<p></p>", create_parent="div")
    root = _to_xhtml(fragment)
    _prefix_ids(root, state)
    notes = _extract_notes(root, state)
    _check_undefined_notes(root, state)
    headings = _shift_headings(root)
    _collect_images(root, state)
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
        diagnostics=tuple(state.problems + state.warnings),
    )


def render_chapters(
    chapters: tuple[Chapter, ...], each: Callable[[Chapter], None] | None = None
) -> list[ChapterMarkup]:
    """Render every chapter (calling ``each`` before each one); report the problems of all chapters at once."""
    results: list[ChapterMarkup] = []
    problems: list[Diagnostic] = []
    for chapter in chapters:
        if each is not None:
            each(chapter)
        try:
            results.append(render_chapter(chapter))
        except SourceError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SourceError(problems)
    return results


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
