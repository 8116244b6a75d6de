"""Start a book (``anthology new``) and add chapters to it (``anthology add``)."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from pathlib import Path

import yaml

from ..errors import ConfigError, Diagnostic
from ..print.profiles import PRINT_FIELDS
from ..text import slugify
from .booklet_settings import BOOKLET_FIELDS
from .config import BOOK_FIELDS, CONFIG_NAME, CONTRIBUTOR_FIELDS, PART_FIELDS, load_config
from .labels import english, shipped
from .schema import Field
from .sources import CHAPTER_DIR


def _comment(text: str, width: int = 96) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, width - 2)]


def _setting(field: Field, value: str | None = None) -> list[str]:
    """A key with its help and default; commented out unless a value is given."""
    lines = _comment(field.help + (f" Default: {field.default}." if field.default else ""))
    lines.append(f"{field.name} = {value}" if value is not None else f"# {field.name} = {field.example}")
    return lines + [""]


def config_text(title: str, language: str) -> str:
    """The anthology.toml of a new book: every setting, commented, with its default. It is made from
    the settings' schema (config.BOOK_FIELDS, PRINT_FIELDS, BOOKLET_FIELDS, …) and the English labels, so it always
    names every setting there is."""
    lines = [
        "# The book's settings. Lines starting with '#' are comments: remove the '#' to use a setting.",
        "# Each setting says what it does and what holds without it.",
        "",
        "[book]",
    ]
    given = {"title": toml_string(title), "language": toml_string(language)}
    for field in BOOK_FIELDS:
        lines += _setting(field, given.get(field.name))
    lines += ["[print]"] + _comment("The PDF and the booklet.") + [""]
    for field in PRINT_FIELDS:
        lines += _setting(field)
    lines += ["[booklet]"] + _comment("The stapled booklet (--format booklet): its paper, its limit and its cover.") + [""]
    for field in BOOKLET_FIELDS:
        lines += _setting(field)
    lines += _comment("About the contributors: a table for each person named as an author, with a bio and how to "
                      "sort the name. The bio may instead be in the chapter's front matter.")
    lines += ['# [contributors."Ann Bee"]', ""]
    for field in CONTRIBUTOR_FIELDS:
        lines += _setting(field)
    lines += _comment("Parts: group the chapters under titled parts, one [[parts]] table for each, in order. With "
                      "parts, every chapter is listed in one part, and [book] chapters is left out.")
    lines += ["# [[parts]]", ""]
    for field in PART_FIELDS:
        lines += _setting(field)
    lines += _comment("The book's fixed words, in its language; anthology has them in en, " + ", ".join(
        code for code in shipped() if code != "en") + ". Change any of them here; [labels.fr] holds those of "
        "chapters in French (lang: fr). Words in braces are filled in; keep them. Defaults, in English:")
    lines += ["# [labels]"]
    for key, text in english().items():
        lines.append(f"# {key} = {toml_string(text)}")
    return "\n".join(lines) + "\n"


# What `new` and `add` write for the editor to replace; `check` warns while any of it is left in.
EXAMPLE_AUTHOR = "Your Name"
EXAMPLE_TEXT = "Write the chapter here."
EXAMPLE_OPENING = "This is the first chapter. Write in Markdown"

EXAMPLE_BODY = """\
This is the first chapter. Write in Markdown: a blank line starts a new paragraph, *one star* makes
italics and **two** make bold.

## A sub-heading

