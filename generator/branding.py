"""Brand checks that go beyond the schema: readable colour pairs, known fonts, a safe logo.

Loading calls :func:`brand_problems` for every brand file and reports each problem with the
line of the offending key.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image

from generator.colors import AA_LARGE, AA_TEXT, contrast_ratio, nearest_passing
from generator.fonts import (
    FALLBACK_FAMILY,
    Family,
    characters_lacking,
    family_files,
    installed_families,
    nearest_families,
)
from generator.logo import MAX_LOGO_PIXELS
from generator.model import Brand
from generator.palette import Palette

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
    """Font families that are neither bundled, font files in the brand's folder, nor installed
    on the machine; the nearest names there are."""
    problems = []
    for role, family in brand.fonts.model_dump().items():
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
    """A logo must be an SVG, PNG or JPEG file inside the brand's own folder."""
    if not brand.logo:
        return []
    if "://" in brand.logo or brand.logo.startswith("data:"):
        return [BrandProblem(("logo",), "a logo must be a file, not a URL", _LOGO_HINT)]
    path = (folder / brand.logo).resolve()
    if not path.is_relative_to(folder.resolve()):
        return [
            BrandProblem(("logo",), f"{brand.logo!r} is outside the brand's folder", _LOGO_HINT)
        ]
    if path.suffix.lower() not in LOGO_SUFFIXES:
        return [BrandProblem(("logo",), f"{brand.logo!r} is not an SVG, PNG or JPEG", _LOGO_HINT)]
    if not path.is_file():
        return [BrandProblem(("logo",), f"no file {brand.logo!r}", _LOGO_HINT)]
    problem = _unreadable(path)
    if problem:
        message = f"{brand.logo!r} cannot be read as an image: {problem}"
        return [BrandProblem(("logo",), message, _LOGO_HINT)]
    return []


def _unreadable(path: Path) -> str:
    """Why an SVG, PNG or JPEG file cannot be shown, or "" when it can."""
    if path.suffix.lower() == ".svg":
        try:
            root = ElementTree.parse(path).getroot()
        except (ElementTree.ParseError, OSError) as exc:
            return str(exc)
        return "" if root.tag.rpartition("}")[2] == "svg" else "its root element is not <svg>"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # ours says it
            with Image.open(path) as image:
                width, height = image.size
                if width * height <= MAX_LOGO_PIXELS:  # decoded only when small enough
                    image.verify()
    except Image.DecompressionBombError:
        width = height = MAX_LOGO_PIXELS  # far beyond the limit: said below
    except (OSError, SyntaxError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    if width * height > MAX_LOGO_PIXELS:
        size = f"{width} × {height} pixels" if width != MAX_LOGO_PIXELS else "far too large"
        return (
            f"it is {size}; a logo may have at most {MAX_LOGO_PIXELS // 1_000_000} megapixels "
            "(it is printed a few centimetres wide)"
        )
    return ""


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
