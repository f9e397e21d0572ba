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
MAX_LOGO_PIXELS = 25_000_000
"""The largest logo validation accepts (a larger one is refused, not decoded)."""


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
    """The logo as the PDF's layouts take it: an SVG by its file's URL (what it refers to is
    fetched beside it, within the project's rules); a PNG or JPEG as a data URL (of the
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
    scaled = _scaled(path, _mtime)
    jpeg = path.suffix.lower() in (".jpg", ".jpeg")
    kind = "image/jpeg" if jpeg and scaled is None else "image/png"
    data = scaled if scaled is not None else path.read_bytes()
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


@lru_cache(maxsize=64)
def _png(path: Path, _mtime: int) -> bytes:
    """PNG bytes of the logo, at most :data:`MAX_LOGO_SIDE` pixels on a side (once per file)."""
    if path.suffix.lower() != ".svg":
        return _scaled(path, _mtime) or path.read_bytes()
    import cairosvg  # only when a brand has an SVG logo

    # cairosvg resolves no external files or entities unless asked to (unsafe=False).
    return cairosvg.svg2png(url=str(path), output_height=LOGO_HEIGHT_PX)


@lru_cache(maxsize=64)
def _scaled(path: Path, _mtime: int) -> bytes | None:
    """A PNG logo scaled down to :data:`MAX_LOGO_SIDE`, or None when it is small enough."""
    from PIL import Image

    with Image.open(path) as image:
        if max(image.size) <= MAX_LOGO_SIDE:
            return None
        image.thumbnail((MAX_LOGO_SIDE, MAX_LOGO_SIDE))
        scaled = BytesIO()
        image.save(scaled, format="PNG", optimize=True)
        return scaled.getvalue()
