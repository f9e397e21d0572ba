"""Brand checks that go beyond the schema: readable colour pairs, known fonts, a safe logo.

Loading calls :func:`brand_problems` for every brand file and reports each problem with the
line of the offending key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.assets import (
    MAX_IMAGE_BYTES,
    MAX_LOGO_PIXELS,
    MiB,
    font_problem,
    raster_problem,
    svg_problem,
)
from generator.colors import AA_LARGE, AA_TEXT, contrast_ratio, nearest_passing
from generator.fonts import (
    FALLBACK_FAMILY,
    Family,
    brand_font_candidates,
    characters_lacking,
    family_files,
    installed_families,
    nearest_families,
)
from generator.model import Brand
from generator.palette import Palette
from generator.paths import inside, shipped_dir

LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class ColourPair:
    """Two brand colours the layouts put on top of each other, and the contrast they need."""

    foreground: str
    background: str
    needs: float
    where: str


PAIRS = [
    ColourPair("text", "background", AA_TEXT, "body text on the page"),
    ColourPair("primary", "background", AA_TEXT, "headings and grid labels on the page"),
    ColourPair("white", "primary", AA_TEXT, "white header text on the primary colour"),
    ColourPair("accent", "primary", AA_LARGE, "the accent on the cover's primary colour"),
]


@dataclass(frozen=True)
class BrandProblem:
    """One problem with a brand: the key it concerns (e.g. ``colors.primary``) and what is wrong."""

    key: tuple[str, ...]
    message: str
    hint: str


def brand_problems(
    brand: Brand, folder: Path, bundled: dict[str, Family], languages: dict[str, str]
) -> list[BrandProblem]:
    """Everything wrong with a brand that the schema cannot see.

    ``languages``: the code and name of each language there are UI strings for.
    """
    return [
        *language_problems(brand, languages),
        *contrast_problems(brand),
        *font_problems(brand, folder, bundled),
        *glyph_problems(brand, folder, bundled),
        *logo_problems(brand, folder),
    ]


def language_problems(brand: Brand, languages: dict[str, str]) -> list[BrandProblem]:
    """A default language the documents cannot be written in."""
    if brand.language is None or brand.language in languages:
        return []
    message = f"no documents can be made in {brand.language!r}"
    hint = f"use one of {describe_languages(languages)}, or leave it out for all"
    return [BrandProblem(("language",), message, hint)]


def describe_languages(languages: dict[str, str]) -> str:
    """``en (English), nb (norsk bokmål), sv (svenska)``: codes with their own names."""
    return ", ".join(f"{code} ({name})" for code, name in sorted(languages.items()))


def contrast_problems(brand: Brand) -> list[BrandProblem]:
    """Colour pairs whose contrast is below WCAG AA, with the ratio and the nearest shade that
    passes."""
    colours = {**brand.colors.model_dump(), "white": "#FFFFFF"}
    suggested = dict(colours)  # the shades suggested so far: later pairs are checked with them
    problems = []
    for pair in PAIRS:
        ratio = contrast_ratio(colours[pair.foreground], colours[pair.background])
        if ratio < pair.needs:
            key = pair.foreground if pair.foreground != "white" else pair.background
            problems.append(
                BrandProblem(
                    ("colors", key),
                    f"contrast {ratio:.2f}:1 between {pair.foreground} and {pair.background} "
                    f"is below WCAG AA {pair.needs}:1 ({pair.where})",
                    shade_hint(key, pair, colours, suggested),
                )
            )
    if problems:
        return problems
    return [  # the colours the layouts make from the brand's, each on what it is set on
        BrandProblem(
            ("colors",),
            f"{where} would read at {ratio:.2f}:1 ({foreground} on {background}), below WCAG "
            f"AA {AA_TEXT}:1",
            "choose a darker text colour or a lighter background",
        )
        for foreground, background, ratio, where in Palette.of(brand.colors).unreadable()
    ]


def shade_hint(key: str, pair: ColourPair, given: dict[str, str], colours: dict[str, str]) -> str:
    """Which shade of ``key``'s hue to use instead: the nearest in lightness that passes every
    pair ``key`` is in (or, when none does, this ``pair``), with the shades suggested before
    (``colours``, which takes this one in)."""
    other = pair.background if pair.foreground == key else pair.foreground
    if contrast_ratio(colours[key], colours[other]) >= pair.needs:
        if colours[key] != given[key]:
            ratio = contrast_ratio(colours[key], colours[other])
            return f'try {key}: "{colours[key]}" ({ratio:.1f}:1), as above'
        return f'it passes once {other} is "{colours[other]}"'
    every = [
        (colours[p.background if p.foreground == key else p.foreground], p.needs)
        for p in PAIRS
        if key in (p.foreground, p.background)
    ]
    shade = nearest_passing(colours[key], every) or nearest_passing(
        colours[key], [(colours[other], pair.needs)]
    )
    if shade is None:
        return "pick a darker or lighter shade"
    colours[key] = shade
    ratio = contrast_ratio(shade, colours[other])
    return f'try {key}: "{shade}" ({ratio:.1f}:1), the nearest shade of the same hue that passes'


MAX_NAMES = 6
"""Installed families named in a message at most (a machine may have hundreds)."""


def font_problems(brand: Brand, folder: Path, bundled: dict[str, Family]) -> list[BrandProblem]:
    """Font files of the brand's families that the renderers cannot use (a link out of the
    brand's folder, a file that is no font), each said once; families that are neither
    bundled, font files in the brand's folder, nor installed on the machine, with the nearest
    names there are."""
    problems = []
    refused: set[str] = set()  # families with a file said to be unusable: said once
    for role, family in brand.fonts.model_dump().items():
        if family in refused:
            continue
        files = font_files_read(family, bundled, folder)
        bad = [
            BrandProblem(("fonts", role), f"{path.name!r} {why}", hint)
            for path in files
            for why, hint in [font_file_problem(path, folder if family not in bundled else None)]
            if why
        ]
        problems += bad
        if bad:
            refused.add(family)
            continue
        if family_files(family, bundled, folder):
            continue
        installed = installed_families()
        near = nearest_families(family, [*bundled, *installed])
        shown = near or installed[:MAX_NAMES]
        more = " …" if not near and len(installed) > MAX_NAMES else ""
        problems.append(
            BrandProblem(
                ("fonts", role),
                f"unknown font {family!r}: not bundled, not in {folder.name}/ and not "
                "installed on this machine",
                (f"nearest: {', '.join(near)}; " if near else "")
                + f"bundled: {', '.join(bundled)}; "
                + (f"installed: {', '.join(shown)}{more}; " if not near and shown else "")
                + f"or put {family}-Regular.ttf (and -Bold, -Italic …) in {folder.name}/",
            )
        )
    return problems


def font_files_read(family: str, bundled: dict[str, Family], folder: Path) -> list[Path]:
    """The font files of a family the renderers would read that are the project's or the
    brand's to bring (not the shipped ones, not those installed on the machine)."""
    if family in bundled:
        shipped = shipped_dir() / "layouts"
        return [path for path in bundled[family].values() if not inside(path, [shipped])]
    return list(brand_font_candidates(folder, family).values())


