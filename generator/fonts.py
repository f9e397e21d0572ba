"""Fonts: which files make up a font family, for validating a brand and for rendering it.

A family is bundled (listed in ``layouts/fonts/fonts.yaml``), brought by a brand as files in
its folder named ``<Family>-<Style>.ttf`` (or ``.otf``), or installed on the machine, found by
fontconfig (``fc-list``) under its family name. Validation and the renderers both ask
:func:`family_files`, so a brand that validates is the brand that prints.
"""

from __future__ import annotations

import bisect
import difflib
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

from generator.paths import inside

WEIGHTS = (400, 600, 700)
"""The weights the layouts set text in: regular, semibold, bold."""
FONT_STYLES: dict[str, tuple[tuple[int, ...], str]] = {
    "regular": ((400,), "normal"),
    "italic": ((400,), "italic"),
    "semibold": ((600,), "normal"),
    "bold": ((700,), "normal"),
    "bold-italic": ((700,), "italic"),
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
                files = {style: folder / "fonts" / name for style, name in styles.items()}
                families[str(family)] = {  # a file linking out of its layouts folder is not read
                    style: path for style, path in files.items() if inside(path, [folder])
                }
    return families


def brand_font_files(folder: Path, family: str) -> Family:
    """A family's files in a brand's folder: ``<Family>-Regular.ttf``, ``-Bold``,
    ``-Variable-Italic`` … (or .otf); a link to a file outside the folder is not one of them
    (loading says so, see :func:`brand_font_candidates`)."""
    return {
        style: path
        for style, path in brand_font_candidates(folder, family).items()
        if inside(path, [folder])
    }


def brand_font_candidates(folder: Path, family: str) -> Family:
    """The files in a brand's folder named as a family's, wherever they link to."""
    found: Family = {}
    for path in sorted(folder.glob("*.[ot]tf")):
        for style in FONT_STYLES:
            if path.stem.lower() == f"{family}-{style}".lower():
                found[style] = path
    return found


def family_files(family: str, bundled: dict[str, Family], brand_folder: Path | None) -> Family:
    """The files of a family: bundled, else the brand's own, else installed on the machine;
    empty when it cannot be set.

    A brand's or the machine's family counts only with an upright style to set body text in.
    """
    if family in bundled:
        return bundled[family]
    files = brand_font_files(brand_folder, family) if brand_folder is not None else {}
    if any(style in files for style in UPRIGHT):
        return files
    files = system_family(family)
    return files if any(style in files for style in UPRIGHT) else {}


FC_FORMAT = "%{family}\t%{weight}\t%{slant}\t%{width}\t%{variable}\t%{fontformat}\t%{file}\n"
"""One line per installed face: its family names (comma-separated), fontconfig's weight (80
regular, 180 semibold, 200 bold), slant (0 upright), width (100 normal), whether it is a
variable font, its format and its file."""
FC_WEIGHTS = {80: "regular", 180: "semibold", 200: "bold"}
FC_ITALIC = {"regular": "italic", "bold": "bold-italic", "variable": "variable-italic"}
OUTLINE_FORMATS = ("TrueType", "CFF")
"""Faces WeasyPrint and Word can use (not bitmap or Type 1 fonts)."""


@lru_cache(maxsize=1)
def system_families() -> dict[str, Family]:
    """The font families installed on the machine (as fontconfig's ``fc-list`` lists them),
    by their name as fontconfig spells it; none when fontconfig is missing. Read once per
    process."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return {}
    try:
        listed = subprocess.run(
            [fc_list, "--format", FC_FORMAT], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    families: dict[str, Family] = {}
    for line in sorted(listed.splitlines()):
        fields = line.split("\t")
        if len(fields) != 7:
            continue
        family, weight, slant, width, variable, fontformat, file = fields
        if fontformat not in OUTLINE_FORMATS or width not in ("100", ""):
            continue
        style = "variable" if variable == "True" else FC_WEIGHTS.get(_number(weight))
        if style is not None and slant not in ("0", ""):
            style = FC_ITALIC.get(style)
        if style is None:
            continue
        for name in family.split(","):
            families.setdefault(name.strip(), {}).setdefault(style, Path(file))
    return families


def system_family(family: str) -> Family:
    """An installed family's files, its name in any case; empty when it is not installed."""
    families = system_families()
    return families.get(family) or next(
        (files for name, files in families.items() if name.casefold() == family.casefold()), {}
    )


def _number(text: str) -> int:
    try:
        return round(float(text))
    except ValueError:
        return -1


def installed_families() -> list[str]:
    """The names of the installed families a brand can use (with an upright style)."""
    return sorted(
        name
        for name, files in system_families().items()
        if any(style in files for style in UPRIGHT)
    )


def nearest_families(family: str, known: list[str], count: int = 3) -> list[str]:
    """The names in ``known`` that look most like ``family`` (a misspelling, another case)."""
    folded = {name.casefold(): name for name in known}
    close = difflib.get_close_matches(family.casefold(), list(folded), n=count, cutoff=0.5)
    return [folded[name] for name in close]


def characters_lacking(text: str, files: Iterable[Path]) -> str:
    """The characters of ``text`` (each once) that none of the font ``files`` has and no font
    installed on the machine either: a PDF prints them as empty boxes (WeasyPrint takes a
    character its fonts lack from any installed font that has it)."""
    fonts = [font_characters(path) for path in files]
    return "".join(
        char
        for char in dict.fromkeys(text)
        if _drawn(char) and not any(ord(char) in font for font in fonts) and not installed_has(char)
    )


def _drawn(char: str) -> bool:
    """Whether a character needs a glyph: not a space, a control, a joiner or a variation
    selector (of an emoji)."""
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return False
    return unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Zl", "Zp")


@lru_cache(maxsize=64)
def font_characters(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for (none when it cannot be read: a broken font
    file is reported for itself)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # fontTools raises many kinds on a damaged table: reported elsewhere
        return frozenset()


def installed_has(char: str) -> bool:
    """Whether a font installed on the machine has ``char`` (as fontconfig says; when it
    cannot be asked, assumed so)."""
    ranges = installed_characters()
    if ranges is None:
        return True
    index = bisect.bisect_right(ranges, (ord(char), sys.maxsize)) - 1
    return index >= 0 and ranges[index][0] <= ord(char) <= ranges[index][1]


@lru_cache(maxsize=1)
def installed_characters() -> list[tuple[int, int]] | None:
    """The code points the installed fonts have, as sorted ranges (first, last), from one
    ``fc-list`` run a process; None when fontconfig cannot be asked."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run(
            [fc_list, "--format", "%{charset}\n"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    ranges = []
    for part in listed.stdout.split():
        first, _, last = part.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged
