"""The fonts the print engine may use: the book's own, never the system's.

WeasyPrint's ``FontConfiguration`` starts from Fontconfig's system configuration, so a character
the book fonts lack would be drawn from whatever font the machine has (DejaVu, Droid Sans Fallback,
an emoji font) and the PDF would change from one machine to another. ``BookFontConfiguration``
starts from an empty Fontconfig configuration instead: only the fonts of the stylesheets'
@font-face rules (the book fonts and the book's fallback fonts) are there, a ``local()`` source
finds nothing, and a character none of them has is drawn as the missing-glyph box, which
``anthology check`` warns about beforehand.
"""

from __future__ import annotations

from weasyprint.text.ffi import ffi, fontconfig, pangoft2
from weasyprint.text.fonts import FontConfiguration

_declared = False


def _declare() -> None:
    """The two Fontconfig calls that make an empty configuration (WeasyPrint does not declare them)."""
    global _declared
    if not _declared:
        ffi.cdef("FcConfig * FcConfigCreate (void); FcBool FcConfigBuildFonts (FcConfig *config);")
        _declared = True


class BookFontConfiguration(FontConfiguration):
    """A WeasyPrint font configuration that holds no system font."""

    def __init__(self) -> None:
        super().__init__()
        _declare()
        empty = fontconfig.FcConfigCreate()
        fontconfig.FcConfigBuildFonts(empty)  # an empty set of system fonts, not none
        pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", self.font_map), empty)
        fontconfig.FcConfigDestroy(empty)  # the font map keeps its own reference, as WeasyPrint's does
        self._config = empty


def system_fonts(config: FontConfiguration) -> int:
    """How many system fonts ``config`` sees (0 for a ``BookFontConfiguration``)."""
    fonts = fontconfig.FcConfigGetFonts(config._config, fontconfig.FcSetSystem)
    return 0 if fonts == ffi.NULL else int(fonts.nfont)
