"""A brand's logo as every format takes it: PNG for the office formats (Word and Excel cannot
show SVG everywhere), and for every format no larger than it is ever printed."""

from __future__ import annotations

import base64
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from generator.model import Brand

LOGO_HEIGHT_PX = 240
"""The height an SVG logo is rasterised to for the office formats."""
MAX_LOGO_SIDE = 1200
"""Pixels on a side a logo is embedded with at most: 60 mm wide at 500 dpi."""


def logo_path(brand: Brand) -> Path | None:
    """The brand's logo file, or None when it has none."""
    if not brand.logo or brand.folder is None:
        return None
    return (brand.folder / brand.logo).resolve()


def logo_png(brand: Brand) -> bytes | None:
    """The logo as PNG bytes (SVGs rasterised once per file), or None."""
    path = logo_path(brand)
    if path is None:
        return None
    return _png(path, path.stat().st_mtime_ns)


def logo_src(brand: Brand) -> str:
    """The logo as the PDF's layouts take it: an SVG by its file's URL (loading made sure it
    refers to nothing outside itself); a PNG or JPEG as a data URL (of the
    scaled-down PNG when the file is larger than ever printed), so that a PDF names the image
    by its content, not by where the file lies (a worker's copy gives the same bytes); ""
    without a logo."""
    path = logo_path(brand)
    if path is None:
        return ""
    if path.suffix.lower() == ".svg":
        return path.as_uri()
    return _data_url(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _data_url(path: Path, _mtime: int) -> str:
    data = _scaled(path, _mtime) or path.read_bytes()
    kind = "image/jpeg" if data.startswith(b"\xff\xd8") else "image/png"  # whatever its name
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


@lru_cache(maxsize=64)
def _png(path: Path, _mtime: int) -> bytes:
    """The logo as Word and Excel take it (PNG, or JPEG as it is), at most
    :data:`MAX_LOGO_SIDE` pixels on a side (once per file)."""
    if path.suffix.lower() != ".svg":
        return office_image(_scaled(path, _mtime) or path.read_bytes())
    return svg_png(path, _mtime)


@lru_cache(maxsize=64)
def svg_png(path: Path, _mtime: int) -> bytes:
    """An SVG logo drawn as PNG, :data:`LOGO_HEIGHT_PX` high (loading draws it first, so that
    a logo cairosvg cannot draw is refused there)."""
    import cairosvg  # only when a brand has an SVG logo

    # cairosvg resolves no external files or entities unless asked to (unsafe=False).
    return cairosvg.svg2png(url=str(path), output_height=LOGO_HEIGHT_PX)


@lru_cache(maxsize=64)
def _scaled(path: Path, _mtime: int) -> bytes | None:
    """A PNG or JPEG logo scaled down to :data:`MAX_LOGO_SIDE` as PNG, or None when it is
    small enough."""
    from PIL import Image

    with Image.open(path) as opened:
        if max(opened.size) <= MAX_LOGO_SIDE:
            return None
        image = opened.convert("RGB") if opened.mode == "CMYK" else opened  # PNG has no CMYK
        image.thumbnail((MAX_LOGO_SIDE, MAX_LOGO_SIDE))
        scaled = BytesIO()
        image.save(scaled, format="PNG", optimize=True)
        return scaled.getvalue()


def office_image(data: bytes) -> bytes:
    """A PNG or JPEG as Word and Excel take it: itself, or (a JPEG python-docx cannot place,
    such as a CMYK one without a JFIF header) decoded and saved again as an RGB JPEG."""
    from docx.image.exceptions import UnrecognizedImageError
    from docx.image.image import Image as DocxImage

    try:
        DocxImage.from_blob(data)
    except UnrecognizedImageError:
        return _as_rgb_jpeg(data)
    return data


@lru_cache(maxsize=16)
def _as_rgb_jpeg(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(BytesIO(data)) as image:
        converted = BytesIO()
        image.convert("RGB").save(converted, format="JPEG", quality=95)
        return converted.getvalue()
