"""anthology.toml's new keys, the richer chapter front matter, contributors, parts and the front/ and back/ folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DEFAULT_TOML, chapter, write_book

from anthology.build import load_book
from anthology.errors import ConfigError, SourceError
from anthology.layout.outline import roman
from anthology.project.config import Epigraph, load_config
from anthology.project.isbns import InvalidIsbn, normalise_isbn
from anthology.project.licenses import UnknownLicense, license_for


def config(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "anthology.toml").write_text(DEFAULT_TOML + extra, encoding="utf-8")
    return tmp_path


def config_error(tmp_path: Path, extra: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(config(tmp_path, extra))
    assert info.value.exit_code == 2
    return info.value.format(tmp_path)


# ISBNs


@pytest.mark.parametrize("value", ["9780306406157", "978-0-306-40615-7", "978 0 306 40615 7"])
def test_isbn_is_hyphenated(value: str) -> None:
    assert normalise_isbn(value) == "978-0-306-40615-7"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9780306406158", "wrong check digit: the last digit should be 7"),
        ("0-306-40615-2", "is an ISBN-10; write it as the ISBN-13 978-0-306-40615-7"),
        ("97803064061", "needs 13 digits"),
        ("9770306406157", "starts 978 or 979"),
    ],
)
def test_bad_isbn(value: str, message: str) -> None:
    with pytest.raises(InvalidIsbn) as info:
        normalise_isbn(value)
    assert message in str(info.value)


def test_isbn_per_format_and_identifier(tmp_path: Path) -> None:
    settings = load_config(config(tmp_path, 'isbn = { epub = "9780306406157", paperback = "978-1-234-56789-7" }\n')).book
    assert settings.isbn == (("epub", "978-0-306-40615-7"), ("paperback", "978-1-234-56789-7"))
    assert settings.identifier == "urn:isbn:9780306406157"


def test_isbn_errors_name_line_and_format(tmp_path: Path) -> None:
    text = config_error(tmp_path, 'isbn = { epub = "9780306406158", kindle = "9780306406157" }\n')
    assert "anthology.toml:4:" in text
    assert "epub: '9780306406158' has a wrong check digit" in text
    assert "unknown format 'kindle'" in text


# Licences


def test_license_from_spdx_id() -> None:
    cc = license_for("cc-by-4.0")
    assert (cc.id, cc.name, cc.short, cc.url) == (
        "CC-BY-4.0", "Creative Commons Attribution 4.0 International", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"
    )
    assert license_for("CC0-1.0").url == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert license_for("MIT").url == "https://spdx.org/licenses/MIT.html"


def test_unknown_license_suggests_nearest(tmp_path: Path) -> None:
    with pytest.raises(UnknownLicense):
        license_for("CC-BY-9")
    text = config_error(tmp_path, 'license = "CC-BY-4"\n')
    assert "anthology.toml:4:" in text and "did you mean 'CC-BY-4.0'?" in text


# Book keys


def test_new_book_keys(tmp_path: Path) -> None:
    settings = load_config(
        config(
            tmp_path,
            'place = "Bristol"\nedition = "Second edition"\ncopyright = "© 2020 Ann"\ndedication = "For Bo"\n'
            'epigraph = { text = "Words.", source = "Someone" }\n',
        )
    ).book
    assert (settings.place, settings.edition, settings.copyright, settings.dedication) == ("Bristol", "Second edition", "© 2020 Ann", "For Bo")
    assert settings.epigraph == Epigraph("Words.", "Someone")
    assert load_config(config(tmp_path, 'epigraph = "Just words."\n')).book.epigraph == Epigraph("Just words.")


def test_bad_epigraph_table(tmp_path: Path) -> None:
    assert "unknown key 'who'" in config_error(tmp_path, 'epigraph = { text = "x", who = "y" }\n')


# [contributors]


def test_contributor_table_errors_name_the_line(tmp_path: Path) -> None:
    text = config_error(tmp_path, '\n[contributors."Ann Bee"]\nbio = "x"\nsortas = "Bee, Ann"\n')
    assert "anthology.toml:7: error: unknown key 'sortas' for contributor 'Ann Bee' (did you mean 'sort_as'?)" in text


def test_bios_merge_across_chapters_and_config(tmp_path: Path) -> None:
    toml = DEFAULT_TOML + '\n[contributors."Cy Dee"]\nbio = "From the table."\nsort_as = "Zzz, Cy"\n'
    chapters = {
        "1.md": "---\ntitle: One\nauthor:\n  - name: Ann Bee\n    bio: Ann's bio.\n  - Cy Dee\n---\nx\n",
        "2.md": "---\ntitle: Two\nauthor:\n  - name: Cy Dee\n    bio: Ignored, the table wins.\n---\nx\n",
        "3.md": chapter("Three", "Eve Alder", byline="Writer in residence"),
        "4.md": chapter("Four", "[Ann Bee, Bo Cole]", byline="Two people, not a bio"),
    }
    book = load_book(write_book(tmp_path, chapters, toml))
    people = {c.name: c for c in book.contributors}
    assert people["Ann Bee"].bio == "Ann’s bio."
    assert people["Cy Dee"].bio == "From the table." and people["Cy Dee"].sort_as == "Zzz, Cy"
    assert people["Eve Alder"].bio == "Writer in residence"
    assert people["Bo Cole"].bio is None
    assert [c.name for c in book.contributors_by_name] == ["Eve Alder", "Ann Bee", "Bo Cole", "Cy Dee"]
    assert [c.title for c in book.chapters_by(people["Ann Bee"])] == ["One", "Four"]
    assert book.chapters[0].authors[1] is people["Cy Dee"]


def test_two_different_bios_are_an_error(tmp_path: Path) -> None:
    chapters = {
        "1.md": "---\ntitle: One\nauthor:\n  - name: Ann Bee\n    bio: First.\n---\nx\n",
        "2.md": "---\ntitle: Two\nauthor:\n  - name: Ann Bee\n    bio: Second.\n---\nx\n",
    }
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, chapters))
    text = info.value.format(tmp_path)
    assert "chapters/2.md: error: a second, different bio for Ann Bee (the first is in 1.md)" in text
    assert '[contributors."Ann Bee"]' in text


def test_author_mapping_needs_a_name(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"1.md": "---\ntitle: One\nauthor:\n  - bio: Nameless.\n---\nx\n"}))
    assert "chapters/1.md:3:" in info.value.format(tmp_path) and "missing required key 'name'" in str(info.value)


# Chapter front matter


def test_richer_chapter_front_matter(tmp_path: Path) -> None:
    text = (
        "---\ntitle: One\nauthor: Ann\nsummary: In short.\nsource: https://example.org/one\nlicense: CC-BY-SA-4.0\n"
        "epigraph:\n  text: A line.\n  source: A poet\n---\nx\n"
    )
    ch = load_book(write_book(tmp_path, {"1.md": text})).chapters[0]
    assert ch.summary == "In short." and ch.first_published == "https://example.org/one"
    assert ch.license is not None and ch.license.short == "CC BY-SA 4.0"
    assert ch.epigraph == Epigraph("A line.", "A poet")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("source: example.org/one", "is not a web address"),
        ("license: CC-BY-5.0", "is not an SPDX licence id"),
        ("epigraph: []", "expected text"),
    ],
)
def test_chapter_front_matter_errors(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"1.md": f"---\ntitle: One\nauthor: Ann\n{line}\n---\nx\n"}))
    assert "chapters/1.md:4:" in info.value.format(tmp_path) and message in str(info.value)


# [[parts]]

PARTS = '\n[[parts]]\ntitle = "First"\nchapters = ["chapters/b.md"]\n\n[[parts]]\ntitle = "Second"\nintro = "Short *intro*."\nchapters = ["chapters/a.md"]\n'


def test_parts_set_the_order(tmp_path: Path) -> None:
    book = load_book(write_book(tmp_path, {"a.md": chapter("A"), "b.md": chapter("B")}, DEFAULT_TOML + PARTS))
    assert [c.title for c in book.chapters] == ["B", "A"]
    assert [(p.number, p.title, [c.title for c in p.chapters]) for p in book.parts] == [(1, "First", ["B"]), (2, "Second", ["A"])]
    assert book.parts[0].intro is None and book.parts[1].intro is not None
    assert book.parts[1].intro.markdown == "Short *intro*."
    assert [c.part for c in book.chapters] == [1, 2]


def test_without_parts_nothing_changes(tmp_path: Path) -> None:
    book = load_book(write_book(tmp_path, {"a.md": chapter("A"), "b.md": chapter("B")}))
    assert book.parts == () and [c.part for c in book.chapters] == [None, None]


def test_chapter_in_no_part(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"a.md": chapter("A"), "b.md": chapter("B"), "c.md": chapter("C")}, DEFAULT_TOML + PARTS))
    assert "chapter 'chapters/c.md' is in no part" in str(info.value)


def test_part_errors(tmp_path: Path) -> None:
    toml = (
        'chapters = ["chapters/a.md"]\n\n[[parts]]\nchapters = ["chapters/a.md"]\n\n'
        '[[parts]]\ntitle = "Two"\nchapters = ["chapters/a.md", "chapters/missing.md"]\n'
    )
    text = config_error(tmp_path, toml)
    assert "anthology.toml:4: error: the reading order is given twice" in text
    assert "anthology.toml:6: error: missing required key 'title' in part 1" in text
    assert "anthology.toml:9: error: chapter 'chapters/a.md' is in part 1 and in part 2" in text


def test_missing_part_chapter(tmp_path: Path) -> None:
    toml = DEFAULT_TOML + '\n[[parts]]\ntitle = "One"\nchapters = ["chapters/a.md", "chapters/gone.md"]\n'
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"a.md": chapter("A")}, toml))
    assert "anthology.toml:5:" in info.value.format(tmp_path)
    assert "chapter 'chapters/gone.md' listed in part 1 ('One') does not exist" in str(info.value)


def test_roman_numerals() -> None:
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1990)] == ["I", "IV", "IX", "XIV", "XL", "MCMXC"]


# front/ and back/


def test_front_and_back_matter_files(tmp_path: Path) -> None:
    root = write_book(tmp_path, {"a.md": chapter("A")})
    (root / "front").mkdir()
    (root / "front" / "introduction.md").write_text("# Why these pieces\n\nBecause.\n")
    (root / "front" / "foreword.md").write_text("---\ntitle: A word first\nauthor: [Ed One, Ed Two]\n---\n\nHello.\n")
    (root / "back").mkdir()
    (root / "back" / "acknowledgements.md").write_text("Thanks.\n")
    book = load_book(root)
    assert [(m.kind, m.title) for m in book.front] == [("foreword", "A word first"), ("introduction", "Why these pieces")]
    assert book.front[0].author_names == "Ed One and Ed Two"
    assert book.front[1].markdown.strip() == "Because." and book.front[1].body_line == 2
    assert [(m.kind, m.title) for m in book.back] == [("acknowledgements", "Acknowledgements")]


def test_unknown_matter_file_is_an_error(tmp_path: Path) -> None:
    root = write_book(tmp_path, {"a.md": chapter("A")})
    (root / "back").mkdir()
    (root / "back" / "afterwords.md").write_text("x\n")
    with pytest.raises(SourceError) as info:
        load_book(root)
    assert "'afterwords.md' is not a known back matter file (did you mean 'afterword.md'?" in str(info.value)


def test_matter_front_matter_is_checked(tmp_path: Path) -> None:
    root = write_book(tmp_path, {"a.md": chapter("A")})
    (root / "front").mkdir()
    (root / "front" / "foreword.md").write_text("---\ntitel: X\n---\nx\n")
    with pytest.raises(SourceError) as info:
        load_book(root)
    assert "front/foreword.md:2: error: unknown key 'titel' (did you mean 'title'?)" in info.value.format(tmp_path)


def test_contributor_entry_must_match_an_author(tmp_path: Path) -> None:
    toml = DEFAULT_TOML + '\n[contributors."Ann Be"]\nbio = "x"\n'
    with pytest.raises(SourceError) as info:
        load_book(write_book(tmp_path, {"a.md": chapter("A", "Ann Bee")}, toml))
    assert "contributor 'Ann Be' is the author of no chapter (did you mean 'Ann Bee'?" in str(info.value)


def test_rights_from_copyright_and_license(tmp_path: Path) -> None:
    toml = DEFAULT_TOML + 'copyright = "© 2024 the authors"\nlicense = "CC-BY-4.0"\n'
    book = load_book(write_book(tmp_path, {"a.md": chapter()}, toml))
    assert book.rights == (
        "© 2024 the authors. Creative Commons Attribution 4.0 International (CC BY 4.0): https://creativecommons.org/licenses/by/4.0/"
    )


def test_contributor_anchors_are_unique(tmp_path: Path) -> None:
    chapters = {"1.md": chapter("One", "[Zoë Lee, Zoe Lee, 王伟, 李娜]")}
    book = load_book(write_book(tmp_path, chapters))
    anchors = [c.id for c in book.contributors]
    assert anchors == ["contributor-zoe-lee", "contributor-zoe-lee-2", "contributor-person", "contributor-person-2"]


def test_dedication_paragraphs_and_lines() -> None:
    from anthology.layout.documents import host, paragraphs

    assert paragraphs("For Ann,\nwho walked.\n\n  And for Bo.  \n") == [["For Ann,", "who walked."], ["And for Bo."]]
    assert host("https://www.scie.org.uk/blog/x") == "scie.org.uk"


def test_imprint_copyright_line(tmp_path: Path) -> None:
    from anthology.layout import lay_out
    from anthology.markup.render import render_chapters

    def imprint(toml: str) -> str:
        book = load_book(write_book(tmp_path / str(abs(hash(toml))), {"a.md": chapter(date="2017-04-20")}, DEFAULT_TOML + toml))
        edition = lay_out(book, render_chapters(book.chapters), "html")
        return next(d for d in edition.documents if d.kind == "imprint").body

    assert "© 2017 the contributors" in imprint("")
    assert "© 2019 SCIE" in imprint('rights = "© 2019 SCIE"\n')
    assert "© 2020 Ann" in imprint('rights = "© 2019 SCIE"\ncopyright = "© 2020 Ann"\n')
