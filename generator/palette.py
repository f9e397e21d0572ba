"""The colours every format paints with, worked out once from a brand's four colours.

The PDF's stylesheet, the DOCX styles and the XLSX cells all read a :class:`Palette`, so a label
cell has the same fill in all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.colors import AA_TEXT, blend, contrast_ratio, tint
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
SOFT = 0.88
"""How strongly secondary text on the primary colour shows (as if drawn at 88 % opacity)."""


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
    help_text: str
    """Row help on the label fill: the muted grey, darkened until it reads at WCAG AA there."""
    on_primary_soft: str
    """Secondary text on the primary colour (cover subtitle and foot, stage subtitles)."""
    muted: str = MUTED
    rule: str = RULE
    on_primary: str = ON_PRIMARY

    @classmethod
    def of(cls, colors: Colors) -> Palette:
        """The brand's palette: its colours, and fills made from them."""
        label_fill = readable_tint(colors.primary, LABEL_TINT)
        return cls(
            primary=colors.primary,
            accent=colors.accent,
            text=colors.text,
            paper=colors.background,
            label_fill=label_fill,
            tip_fill=tint(colors.accent, TIP_TINT),
            help_text=readable_on(MUTED, colors.text, label_fill),
            on_primary_soft=blend(ON_PRIMARY, colors.primary, SOFT),
        )


def readable_on(color: str, darker: str, background: str) -> str:
    """``color``, moved towards ``darker`` until it reads at WCAG AA on ``background``."""
    amount = 1.0
    while amount > 0 and contrast_ratio(blend(color, darker, amount), background) < AA_TEXT:
        amount -= 0.05
    return blend(color, darker, max(amount, 0.0))


def readable_tint(color: str, amount: float) -> str:
    """A light tint of ``color`` on which ``color`` itself still reads at WCAG AA (or white)."""
    while amount < 1 and contrast_ratio(color, tint(color, amount)) < AA_TEXT:
        amount = min(1.0, amount + 0.01)
    return tint(color, amount)
