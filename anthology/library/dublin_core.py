"""Simple Dublin Core (oai_dc) record: the form repositories and deposit libraries harvest."""

from __future__ import annotations

from lxml import etree

from .record import CatalogueRecord

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def dublin_core(record: CatalogueRecord) -> bytes:
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

    def add(name: str, text: str) -> None:
        etree.SubElement(root, f"{{{DC}}}{name}").text = text

    add("title", record.title + (f": {record.subtitle}" if record.subtitle else ""))
    for editor in record.editors:
        add("creator", f"{editor.inverted} (editor)")
    for author in record.authors:
        add("contributor", author.inverted)
    for subject in record.subjects:
        add("subject", subject.heading or f"{subject.scheme.upper()} {subject.code}")
    if record.description:
        add("description", record.description)
    for entry in record.contents:
        add("description", f"{entry.title} / {', '.join(entry.authors)}")
    if record.publisher:
        add("publisher", record.publisher)
    if record.date:
        add("date", record.date.isoformat())
    add("type", "Text")
    add("format", "application/epub+zip")
    add("format", "application/pdf")
    add("identifier", record.identifier)
    for isbn in record.isbns.values():
        add("identifier", f"urn:isbn:{isbn}")
    if record.url:
        add("identifier", record.url)
    add("language", record.language)
    if record.license_url or record.rights:
        add("rights", record.license_url or record.rights or "")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
