"""anthology.print.patches: every change made to WeasyPrint and pydyf finds what it wraps in the
WeasyPrint installed, puts the original back, and leaves WeasyPrint alone (its fallback) when a
release moves what it wraps.

``test_every_patch_finds_what_it_wraps`` is the one that fails when WeasyPrint changes under them;
the fallback of the margin patch (the book laid out whole) is tested in test_print_workers.
"""

from __future__ import annotations

import zlib

import pydyf
import pytest
import weasyprint.document
import weasyprint.layout
from weasyprint.layout import block, inline
from weasyprint.pdf import fonts, tags
from weasyprint.text import line_break

from anthology.print import patches


def test_every_patch_finds_what_it_wraps() -> None:
    assert {name: patches.unusable(name) for name in patches.TARGETS} == dict.fromkeys(patches.TARGETS)


def test_each_patch_puts_the_original_back() -> None:
    margins, images, clean = weasyprint.layout.make_margin_boxes, weasyprint.document.original_get_image_from_uri, fonts.Font.clean
    with patches.margin_state(lambda context, state: state) as wrapped:
        assert wrapped and weasyprint.layout.make_margin_boxes is not margins
    with patches.image_names("file:///book/"):
        assert weasyprint.document.original_get_image_from_uri is not images
    with patches.font_cleaning(lambda font: None):
        assert fonts.Font.clean is not clean
    with patches.flate_level():
        assert pydyf.zlib is not zlib
    build = tags._build_box_tree
    with patches.structure_notes(lambda *args: lambda made: None) as wrapped:
        assert wrapped and tags._build_box_tree is not build
    assert (weasyprint.layout.make_margin_boxes, weasyprint.document.original_get_image_from_uri, fonts.Font.clean, pydyf.zlib, tags._build_box_tree) == (
        margins, images, clean, zlib, build
    )


def test_a_moved_target_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def elsewhere(url: str) -> None:
        return None

    monkeypatch.setattr(weasyprint.layout, "make_margin_boxes", elsewhere)
    monkeypatch.setattr(weasyprint.document, "original_get_image_from_uri", elsewhere)
    monkeypatch.setattr(fonts.Font, "clean", elsewhere)
    monkeypatch.setattr(pydyf, "zlib", object())
    monkeypatch.setattr(block, "_linebox_layout", elsewhere)
    monkeypatch.setattr(line_break, "split_first_line", elsewhere)
    monkeypatch.setattr(tags, "_build_box_tree", elsewhere)
    assert all(patches.unusable(name) for name in patches.TARGETS)
    with patches.margin_state(lambda context, state: state) as wrapped:
        assert not wrapped and weasyprint.layout.make_margin_boxes is elsewhere
    with patches.image_names("file:///book/"), patches.font_cleaning(lambda font: None), patches.flate_level():
        assert weasyprint.document.original_get_image_from_uri is elsewhere and fonts.Font.clean is elsewhere
        assert not isinstance(pydyf.zlib, type(zlib))
    with patches.notes_kept():
        assert block._linebox_layout is elsewhere
    layout_name = inline.split_first_line
    with patches.whole_lines():
        assert inline.split_first_line is layout_name
    with patches.structure_notes(lambda *args: lambda made: None) as wrapped:
        assert not wrapped and tags._build_box_tree is elsewhere


def test_images_are_named_from_their_address_inside_the_book() -> None:
    here = patches.image_id("file:///home/ann/book/chapters/a.png", "file:///home/ann/book/")
    assert here == patches.image_id("file:///tmp/x/chapters/a.png", "file:///tmp/x/")
    assert here != patches.image_id("file:///tmp/x/chapters/b.png", "file:///tmp/x/")
    assert patches.image_id("file:///usr/share/fonts/x.png", "file:///tmp/x/") is None


