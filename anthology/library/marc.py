"""MARC 21 bibliographic record (binary .mrc and MARCXML) for the electronic edition, with pymarc."""

from __future__ import annotations

import datetime as dt
import io

from pymarc import MARCWriter, Record, XMLWriter
from pymarc.field import Field, Indicators, Subfield

from .record import CatalogueRecord

RELATOR_TERMS = {"edt": "editor", "aut": "author"}


def _leader() -> str:
    # new record, language material, monograph, Unicode, full level, RDA (i) punctuation
    return "00000nam a2200000 i 4500"


def _field_008(record: CatalogueRecord, created: dt.date) -> str:
    year = f"{record.date.year:04d}" if record.date else "uuuu"
    date_type = "s" if record.date else "n"
    # 00-05 entered, 06 type of date, 07-14 dates, 15-17 place, 18-34 books: form of item 'o' (online) at 23
    books = "    " + " " + "o" + "    " + " " + "0" + "0" + "0" + " " + "0" + " "
    value = f"{created:%y%m%d}{date_type}{year}    xx {books}{record.language_code} d"
    assert len(value) == 40, value
    return value


def _name_field(tag: str, name: str, inverted: str, role: str) -> Field:
    return Field(
        tag=tag,
        indicators=Indicators("1", " "),
        subfields=[Subfield("a", inverted + ","), Subfield("e", RELATOR_TERMS[role] + "."), Subfield("4", role)],
    )


def marc_record(record: CatalogueRecord, created: dt.date) -> Record:
    marc = Record(leader=_leader(), force_utf8=True)
    marc.add_field(Field(tag="001", data=record.identifier))
    marc.add_field(Field(tag="005", data=f"{created:%Y%m%d}000000.0"))
    marc.add_field(Field(tag="006", data="m     o  d        "))
    marc.add_field(Field(tag="007", data="cr |n|||||||||"))
    marc.add_field(Field(tag="008", data=_field_008(record, created)))
    for form, isbn in record.isbns.items():
        marc.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", isbn), Subfield("q", form.upper())]))
    marc.add_field(Field(tag="041", indicators=Indicators("0", " "), subfields=[Subfield("a", record.language_code)]))
    people = list(record.contributors)
    main = record.authors[0] if len(record.authors) == 1 and not record.editors else None
    if main is not None:
        marc.add_field(_name_field("100", main.name, main.inverted, main.role))
    marc.add_field(Field(tag="245", indicators=Indicators("1" if main else "0", "0"), subfields=_title_subfields(record)))
    if record.edition:
        marc.add_field(Field(tag="250", indicators=Indicators(" ", " "), subfields=[Subfield("a", record.edition)]))
    publication = [Subfield("a", (record.place or "[Place of publication not identified]") + " :")]
    publication.append(Subfield("b", (record.publisher or "[publisher not identified]") + ","))
    publication.append(Subfield("c", f"{record.date.year}." if record.date else "[date of publication not identified]"))
    marc.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=publication))
    extent = f"1 online resource ({record.pages} pages)" if record.pages else "1 online resource"
    marc.add_field(Field(tag="300", indicators=Indicators(" ", " "), subfields=[Subfield("a", extent)]))
    marc.add_field(Field(tag="336", indicators=Indicators(" ", " "), subfields=[Subfield("a", "text"), Subfield("b", "txt"), Subfield("2", "rdacontent")]))
    marc.add_field(Field(tag="337", indicators=Indicators(" ", " "), subfields=[Subfield("a", "computer"), Subfield("b", "c"), Subfield("2", "rdamedia")]))
    marc.add_field(Field(tag="338", indicators=Indicators(" ", " "), subfields=[Subfield("a", "online resource"), Subfield("b", "cr"), Subfield("2", "rdacarrier")]))
    marc.add_field(Field(tag="347", indicators=Indicators(" ", " "), subfields=[Subfield("a", "text file"), Subfield("b", "EPUB"), Subfield("b", "PDF"), Subfield("2", "rdaft")]))
    if record.contents:
        entries = " -- ".join(f"{entry.title} / {', '.join(entry.authors)}" for entry in record.contents)
        marc.add_field(Field(tag="505", indicators=Indicators("0", " "), subfields=[Subfield("a", entries + ".")]))
    if record.description:
        marc.add_field(Field(tag="520", indicators=Indicators(" ", " "), subfields=[Subfield("a", record.description)]))
    if record.license_name or record.rights:
        subfields = [Subfield("a", record.license_name or record.rights or "")]
        if record.license_url:
            subfields.append(Subfield("u", record.license_url))
        marc.add_field(Field(tag="540", indicators=Indicators(" ", " "), subfields=subfields))
    marc.add_field(Field(tag="546", indicators=Indicators(" ", " "), subfields=[Subfield("a", f"In {_language_name(record)}.")]))
    marc.add_field(Field(tag="341", indicators=Indicators("0", " "), subfields=[Subfield("a", "textual")]))
    marc.add_field(Field(tag="532", indicators=Indicators("1", " "), subfields=[Subfield("a", record.accessibility.summary)]))
    for person in people:
        if person is main:
            continue
        marc.add_field(_name_field("700", person.name, person.inverted, person.role))
    if record.url:
        marc.add_field(Field(tag="856", indicators=Indicators("4", "0"), subfields=[Subfield("u", record.url)]))
    marc.fields.sort(key=lambda f: f.tag)  # tag order; fields with the same tag keep theirs
    return marc


def _title_subfields(record: CatalogueRecord) -> list[Subfield]:
    """Field 245: the title, the subtitle and the statement of responsibility, with ISBD punctuation."""
    people = bool(record.contributors)
    subfields = [Subfield("a", record.title + (" :" if record.subtitle else " /" if people else "."))]
    if record.subtitle:
        subfields.append(Subfield("b", record.subtitle + (" /" if people else ".")))
    if people:
        subfields.append(Subfield("c", _responsibility(record) + "."))
    return subfields


def _responsibility(record: CatalogueRecord) -> str:
    parts = []
    if record.editors:
        parts.append("edited by " + _names([e.name for e in record.editors]))
    if record.authors and (not record.editors or len(record.authors) <= 3):
        parts.append(_names([a.name for a in record.authors]))
    return "; ".join(parts)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _language_name(record: CatalogueRecord) -> str:
    import pycountry

    found = pycountry.languages.get(alpha_3=record.language_code) or pycountry.languages.get(bibliographic=record.language_code)
    return found.name if found is not None else record.language


def marc_binary(marc: Record) -> bytes:
    buffer = io.BytesIO()
    writer = MARCWriter(buffer)
    writer.write(marc)
    return buffer.getvalue()


def marc_xml(marc: Record) -> bytes:
    buffer = io.BytesIO()
    writer = XMLWriter(buffer)
    writer.write(marc)
    writer.close(close_fh=False)
    return buffer.getvalue()
