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
    accent_text: str
    """The accent as text on the page (stage tags, the Word cover's kicker): the accent,
    darkened until it reads at WCAG AA there."""
    accent_on_primary: str
    """The accent as text on the primary colour (the PDF cover's kicker and stage numbers),
    moved towards white or black until it reads at WCAG AA there."""
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
            accent_text=readable_on(colors.accent, colors.text, colors.background),
            accent_on_primary=readable_on(
                colors.accent, _contrasting(colors.primary), colors.primary
            ),
        )

    def unreadable(self) -> list[tuple[str, str, float, str]]:
        """Every text colour the layouts set on a background (:data:`TEXT_ON`) that does not
        read at WCAG AA there: the two roles, their contrast and where they meet."""
        found = []
        for foreground, background, where in TEXT_ON:
            ratio = contrast_ratio(getattr(self, foreground), getattr(self, background))
            if ratio < AA_TEXT:
                found.append((foreground, background, ratio, where))
        return found


TEXT_ON = [
    ("text", "paper", "body text"),
    ("primary", "paper", "headings"),
    ("primary", "label_fill", "a worksheet's row labels"),
    ("help_text", "label_fill", "a worksheet's row help"),
    ("text", "tip_fill", "tip boxes"),
    ("muted", "paper", "notes, running heads and stage tags"),
    ("accent_text", "paper", "stage tags and the cover's kicker in Word"),
    ("on_primary", "primary", "table headers and the PDF's cover"),
    ("on_primary_soft", "primary", "the PDF cover's subtitle"),
    ("accent_on_primary", "primary", "the PDF cover's kicker and stage numbers"),
]
"""Each text colour of the palette and the colour it is set on, as the layouts use them."""


def _contrasting(color: str) -> str:
    """White or black, whichever stands out more on ``color``."""
    return max(("#FFFFFF", "#000000"), key=lambda other: contrast_ratio(color, other))


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
