"""The XLSX renderer: a worksheet's grid as an Excel sheet a client fills in and prints.

Row 1 holds the title, row 2 the stages, column A the row labels with their help texts as
comments and as input messages on the entry cells; a sign-off line follows the grid. The sheet
prints landscape on A4, one page wide, with the title rows and label column repeated.
"""

from __future__ import annotations

import math
import re
import textwrap
from datetime import datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.colors import tint
from generator.document import DocumentView, Grid
from generator.layouts import Layouts
from generator.model import Row

FIXED_TIME = datetime(2024, 1, 1)
"""Created and modified time of every workbook, so that a rebuild gives the same file."""

LABEL_WIDTH = 28
STAGE_WIDTH = 30
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
TITLE_HEIGHT, HEADER_HEIGHT = 34, 36
BODY_SIZE, HEADER_SIZE, TITLE_SIZE = 10, 11, 16
LINE_HEIGHT = 13.5
"""Points per wrapped line of body text."""
CELL_PADDING = 10
EXAMPLE_MIN_HEIGHT = 45
BLANK_MIN_HEIGHT = 90
SIGN_HEIGHT = 28
GREY = "A6A6A6"
WHITE = "FFFFFF"
TINT = 0.85
"""How far the label column's fill is lightened from the primary colour towards white."""
SHEET_NAME_MAX = 31
PROMPT_TITLE_MAX = 32
PROMPT_MAX = 255


def render(view: DocumentView, layouts: Layouts) -> bytes:
    """Render a worksheet document to XLSX bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(view.framework.title)
    grid = view.worksheet
    _write_title(sheet, view, grid)
    _write_header(sheet, view, grid)
    last_row = _write_rows(sheet, view, grid)
    last_column = _write_sign_line(sheet, view, last_row + 2)
    _write_progress(sheet, view, grid, last_row)
    _set_widths(sheet, grid)
    _set_print(sheet, view, max(last_column, len(grid.stages) + 1), last_row + 3)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 2).coordinate
    _set_properties(workbook, view)
    return _save(workbook)


def sheet_name(title: str) -> str:
    """A valid sheet name: without ``[]:*?/\\`` and at most 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Sheet"
    return cleaned[:SHEET_NAME_MAX].strip()


def _argb(color: str) -> str:
    return color.lstrip("#").upper()


def _font(
    view: DocumentView, size: float = BODY_SIZE, bold: bool = False, color: str | None = None
) -> Font:
    """The brand's body font in the given size, weight and colour."""
    return Font(name=view.brand.fonts.body, size=size, bold=bold, color=color)


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", start_color=color, end_color=color)


def _border() -> Border:
    side = Side(style="thin", color=GREY)
    return Border(left=side, right=side, top=side, bottom=side)


def _style(cell: Cell, font: Font, alignment: Alignment, fill: PatternFill | None = None) -> None:
    """Give a cell its font, alignment, thin grey border and optional fill."""
    cell.font = font
    cell.alignment = alignment
    cell.border = _border()
    if fill is not None:
        cell.fill = fill


def _write_title(sheet: Worksheet, view: DocumentView, grid: Grid) -> None:
    """Row 1: the grid title on the primary colour, merged across the grid."""
    cell = sheet.cell(TITLE_ROW, 1, grid.title)
    white_bold = _font(view, size=TITLE_SIZE, bold=True, color=WHITE)
    middle_left = Alignment(horizontal="left", vertical="center", indent=1)
    _style(cell, white_bold, middle_left, _fill(_argb(view.brand.colors.primary)))
    sheet.merge_cells(
        start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(grid.stages) + 1
    )
    sheet.row_dimensions[TITLE_ROW].height = TITLE_HEIGHT


def _write_header(sheet: Worksheet, view: DocumentView, grid: Grid) -> None:
    """Row 2: the corner (``ui.stage``) and each stage's name with its subtitle below."""
    texts = [view.ui.stage] + [
        f"{stage.name}\n{stage.subtitle}" if stage.subtitle else stage.name for stage in grid.stages
    ]
    font = _font(view, size=HEADER_SIZE, bold=True, color=WHITE)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    fill = _fill(_argb(view.brand.colors.primary))
    for column, text in enumerate(texts, start=1):
        _style(sheet.cell(HEADER_ROW, column, text), font, centred, fill)
    sheet.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT


def _write_rows(sheet: Worksheet, view: DocumentView, grid: Grid) -> int:
    """The labelled rows with their entries (or empty cells); returns the last row's number."""
    label_font = _font(view, bold=True)
    label_alignment = Alignment(vertical="top", wrap_text=True, indent=1)
    label_fill = _fill(tint(view.brand.colors.primary, TINT))
    entry_font = _font(view)
    entry_alignment = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
    number = FIRST_ROW
    for number, (row, cells) in enumerate(grid.rows(), start=FIRST_ROW):
        label = sheet.cell(number, 1, row.label)
        _style(label, label_font, label_alignment, label_fill)
        label.comment = _help_comment(row, view.brand.name)
        for column, entries in enumerate(cells, start=2):
            cell = sheet.cell(number, column, "\n".join(entries) or None)
            _style(cell, entry_font, entry_alignment)
        _add_prompt(sheet, row, number, len(cells) + 1)
        sheet.row_dimensions[number].height = _row_height(row, cells, grid.example is None)
    return number


