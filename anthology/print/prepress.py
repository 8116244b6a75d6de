"""Prepress: the print edition's PDF made into what a printer accepts, or refused with the reason.

One pikepdf pass over the written PDF (whole or joined from chunks):

- bleed on the outer, top and bottom edges only: the spine edge of each page (left edge of a recto,
  right edge of a verso; the other way round in a right-to-left book) is cut back to the trim;
- the page count: an even count (a blank page added at the end), and the printer's minimum and
  maximum;
- colour: neutral RGB (text, rules) becomes DeviceGray in every print profile; for a PDF/X, all
  other colour becomes DeviceCMYK through the output profile, images included;
- for a PDF/X: an OutputIntent with the CMYK output profile; fonts checked to be embedded; for
  PDF/X-1a, no transparency (soft masks flattened on white, anything else refused); no link
  annotations, and for the print-on-demand printers no bookmarks.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pikepdf
from PIL import Image

from ..errors import BuildError, Diagnostic
from .colour import Converter, OutputProfile, find_output_profile, neutral
from .metadata import language_in_xmp, stable_document_id
from .profiles import PrintSettings
from .tagging import drop_annotation_references, tag_structure

PT_PER_MM = 72 / 25.4

COLOUR_OPERATORS = {"rg": ("g", "k"), "RG": ("G", "K")}


@dataclass(frozen=True)
class Prepared:
    data: bytes
    pages: int
    blanks_added: int


def _number(value: float) -> Decimal:
    return Decimal(f"{value:.6f}").normalize()


def spine_on_left(index: int, rtl: bool) -> bool:
    """Page ``index`` (from 0) is bound on its left edge: a recto of a left-to-right book."""
    return (index % 2 == 0) != rtl


def set_boxes(pdf: pikepdf.Pdf, settings: PrintSettings, rtl: bool) -> None:
    """BleedBox on the outer, top and bottom edges; without crop marks, the MediaBox is the BleedBox."""
    bleed = settings.bleed_mm * PT_PER_MM
    for index, page in enumerate(pdf.pages):
        trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
        left, bottom, right, top = trim
        on_left = spine_on_left(index, rtl)
        box = [left - (0 if on_left else bleed), bottom - bleed, right + (bleed if on_left else 0), top + bleed]
        page.obj.BleedBox = pikepdf.Array([_number(v) for v in box])
        if not settings.marks:
            page.obj.MediaBox = pikepdf.Array([_number(v) for v in box])
            if "/CropBox" in page.obj:
                del page.obj["/CropBox"]


def pad_pages(pdf: pikepdf.Pdf, settings: PrintSettings, rtl: bool) -> int:
    """A blank page at the end when the count is odd; the count checked against the printer's rules."""
    count = len(pdf.pages)
    added = 0
    if settings.even_pages and count % 2:
        last = pdf.pages[-1].obj
        blank = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=last.MediaBox, TrimBox=last.TrimBox, BleedBox=last.get("/BleedBox", last.TrimBox),
            Resources=pikepdf.Dictionary(),
        )
        pdf.pages.append(pikepdf.Page(blank))
        added = 1
        set_boxes_one(pdf, len(pdf.pages) - 1, settings, rtl)
    pages = count + added
    printer = settings.printer or "this printer"
    if settings.min_pages and pages < settings.min_pages:
        raise BuildError(Diagnostic(None, f"the print edition has {pages} pages; {printer} prints at least {settings.min_pages}",
                                    key="--printer", hint="add chapters, or choose --printer office or print-shop"))
    if settings.max_pages and pages > settings.max_pages:
        raise BuildError(Diagnostic(None, f"the print edition has {pages} pages; {printer} prints at most {settings.max_pages}",
                                    key="--printer", hint="choose a larger trim (--profile) or split the book"))
    return added


def set_boxes_one(pdf: pikepdf.Pdf, index: int, settings: PrintSettings, rtl: bool) -> None:
    """The boxes of a page added at ``index``, copied from the page two before (same side of the spread)."""
    if index >= 2:
        model = pdf.pages[index - 2].obj
        page = pdf.pages[index].obj
        for key in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if key in model:
                page[key] = pikepdf.Array(list(model[key]))


def _resources(page_like: Any) -> Iterator[tuple[Any, Any]]:
    """(holder, resources) for a page and every form XObject, tiling pattern and Type 3 font under it."""
    seen: set[tuple[int, int]] = set()
    stack = [page_like]
    while stack:
        holder = stack.pop()
        resources = holder.get("/Resources")
        yield holder, resources
        if resources is None:
            continue
        for group in ("/XObject", "/Pattern"):
            for _, item in (resources.get(group) or {}).items():
                if isinstance(item, pikepdf.Stream) and item.objgen not in seen and (
                    item.get("/Subtype") == "/Form" or item.get("/PatternType") == 1
                ):
                    seen.add(item.objgen)
                    stack.append(item)


