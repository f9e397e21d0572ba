"""The colours every format paints with, worked out once from a brand's four colours.

The PDF's stylesheet, the DOCX styles and the XLSX cells all read a :class:`Palette`, so a label
cell has the same fill in all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.colors import AA_TEXT, contrast_ratio, tint
from generator.model import Colors

MUTED = "#6B7280"
"""Help texts, notes, running headers and footers (4.8:1 on white)."""
RULE = "#BFC5CD"
"""Table rules and cell borders."""
ON_PRIMARY = "#FFFFFF"
"""Text on the primary colour (the brand check makes sure it is readable)."""
ON_TARGET, SHORT_OF_TARGET = "#D5F0DD", "#FCE6C8"
"""A KPI's total once it reaches its target, and while it is short of it (light green and
amber: dark text reads on both)."""
LABEL_TINT, TIP_TINT = 0.9, 0.85
"""How far the label cells' and the tip boxes' fills are lightened towards white."""


@dataclass(frozen=True)
class Palette:
    """Colours as ``#RRGGBB``."""

    primary: str
    accent: str
    text: str
    paper: str
    label_fill: str
    """Behind the question labels of a worksheet, which are set in the primary colour."""
    tip_fill: str
    """Behind a tip box (a Markdown quote), which has the accent as its left rule."""
    muted: str = MUTED
    rule: str = RULE
    on_primary: str = ON_PRIMARY

    @classmethod
    def of(cls, colors: Colors) -> Palette:
        """The brand's palette: its colours, and fills made from them."""
        return cls(
            primary=colors.primary,
            accent=colors.accent,
            text=colors.text,
            paper=colors.background,
            label_fill=readable_tint(colors.primary, LABEL_TINT),
            tip_fill=tint(colors.accent, TIP_TINT),
        )


def readable_tint(color: str, amount: float) -> str:
    """A light tint of ``color`` on which ``color`` itself still reads at WCAG AA (or white)."""
    while amount < 1 and contrast_ratio(color, tint(color, amount)) < AA_TEXT:
        amount = min(1.0, amount + 0.01)
    return tint(color, amount)
