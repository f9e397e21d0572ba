"""Loading: the image and font files a document reads (a brand's logo and fonts, a section's
images), opened here as rendering will open them and within limits, so that the loader (and so
``validate``, ``build`` and ``batch`` alike) refuses what a renderer could not use, naming the
file and why, before anything is rendered.

Every check reads a file's size and header before its body: an image's pixels are counted from
its header (Pillow's ``Image.open`` reads no more) before it is decoded, an SVG is parsed with
defusedxml only under a byte cap, a font is opened with fontTools only under a byte cap. Each
check returns why the file cannot be used, phrased to follow its name ("is a WEBP image, not a
PNG or JPEG"), or "" when it can.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

MiB = 1024 * 1024
MAX_IMAGE_BYTES = 20 * MiB
"""The largest PNG or JPEG file a document shows (a section's image or a logo)."""
MAX_IMAGE_PIXELS = 40_000_000
"""The most pixels a section's image may have (refused from its header, not decoded)."""
MAX_LOGO_PIXELS = 25_000_000
"""The most pixels a PNG or JPEG logo may have (it is printed a few centimetres wide)."""
MAX_SVG_BYTES = 2 * MiB
"""The largest SVG logo (drawing a 2 MB SVG takes cairosvg about two seconds)."""
MAX_SVG_ELEMENTS = 20_000
"""The most elements an SVG logo may have."""
MAX_LOGO_RATIO = 20
"""A logo may be at most this many times as wide as it is tall, or as tall as it is wide."""
MAX_FONT_BYTES = 32 * MiB
"""The largest font file a brand may bring (a CJK font takes about 20 MB)."""
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
"""Pillow's name of each image format a document may show (PDF and Word show both)."""
FONT_TABLES = ("head", "hhea", "hmtx", "maxp", "name", "OS/2", "post", "cmap")
"""The tables a font needs for WeasyPrint to set text and for Word's embedding (which renames
the face and sets its weight)."""
OUTLINE_TABLES = ("glyf", "CFF ", "CFF2")


def megapixels(limit: int) -> str:
    """``40 megapixels``."""
    return f"{limit // 1_000_000} megapixels"


def raster_problem(data: bytes, max_pixels: int, logo: bool = False) -> str:
    """Why the bytes are not a PNG or JPEG image of at most ``max_pixels`` (and, for a
    ``logo``, of a logo's proportions) that the PDF and Word can show, or "": the format and
    size from the header, then decoded once."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        return f"is {len(data) / MiB:.1f} MB; at most {MAX_IMAGE_BYTES // MiB} MB"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # ours says it
            with Image.open(BytesIO(data)) as image:
                if image.format not in IMAGE_FORMATS:
                    return f"is a {image.format} image, not a PNG or JPEG"
                width, height = image.size
                if width * height > max_pixels:
                    return f"is {width} × {height} pixels; at most {megapixels(max_pixels)}"
                if logo and (proportions := _proportions_problem(width, height, " pixels")):
                    return proportions
                image.load()
    except UnidentifiedImageError:
        return "is not a PNG or JPEG image"
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        return f"is far larger than {megapixels(max_pixels)}"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"cannot be opened as an image: {exc}"
    return ""


def svg_problem(path: Path) -> str:
    """Why an SVG file cannot be a logo, or "": too large, not well-formed XML (or declaring
    entities), not an ``<svg>``, too many elements, a reference to anything outside the file,
    no size or a degenerate one, or a drawing cairosvg cannot make."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        size = path.stat().st_size
        if size > MAX_SVG_BYTES:
            return f"is {size / MiB:.1f} MB; an SVG logo may have at most {MAX_SVG_BYTES // MiB} MB"
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if b"<?xml-stylesheet" in data:
        return "refers to a stylesheet outside the file (<?xml-stylesheet?>)"
    try:  # as cairosvg parses it: a DOCTYPE is let be, entities are not
        root = fromstring(data, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return "declares XML entities, which a logo may not (save it again as plain SVG)"
    except ParseError as exc:
        return f"is not well-formed XML: {exc}"
    if _local(root.tag) != "svg":
        return "its root element is not <svg>"
    elements = list(_limited(root.iter(), MAX_SVG_ELEMENTS + 1))
    if len(elements) > MAX_SVG_ELEMENTS:
        return f"has more than {MAX_SVG_ELEMENTS} elements"
    for element in elements:
        outside = _outside_reference(element)
        if outside:
            return (
                f"refers to {outside[:80]!r} outside the file; a logo must hold all it shows "
                "(an image in it as a data: URL)"
            )
    problem = _size_problem(root)
    if problem:
        return problem
    return _drawing_problem(path, path.stat().st_mtime_ns)


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


def _limited(items: Iterator[Element], count: int) -> Iterator[Element]:
    for index, item in enumerate(items):
        if index >= count:
            return
        yield item


URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
"""A CSS ``url(…)`` (in a style sheet, a ``style`` attribute or a ``fill``) and its target."""


def _outside_reference(element: Element) -> str:
    """What the element refers to outside its own file (a link's target does not count, a
    data: URL of a PNG or JPEG within the logo's limits does not either), or ""."""
    texts = [element.text or ""] if _local(element.tag) == "style" else []
    for name, value in element.attrib.items():
        if _local(name) == "href" and _local(element.tag) != "a" and not _inside(value):
            return value
        texts.append(value)
    for text in texts:
        if "@import" in text:
            return "@import"
        for target in URL.findall(text):
            if not _inside(target):
                return target
    return ""


def _inside(target: str) -> bool:
    """Whether a reference stays inside the file: a fragment, or an embedded PNG or JPEG."""
    target = target.strip()
    if target.startswith("#"):
        return True
    if not target.lower().startswith(("data:image/png;base64,", "data:image/jpeg;base64,")):
        return False
    import base64
    import binascii

    try:
        data = base64.b64decode(target.partition(",")[2], validate=False)
    except (binascii.Error, ValueError):
        return False
    return not raster_problem(data, MAX_LOGO_PIXELS, logo=True)


LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")
UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96}


def svg_size(root: Element) -> tuple[float, float] | None:
    """An SVG's width and height in pixels as cairosvg takes them: its ``width`` and
    ``height`` (absolute lengths), else its ``viewBox``; None when it has neither."""
    box: tuple[float, float] | None = None
    numbers = re.split(r"[\s,]+", root.get("viewBox", "").strip())
    if len(numbers) == 4:
        try:
            box = float(numbers[2]), float(numbers[3])
        except ValueError:
            box = None
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width is not None and height is not None:
        return width, height
    if box is None:
        return None
    if width is not None and box[0] > 0:
        return width, width * box[1] / box[0]
    if height is not None and box[1] > 0:
        return height * box[0] / box[1], height
    return box


def _length(value: str | None) -> float | None:
    match = LENGTH.match(value or "")
    return float(match[1]) * UNITS[match[2] or ""] if match else None


def _size_problem(root: Element) -> str:
    size = svg_size(root)
    if size is None:
        return "has no size: give its <svg> a width and a height, or a viewBox"
    return _proportions_problem(*size)


def _proportions_problem(width: float, height: float, unit: str = "") -> str:
    """Why a logo of ``width`` × ``height`` cannot be printed, or ""."""
    shown = f"{width:g} × {height:g}{unit}"
    if width <= 0 or height <= 0:
        return f"is {shown}: a logo needs a width and a height above 0"
    if max(width / height, height / width) > MAX_LOGO_RATIO:
        return (
            f"is {shown}: a logo may be at most {MAX_LOGO_RATIO} times as wide as it is tall "
            "(or as tall as it is wide)"
        )
    return ""


@lru_cache(maxsize=64)
def _drawing_problem(path: Path, _mtime: int) -> str:
    """Why cairosvg cannot draw the SVG as the office formats take it, or "" (drawn once per
    version of the file, as :func:`generator.logo.logo_png` draws it)."""
    from generator.logo import svg_png

    try:
        svg_png(path, _mtime)
    except MemoryError:
        return "takes too much memory to draw"
    except Exception as exc:  # cairosvg and cairo raise many kinds
        return f"cannot be drawn: {str(exc) or type(exc).__name__}"
    return ""


def font_problem(path: Path) -> str:
    """Why a font file cannot be set by WeasyPrint and embedded in Word, or "": too large, not
    a TrueType or OpenType font (WOFF is for web pages), without outlines, without a Unicode
    character map, or without a table the renderers read."""
    try:
        stat = path.stat()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if stat.st_size > MAX_FONT_BYTES:
        limit = MAX_FONT_BYTES // MiB
        return f"is {stat.st_size / MiB:.1f} MB; a font file may have at most {limit} MB"
    return _font_problem(path, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _font_problem(path: Path, _mtime: int) -> str:
    import logging

    from fontTools.ttLib import TTFont, TTLibError

    said = logging.getLogger("fontTools")  # a damaged table is said here, not logged
    level = said.level
    said.setLevel(logging.CRITICAL)
    try:
        with TTFont(BytesIO(path.read_bytes()), lazy=True) as font:
            if font.flavor:
                return f"is a {font.flavor.upper()} font (for web pages): use the .ttf or .otf"
            missing = [tag for tag in FONT_TABLES if tag not in font]
            if missing:
                return f"is not a complete font: it lacks the table(s) {', '.join(missing)}"
            if not any(tag in font for tag in OUTLINE_TABLES):
                return "has no glyph outlines (a bitmap font cannot be printed)"
            for tag in FONT_TABLES:
                font[tag]  # decoded here, not first while rendering
            if not font.getBestCmap():
                return "maps no Unicode characters to glyphs"
    except TTLibError:
        return "is not a TrueType or OpenType font"
    except (OSError, AssertionError, KeyError, IndexError, ValueError) as exc:
        return f"is a damaged font: {exc}"
    except Exception as exc:  # fontTools raises many kinds on damaged tables
        return f"is a damaged font: {type(exc).__name__}: {exc}"
    finally:
        said.setLevel(level)
    return ""