_OPERATOR = re.compile(rb"(?<=[ \t\r\n])(?:rg|RG)(?=[ \t\r\n/\[<(]|$)")
_OPERANDS = re.compile(rb"(?:^|(?<=[ \t\r\n]))([-+]?[0-9.]+)[ \t\r\n]+([-+]?[0-9.]+)[ \t\r\n]+([-+]?[0-9.]+)[ \t\r\n]+$")
# A literal string, up to two levels of nested parentheses: an rg inside one is text, not an operator.
_STRING = re.compile(rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\))*\)", re.S)


def _format(value: float) -> bytes:
    return (f"{value:.6f}".rstrip("0").rstrip(".") or "0").encode()


def recolour(data: bytes, converter: Converter | None) -> bytes | None:
    """The content stream ``data`` with neutral ``rg``/``RG`` as ``g``/``G`` and, with ``converter``,
    other RGB as ``k``/``K``; None when nothing changed. The operators are found by their names and
    their three operands read backwards, which is fast; literal strings are skipped."""
    strings = [m.span() for m in _STRING.finditer(data)] if b"(" in data else []
    pieces: list[bytes] = []
    done = 0
    for found in _OPERATOR.finditer(data):
        at = found.start()
        if any(start < at < end for start, end in strings):
            continue
        operands = _OPERANDS.search(data, max(done, at - 64), at)
        if operands is None:
            continue
        r, g, b = (float(operands.group(i)) for i in (1, 2, 3))
        gray, cmyk = COLOUR_OPERATORS[found.group(0).decode()]
        if neutral(r, g, b):
            replacement = _format(r) + b" " + gray.encode()
        elif converter is not None:
            replacement = b" ".join(_format(v) for v in converter.cmyk(r, g, b)) + b" " + cmyk.encode()
        else:
            continue
        pieces += [data[done:operands.start()], replacement]
        done = found.end()
    if not pieces:
        return None
    pieces.append(data[done:])
    return b"".join(pieces)


def has_rgb(data: bytes) -> bool:
    """Whether the content stream ``data`` sets an RGB colour with rg or RG (outside literal strings)."""
    strings = [m.span() for m in _STRING.finditer(data)] if b"(" in data else []
    return any(not any(start < m.start() < end for start, end in strings) for m in _OPERATOR.finditer(data))


def _page_streams(page: Any) -> list[Any]:
    contents = page.get("/Contents")
    return [] if contents is None else [contents] if isinstance(contents, pikepdf.Stream) else list(contents)


def _recolour(holder: Any, converter: Converter | None) -> None:
    """Every content stream of a page (``holder`` its dictionary) or a form XObject, recoloured."""
    streams = _page_streams(holder) if holder.get("/Type") == "/Page" else [holder]
    for stream in streams:
        data = recolour(stream.read_bytes(), converter)
        if data is not None:
            stream.write(data)


def _image_to_cmyk(image: pikepdf.Stream, converter: Converter, flatten: bool) -> None:
    """An RGB image to CMYK (its soft mask, when ``flatten``, composited on white and dropped)."""
    picture = pikepdf.PdfImage(image).as_pil_image()
    mask = image.get("/SMask")
    if flatten and mask is not None:
        alpha = pikepdf.PdfImage(cast(pikepdf.Stream, mask)).as_pil_image().convert("L").resize(picture.size)
        ground = Image.new("RGB", picture.size, "white")
        ground.paste(picture.convert("RGB"), (0, 0), alpha)
        picture = ground
        del image["/SMask"]
    cmyk = converter.image(picture)
    image.write(zlib.compress(cmyk.tobytes(), 6), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace = pikepdf.Name.DeviceCMYK
    image.BitsPerComponent = 8
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]


def _flatten_gray(image: pikepdf.Stream) -> None:
    picture = pikepdf.PdfImage(image).as_pil_image().convert("L")
    alpha = pikepdf.PdfImage(cast(pikepdf.Stream, image.SMask)).as_pil_image().convert("L").resize(picture.size)
    ground = Image.new("L", picture.size, 255)
    ground.paste(picture, (0, 0), alpha)
    image.write(zlib.compress(ground.tobytes(), 6), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace = pikepdf.Name.DeviceGray
    image.BitsPerComponent = 8
    for key in ("/SMask", "/DecodeParms", "/Decode"):
        if key in image:
            del image[key]


def _colour_space_name(space: Any) -> str:
    if isinstance(space, pikepdf.Array) and len(space):
        return str(space[0])
    return str(space)


def convert_colours(pdf: pikepdf.Pdf, converter: Converter | None, no_transparency: bool) -> None:
    done: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for holder, resources in _resources(page.obj):
            _recolour(holder, converter)
            if resources is None or converter is None:
                continue
            for _, item in (resources.get("/XObject") or {}).items():
                if not isinstance(item, pikepdf.Stream) or item.get("/Subtype") != "/Image" or item.objgen in done:
                    continue
                done.add(item.objgen)
                if pikepdf.PdfImage(item).mode in ("RGB", "RGBA", "P", "LA"):
                    _image_to_cmyk(item, converter, flatten=no_transparency)
                elif no_transparency and "/SMask" in item:
                    _flatten_gray(item)


def _font_problems(number: int, fonts: Any) -> list[str]:
    problems = []
    for name, font in fonts.items():
        if font.get("/Subtype") == "/Type3":
            continue
        described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = described.get("/FontDescriptor")
        if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"page {number}: font {font.get('/BaseFont', name)} is not embedded")
    return problems


