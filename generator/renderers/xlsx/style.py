"""What every sheet of the workbook shares: the brand's fonts and fills, text that stays text,
valid sheet and cell names."""

from __future__ import annotations

import re

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.worksheet import Worksheet

from generator.document import DocumentView

BODY_SIZE, HEADER_SIZE, TITLE_SIZE = 11, 12, 18
SHEET_NAME_MAX = 31
UNLOCKED = Protection(locked=False)
"""An input cell: the only kind a protected sheet lets the client change."""
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
MIDDLE_LEFT = Alignment(horizontal="left", vertical="center", indent=1)
MIDDLE_RIGHT = Alignment(horizontal="right", vertical="center", indent=1)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def hex_colour(color: str) -> str:
    """``#RRGGBB`` as openpyxl writes colours: ``RRGGBB``."""
    return color.lstrip("#").upper()


def font(
    view: DocumentView,
    size: float = BODY_SIZE,
    bold: bool = False,
    color: str | None = None,
    italic: bool = False,
) -> Font:
    """The brand's body font in the given size, weight and colour (``#RRGGBB``)."""
    return Font(
        name=view.brand.fonts.body,
        size=size,
        bold=bold,
        italic=italic,
        color=color and hex_colour(color),
    )


def fill(color: str) -> PatternFill:
    return PatternFill("solid", start_color=hex_colour(color), end_color=hex_colour(color))


def style(
    cell: Cell, view: DocumentView, font: Font, alignment: Alignment, fill_color: str | None = None
) -> None:
    """Give a cell its font, alignment, thin border in the rule colour and optional fill."""
    side = Side(style="thin", color=hex_colour(view.palette.rule))
    cell.font = font
    cell.alignment = alignment
    cell.border = Border(left=side, right=side, top=side, bottom=side)
    if fill_color is not None:
        cell.fill = fill(fill_color)


def text_cell(sheet: Worksheet, row: int, column: int, text: str) -> Cell:
    """A cell holding ``text`` as text, whatever it starts with: openpyxl would write ``=…`` as
    a live formula, so text someone else wrote could compute or link (the only formulas in our
    workbooks are our own). An empty text leaves the cell empty."""
    cell = sheet.cell(row, column, text or None)
    if text:
        cell.data_type = "s"
    return cell


def header_text(text: str) -> str:
    """Text for a print header or footer, where ``&`` starts a code (``&D`` prints the date)."""
    return text.replace("&", "&&")


def formula_text(text: str) -> str:
    """Text inside a formula's string literal: a quote doubled, so it cannot end the string."""
    return text.replace('"', '""')


def sheet_name(title: str) -> str:
    """A valid sheet name: a colon before a space becomes a dash (one inside a word, as in
    ``KPI:er``, a hyphen), no ``[]*?/\\``, and at most 31 characters, cut after a whole word
    (with …) when the title is longer."""
    cleaned = re.sub(r":", "-", re.sub(r"\s*:(\s+|$)", " – ", title))
    cleaned = re.sub(r"\s+", " ", re.sub(r"[\[\]*?/\\']", " ", cleaned)).strip() or "Sheet"
    return shortened(cleaned, SHEET_NAME_MAX)


def shortened(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else cut after a whole word, before a
    bracket it would leave open, with ``…`` (a word longer than the limit is cut where it
    must be)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    words = cut.rsplit(" ", 1)[0] if " " in cut else cut
    if words.count("(") > words.count(")") and words.rfind("(") > 0:
        words = words[: words.rfind("(")]
    return words.rstrip(" –-,;:(") + "…"


def quoted_sheet(title: str) -> str:
    """A sheet's name as a formula or a defined name refers to it: ``'Min flik'``."""
    return "'" + title.replace("'", "''") + "'"