def font_file_problem(path: Path, folder: Path | None) -> tuple[str, str]:
    """Why a font file (of the brand's ``folder``, if given) cannot be used, and what to do,
    or ("", "")."""
    if folder is not None and not inside(path, [folder]):
        return (
            f"links to {path.resolve()}, outside the brand's folder",
            "copy the font file into the brand's folder instead of linking to it",
        )
    problem = font_problem(path)
    if problem:
        where = f"{folder.name}/" if folder is not None else "layouts/fonts/"
        return (
            f"cannot be used as a font: it {problem}",
            f"put the family's .ttf or .otf files in {where}, or remove this one",
        )
    return "", ""


PRINTED = ("name", "footer")
"""The brand's words every document prints in its fonts."""
MAX_SHOWN = 8
"""Characters a message names at most."""


def glyph_problems(brand: Brand, folder: Path, bundled: dict[str, Family]) -> list[BrandProblem]:
    """Characters of the brand's name or footer that no font can print (emoji, Chinese …
    when neither the brand's fonts nor any font on the machine has them)."""
    problems = []
    for key in PRINTED:
        lacking = unprintable(getattr(brand, key), brand, bundled, folder)
        if lacking:
            problems.append(BrandProblem((key,), *unprintable_message(lacking, brand)))
    return problems


