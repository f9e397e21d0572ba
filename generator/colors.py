"""Colour arithmetic shared by the renderers (brand colours are ``#RRGGBB``)."""

from __future__ import annotations


def tint(color: str, amount: float) -> str:
    """The colour moved ``amount`` of the way towards white, as ``RRGGBB``."""
    channels = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "".join(f"{round(c + (255 - c) * amount):02X}" for c in channels)
