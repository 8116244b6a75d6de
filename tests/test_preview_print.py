"""The preview's print view after a save: only the chunks the save changed are laid out (a chapter
saved is laid out on its own from then on), and the pages it shows read as the built PDF's, page for
page, numbers included; a chapter that grows leaves the
pages after it numbered as before (marked, and said) until they are numbered again.

Every wait is for an event (the preview's next build, an HTTP answer), never for a length of time.
"""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from helpers import PATIENCE, chapter, running_preview, write_book

from anthology.preview.printview import PrintView
from anthology.preview.server import Preview

pytestmark = pytest.mark.slow

SENTENCE = "The quick brown fox jumps over the lazy dog while the committee deliberates on the matter. "
PARAGRAPHS = 3


def body(paragraphs: int = PARAGRAPHS, extra: str = "") -> str:
    return "\n\n".join([SENTENCE * 30] * paragraphs) + (f"\n\n{extra}\n" if extra else "")


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    """Ten chapters, no date anywhere (the PDF's date would follow the newest file): five chunks,
    the front matter, three of the body (four, four and two chapters) and the back matter."""
    return write_book(tmp_path / "book", {f"{n:02d}-c.md": chapter(f"Chapter {n}", f"Author {n % 3}", body()) for n in range(1, 11)})


@pytest.fixture()
def preview(book: Path) -> Iterator[Preview]:
    with running_preview(book) as server:
        yield server


def post(preview: Preview, route: str, fields: str = "") -> bytes:
    """The preview's button: a POST with its token, answered (after the 303) by what it made."""
    data = f"token={preview.token}{fields}".encode()
    with urllib.request.urlopen(urllib.request.Request(preview.url + "_preview/" + route, data=data), timeout=PATIENCE) as answer:
        return answer.read()


def lay_out(preview: Preview, fields: str = "") -> tuple[PrintView, str]:
    page = post(preview, "print", fields).decode("utf-8")
    view, error = preview.print_pages(make=False)
    assert error is None and view is not None
    return view, page


def save(preview: Preview, source: Path, text: str) -> None:
    """Save a chapter and wait for the preview's build of it (the page's long poll, in this process)."""
    since = preview.state.version
    source.write_text(text, encoding="utf-8")
    state = preview.wait_for_change(since, PATIENCE)
    assert state.version != since, "no build after the save: a hang"
    assert state.error is None


def text_of(pdf: Path, page: int) -> str:
    """A page's text as poppler reads it. A hyphen that ends a line is read as U+2010 from a chunk's
    PDF and as the soft hyphen of the line's ActualText from a built one (its structure pass)."""
    done = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True, timeout=PATIENCE)
    return done.stdout.replace("\u00ad", "\u2010")


def shown_texts(view: PrintView) -> list[str]:
    return [text_of(page.pdf, page.page) for page in view.pages]


def built_pdf(preview: Preview) -> tuple[list[str], list[str]]:
    """The PDF a build makes now (the view's download button): each page's text and label."""
    made = post(preview, "book.pdf")
    pdf = preview.book_pdf()
    assert pdf is not None and made == pdf.read_bytes()
    with pikepdf.open(pdf) as opened:
        labels = [page.label for page in opened.pages]
    return [text_of(pdf, n) for n in range(1, len(labels) + 1)], labels


def entry(texts: list[str], title: str) -> str:
    """The line of the contents that names ``title``, with its page number."""
    contents = next(text for text in texts if text.startswith("Contents"))
    return next(line for line in contents.splitlines() if line.startswith(title + " ."))


def image(preview: Preview, number: int) -> bytes:
    url = preview.url + f"_preview/pages/page-{number}.png?token={preview.token}"
    with urllib.request.urlopen(url, timeout=PATIENCE) as answer:
        return answer.read()


