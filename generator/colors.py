"""Colour arithmetic: tints and WCAG contrast (colours are ``#RRGGBB``)."""

from __future__ import annotations

import math

AA_TEXT, AA_LARGE = 4.5, 3.0
"""WCAG 2 AA: normal text, and large or bold text (also enough for rules and borders)."""


def tint(color: str, amount: float) -> str:
    """The colour ``#RRGGBB`` moved ``amount`` of the way towards white, as ``#RRGGBB``."""
    return blend("#FFFFFF", color, amount)


def blend(color: str, background: str, amount: float) -> str:
    """``color`` drawn at ``amount`` opacity over ``background``, as one solid ``#RRGGBB``
    (text drawn with opacity is lost to a PDF's structure; a solid colour is not)."""
    pairs = ((int(color[i : i + 2], 16), int(background[i : i + 2], 16)) for i in (1, 3, 5))
    return "#" + "".join(f"{round(b + (c - b) * amount):02X}" for c, b in pairs)


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#RRGGBB``."""
    channels = []
    for i in (1, 3, 5):
        value = int(color[i : i + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    return 12.92 * channel if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def to_oklch(color: str) -> tuple[float, float, float]:
    """``#RRGGBB`` as OKLCH (Björn Ottosson's perceptual space): lightness 0–1, chroma, hue."""
    red, green, blue = (_linear(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    lms = [
        (0.4122214708 * red + 0.5363325363 * green + 0.0514459929 * blue) ** (1 / 3),
        (0.2119034982 * red + 0.6806995451 * green + 0.1073969566 * blue) ** (1 / 3),
        (0.0883024619 * red + 0.2817188376 * green + 0.6299787005 * blue) ** (1 / 3),
    ]
    lightness = 0.2104542553 * lms[0] + 0.7936177850 * lms[1] - 0.0040720468 * lms[2]
    a = 1.9779984951 * lms[0] - 2.4285922050 * lms[1] + 0.4505937099 * lms[2]
    b = 0.0259040371 * lms[0] + 0.7827717662 * lms[1] - 0.8086757660 * lms[2]
    return lightness, math.hypot(a, b), math.atan2(b, a)


def _oklch_rgb(lightness: float, chroma: float, hue: float) -> tuple[float, float, float]:
    a, b = chroma * math.cos(hue), chroma * math.sin(hue)
    long = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    medium = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    short = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (
        4.0767416621 * long - 3.3077115913 * medium + 0.2309699292 * short,
        -1.2684380046 * long + 2.6097574011 * medium - 0.3413193965 * short,
        -0.0041960863 * long - 0.7034186147 * medium + 1.7076147010 * short,
    )


def from_oklch(lightness: float, chroma: float, hue: float) -> str:
    """OKLCH as ``#RRGGBB``; a colour outside sRGB loses chroma (keeping its lightness and hue)
    until it fits."""
    low, high = 0.0, chroma
    rgb = _oklch_rgb(lightness, chroma, hue)
    if not all(-1e-6 <= c <= 1 + 1e-6 for c in rgb):
        for _ in range(24):
            middle = (low + high) / 2
            if all(-1e-6 <= c <= 1 + 1e-6 for c in _oklch_rgb(lightness, middle, hue)):
                low = middle
            else:
                high = middle
        rgb = _oklch_rgb(lightness, low, hue)
    return "#" + "".join(f"{round(_gamma(min(1.0, max(0.0, c))) * 255):02X}" for c in rgb)


def nearest_passing(color: str, against: list[tuple[str, float]]) -> str | None:
    """The shade of ``color``'s hue nearest in lightness (OKLCH) that has at least the contrast
    asked for against each ``(colour, ratio)``, or None when no lightness gives it."""
    if all(contrast_ratio(color, other) >= needs for other, needs in against):
        return color
    lightness, chroma, hue = to_oklch(color)
    for step in range(1, 201):  # 0.005 at a time, darker and lighter
        for candidate in (lightness - step * 0.005, lightness + step * 0.005):
            if not 0 <= candidate <= 1:
                continue
            shade = from_oklch(candidate, chroma, hue)
            if all(contrast_ratio(shade, other) >= needs for other, needs in against):
                return shade
    return None
