"""Colour for print: RGB turned into gray or CMYK through ICC profiles (Little CMS, by Pillow).

WeasyPrint paints in DeviceRGB. A neutral RGB colour (red = green = blue) becomes DeviceGray, so
black text prints with black ink alone; any other colour becomes DeviceCMYK through the output
profile of the PDF/X (from sRGB, relative colorimetric). The output profile is the one
``[print] output_profile`` names, else Ghostscript's CMYK output profile as Debian installs it
(package libgs-common, AGPL-3.0-or-later like this project).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms

from ..errors import BuildError, Diagnostic

# Where freely distributable CMYK output profiles are installed by packages.
SYSTEM_PROFILES = (
    Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),
    Path("/usr/share/ghostscript/iccprofiles/default_cmyk.icc"),
)


@dataclass(frozen=True)
class OutputProfile:
    path: Path
    data: bytes
    description: str


def find_output_profile(named: str | None, project_dir: Path, config_path: Path | None = None) -> OutputProfile:
    """The CMYK output profile: ``named`` (relative to the project) or a system one; a BuildError
    saying how to get one when there is none."""
    candidates = [(project_dir / named).resolve()] if named else list(SYSTEM_PROFILES)
    for path in candidates:
        if path.is_file():
            data = path.read_bytes()
            try:
                profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
            except (OSError, ImageCms.PyCMSError):
                raise BuildError(Diagnostic(config_path, f"'{named}' is not an ICC profile", key="print.output_profile",
                                            hint="name a CMYK output profile (.icc) from your printer")) from None
            if profile.profile.xcolor_space.strip() != "CMYK" or profile.profile.device_class.strip() != "prtr":
                raise BuildError(Diagnostic(config_path, f"'{path.name}' is not a CMYK output (printer) profile", key="print.output_profile",
                                            hint="a PDF/X needs the CMYK profile of the printing condition"))
            description = (profile.profile.profile_description or path.stem).strip()
            return OutputProfile(path, data, description)
    if named:
        raise BuildError(Diagnostic(config_path, f"output profile '{named}' not found", key="print.output_profile",
                                    hint="give a path relative to anthology.toml"))
    raise BuildError(Diagnostic(None, "a PDF/X needs a CMYK output profile, and none is installed", key="--pdf-variant",
                                hint="install Debian's ghostscript (its libgs-common has one), set [print] output_profile to "
                                "your printer's .icc, or choose --pdf-variant pdf/ua-1"))


class Converter:
    """RGB to CMYK through an output profile, for single colours and for images."""

    def __init__(self, output: OutputProfile) -> None:
        self._transform = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(output.data)), "RGB", "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        )

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one converter per PDF, a few dozen colours
    def cmyk(self, r: float, g: float, b: float) -> tuple[float, float, float, float]:
        pixel = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in (r, g, b)))
        converted = ImageCms.applyTransform(pixel, self._transform)
        assert converted is not None  # applyTransform returns None only when asked to work in place
        c, m, y, k = converted.getpixel((0, 0))  # type: ignore[misc]
        return c / 255, m / 255, y / 255, k / 255

    def image(self, image: Image.Image) -> Image.Image:
        return ImageCms.applyTransform(image.convert("RGB"), self._transform)  # type: ignore[return-value]


def neutral(r: float, g: float, b: float) -> bool:
    return abs(r - g) < 1e-4 and abs(g - b) < 1e-4
