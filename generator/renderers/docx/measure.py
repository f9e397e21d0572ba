"""How much room text takes in a brand's own fonts: for guessing where Word and LibreOffice
will break a document's pages before either has laid it out (the contents' page numbers).

A font's advance widths and line height are read once a process with fontTools; text is
wrapped at spaces as an office suite wraps it, each character as wide as the font draws it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

AVERAGE = 0.5
"""An average character's width in ems, for a character the font lacks (or no font file)."""
LINE = 1.2
"""A line's height in ems when no font file says otherwise."""


@dataclass(frozen=True)
class Metrics:
    """A font's character widths and line height, in ems."""

    widths: dict[str, float]
    average: float = AVERAGE
    line: float = LINE

    def width(self, text: str, size: float) -> float:
        """How wide ``text`` sets at ``size`` points."""
        return sum(self.widths.get(character, self.average) for character in text) * size

    def lines(self, text: str, size: float, width: float) -> int:
        """How many lines ``text`` wraps to in ``width`` points (at least one)."""
        return wrapped_lines([(text, self)], size, width)


def wrapped_lines(runs: list[tuple[str, Metrics]], size: float, width: float) -> int:
    """How many lines runs of text, each in its own font (a bold run in the bold one), wrap
    to in ``width`` points at ``size``, broken at spaces as an office suite breaks them."""
    width = max(width, size)  # a column narrower than a letter still takes one a line
    count, used, word, space = 1, 0.0, 0.0, 0.0
    for text, font in runs:
        for character in text:
            if character in " \n":
                if used and used + space + word > width:
                    count, used = count + 1, 0.0
                used += (space if used else 0.0) + word
                while used > width:  # a word longer than the line breaks anywhere
                    count, used = count + 1, used - width
                word, space = 0.0, font.width(" ", size)
                if character == "\n":
                    count, used = count + 1, 0.0
            else:
                word += font.widths.get(character, font.average) * size
    if used and used + space + word > width:
        count, used = count + 1, 0.0
    used += (space if used else 0.0) + word
    while used > width:
        count, used = count + 1, used - width
    return count


FALLBACK = Metrics({})
"""Metrics that assume an average character, for a family without a file."""


@lru_cache(maxsize=16)
def metrics(path: Path) -> Metrics:
    """The widths and line height of a font file (its default instance, if variable)."""
    font = TTFont(path, lazy=True)
    try:
        # read from the raw table: parsing 'head' would log about the fonts' fixed dates
        per_em = struct.unpack(">H", font.reader["head"][18:20])[0]
        advances = font["hmtx"].metrics
        widths = {
            chr(code): advances[glyph][0] / per_em
            for code, glyph in font.getBestCmap().items()
            if glyph in advances
        }
        hhea = font["hhea"]
        line = (hhea.ascent - hhea.descent + hhea.lineGap) / per_em
        letters = [widths[c] for c in "abcdefghijklmnopqrstuvwxyz" if c in widths]
        average = sum(letters) / len(letters) if letters else AVERAGE
        return Metrics(widths, average, line)
    finally:
        font.close()
