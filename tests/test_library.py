"""The library kit: every file present, checksums right, MARC, ONIX and Dublin Core read back."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from helpers import write_book
from lxml import etree
from PIL import Image
from pymarc import MARCReader, parse_xml_to_array
from pypdf import PdfReader

from anthology.build import build

ROOT = Path(__file__).resolve().parent.parent
ONIX = "{http://ns.editeur.org/onix/3.0/reference}"
KIT_FILES = {
    "co-production-week-2019.epub", "co-production-week-2019.pdf", "cover.jpg", "onix.xml", "record.mrc",
    "record.xml", "dublin-core.xml", "accessibility.html", "SHA256SUMS", "README.txt",
}
SAMPLE_AUTHORS = ["Steve Palmer", "Clare Evans MBE", "Helen Sanderson", "Dr Gary Hickey"]
# The ONIX 3.0 order of the elements we write, inside Product and DescriptiveDetail.
PRODUCT_ORDER = ["RecordReference", "NotificationType", "ProductIdentifier", "DescriptiveDetail", "CollateralDetail", "PublishingDetail", "RelatedMaterial"]
DESCRIPTIVE_ORDER = [
    "ProductComposition", "ProductForm", "ProductFormDetail", "ProductFormFeature", "PrimaryContentType",
    "EpubTechnicalProtection", "TitleDetail", "Contributor", "EditionStatement", "Language", "Extent", "Subject",
]


@pytest.fixture(scope="module")
def sample_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("kit") / "book"
    book.mkdir()
    shutil.copy(ROOT / "anthology.toml", book / "anthology.toml")
    shutil.copytree(ROOT / "chapters", book / "chapters")
    shutil.copytree(ROOT / "styles", book / "styles")
    build(book, "library,epub", print_pages=True)  # the EPUB with its page list, as in the kit
    return book


def kit(book: Path) -> Path:
    return next((book / "build" / "library").iterdir())


def _in_order(names: list[str], order: list[str]) -> bool:
    positions = [order.index(n) for n in names]
    return positions == sorted(positions)


@pytest.mark.slow
def test_every_file_and_checksums(sample_kit: Path) -> None:
    folder = kit(sample_kit)
    assert {p.name for p in folder.iterdir()} == KIT_FILES
    lines = (folder / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == len(KIT_FILES) - 1
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    readme = (folder / "README.txt").read_text()
    assert all(name in readme for name in KIT_FILES - {"README.txt"})


@pytest.mark.slow
def test_kit_epub_is_the_epub(sample_kit: Path) -> None:
    built = sample_kit / "build" / "co-production-week-2019.epub"
    assert (kit(sample_kit) / built.name).read_bytes() == built.read_bytes()


@pytest.mark.slow
def test_archival_pdf_declares_pdfa_3u(sample_kit: Path) -> None:
    reader = PdfReader(str(kit(sample_kit) / "co-production-week-2019.pdf"))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


@pytest.mark.slow
def test_cover_is_a_large_rgb_jpeg(sample_kit: Path) -> None:
    with Image.open(io.BytesIO((kit(sample_kit) / "cover.jpg").read_bytes())) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.width >= 1600 and image.height >= 2560


@pytest.mark.slow
def test_marc_record_reads_back(sample_kit: Path) -> None:
    folder = kit(sample_kit)
    with open(folder / "record.mrc", "rb") as handle:
        record = next(MARCReader(handle, to_unicode=True, force_utf8=True))
    assert record.leader[6:8] == "am"
    assert len(record["008"].data) == 40 and record["008"].data[23] == "o" and record["008"].data[35:38] == "eng"
    assert record["245"]["a"].startswith("Co-production Week 2019")
    contents = record["505"]["a"]
    assert contents.count(" -- ") == 3
    for title, author in zip(["Co-production and rugby union", "the Wiltshire perspective", "Ruth’s story", "What is co-produced research?"], SAMPLE_AUTHORS, strict=True):
        assert title in contents and f"/ {author}" in contents
    people = record.get_fields("700")
    assert [f["a"] for f in people] == ["Palmer, Steve,", "Evans, Clare,", "Sanderson, Helen,", "Hickey, Gary,"]
    assert all(f["4"] == "aut" and f["e"] == "author." for f in people)
    assert [f["a"] for f in record.get_fields("336", "337", "338")] == ["text", "computer", "online resource"]
    assert "(15 pages)" in record["300"]["a"] or "pages)" in record["300"]["a"]
    tags = [f.tag for f in record.fields]
    assert tags == sorted(tags)
    xml_record = parse_xml_to_array(str(folder / "record.xml"))[0]
    assert xml_record["505"]["a"] == contents


@pytest.mark.slow
def test_onix_products_and_accessibility(sample_kit: Path) -> None:
    root = etree.parse(str(kit(sample_kit) / "onix.xml")).getroot()
    assert root.tag == f"{ONIX}ONIXMessage" and root.get("release") == "3.0"
    products = root.findall(f"{ONIX}Product")
    assert [p.findtext(f"{ONIX}DescriptiveDetail/{ONIX}ProductFormDetail") for p in products] == ["E101", "E107"]
    for product in products:
        assert _in_order([etree.QName(c).localname for c in product], PRODUCT_ORDER)
        detail = product.find(f"{ONIX}DescriptiveDetail")
        assert _in_order([etree.QName(c).localname for c in detail], DESCRIPTIVE_ORDER)
        names = [c.findtext(f"{ONIX}PersonName") for c in detail.findall(f"{ONIX}Contributor")]
        roles = {c.findtext(f"{ONIX}ContributorRole") for c in detail.findall(f"{ONIX}Contributor")}
        assert names == SAMPLE_AUTHORS and roles == {"A01"}
        assert detail.findtext(f"{ONIX}Language/{ONIX}LanguageCode") == "eng"
        assert detail.findtext(f"{ONIX}TitleDetail/{ONIX}TitleElement/{ONIX}TitleText") == "Co-production Week 2019"
    codes = {f.findtext(f"{ONIX}ProductFormFeatureValue") for f in products[0].iter(f"{ONIX}ProductFormFeature")}
    # the sample's EPUB claims WCAG 2.2 AA, a table of contents, reading order and print page numbers
    assert {"00", "04", "10", "11", "13", "19", "82", "85"} <= codes
    assert not list(products[1].iter(f"{ONIX}ProductFormFeature"))


@pytest.mark.slow
def test_accessibility_statement_uses_the_epub_facts(sample_kit: Path) -> None:
    text = (kit(sample_kit) / "accessibility.html").read_text()
    assert "EPUB Accessibility 1.1 - WCAG 2.2 Level AA" in text
    assert "Page numbers of the printed edition are marked" in text
    etree.fromstring(text.replace("<!DOCTYPE html>", "").encode(), etree.HTMLParser())


TOML = '''[book]
title = "Hedges and Ditches"
subtitle = "Writing from the field"
language = "en-GB"
editors = ["Eve Zed"]
publisher = "Field Press"
place = "Taunton"
date = 2020-05-01
license = "CC-BY-4.0"
isbn = { epub = "978-0-306-40615-7", pdf = "9780306406157" }
description = "Essays about hedge laying."
subjects = ["thema:WMP", "bisac:GAR000000"]
url = "https://example.org/hedges"
'''


@pytest.mark.slow
def test_full_metadata_book(tmp_path: Path) -> None:
    chapters = {
        "01.md": "---\ntitle: Laying\nauthor: [Ann Bee, Cy Dee]\ndate: 2020-01-02\n---\n\nText.\n",
        "02.md": "---\ntitle: Cutting\nauthor: Eve Zed\n---\n\nMore text.\n",
    }
    book = write_book(tmp_path / "book", chapters, TOML)
    build(book, "library")
    folder = kit(book)
    record = next(MARCReader(open(folder / "record.mrc", "rb"), to_unicode=True, force_utf8=True))
    assert [f["a"] for f in record.get_fields("020")] == ["9780306406157", "9780306406157"]
    assert record["264"]["a"] == "Taunton :" and record["264"]["b"] == "Field Press,"
    assert record["540"]["u"] == "https://creativecommons.org/licenses/by/4.0/"
    assert record["856"]["u"] == "https://example.org/hedges"
    assert record["245"]["b"].startswith("Writing from the field")
    roles = [(f["a"], f["4"]) for f in record.get_fields("700")]
    assert roles == [("Zed, Eve,", "edt"), ("Bee, Ann,", "aut"), ("Dee, Cy,", "aut")]
    assert record["505"]["a"] == "Laying / Ann Bee, Cy Dee -- Cutting / Eve Zed."

    onix = etree.parse(str(folder / "onix.xml")).getroot()
    epub, pdf = onix.findall(f"{ONIX}Product")
    assert epub.findtext(f"{ONIX}ProductIdentifier/{ONIX}IDValue") == "9780306406157"
    contributors = [(c.findtext(f"{ONIX}ContributorRole"), c.findtext(f"{ONIX}PersonName")) for c in epub.iter(f"{ONIX}Contributor")]
    assert contributors == [("B01", "Eve Zed"), ("A01", "Ann Bee"), ("A01", "Cy Dee")]
    subjects = [(s.findtext(f"{ONIX}SubjectSchemeIdentifier"), s.findtext(f"{ONIX}SubjectCode")) for s in epub.iter(f"{ONIX}Subject")]
    assert subjects == [("93", "WMP"), ("10", "GAR000000")]
    assert epub.findtext(f"{ONIX}PublishingDetail/{ONIX}CityOfPublication") == "Taunton"
    assert epub.findtext(f"{ONIX}PublishingDetail/{ONIX}PublishingDate/{ONIX}Date") == "20200501"
    assert epub.findtext(f"{ONIX}CollateralDetail/{ONIX}TextContent/{ONIX}Text") == "Essays about hedge laying."

    dc = etree.parse(str(folder / "dublin-core.xml")).getroot()
    values = [(etree.QName(e).localname, e.text) for e in dc]
    assert ("creator", "Zed, Eve (editor)") in values and ("identifier", "urn:isbn:9780306406157") in values
    assert ("rights", "https://creativecommons.org/licenses/by/4.0/") in values


@pytest.mark.slow
def test_two_builds_give_identical_kits(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", {"01.md": "---\ntitle: One\nauthor: Ann Bee\ndate: 2020-01-02\n---\n\nText.\n"})
    build(book, "library")
    first = {p.name: p.read_bytes() for p in kit(book).iterdir()}
    build(book, "library")
    second = {p.name: p.read_bytes() for p in kit(book).iterdir()}
    assert first == second


def test_subject_codes_are_checked(tmp_path: Path) -> None:
    from anthology.errors import ConfigError

    toml = '[book]\ntitle = "T"\nlanguage = "en"\nsubjects = ["bisac:GARDEN"]\n'
    book = write_book(tmp_path / "book", {"01.md": "---\ntitle: One\nauthor: Ann Bee\n---\n\nText.\n"}, toml)
    with pytest.raises(ConfigError) as info:
        build(book, "library")
    assert "anthology.toml:4:" in info.value.format(book) and "not a BISAC code" in str(info.value)
