"""Print profiles: the trim size, margins, type size and bleed of each paper edition.

A profile is chosen in ``anthology.toml`` (``[print] profile = "royal"``) or with ``--profile``;
``bleed`` and ``marks`` add the profile's bleed and crop marks. ``page_css`` turns the settings into
the ``@page`` rules that come before the package's print stylesheet, so a book's own
``styles/print.css`` can still change any of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError, Diagnostic
from ..project import schema
from ..project.schema import FieldError
from .printers import PRINTERS, printer_name

MM_PER_INCH = 25.4
DEFAULT_PROFILE = "a5"
DEFAULT_VARIANT = "pdf/ua-1"
BOOKLET_PROFILE = "a5"


@dataclass(frozen=True)
class Profile:
    """One trim size. Lengths are in millimetres; ``inner`` is the gutter margin."""

    name: str
    description: str
    width: float
    height: float
    top: float
    bottom: float
    inner: float
    outer: float
    font_size: float  # points
    bleed: float  # millimetres added on each side when bleed is asked for
    inches: bool = False

    @property
    def text_height(self) -> float:
        return self.height - self.top - self.bottom


INCH_BLEED = 0.125 * MM_PER_INCH

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("a5", "A5 booklet, 148 × 210 mm", 148, 210, 17, 21, 19, 14, 10, 3),
        Profile("a4", "A4, 210 × 297 mm", 210, 297, 24, 28, 30, 36, 11.5, 3),
        Profile("letter", "US Letter, 8.5 × 11 in", 8.5 * MM_PER_INCH, 11 * MM_PER_INCH, 23, 27, 30, 34, 11.5, INCH_BLEED, inches=True),
        Profile("trade-6x9", "US trade paperback, 6 × 9 in (KDP, IngramSpark)", 6 * MM_PER_INCH, 9 * MM_PER_INCH, 18, 22, 20, 15, 10.5, INCH_BLEED, inches=True),
        Profile("royal", "Royal, 156 × 234 mm (print on demand)", 156, 234, 18, 22, 20, 16, 10.5, 3),
    )
}

# Room outside the bleed for crop marks: WeasyPrint draws them in the outer half of the bleed area.
MARKS_ROOM = 9.0


def profile_name(value: Any) -> str:
    name = schema.text(value).lower()
    if name not in PROFILES:
        guess = schema.nearest(name, list(PROFILES))
        raise FieldError(f"unknown print profile {value!r}" + (f" (did you mean '{guess}'?)" if guess else ""))
    return name


def pdf_variants() -> tuple[str, ...]:
    from weasyprint.pdf import VARIANTS  # imported here: WeasyPrint is slow to load

    return tuple(sorted(VARIANTS))


# PDF/X variants whose promises the prepress pass keeps (output intent, CMYK or gray, boxes, fonts).
PDFX_VARIANTS = ("pdf/x-1a", "pdf/x-3", "pdf/x-4")


def pdf_variant(value: Any) -> str:
    name = schema.text(value).lower()
    if name not in pdf_variants():
        raise FieldError(f"unknown PDF variant {value!r}")
    if name.startswith("pdf/x") and name not in PDFX_VARIANTS:
        raise FieldError(f"{name} needs its graphics in external files, which anthology does not make (choose pdf/x-1a or pdf/x-4)")
    return name


def paper_name(value: Any) -> str:
    name = schema.text(value).lower()
    if name not in PAPERS:
        raise FieldError(f"unknown paper {value!r} (choose white or cream)")
    return name


def caliper(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.001 <= value <= 0.01:
        raise FieldError(f"expected the thickness of one page in inches, between 0.001 and 0.01, got {value!r}")
    return float(value)


def profile_path(value: Any) -> str:
    return schema.text(value)


# Inches of spine per page (one leaf is two pages), by paper: KDP's published factors for black and
# white interiors (white 0.002252, cream 0.0025); IngramSpark's 50 lb white and creme papers are
# within a thousandth of an inch of them per hundred pages, and ``caliper`` overrides both.
PAPERS = {"white": 0.002252, "cream": 0.0025}


@dataclass(frozen=True, kw_only=True)
class PrintTable:
    """The [print] table of anthology.toml, each key declared once, here; the command line's
    ``--profile``, ``--bleed``, ``--marks``, ``--pdf-variant`` and ``--printer`` are read with the same converters.
    The trim, bleed, marks and variant are None when not written: a printer preset then gives them."""

    profile: str | None = schema.key(
        profile_name, doc='profile = "a5" (one of ' + ", ".join(PROFILES) + ")",
        help="The trim size of the PDF: " + "; ".join(f"{p.name}: {p.description}" for p in PROFILES.values()) + ".",
        example='"royal"', shown=f'"{DEFAULT_PROFILE}"', default=None,
    )
    bleed: bool | None = schema.key(
        schema.boolean, doc="bleed = true adds the profile's bleed (3 mm, or 0.125 in)",
        help="Add the profile's bleed (3 mm, or 0.125 in) on the outer, top and bottom edges, for a printer who trims.", example="true", shown="false", default=None,
    )
    marks: bool | None = schema.key(schema.boolean, doc="marks = true adds crop marks", help="Add crop marks.", example="true", shown="false", default=None)
    pdf_variant: str | None = schema.key(
        pdf_variant, doc='pdf_variant = "pdf/ua-1" (or "pdf/a-3u", "pdf/x-1a", "pdf/x-4", …)',
        help="The PDF standard the file follows (WeasyPrint's variants; a PDF/X is made CMYK with an output intent).", example='"pdf/a-3u"',
        shown=f'"{DEFAULT_VARIANT}"', default=None,
    )
    printer: str | None = schema.key(
        printer_name, doc='printer = "kdp" (one of ' + ", ".join(PRINTERS) + ")",
        help="A printer preset: trim, bleed, marks, colour, PDF variant and page-count rules: " + "; ".join(f"{p.name}: {p.description}" for p in PRINTERS.values()) + ".",
        example='"kdp"', shown="none", default=None,
    )
    paper: str = schema.key(
        paper_name, doc='paper = "white" (or "cream": the cover\'s spine width)',
        help="The paper of the print-on-demand cover's spine: white (0.002252 in a page) or cream (0.0025).", example='"cream"', shown='"white"', default="white",
    )
    caliper: float | None = schema.key(
        caliper, doc="caliper = 0.0025 (inches of spine per page, over the paper's)",
        help="Your printer's own thickness of the spine per page, in inches, over the paper's.", example="0.0025", shown="the paper's", default=None,
    )
    output_profile: str | None = schema.key(
        profile_path, doc='output_profile = "FOGRA39.icc" (the CMYK ICC profile of a PDF/X, relative to anthology.toml)',
        help="The CMYK output profile (.icc) a PDF/X embeds, relative to anthology.toml.", example='"print/FOGRA39.icc"',
        shown="Ghostscript's", default=None,
    )


PRINT_FIELDS = schema.fields_of(PrintTable)


@dataclass(frozen=True)
class PrintSettings:
    profile: Profile
    bleed: bool = False
    marks: bool = False
    pdf_variant: str = DEFAULT_VARIANT
    printer: str | None = None
    colour: str = "gray"  # 'gray': neutral text and rules in gray; 'cmyk': everything CMYK or gray
    min_pages: int = 0
    max_pages: int | None = None
    even_pages: bool = False  # a blank page added to an odd count: the printers' rule
    paper: str = "white"
    caliper: float | None = None
    output_profile: str | None = None

    @property
    def pdfx(self) -> bool:
        return self.pdf_variant in PDFX_VARIANTS

    @property
    def inches_per_page(self) -> float:
        return self.caliper if self.caliper is not None else PAPERS[self.paper]

    @property
    def bleed_mm(self) -> float:
        """The bleed the BleedBox shows: the profile's, or none."""
        return self.profile.bleed if self.bleed else 0.0

    @property
    def css_bleed_mm(self) -> float:
        """The paper beyond the trim: the bleed, plus room for crop marks."""
        return self.bleed_mm + (MARKS_ROOM if self.marks else 0.0)