Footnotes work like this.[^1] Links look like [this one](https://example.org), and pictures like
this: `![A short description for readers who cannot see it](images/photo.jpg)`.

Run `anthology check` to find mistakes, `anthology preview` to see the book as you write, and
`anthology build` to make the EPUB, the PDF and the HTML edition.

[^1]: The text of the footnote goes at the end of the chapter.
"""

STYLE_STUB = """\
/* Your additions to the stylesheets of every edition (EPUB, PDF and HTML).
   Beside this file you can add epub.css, print.css and html.css for one edition only.
   For example:

   h1 { color: #333; }
   blockquote { font-style: italic; }
*/
"""

GITIGNORE = """\
# What anthology makes; rebuild it with 'anthology build'.
build/
"""


def yaml_scalar(value: str) -> str:
    """``value`` as it should be written after 'key: ' in front matter: plain when YAML reads it back unchanged."""
    plain = value.strip()
    risky = re.search(r"(^|\s)#|:(\s|$)", plain) or plain[:1] in "!&*?|>'\"%@`[]{},-" or plain != value
    try:
        same = yaml.safe_load(plain) == plain
    except yaml.YAMLError:
        same = False
    if plain and same and not risky:
        return plain
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def chapter_text(title: str, authors: list[str], date: dt.date | None = None, body: str = "") -> str:
    lines = ["---", f"title: {yaml_scalar(title)}"]
    if len(authors) == 1:
        lines.append(f"author: {yaml_scalar(authors[0])}")
    else:
        lines.append("author: [" + ", ".join(json.dumps(a, ensure_ascii=False) for a in authors) + "]")
    lines.append("# byline: role and organisation")
    if date is not None:
        lines.append(f"date: {date.isoformat()}")
    lines += ["---", "", body.rstrip("\n") if body else EXAMPLE_TEXT, ""]
    return "\n".join(lines)


def new_book(folder: Path, title: str | None = None, language: str = "en", author: str = EXAMPLE_AUTHOR) -> list[Path]:
    """Create a book in ``folder`` (new or empty); returns the files written. Raises ConfigError if it would overwrite."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(Diagnostic(folder, "is a file, not a folder", hint="give a new folder's name"))
    if folder.is_dir() and any(p for p in folder.iterdir() if p.name not in (".git",)):
        existing = folder / CONFIG_NAME
        hint = "it already holds a book" if existing.is_file() else "choose a new or empty folder"
        raise ConfigError(Diagnostic(folder, "is not empty; anthology new will not overwrite anything", hint=hint))
    book_title = title or title_from_folder(folder)
    files = {
        CONFIG_NAME: config_text(book_title, language),
        f"{CHAPTER_DIR}/01-welcome.md": chapter_text("Welcome", [author], dt.date.today(), EXAMPLE_BODY),
        "styles/base.css": STYLE_STUB,
        ".gitignore": GITIGNORE,
    }
    written = []
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def title_from_folder(folder: Path) -> str:
    name = folder.resolve().name
    words = re.split(r"[-_\s]+", name)
    title = " ".join(w[:1].upper() + w[1:] for w in words if w)
    return title or "My Anthology"


_NUMBERED = re.compile(r"^(\d+)[-_ ]")


def next_chapter_path(folder: Path, title: str) -> Path:
    """chapters/NN-slug.md, numbered one after the highest number already there."""
    numbers = [(int(m.group(1)), len(m.group(1))) for p in folder.glob("*.md") if (m := _NUMBERED.match(p.name))]
    number = max((n for n, _ in numbers), default=0) + 1
    width = max([2] + [w for _, w in numbers])
    slug = slugify(title, fallback="chapter")[:50].rstrip("-")
    path = folder / f"{number:0{width}d}-{slug}.md"
    while path.exists():
        number += 1
        path = folder / f"{number:0{width}d}-{slug}.md"
    return path


def add_chapter(project_dir: Path, title: str, authors: list[str], date: dt.date | None = None) -> tuple[Path, bool]:
    """Write the next numbered chapter file; returns it and whether anthology.toml lists chapters by hand."""
    config = load_config(project_dir)  # makes sure this is a book's folder with valid settings
    if not title.strip():
        raise ConfigError(Diagnostic(None, "the chapter needs a title", key="TITLE", hint='anthology add "My title"'))
    if not authors or not all(a.strip() for a in authors):
        raise ConfigError(Diagnostic(None, "the chapter needs an author", key="--author", hint='add --author "Name"'))
    folder = Path(project_dir) / CHAPTER_DIR
    folder.mkdir(exist_ok=True)
    path = next_chapter_path(folder, title)
    path.write_text(chapter_text(title, [a.strip() for a in authors], date or dt.date.today()), encoding="utf-8")
    return path, config.book.chapters is not None
