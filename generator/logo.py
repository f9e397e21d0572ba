"""A brand's logo as PNG for the office formats (Word and Excel cannot show SVG everywhere)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from generator.model import Brand

LOGO_HEIGHT_PX = 240


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


@lru_cache(maxsize=64)
def _png(path: Path, _mtime: int) -> bytes:
    if path.suffix.lower() != ".svg":
        return path.read_bytes()
    import cairosvg  # only when a brand has an SVG logo

    # cairosvg resolves no external files or entities unless asked to (unsafe=False).
    return cairosvg.svg2png(url=str(path), output_height=LOGO_HEIGHT_PX)
