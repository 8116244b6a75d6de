"""ONIX 3.0 (reference tags): one Product record for each digital format of the book."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from .record import CatalogueRecord

NS = "http://ns.editeur.org/onix/3.0/reference"
FORMS = {"epub": ("E101", "EPUB"), "pdf": ("E107", "PDF")}
# Code list 196 (E-publication accessibility details) for the EPUB's schema.org features.
FEATURE_CODES = {
    "tableOfContents": "11",
    "readingOrder": "13",
    "alternativeText": "14",
    "printPageNumbers": "19",
    "structuralNavigation": "29",
    "ARIA": "30",
}
WCAG_22_AA = ("04", "82", "85")  # EPUB Accessibility 1.1, WCAG 2.2, level AA
NO_DRM = "10"  # no reading-system accessibility options disabled
LANGUAGE_TAGGED = "22"
READABLE_WITHOUT_SIGHT = "52"
SUMMARY = "00"


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", **attrs)
    if text is not None:
        element.text = text
    return element


def _date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def accessibility_codes(record: CatalogueRecord) -> list[tuple[str, str | None]]:
    """(code, description) pairs of code list 196 that the EPUB's metadata supports, in code order."""
    facts = record.accessibility
    codes: dict[str, str | None] = {SUMMARY: facts.summary, NO_DRM: None, LANGUAGE_TAGGED: None}
    for feature in facts.features:
        if feature in FEATURE_CODES:
            codes[FEATURE_CODES[feature]] = None
    if facts.conforms_to:
        for code in WCAG_22_AA:
            codes[code] = None
    if "textual" in facts.access_modes_sufficient:
        codes[READABLE_WITHOUT_SIGHT] = None
    return sorted(codes.items())


def product(record: CatalogueRecord, form: str, parent: etree._Element, sent: dt.date) -> etree._Element:
    detail_code, label = FORMS[form]
    node = _add(parent, "Product")
    isbn = record.isbn_for(form)
    _add(node, "RecordReference", f"{record.identifier}#{form}")
    _add(node, "NotificationType", "03")
    if isbn:
        ident = _add(node, "ProductIdentifier")
        _add(ident, "ProductIDType", "15")
        _add(ident, "IDValue", isbn)
    ident = _add(node, "ProductIdentifier")
    _add(ident, "ProductIDType", "01")
    _add(ident, "IDTypeName", "Publisher identifier")
    _add(ident, "IDValue", f"{record.identifier}#{form}")

    _descriptive_detail(node, record, form, detail_code)
    if record.description:
        collateral = _add(node, "CollateralDetail")
        text = _add(collateral, "TextContent")
        _add(text, "TextType", "03")
        _add(text, "ContentAudience", "00")
        _add(text, "Text", record.description)
    publishing = _add(node, "PublishingDetail")
    if record.publisher:
        publisher = _add(publishing, "Publisher")
        _add(publisher, "PublishingRole", "01")
        _add(publisher, "PublisherName", record.publisher)
    if record.place:
        _add(publishing, "CityOfPublication", record.place)
    _add(publishing, "PublishingStatus", "04")
    if record.date:
        date = _add(publishing, "PublishingDate")
        _add(date, "PublishingDateRole", "01")
        _add(date, "Date", _date(record.date), dateformat="00")
    if record.isbn_for("epub") and record.isbn_for("pdf"):
        related = _add(node, "RelatedMaterial")
        other = "pdf" if form == "epub" else "epub"
        rel = _add(related, "RelatedProduct")
        _add(rel, "ProductRelationCode", "06")  # alternative format
        ident = _add(rel, "ProductIdentifier")
        _add(ident, "ProductIDType", "15")
        _add(ident, "IDValue", record.isbns[other])
    return node


def _descriptive_detail(node: etree._Element, record: CatalogueRecord, form: str, detail_code: str) -> None:
    """The product's form, title, contributors, edition, language, extent and subjects."""
    desc = _add(node, "DescriptiveDetail")
    _add(desc, "ProductComposition", "00")
    _add(desc, "ProductForm", "ED")
    _add(desc, "ProductFormDetail", detail_code)
    if form == "epub":
        for code, text in accessibility_codes(record):
            feature = _add(desc, "ProductFormFeature")
            _add(feature, "ProductFormFeatureType", "09")
            _add(feature, "ProductFormFeatureValue", code)
            if text:
                _add(feature, "ProductFormFeatureDescription", text)
    _add(desc, "PrimaryContentType", "10")  # text, eye-readable
    _add(desc, "EpubTechnicalProtection", "00")
    _title_detail(desc, record)
    for number, person in enumerate(record.contributors, start=1):
        contributor = _add(desc, "Contributor")
        _add(contributor, "SequenceNumber", str(number))
        _add(contributor, "ContributorRole", "B01" if person.role == "edt" else "A01")
        _add(contributor, "PersonName", person.name)
        _add(contributor, "PersonNameInverted", person.inverted)
        if person.bio:
            _add(contributor, "BiographicalNote", person.bio)
    if record.edition:
        _add(desc, "EditionStatement", record.edition)
    language = _add(desc, "Language")
    _add(language, "LanguageRole", "01")
    _add(language, "LanguageCode", record.language_code)
    if record.pages:
        extent = _add(desc, "Extent")
        _add(extent, "ExtentType", "08" if form == "epub" else "00")  # print counterpart / main content
        _add(extent, "ExtentValue", str(record.pages))
        _add(extent, "ExtentUnit", "03")  # pages
    for subject in record.subjects:
        node_subject = _add(desc, "Subject")
        _add(node_subject, "SubjectSchemeIdentifier", "93" if subject.scheme == "thema" else "10")
        _add(node_subject, "SubjectCode", subject.code)
        if subject.heading:
            _add(node_subject, "SubjectHeadingText", subject.heading)


def _title_detail(desc: etree._Element, record: CatalogueRecord) -> None:
    title = _add(desc, "TitleDetail")
    _add(title, "TitleType", "01")
    element = _add(title, "TitleElement")
    _add(element, "TitleElementLevel", "01")
    _add(element, "TitleText", record.title)
    if record.subtitle:
        _add(element, "Subtitle", record.subtitle)


def onix_message(record: CatalogueRecord, sent: dt.date) -> bytes:
    root = etree.Element(f"{{{NS}}}ONIXMessage", nsmap={None: NS}, release="3.0")
    header = _add(root, "Header")
    sender = _add(header, "Sender")
    _add(sender, "SenderName", record.publisher or "anthology")
    _add(header, "SentDateTime", _date(sent))
    for form in FORMS:
        product(record, form, root, sent)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