def test_a_saved_edit_shows_in_the_print_view_as_in_the_built_pdf(preview: Preview, book: Path) -> None:
    first, _ = lay_out(preview)
    assert (first.chunks, first.laid) == (5, 5)
    source = book / "chapters" / "05-c.md"
    save(preview, source, chapter("Chapter 5", "Author 2", body(extra="A sentence saved first.")))
    view, _ = lay_out(preview)
    # chapters 5 to 8 were one chunk: now chapter 5 is one, 6 to 8 another; the PDF's date did not change the others
    assert (view.chunks, view.laid) == (6, 2)
    kept = {page.pdf: page.pdf.stat().st_mtime_ns for page in view.pages}
    save(preview, source, chapter("Chapter 5", "Author 2", body(extra="A sentence EDITEDWORD saved now.")))
    view, page = lay_out(preview)
    assert (view.chunks, view.laid) == (6, 1)  # chapter 5 alone
    assert len(view.pages) == len(first.pages) and not view.renumbered
    assert 'id="anthology-preview-renumbered"' not in page
    for shown in view.pages:  # every other chunk is shown from the very file it was shown from
        if shown.pdf in kept:
            assert shown.pdf.stat().st_mtime_ns == kept[shown.pdf]
    texts = shown_texts(view)
    holding = [n for n, text in enumerate(texts, start=1) if "EDITEDWORD" in text]
    assert len(holding) == 1
    assert image(preview, holding[0]).startswith(b"\x89PNG")
    assert f'alt="page {view.pages[holding[0] - 1].label}"' in page
    built_texts, built_labels = built_pdf(preview)
    assert texts == built_texts  # page for page, with the numbers printed on them
    assert [page.label for page in view.pages] == built_labels
    assert f"  {view.pages[holding[0] - 1].label}\n" in texts[holding[0] - 1]  # the edited page prints its number


def test_a_chapter_that_grows_leaves_later_pages_numbered_as_before_until_numbered_again(preview: Preview, book: Path) -> None:
    first, _ = lay_out(preview)
    before = shown_texts(first)
    save(preview, book / "chapters" / "05-c.md", chapter("Chapter 5", "Author 2", body(PARAGRAPHS * 4, "GROWNWORD ends it.")))
    view, page = lay_out(preview)
    grown = len(view.pages) - len(first.pages)
    assert grown > 0 and grown % 2 == 0
    # the body's third chunk (chapters 9 and 10) and the back matter: laid out as before, not again
    last = [n for n, shown in enumerate(view.pages, start=1) if shown.pdf == view.pages[-1].pdf]
    moved = view.renumbered
    assert moved and moved[-1] == len(view.pages) and last[0] >= moved[0]
    assert moved == list(range(moved[0], len(view.pages) + 1))
    texts = shown_texts(view)
    # the third body chunk: the very pages shown before, numbered as they were
    assert texts[moved[0] - 1 : last[0] - 1] == before[moved[0] - 1 - grown : last[0] - 1 - grown]
    for n in moved:  # the back matter too (laid out again: it names chapter 8's page, which moved)
        shown = view.pages[n - 1]
        assert shown.printed is None or int(shown.printed) == int(shown.label) - grown
    assert sum(view.pages[n - 1].printed is not None for n in moved) > len(moved) // 2
    assert 'id="anthology-preview-renumbered"' in page and f"Pages {view.pages[moved[0] - 1].label} to " in page
    assert page.count('class="renumbered"') == len(moved)
    built_texts, _ = built_pdf(preview)
    front = sum(not shown.label.isdigit() for shown in view.pages)
    assert texts[front : moved[0] - 1] == built_texts[front : moved[0] - 1]  # the body up to the moved pages, as built
    assert texts[moved[0] - 1] != built_texts[moved[0] - 1]
    # the contents: chapter 6 (in the chunk laid out again) as built, chapter 9 (moved) as before
    assert entry(texts, "Chapter 6") == entry(built_texts, "Chapter 6") != entry(before, "Chapter 6")
    assert entry(texts, "Chapter 9") == entry(before, "Chapter 9") != entry(built_texts, "Chapter 9")
    numbered, page = lay_out(preview, "&renumber=1")
    assert not numbered.renumbered and 'id="anthology-preview-renumbered"' not in page
    assert shown_texts(numbered) == built_texts