def _help_comment(row: Row, author: str) -> Comment:
    """The row's help text as a comment on its label, sized to the text."""
    comment = Comment(row.help, author)
    comment.width = 240
    comment.height = 30 + 15 * len(textwrap.wrap(row.help, 40))
    return comment


def _add_prompt(sheet: Worksheet, row: Row, number: int, last_column: int) -> None:
    """The row's help text as the input message shown when one of its entry cells is selected."""
    validation = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle=row.label[:PROMPT_TITLE_MAX],
        prompt=row.help[:PROMPT_MAX],
    )
    validation.add(f"B{number}:{get_column_letter(last_column)}{number}")
    sheet.add_data_validation(validation)


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    return sum(max(1, len(textwrap.wrap(part, _characters(width)))) for part in text.split("\n"))


def _characters(width: int) -> int:
    """Characters of body text that fit on one line of a column ``width`` units wide."""
    return math.floor(width * 0.95) - 2


def _row_height(row: Row, cells: list[list[str]], blank: bool) -> float:
    """Tall enough for the wrapped label and entries; roomy for writing in when blank."""
    lines = max(
        [_lines(row.label, LABEL_WIDTH)]
        + [_lines("\n".join(entries), STAGE_WIDTH) for entries in cells if entries]
    )
    minimum = BLANK_MIN_HEIGHT if blank else EXAMPLE_MIN_HEIGHT
    return max(minimum, lines * LINE_HEIGHT + CELL_PADDING)


def _write_sign_line(sheet: Worksheet, view: DocumentView, number: int) -> int:
    """``Ifyllt av:`` and ``Datum:`` with a bordered empty cell each; returns the last column."""
    name_span = max(1, len(view.worksheet.stages) - 2)
    date_label = 2 + name_span
    label_font = _font(view, bold=True)
    for column, text in ((1, view.ui.filled_in_by), (date_label, view.ui.date)):
        cell = sheet.cell(number, column, f"{text}:")
        cell.font = label_font
        cell.alignment = Alignment(horizontal="right", vertical="center", indent=1)
    for start, end in ((2, 1 + name_span), (date_label + 1, date_label + 1)):
        _style(sheet.cell(number, start), _font(view), Alignment(vertical="center"))
        if end > start:
            sheet.merge_cells(start_row=number, start_column=start, end_row=number, end_column=end)
    sheet.row_dimensions[number].height = SIGN_HEIGHT
    return date_label + 1


def _write_progress(sheet: Worksheet, view: DocumentView, grid: Grid, last_row: int) -> None:
    """A live count of the filled-in cells, e.g. ``Ifyllda rutor: 12 / 36``, beside the title."""
    last_column = get_column_letter(len(grid.stages) + 1)
    total = len(grid.stages) * len(grid.framework.rows)
    cells = f"B{FIRST_ROW}:{last_column}{last_row}"
    counter = sheet.cell(last_row + 3, 1, f'="{view.ui.progress}: "&COUNTA({cells})&" / {total}"')
    counter.font = _font(view, size=BODY_SIZE - 1, color=GREY)
    counter.alignment = Alignment(horizontal="left", vertical="center", indent=1)


def _set_widths(sheet: Worksheet, grid: Grid) -> None:
    """Column A for the labels, one wider column per stage."""
    sheet.column_dimensions["A"].width = LABEL_WIDTH
    for column in range(2, len(grid.stages) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = STAGE_WIDTH


def _set_print(sheet: Worksheet, view: DocumentView, last_column: int, last_row: int) -> None:
    """A4 landscape, one page wide, titles repeated, brand and page number in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    sheet.print_title_cols = "A:A"
    sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    sheet.oddFooter.left.text = view.brand.name
    sheet.oddFooter.right.text = "&P / &N"
    for part in (sheet.oddFooter.left, sheet.oddFooter.right):
        part.size = 8
        part.font = view.brand.fonts.body


def _set_properties(workbook: Workbook, view: DocumentView) -> None:
    """Title, creator and language; fixed times so that a rebuild gives the same file."""
    properties = workbook.properties
    properties.title = view.title
    properties.creator = view.brand.name
    properties.lastModifiedBy = view.brand.name
    properties.language = view.language
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME


def _save(workbook: Workbook) -> bytes:
    """The workbook's bytes, identical on every build of the same content."""
    written = BytesIO()
    with ZipFile(written, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # unlike Workbook.save, keeps our modified time
    return _fix_timestamps(written.getvalue())


def _fix_timestamps(data: bytes) -> bytes:
    """The zip archive again, every member dated :data:`FIXED_TIME` instead of now."""
    fixed = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(fixed, "w", ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = ZipInfo(member.filename, FIXED_TIME.timetuple()[:6])
            target.writestr(info, source.read(member), ZIP_DEFLATED)
    return fixed.getvalue()
