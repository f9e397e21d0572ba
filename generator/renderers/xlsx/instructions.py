"""The workbook's first sheet: what it is for, how to fill it in, the worksheet's questions with
their help, the brand's contact details and the guide's credit."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from generator.document import DocumentView, FormSheet, Grid
from generator.entries import item_label
from generator.renderers.xlsx.sheet import (
    protect,
    set_print,
    wrapped_lines,
    write_credit,
    write_title,
)
from generator.renderers.xlsx.style import BODY_SIZE, HEADER_SIZE, TOP_LEFT, font, text_cell
from generator.renderers.xlsx.table import LINE_HEIGHT, row_height

WIDTHS = [5, 30, 72]
PADDING = 6
CONTACT_COLUMN = 2
"""The column the brand's name and contact details start in."""


def write_instructions(
    sheet: Worksheet, view: DocumentView, has_example: bool, has_tracker: bool
) -> None:
    """Fill the instructions sheet; it is protected like the others, and prints portrait."""
    words = view.ui.workbook
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions["ABC"[column - 1]].width = width
    write_title(sheet, view, view.guide.title, len(WIDTHS))
    worksheet = view.worksheet.definition
    row = _paragraph(sheet, view, 2, f"{view.ui.worksheet}: {worksheet.title}", bold=True)
    row = _heading(sheet, view, row + 1, words.instructions)
    steps = [words.fill_in, words.question, words.taller]
    steps += [words.example] if has_example else []
    steps += [words.tracker] if has_tracker else []
    steps += [words.protection, words.send_back]
    for number, step in enumerate(steps, start=1):
        text_cell(sheet, row, 1, f"{number}.").font = font(view, bold=True)
        sheet.cell(row, 1).alignment = TOP_LEFT
        row = _paragraph(sheet, view, row, step, column=2)
    row = _heading(sheet, view, row + 1, words.questions)
    for label, help_text in _questions(view):
        label_cell = text_cell(sheet, row, 2, label)
        label_cell.font, label_cell.alignment = font(view, bold=True), TOP_LEFT
        row = _paragraph(
            sheet, view, row, help_text, column=3, minimum_lines=wrapped_lines(label, WIDTHS[1])
        )
    row = _heading(sheet, view, row + 1, view.ui.contact)
    contact = view.brand.contact
    for line in (view.brand.name, contact.website, contact.email, contact.phone):
        if line:
            row = _paragraph(sheet, view, row, line, column=CONTACT_COLUMN)
    write_credit(sheet, view, row + 1)
    set_print(sheet, view, len(WIDTHS), row + 1, landscape=False)
    protect(sheet)


def _questions(view: DocumentView) -> list[tuple[str, str]]:
    """Each row's (field's, item's) label and what it asks, a row's own per-stage questions
    included."""
    block = view.worksheet
    if isinstance(block, Grid):
        pairs = []
        for row in block.definition.rows:
            asks = [row.help] if row.help else []
            asks += [
                f"{stage.name}: {prompt}"
                for stage, prompt in zip(block.stages, block.prompts(row), strict=True)
                if prompt
            ]
            pairs.append((row.label, "\n".join(asks)))
        return pairs
    if isinstance(block, FormSheet):
        return [(field.label, field.help) for field, _ in block.fields()]
    return [(item_label(number, item), item.help) for number, item, _, _ in block.items()]


def _heading(sheet: Worksheet, view: DocumentView, row: int, text: str) -> int:
    cell = text_cell(sheet, row, 1, text)
    cell.font = font(view, size=HEADER_SIZE, bold=True, color=view.palette.primary)
    sheet.row_dimensions[row].height = 24
    return row + 1


def _paragraph(
    sheet: Worksheet,
    view: DocumentView,
    row: int,
    text: str,
    column: int = 1,
    bold: bool = False,
    minimum_lines: int = 1,
) -> int:
    """``text`` wrapped in ``column`` (merged to the last column); the next free row."""
    cell = text_cell(sheet, row, column, text)
    cell.font, cell.alignment = font(view, size=BODY_SIZE, bold=bold), TOP_LEFT
    if column < len(WIDTHS):
        sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=len(WIDTHS))
    sheet.row_dimensions[row].height = row_height(paragraph_height(text, column, minimum_lines))
    return row + 1


def paragraph_height(text: str, column: int, minimum_lines: int = 1) -> float:
    """The height of a row holding ``text`` wrapped from ``column`` to the last column."""
    lines = max(minimum_lines, wrapped_lines(text, sum(WIDTHS[column - 1 :])))
    return lines * LINE_HEIGHT + PADDING