def _transparent(state: Any) -> bool:
    return float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1 or state.get("/SMask", pikepdf.Name.None_) != pikepdf.Name.None_


def _resource_problems(number: int, resources: Any, x1a: bool) -> list[str]:
    """What the fonts, graphics states, shadings and images of one page's ``resources`` break."""
    problems = _font_problems(number, resources.get("/Font") or {})
    if x1a:
        problems += [f"page {number}: transparency ({name})" for name, state in (resources.get("/ExtGState") or {}).items() if _transparent(state)]
    problems += [f"page {number}: an RGB gradient" for _, item in (resources.get("/Shading") or {}).items()
                 if "RGB" in _colour_space_name(item.get("/ColorSpace"))]
    for _, item in (resources.get("/XObject") or {}).items():
        if isinstance(item, pikepdf.Stream) and item.get("/Subtype") == "/Image":
            if _colour_space_name(item.get("/ColorSpace")) in ("/DeviceRGB", "/CalRGB") or pikepdf.PdfImage(item).mode in ("RGB", "RGBA"):
                problems.append(f"page {number}: an RGB image")
            if x1a and "/SMask" in item:
                problems.append(f"page {number}: an image with transparency")
    return problems


def check_pdfx(pdf: pikepdf.Pdf, settings: PrintSettings) -> None:
    """Refuse what the variant forbids: fonts not embedded, RGB left, transparency in PDF/X-1a."""
    problems: list[str] = []
    x1a = settings.pdf_variant == "pdf/x-1a"
    for number, page in enumerate(pdf.pages, start=1):
        for holder, resources in _resources(page.obj):
            streams = [holder] if holder.get("/Type") != "/Page" else _page_streams(holder)
            if any(has_rgb(stream.read_bytes()) for stream in streams):
                problems.append(f"page {number}: RGB colour in the text or drawing")
            if resources is not None:
                problems += _resource_problems(number, resources, x1a)
            if x1a and holder.get("/Group") is not None and holder.Group.get("/S") == "/Transparency":
                del holder["/Group"]
    if problems:
        shown = "; ".join(sorted(set(problems))[:5]) + (" …" if len(set(problems)) > 5 else "")
        raise BuildError(Diagnostic(None, f"the PDF cannot be {settings.pdf_variant}: {shown}", key="--pdf-variant",
                                    hint="remove what is named, or choose --pdf-variant pdf/x-4 (transparency) or pdf/ua-1"))


def strip_interactive(pdf: pikepdf.Pdf, bookmarks: bool) -> None:
    """No annotations (links) on the printed pages, as PDF/X asks inside the BleedBox, and none in
    the structure tree (its Link elements keep their text); with
    ``bookmarks``, no outline either (KDP and IngramSpark refuse bookmarks and annotations)."""
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    drop_annotation_references(pdf)
    for key in ("/AcroForm",) + (("/Outlines", "/PageMode") if bookmarks else ()):
        if key in pdf.Root:
            del pdf.Root[key]


def add_output_intent(pdf: pikepdf.Pdf, output: OutputProfile) -> None:
    profile = pdf.make_stream(output.data)
    profile.N = 4
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier=pikepdf.String("Custom"),
        OutputCondition=pikepdf.String(output.description), Info=pikepdf.String(output.description),
        RegistryName=pikepdf.String("http://www.color.org"), DestOutputProfile=profile,
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])


def prepare(data: bytes, settings: PrintSettings, rtl: bool = False, project_dir: Path | None = None, config_path: Path | None = None,
            bound: bool = True) -> Prepared:
    """The PDF for the printer of ``settings``: boxes, page count, colour, and the PDF/X promises kept.
    ``bound`` False (a cover): the boxes as written, bleed on every edge, no page-count rules."""
    output = find_output_profile(settings.output_profile, project_dir or Path.cwd(), config_path) if settings.pdfx else None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        added = 0
        tag_structure(pdf)  # before the colours: it rewrites marked content in the pages
        if bound:
            set_boxes(pdf, settings, rtl)
            added = pad_pages(pdf, settings, rtl)
        converter = Converter(output) if output is not None and settings.colour == "cmyk" else None
        convert_colours(pdf, converter, no_transparency=settings.pdf_variant == "pdf/x-1a")
        if output is not None:
            strip_interactive(pdf, bookmarks=settings.printer in ("kdp", "ingramspark"))
            check_pdfx(pdf, settings)
            add_output_intent(pdf, output)
        language_in_xmp(pdf)
        stable_document_id(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                 fix_metadata_version=False)
        return Prepared(out.getvalue(), len(pdf.pages), added)
