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
    def text_width(self) -> float:
        return self.width - self.inner - self.outer

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


def pdf_variant(value: Any) -> str:
    name = schema.text(value).lower()
    if name not in pdf_variants():
        raise FieldError(f"unknown PDF variant {value!r}")
    return name


@dataclass(frozen=True, kw_only=True)
class PrintTable:
    """The [print] table of anthology.toml, each key declared once, here; the command line's
    ``--profile``, ``--bleed``, ``--marks`` and ``--pdf-variant`` are read with the same converters."""

    profile: str = schema.key(
        profile_name, doc='profile = "a5" (one of ' + ", ".join(PROFILES) + ")",
        help="The trim size of the PDF: " + "; ".join(f"{p.name}: {p.description}" for p in PROFILES.values()) + ".",
        example='"royal"', shown=f'"{DEFAULT_PROFILE}"', default=DEFAULT_PROFILE,
    )
    bleed: bool = schema.key(
        schema.boolean, doc="bleed = true adds the profile's bleed (3 mm, or 0.125 in)",
        help="Add the profile's bleed (3 mm, or 0.125 in) for a printer who trims.", example="true", shown="false", default=False,
    )
    marks: bool = schema.key(schema.boolean, doc="marks = true adds crop marks", help="Add crop marks.", example="true", shown="false", default=False)
    pdf_variant: str = schema.key(
        pdf_variant, doc='pdf_variant = "pdf/ua-1" (or "pdf/a-3u", …)', help="The PDF standard the file follows (WeasyPrint's variants).",
        example='"pdf/a-3u"', shown=f'"{DEFAULT_VARIANT}"', default=DEFAULT_VARIANT,
    )


PRINT_FIELDS = schema.fields_of(PrintTable)


@dataclass(frozen=True)
class PrintSettings:
    profile: Profile
    bleed: bool = False
    marks: bool = False
    pdf_variant: str = DEFAULT_VARIANT

    @property
    def bleed_mm(self) -> float:
        """The bleed the BleedBox shows: the profile's, or none."""
        return self.profile.bleed if self.bleed else 0.0

    @property
    def css_bleed_mm(self) -> float:
        """The paper beyond the trim: the bleed, plus room for crop marks."""
        return self.bleed_mm + (MARKS_ROOM if self.marks else 0.0)


def booklet_settings() -> PrintSettings:
    """The edition a saddle-stitched booklet is imposed from: A5 pages, no bleed, no marks."""
    return PrintSettings(PROFILES[BOOKLET_PROFILE])


def print_settings(table: PrintTable | None = None, overrides: Mapping[str, Any] | None = None) -> PrintSettings:
    """The settings of ``[print]`` in anthology.toml, with the command line's options over them.

    ``overrides`` maps 'profile', 'bleed', 'marks' and 'pdf_variant' to a value or None (not given).
    """
    values = dataclasses.asdict(table or PrintTable())
    problems: list[Diagnostic] = []
    checks = {field.name: field.convert for field in schema.fields_of(PrintTable)}
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        option = "--" + key.replace("_", "-")
        if key not in checks:
            raise ValueError(f"unknown print setting {key!r}")
        try:
            values[key] = checks[key](value)
        except FieldError as exc:
            hint = "choose from " + ", ".join(PROFILES if key == "profile" else pdf_variants())
            problems.append(Diagnostic(None, f"{option}: {exc}", key=option, hint=hint))
    if problems:
        raise ConfigError(problems)
    chosen = PrintTable(**values)
    return PrintSettings(profile=PROFILES[chosen.profile], bleed=chosen.bleed, marks=chosen.marks, pdf_variant=chosen.pdf_variant)


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
