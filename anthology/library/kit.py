"""Put the library kit together: every file, its checksum in SHA256SUMS, and a README naming each."""

from __future__ import annotations

import datetime as dt
import hashlib

from ..artifacts import Artifact
from .dublin_core import dublin_core
from .marc import marc_binary, marc_record, marc_xml
from .onix import onix_message
from .record import CatalogueRecord
from .statement import statement_html

DESCRIPTIONS = (
    ("{slug}.epub", "the EPUB 3 edition, with EPUB Accessibility 1.1 metadata inside"),
    ("{slug}.pdf", "the print edition as an archival PDF (PDF/A-3u)"),
    ("cover.jpg", "the cover, RGB JPEG, {cover_size}"),
    ("onix.xml", "ONIX 3.0 (reference tags): one Product for each format, EPUB and PDF"),
    ("record.mrc", "MARC 21 bibliographic record (binary, UTF-8)"),
    ("record.xml", "the same record as MARCXML"),
    ("dublin-core.xml", "simple Dublin Core (oai_dc)"),
    ("accessibility.html", "the accessibility statement, in plain language"),
    ("SHA256SUMS", "checksums of every file here; check them with: sha256sum -c SHA256SUMS"),
)


def readme(title: str, slug: str, cover_size: tuple[int, int]) -> str:
    rows = [(name.format(slug=slug), text.format(cover_size=f"{cover_size[0]}x{cover_size[1]} pixels")) for name, text in DESCRIPTIONS]
    width = max(len(name) for name, _ in rows) + 2
    lines = [f"Library kit: {title}", ""] + [name.ljust(width) + text for name, text in rows]
    return "\n".join(lines) + "\n"


def kit_files(
    slug: str,
    record: CatalogueRecord,
    epub: bytes,
    pdf_archival: bytes,
    cover_jpeg: bytes,
    cover_size: tuple[int, int],
    when: dt.date,
) -> dict[str, bytes]:
    marc = marc_record(record, when)
    files = {
        f"{slug}.epub": epub,
        f"{slug}.pdf": pdf_archival,
        "cover.jpg": cover_jpeg,
        "onix.xml": onix_message(record, when),
        "record.mrc": marc_binary(marc),
        "record.xml": marc_xml(marc),
        "dublin-core.xml": dublin_core(record),
        "accessibility.html": statement_html(record),
    }
    files["README.txt"] = readme(record.title, slug, cover_size).encode("utf-8")
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    files["SHA256SUMS"] = sums.encode("ascii")
    return files


def kit_artifact(slug: str, files: dict[str, bytes]) -> Artifact:
    return Artifact(f"library/{slug}", files=files, summary=f"{len(files)} files")