def unprintable(
    text: str, brand: Brand, bundled: dict[str, Family], folder: Path | None = None
) -> str:
    """The characters of ``text`` that would print as empty boxes in the brand's documents:
    in none of its fonts, the fallback family or the fonts installed on the machine."""
    families = {brand.fonts.heading, brand.fonts.body, FALLBACK_FAMILY}
    files = [
        path
        for family in families
        for path in family_files(family, bundled, folder or brand.folder).values()
    ]
    return characters_lacking(text, files)


def unprintable_message(lacking: str, brand: Brand) -> tuple[str, str]:
    """What to say of characters no font has, as (message, hint)."""
    shown = " ".join(f"{char} (U+{ord(char):04X})" for char in lacking[:MAX_SHOWN])
    more = " …" if len(lacking) > MAX_SHOWN else ""
    families = ", ".join(dict.fromkeys((brand.fonts.heading, brand.fonts.body, FALLBACK_FAMILY)))
    return (
        f"{shown}{more} would print as empty boxes: not in {families} nor in any font "
        "installed on this machine",
        "write it without them, or install a font that has them: fc-list lists what is installed",
    )


def logo_problems(brand: Brand, folder: Path) -> list[BrandProblem]:
    """A logo must be an SVG, PNG or JPEG file inside the brand's own folder that every format
    can show (opened here as rendering opens it)."""
    if not brand.logo:
        return []
    if "://" in brand.logo or brand.logo.startswith("data:"):
        return [BrandProblem(("logo",), "a logo must be a file, not a URL", _LOGO_HINT)]
    if not inside(folder / brand.logo, [folder]):
        return [
            BrandProblem(("logo",), f"{brand.logo!r} is outside the brand's folder", _LOGO_HINT)
        ]
    path = (folder / brand.logo).resolve()  # as the renderers find it: see logo.logo_path
    if path.suffix.lower() not in LOGO_SUFFIXES:
        return [BrandProblem(("logo",), f"{brand.logo!r} is not an SVG, PNG or JPEG", _LOGO_HINT)]
    if not path.is_file():
        return [BrandProblem(("logo",), f"no file {brand.logo!r}", _LOGO_HINT)]
    problem = logo_problem(path)
    if problem:
        message = f"{brand.logo!r} cannot be read as an image: it {problem}"
        return [BrandProblem(("logo",), message, _LOGO_HINT)]
    return []


def logo_problem(path: Path) -> str:
    """Why an SVG, PNG or JPEG file cannot be a logo, or "" when it can."""
    if path.suffix.lower() == ".svg":
        return svg_problem(path)
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:  # said without reading it
            return f"is {size / MiB:.1f} MB; at most {MAX_IMAGE_BYTES // MiB} MB"
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    return raster_problem(data, MAX_LOGO_PIXELS, logo=True)


_LOGO_HINT = "put logo.svg, logo.png or logo.jpg next to brand.yaml and write logo: logo.svg"


BRAND_TEMPLATE = """\
# The brand {id}: one file restyles every PDF, DOCX and XLSX built with --brand {id}.
name: {quoted_name}                  # on covers, headers, document properties
logo: ""                        # logo.svg, .png or .jpg in this folder; "" for none
# Colours as "#RRGGBB", in quotes (without them, YAML reads # as the start of a comment).
colors: {{primary: "{primary}", accent: "{accent}", text: "{text}", background: "{background}"}}
# Fonts: bundled {fonts}; a family installed on this machine
# (fc-list : family), e.g. "DejaVu Serif"; or <Family>-Regular.ttf, -Bold … in this folder.
fonts: {{heading: Inter, body: Inter}}
contact: {{website: "", email: "", phone: ""}}
language: {language}                    # default for --lang: {languages}; leave out for all
footer: ""                      # a line on every page, e.g. "© {name}"
attribution: true               # keep the source credit
attach_workbooks: true          # the guide's PDF carries each worksheet as an Excel workbook
"""
