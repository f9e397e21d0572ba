"""Paper sizes: what every format needs to know of one, decided here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PaperName = Literal["a4", "letter"]


@dataclass(frozen=True)
class Paper:
    """A paper size, portrait, and its name in each format."""

    name: PaperName
    width_mm: float
    height_mm: float
    css: str
    """The CSS ``@page`` size keyword."""
    excel: int
    """The spreadsheet's paper-size code (ECMA-376 ``paperSize``)."""


PAPERS: dict[str, Paper] = {
    paper.name: paper
    for paper in (
        Paper("a4", 210, 297, "A4", 9),
        Paper("letter", 215.9, 279.4, "letter", 1),
    )
}
DEFAULT_PAPER: PaperName = "a4"
BLEED_MM = 3
"""The bleed around a page with print marks, as print shops ask for."""
