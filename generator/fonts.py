"""Fonts: which files make up a font family, for validating a brand and for rendering it.

A family is bundled (listed in ``layouts/fonts/fonts.yaml``) or brought by a brand as files in
its folder named ``<Family>-<Style>.ttf`` (or ``.otf``). Validation and the renderers both ask
:func:`family_files`, so a brand that validates is the brand that prints.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

WEIGHTS = (400, 600, 700)
"""The weights the layouts set text in: regular, semibold, bold."""
FONT_STYLES: dict[str, tuple[tuple[int, ...], str]] = {
    "regular": ((400,), "normal"),
    "italic": ((400,), "italic"),
    "semibold": ((600,), "normal"),
    "bold": ((700,), "normal"),
    "variable": (WEIGHTS, "normal"),
    "variable-italic": (WEIGHTS, "italic"),
}
"""The styles a font family may provide, as the CSS weights each file serves (a variable font
serves them all; WeasyPrint takes no weight range in ``@font-face``) and the CSS style."""
UPRIGHT = ("regular", "variable")
"""A family needs one of these to set body text in."""
FALLBACK_FAMILY = "Inter"
"""The bundled family used for any character a brand's fonts lack."""

Family = dict[str, Path]
"""A family's files by style (``regular``, ``bold`` …)."""


def bundled_families(layout_folders: list[Path]) -> dict[str, Family]:
    """Families listed in each layouts folder's ``fonts/fonts.yaml``; earlier folders win."""
    families: dict[str, Family] = {}
    for folder in reversed(layout_folders):
        manifest = folder / "fonts" / "fonts.yaml"
        if manifest.is_file():
            data = YAML(typ="safe").load(manifest.read_text(encoding="utf-8")) or {}
            for family, styles in data.items():
                families[str(family)] = {
                    style: folder / "fonts" / name for style, name in styles.items()
                }
    return families


def brand_font_files(folder: Path, family: str) -> Family:
    """A family's files in a brand's folder: ``<Family>-Regular.ttf``, ``-Bold``,
    ``-Variable-Italic`` … (or .otf)."""
    found: Family = {}
    for path in sorted(folder.glob("*.[ot]tf")):
        for style in FONT_STYLES:
            if path.stem.lower() == f"{family}-{style}".lower():
                found[style] = path
    return found


def family_files(family: str, bundled: dict[str, Family], brand_folder: Path | None) -> Family:
    """The files of a family: bundled, else the brand's own; empty when it cannot be set.

    A brand's family counts only with an upright style to set body text in.
    """
    if family in bundled:
        return bundled[family]
    files = brand_font_files(brand_folder, family) if brand_folder is not None else {}
    return files if any(style in files for style in UPRIGHT) else {}
