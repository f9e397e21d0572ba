"""Colour arithmetic: tints and WCAG contrast (colours are ``#RRGGBB``)."""

from __future__ import annotations

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