def test_notes_kept_changes_one_line_of_weasyprint() -> None:
    """The rebuilt line layout is WeasyPrint's own but for the line that moves notes off their page
    (tests/test_print_notes.py shows what that line did); a WeasyPrint that rewrote the line is left
    alone, and test_every_patch_finds_what_it_wraps fails."""
    import inspect

    original = block._linebox_layout
    assert inspect.getsource(original).count(patches.NOTES_REPORT) == 1
    with patches.notes_kept():
        rebuilt = block._linebox_layout
        assert rebuilt is not original and rebuilt.__globals__ is block.__dict__
        assert rebuilt.__code__.co_firstlineno == original.__code__.co_firstlineno
    assert block._linebox_layout is original


def test_whole_lines_changes_one_line_of_weasyprint() -> None:
    """The rebuilt split_first_line is WeasyPrint's own but for its fit test (tests/test_print_notes.py
    shows the one-word lines it left); only the line layout's name for it is swapped."""
    import inspect

    original = inline.split_first_line
    assert original is line_break.split_first_line
    assert inspect.getsource(original).count(patches.FIT_TEST) == 1
    with patches.whole_lines():
        rebuilt = inline.split_first_line
        assert rebuilt is not original and rebuilt.__globals__ is line_break.__dict__
        assert line_break.split_first_line is original
    assert inline.split_first_line is original


def test_a_patch_whose_line_changed_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def _linebox_layout(context: object, box: object, index: object, child: object, new_children: object, page_is_empty: object) -> None:
        return None

    monkeypatch.setattr(block, "_linebox_layout", _linebox_layout)
    assert "no longer says" in (patches.unusable("notes_kept") or "")
    with patches.notes_kept():
        assert block._linebox_layout is _linebox_layout


def test_the_structure_patch_tells_each_element_what_it_is() -> None:
    """What anthology.print.structure relies on inside WeasyPrint's tagging, on one small page: a
    note, its call, a span in another language, a dot leader, a hyphenated line, a figure, the folio."""
    import base64
    import io

    import pikepdf
    import weasyprint
    from PIL import Image

    from anthology.print.structure import MARK, Describer

    picture = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 0, 200)).save(picture, "PNG")
    html = (
        '<html lang="en"><body><section id="c1"><p>Call<a class="noteref" href="#n1">1</a>'
        '<span class="footnote" id="n1">The note.</span> and <span lang="cy">gofal</span>. '
        + "Extraordinarily incomprehensible characteristically " * 12
        + '</p><p><a class="toc" href="#c1">Entry</a></p><img alt="A box" src="data:image/png;base64,' + base64.b64encode(picture.getvalue()).decode() + '"/></section></body></html>'
    )
    css = weasyprint.CSS(string=(
        "@page { size: 100mm 150mm; @bottom-center { content: counter(page) } }"
        "p { hyphens: auto; width: 60mm; text-align: justify } .footnote { float: footnote }"
        ".toc::after { content: leader('. ') '7' }"
    ))

    document = weasyprint.HTML(string=html).render(stylesheets=[css], pdf_tags=True)
    with patches.structure_notes(Describer()) as wrapped:
        assert wrapped
        data = document.write_pdf(pdf_tags=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        elements = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"]
        notes = [e for e in elements if e.S == "/Note"]
        assert [str(e.ID) for e in notes] == ["n1"]
        marks = [e["/" + MARK] for e in elements if "/" + MARK in e]
        assert any(str(m.get("/Note", "")) == "n1" for m in marks)
        assert any(str(m.get("/Artifact", "")) == "/Layout" for m in marks)  # the leader
        assert [str(v) for v in pdf.pages[0].obj["/" + MARK]][1::2] == ["/Footer"]  # the folio
        assert len({str(m.K) for m in marks if "/K" in m}) > 10
        assert [str(e.Lang) for e in elements if "/Lang" in e] == ["cy"]
        assert any(str(e.ActualText).endswith("\u00ad") for e in elements if "/ActualText" in e)
        figure = next(e for e in elements if e.S == "/Figure")
        left, bottom, right, top = (float(v) for v in pdf.pages[0].MediaBox)
        x1, y1, x2, y2 = (float(v) for v in figure.A.BBox)
        assert left <= x1 < x2 <= right and bottom <= y1 < y2 <= top