def booklet_settings() -> PrintSettings:
    """The edition a saddle-stitched booklet is imposed from: A5 pages, no bleed, no marks, gray text;
    its page count is padded to four by the imposition, not here."""
    return PrintSettings(PROFILES[BOOKLET_PROFILE])


def print_settings(table: PrintTable | None = None, overrides: Mapping[str, Any] | None = None) -> PrintSettings:
    """The settings of ``[print]`` in anthology.toml, with the command line's options over them.

    ``overrides`` maps 'profile', 'bleed', 'marks' and 'pdf_variant' to a value or None (not given).
    """
    values = {k: v for k, v in dataclasses.asdict(table or PrintTable()).items() if v is not None}
    problems: list[Diagnostic] = []
    checks = {f.name: f.convert for f in PRINT_FIELDS if f.name in ("profile", "bleed", "marks", "pdf_variant", "printer")}
    given: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        option = "--" + key.replace("_", "-")
        if key not in checks:
            raise ValueError(f"unknown print setting {key!r}")
        try:
            given[key] = checks[key](value)
        except FieldError as exc:
            hint = "choose from " + ", ".join(PROFILES if key == "profile" else PRINTERS if key == "printer" else pdf_variants())
            problems.append(Diagnostic(None, f"{option}: {exc}", key=option, hint=hint))
    if problems:
        raise ConfigError(problems)
    chosen_printer = given.get("printer", values.get("printer"))
    printer = PRINTERS[chosen_printer] if chosen_printer else None
    if printer is not None and "printer" in given:
        # A printer named on the command line outweighs the trim, bleed, marks and variant of [print].
        values = {k: v for k, v in values.items() if k not in ("profile", "bleed", "marks", "pdf_variant")}
    values.update(given)
    preset = {} if printer is None else {"profile": printer.profile, "bleed": printer.bleed, "marks": printer.marks, "pdf_variant": printer.pdf_variant}
    chosen = {k: values.get(k, preset.get(k)) for k in ("profile", "bleed", "marks", "pdf_variant")}
    if printer is not None and not printer.marks_allowed and chosen["marks"]:
        raise ConfigError(Diagnostic(None, f"{printer.name} refuses files with crop marks", key="--marks" if "marks" in given else "print.marks",
                                     hint=f"drop marks (--no-marks) for --printer {printer.name}"))
    variant = chosen["pdf_variant"] or DEFAULT_VARIANT
    return PrintSettings(
        profile=PROFILES[chosen["profile"] or DEFAULT_PROFILE],
        bleed=bool(chosen["bleed"]),
        marks=bool(chosen["marks"]),
        pdf_variant=variant,
        printer=printer.name if printer else None,
        colour="cmyk" if variant in PDFX_VARIANTS or (printer is not None and printer.colour == "cmyk") else "gray",
        min_pages=printer.min_pages if printer else 0,
        max_pages=printer.max_pages if printer else None,
        even_pages=printer is not None,
        paper=values.get("paper", "white"),
        caliper=values.get("caliper"),
        output_profile=values.get("output_profile"),
    )


def _mm(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") + "mm"


def page_css(settings: PrintSettings) -> str:
    """The @page geometry of the settings, and the sizes that depend on the text block."""
    p = settings.profile
    bleed = _mm(settings.css_bleed_mm)
    marks = "crop" if settings.marks else "none"
    return (
        f"/* print profile {p.name}: {p.description} */\n"
        f"@page {{ size: {_mm(p.width)} {_mm(p.height)}; bleed: {bleed}; marks: {marks};\n"
        f"  margin: {_mm(p.top)} {_mm(p.outer)} {_mm(p.bottom)} {_mm(p.inner)}; }}\n"
        f"@page :left {{ margin-left: {_mm(p.outer)}; margin-right: {_mm(p.inner)}; }}\n"
        f"@page :right {{ margin-left: {_mm(p.inner)}; margin-right: {_mm(p.outer)}; }}\n"
        f"html {{ font-size: {p.font_size}pt; }}\n"
        f"img {{ max-height: {_mm(p.text_height * 0.75)}; }}\n"
    )
