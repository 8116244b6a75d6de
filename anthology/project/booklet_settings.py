"""The ``[booklet]`` table: paper, the saddle-stitch limit, and the booklet's cover.

A stapler closes through a limited stack: the default limit is 20 sheets of 80 gsm paper (80 A5
pages), scaled by the paper's weight (10 sheets of 160 gsm). Paper thickness, for creep, defaults
to the weight times an office paper's bulk of 1.25 cm³/g (0.1 mm at 80 gsm).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import schema
from .schema import Field, FieldError

SHEETS_AT_80_GSM = 20
BULK_MM_PER_GSM = 1.25 / 1000
COVERS = ("outer", "separate", "none")


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FieldError(f"expected a whole number of at least 1, got {value!r}")
    return value


def _gsm(value: Any) -> int:
    number = _positive_int(value)
    if not 40 <= number <= 400:
        raise FieldError(f"expected a paper weight in gsm between 40 and 400, got {value!r}")
    return number


def _thickness(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.03 <= value <= 0.6:
        raise FieldError(f"expected the paper's thickness in millimetres, between 0.03 and 0.6, got {value!r}")
    return float(value)


def _cover(value: Any) -> str:
    name = schema.text(value).lower()
    if name not in COVERS:
        raise FieldError(f"expected one of {', '.join(COVERS)}, got {value!r}")
    return name


BOOKLET_FIELDS = [
    Field("max_sheets", _positive_int, doc=f"max_sheets = {SHEETS_AT_80_GSM} (sheets a stapler closes through; default scaled by paper_gsm)",
          help="The most sheets of A4 a stapler closes through; a longer booklet is refused unless --force.", example="24",
          default=f"{SHEETS_AT_80_GSM} sheets of 80 gsm, fewer of heavier paper"),
    Field("paper_gsm", _gsm, doc="paper_gsm = 80 (the paper's weight)", help="The weight of the booklet's paper, in gsm (40 to 400).",
          example="100", default="80"),
    Field("paper_mm", _thickness, doc="paper_mm = 0.1 (the paper's thickness, for creep)",
          help="The paper's thickness in millimetres, by which each sheet is moved towards the fold (creep).", example="0.1",
          default="the weight times 1.25 cm³/g (0.1 mm at 80 gsm)"),
    Field("cover", _cover, doc='cover = "outer" (the cover as the outer sheet; "separate": its own PDF, for card; "none")',
          help='The booklet\'s cover: "outer" (its outer sheet), "separate" (its own PDF, to print on card) or "none".', example='"separate"',
          default='"outer"'),
    Field("inside_front", schema.text, doc='inside_front = "images/map.png" (an image on the inside front cover; blank without)',
          help="An image on the inside front cover, relative to anthology.toml.", example='"images/map.png"', default="blank"),
    Field("inside_back", schema.text, doc='inside_back = "images/credits.png" (an image on the inside back cover; blank without)',
          help="An image on the inside back cover, relative to anthology.toml.", example='"images/credits.png"', default="blank"),
]


@dataclass(frozen=True)
class BookletSettings:
    paper_gsm: int = 80
    paper_mm: float = 80 * BULK_MM_PER_GSM
    max_sheets: int = SHEETS_AT_80_GSM
    cover: str = "outer"
    inside_front: str | None = None
    inside_back: str | None = None


def booklet_table(table: Mapping[str, Any] | None) -> BookletSettings:
    """The settings of ``[booklet]`` (validated by the config), with their defaults."""
    values = dict(table or {})
    gsm = int(values.get("paper_gsm", 80))
    return BookletSettings(
        paper_gsm=gsm,
        paper_mm=float(values.get("paper_mm", gsm * BULK_MM_PER_GSM)),
        max_sheets=int(values.get("max_sheets", max(1, round(SHEETS_AT_80_GSM * 80 / gsm)))),
        cover=str(values.get("cover", "outer")),
        inside_front=values.get("inside_front"),
        inside_back=values.get("inside_back"),
    )
