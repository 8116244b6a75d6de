"""Start a book (``anthology new``) and add chapters to it (``anthology add``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import yaml

from ..errors import ConfigError, Diagnostic
from ..text import slugify
from .config import CONFIG_NAME, load_config
from .sources import CHAPTER_DIR

CONFIG_TEMPLATE = """\
# The book's settings. Every key is described in anthology's README ("anthology.toml").
# Lines starting with '#' are comments: remove the '#' to use a setting.

[book]
# The book's title; the output files are named after it.
title = {title}

# The book's language, as a BCP 47 tag: "en", "en-GB", "cy", "fr-CA".
language = {language}

# Shown under the title on the title page.
# subtitle = "Posts from our blog"

# A stable identifier: an ISBN ("978-…") or a URN. Derived from the title when absent.
# identifier = "urn:uuid:…"

# Shown on the title page and recorded in the metadata.
# publisher = "Our Press"

# The editors, shown as "Edited by".
# editors = ["Ann Bee", "Cy Dee"]

# The publication date, YYYY-MM-DD (without quotes). Otherwise the newest chapter's date.
# date = 2019-11-01

# A copyright or licence statement for the metadata.
# rights = "© 2019 the authors"

# The cover image, a JPEG or PNG (1600x2560 pixels suits every retailer). Without it the EPUB gets
# a cover set in type: the title, the subtitle and the editors.
# cover = "cover.jpg"

# The chapter files in reading order. Without this list, every .md file in chapters/ is used,
# in file-name order (2-b.md before 10-a.md).
# chapters = ["chapters/01-welcome.md", "chapters/02-second.md"]
"""

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
    lines += ["---", "", body.rstrip("\n") if body else "Write the chapter here.", ""]
    return "\n".join(lines)


def new_book(folder: Path, title: str | None = None, language: str = "en", author: str = "Your Name") -> list[Path]:
    """Create a book in ``folder`` (new or empty); returns the files written. Raises ConfigError if it would overwrite."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(Diagnostic(folder, "is a file, not a folder", hint="give a new folder's name"))
    if folder.is_dir() and any(p for p in folder.iterdir() if p.name not in (".git",)):
        existing = folder / CONFIG_NAME
        hint = "it already holds a book" if existing.is_file() else "choose a new or empty folder"
        raise ConfigError(Diagnostic(folder, "is not empty; anthology new will not overwrite anything", hint=hint))
    book_title = title or _title_from_folder(folder)
    files = {
        CONFIG_NAME: CONFIG_TEMPLATE.format(title=toml_string(book_title), language=toml_string(language)),
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


def _title_from_folder(folder: Path) -> str:
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
