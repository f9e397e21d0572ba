"""A worksheet as an Excel sheet a client fills in and prints.

Row 1 the title on a light bar (the brand's logo legible on it), row 2 the column headings,
column A the labels with their help as comments and as input messages on the entry cells. A
row whose stages each ask their own question prints those questions in a row above it (its
label spanning both). Then a
sign-off line, a count of what is filled in and the guide's credit. The sheet is protected
(no password): only the entry cells and the sign-off can change, and each entry cell has a
workbook name (``kundresan.konvertering.kpi``) it is read back by, wherever it was moved.
"""

from __future__ import annotations

import math
import textwrap
from io import BytesIO

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.utils import absolute_coordinate, get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.units import pixels_to_EMU, points_to_pixels
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.worksheet import Worksheet

from generator.document import DocumentView, Sheet
from generator.entries import SIGNED_BY, SIGNED_ON, TICK, defined_name
from generator.logo import logo_png
from generator.renderers.xlsx.cached import Formulas
from generator.renderers.xlsx.style import (
    BODY_SIZE,
    CENTRED,
    HEADER_SIZE,
    MIDDLE_LEFT,
    MIDDLE_RIGHT,
    TITLE_SIZE,
    TOP_LEFT,
    UNLOCKED,
    font,
    formula_text,
    header_text,
    hex_colour,
    quoted_sheet,
    shortened,
    style,
    text_cell,
)
from generator.renderers.xlsx.table import (
    LINE_HEIGHT,
    SheetTable,
    TableRow,
    row_height,
    table_for,
)

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
CHARACTER_PIXELS = 7
"""Pixels per character of a column's width."""
TITLE_CHARACTER_PIXELS = 14
"""Pixels per character of the title, at its size and bold, with room to spare."""
LOGO_INSET, LOGO_SMALLEST = 8, 24
"""Pixels between the logo and the table's edge (and the title); the narrowest logo shown."""
HELP_SIZE = 8
HELP_LINE_HEIGHT = 11
TITLE_HEIGHT, HEADER_HEIGHT = 34, 36
CELL_PADDING = 10
EXAMPLE_MIN_HEIGHT = 60
SIGN_HEIGHT = 28
QUESTION_SIZE = BODY_SIZE - 1
PROMPT_TITLE_MAX = 32
PROMPT_MAX = 255


def write_worksheet(
    sheet: Worksheet, view: DocumentView, block: Sheet, formulas: Formulas, inputs: bool
) -> dict[str, str]:
    """Write a worksheet into ``sheet``; with ``inputs`` its entry cells are unlocked and named
    (the client's sheet), else all is locked (the example beside it). Returns each entry
    cell's workbook name and coordinate."""
    table = table_for(block, view)
    last_column = len(table.widths)
    for column, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    write_title(sheet, view, table.title, last_column)
    _write_header(sheet, view, table.header)
    cells, last_row = _write_rows(sheet, view, table, inputs)
    signed = _write_sign_line(sheet, view, block, last_row + 2, last_column, inputs)
    _write_progress(sheet, view, table, formulas, cells, last_row)
    write_credit(sheet, view, last_row + 5)
    set_print(sheet, view, last_column, last_row + 5, table.landscape)
    sheet.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    sheet.print_title_cols = "A:A"
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 2).coordinate
    protect(sheet)
    if inputs:
        for name, coordinate in {**cells, **signed}.items():
            reference = f"{quoted_sheet(sheet.title)}!{absolute_coordinate(coordinate)}"
            sheet.parent.defined_names[name] = DefinedName(name, attr_text=reference)
    return cells


def write_title(sheet: Worksheet, view: DocumentView, title: str, last_column: int) -> None:
    """Row 1: the title in the primary colour on a light bar across the table, the logo at its
    right end (legible on the light bar, as on the PDF's cover plate)."""
    cell = text_cell(sheet, TITLE_ROW, 1, title)
    heading = font(view, size=TITLE_SIZE, bold=True, color=view.palette.primary)
    style(cell, view, heading, MIDDLE_LEFT, view.palette.label_fill)
    sheet.merge_cells(
        start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last_column
    )
    sheet.row_dimensions[TITLE_ROW].height = TITLE_HEIGHT
    logo = logo_png(view.brand)
    if logo is not None:
        widths = [
            sheet.column_dimensions[get_column_letter(c)].width for c in range(1, last_column + 1)
        ]
        _add_logo(sheet, Image(BytesIO(logo)), widths, title)


def logo_anchor(size: tuple[float, float], widths: list[float], title: str) -> OneCellAnchor | None:
    """Where a logo of ``size`` pixels (width, height) sits on a title bar over columns
    ``widths`` wide that shows ``title``: at the bar's right end, inside the table (so it
    prints) and clear of the title; scaled to the bar's height, and smaller where the title
    leaves less room. None when the title leaves too little room for a legible logo."""
    table = sum(column_pixels(width) for width in widths)
    title_end = LOGO_INSET + len(title) * TITLE_CHARACTER_PIXELS
    room = table - title_end - 2 * LOGO_INSET
    height = points_to_pixels(TITLE_HEIGHT - 8)
    width = size[0] * height / size[1]
    if width > room:
        width, height = room, height * room / width
    if width < LOGO_SMALLEST:
        return None  # a title as wide as the table: the title, not a logo too small to read
    left = table - LOGO_INSET - width
    column, offset = 0, left
    while offset >= column_pixels(widths[column]):
        offset -= column_pixels(widths[column])
        column += 1
    top = (points_to_pixels(TITLE_HEIGHT) - height) / 2
    return OneCellAnchor(
        _from=AnchorMarker(
            col=column, colOff=pixels_to_EMU(offset), row=TITLE_ROW - 1, rowOff=pixels_to_EMU(top)
        ),
        ext=XDRPositiveSize2D(pixels_to_EMU(width), pixels_to_EMU(height)),
    )


def column_pixels(width: float) -> int:
    """A column's width in pixels, as Excel and LibreOffice draw ``width`` characters of the
    default font (seven pixels each)."""
    return round(width * CHARACTER_PIXELS)


def _add_logo(sheet: Worksheet, image: Image, widths: list[float], title: str) -> None:
    """The logo where :func:`logo_anchor` places it, if anywhere."""
    anchor = logo_anchor((image.width, image.height), widths, title)
    if anchor is None:
        return
    image.anchor = anchor
    sheet.add_image(image)


def _write_header(sheet: Worksheet, view: DocumentView, texts: list[str]) -> None:
    """Row 2: the column headings on the primary colour."""
    heading = font(view, size=HEADER_SIZE, bold=True, color=view.palette.on_primary)
    for column, text in enumerate(texts, start=1):
        cell = text_cell(sheet, HEADER_ROW, column, text)
        style(cell, view, heading, CENTRED, view.palette.primary)
    sheet.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT


def _write_rows(
    sheet: Worksheet, view: DocumentView, table: SheetTable, inputs: bool
) -> tuple[dict[str, str], int]:
    """The labelled rows with their values (or empty cells), each row's own questions printed
    above it; the entry cells' names and coordinates, and the last row's number."""
    label_font, entry_font = font(view, bold=True), font(view)
    cells: dict[str, str] = {}
    number = FIRST_ROW - 1
    for row in table.rows:
        label_row = number + 1
        if any(text for _, text in row.prompts):  # the label spans its questions and entries
            number += 1
            _write_questions(sheet, view, row, number, table.widths)
        number += 1
        label = text_cell(sheet, label_row, 1, row.label)
        style(label, view, label_font, TOP_LEFT, view.palette.label_fill)
        if table.blank and row.help:  # printed under the label, as on the PDF's blank grid
            label.value = _label_with_help(view, row)
        if label_row < number:
            sheet.merge_cells(start_row=label_row, start_column=1, end_row=number, end_column=1)
        if row.help:
            label.comment = _help_comment(row.help, view.brand.name)
        for column, (value, name) in enumerate(zip(row.values, row.names, strict=True), start=2):
            cell = text_cell(sheet, number, column, value)
            ticks = table.ticks and column == 2
            style(cell, view, entry_font, CENTRED if ticks else TOP_LEFT)
            if inputs:
                cell.protection = UNLOCKED
            cells[name] = cell.coordinate
        _add_prompt(sheet, row, number, len(row.values) + 1)
        sheet.row_dimensions[number].height = row_height(_row_height(row, table))
    if table.ticks:
        ticks = [coordinate for name, coordinate in cells.items() if name.endswith(".done")]
        _add_tick_list(sheet, ticks)
    return cells, number


def _label_with_help(view: DocumentView, row: TableRow) -> CellRichText:
    """A row's label in bold with its help under it, small, in the help colour: on paper there
    are no comments or input messages."""
    body = view.brand.fonts.body
    label = InlineFont(rFont=body, sz=BODY_SIZE, b=True)
    help_font = InlineFont(rFont=body, sz=HELP_SIZE, color=hex_colour(view.palette.help_text))
    return CellRichText(TextBlock(label, row.label), TextBlock(help_font, f"\n{row.help}"))


def _write_questions(
    sheet: Worksheet, view: DocumentView, row: TableRow, number: int, widths: list[float]
) -> None:
    """A row's own question per stage, printed above its entry cells (paper has no input
    messages)."""
    small = font(view, size=QUESTION_SIZE, italic=True, color=view.palette.muted)
    lines = 1
    for column, (_, text) in enumerate(row.prompts, start=2):
        style(text_cell(sheet, number, column, text), view, small, TOP_LEFT)
        lines = max(lines, wrapped_lines(text, widths[column - 1]))
    sheet.row_dimensions[number].height = row_height(lines * (LINE_HEIGHT - 2) + CELL_PADDING)


def _help_comment(text: str, author: str) -> Comment:
    """A help text as a comment on its label, sized to the text."""
    comment = Comment(text, author)
    comment.width = 240
    comment.height = 30 + 15 * len(textwrap.wrap(text, 40))
    return comment


def _add_prompt(sheet: Worksheet, row: TableRow, number: int, last_column: int) -> None:
    """The input message shown when an entry cell is selected: the cell's own question if the
    row has one per column, else the row's help text."""
    if row.prompts:
        for column, (title, text) in enumerate(row.prompts, start=2):
            if text:
                _input_message(sheet, f"{get_column_letter(column)}{number}", title, text)
    elif row.help:
        cells = f"B{number}:{get_column_letter(last_column)}{number}"
        _input_message(sheet, cells, row.label, row.help)


def _input_message(sheet: Worksheet, cells: str, title: str, text: str) -> None:
    validation = DataValidation(allow_blank=True)
    input_message(validation, title, text)
    validation.add(cells)
    sheet.add_data_validation(validation)


def input_message(validation: DataValidation, title: str, text: str) -> None:
    """Show ``title`` and ``text`` when a cell of ``validation`` is selected, each cut after a
    whole word to what Excel holds (32 and 255 characters)."""
    validation.showInputMessage = True
    validation.promptTitle = shortened(title, PROMPT_TITLE_MAX)
    validation.prompt = shortened(text, PROMPT_MAX)


def _add_tick_list(sheet: Worksheet, coordinates: list[str]) -> None:
    """A checklist's tick cells offer a drop-down with the tick mark."""
    validation = DataValidation(type="list", formula1=f'"{TICK}"', allow_blank=True)
    for coordinate in coordinates:
        validation.add(coordinate)
    sheet.add_data_validation(validation)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    characters = max(1, math.floor(width * 0.95) - 2)
    return sum(max(1, len(textwrap.wrap(part, characters))) for part in text.split("\n"))


def _row_height(row: TableRow, table: SheetTable) -> float:
    """Tall enough for the wrapped label and values; roomy for writing in when blank."""
    texts = [row.label, *row.values]
    pairs = zip(texts, table.widths, strict=True)
    lines = max(wrapped_lines(text, width) for text, width in pairs if text)
    minimum = row.blank_height if table.blank else EXAMPLE_MIN_HEIGHT
    label = wrapped_lines(row.label, table.widths[0]) * LINE_HEIGHT + CELL_PADDING
    if table.blank and row.help:
        help_width = table.widths[0] * BODY_SIZE / HELP_SIZE
        label += wrapped_lines(row.help, help_width) * HELP_LINE_HEIGHT
    return max(minimum, lines * LINE_HEIGHT + CELL_PADDING, label)


def _write_sign_line(
    sheet: Worksheet,
    view: DocumentView,
    block: Sheet,
    number: int,
    last_column: int,
    inputs: bool,
) -> dict[str, str]:
    """``Ifyllt av:`` and ``Datum:``, each with a bordered cell to write in: empty on the
    client's sheet (named, like the entries: returned with their coordinates), with what a
    client wrote on theirs, and left out of a finished example."""
    example = block.example
    if example is not None and not example.signed:
        return {}
    parts = [
        (SIGNED_BY, view.ui.filled_in_by, example.signed_by if example else ""),
        (SIGNED_ON, view.ui.date, example.signed_on if example else ""),
    ]
    if last_column >= 4:  # both on one line
        places = [
            (number, 1, 2, last_column - 2),
            (number, last_column - 1, last_column, last_column),
        ]
    else:
        places = [(number, 1, 2, last_column), (number + 1, 1, 2, last_column)]
    names = {}
    for (part, text, value), (row, label_column, start, end) in zip(parts, places, strict=True):
        cell = text_cell(sheet, row, label_column, f"{text}:")
        cell.font = font(view, bold=True)
        cell.alignment = MIDDLE_RIGHT
        field = text_cell(sheet, row, start, value) if value else sheet.cell(row, start)
        style(field, view, font(view), MIDDLE_LEFT)
        if inputs:
            field.protection = UNLOCKED
            names[defined_name(block.definition.id, part)] = field.coordinate
        if end > start:
            sheet.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
        sheet.row_dimensions[row].height = SIGN_HEIGHT
    return names


def _write_progress(
    sheet: Worksheet,
    view: DocumentView,
    table: SheetTable,
    formulas: Formulas,
    cells: dict[str, str],
    last_row: int,
) -> None:
    """A live count of what is filled in, e.g. ``Ifyllda rutor: 12 / 36``, under the table:
    of the entry cells alone, row by row (a row of printed questions is not counted)."""
    last_column = get_column_letter(len(table.widths) if not table.ticks else 2)
    rows = sorted({coordinate_to_tuple(coordinate)[0] for coordinate in cells.values()})
    runs: list[list[int]] = []
    for row in rows:  # consecutive rows as one range (a checklist's COUNTIF takes one)
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    ranges = ",".join(f"B{run[0]}:{last_column}{run[-1]}" for run in runs)
    label = view.ui.progress
    formula = f'"{formula_text(label)}: "&{table.count.format(cells=ranges)}&" / {table.total}"'
    counter = formulas.put(
        sheet.cell(last_row + 4, 1), formula, f"{label}: {table.filled} / {table.total}"
    )
    counter.font = font(view, size=BODY_SIZE - 1, color=view.palette.muted)
    counter.alignment = MIDDLE_LEFT


def write_credit(sheet: Worksheet, view: DocumentView, row: int) -> None:
    """The guide's source, printed with the sheet."""
    if view.credit:
        cell = text_cell(sheet, row, 1, view.credit)
        cell.font = font(view, size=BODY_SIZE - 1, color=view.palette.muted)
        cell.alignment = MIDDLE_LEFT


def protect(sheet: Worksheet) -> None:
    """Sheet protection without a password: only unlocked cells change; rows and columns may
    still be resized, so a client can make room to write."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatRows = protection.formatColumns = protection.formatCells = False


PRINT_TEXT_MAX = 255
"""The longest print header or footer Excel opens: its parts with their codes (``&L``, the
font, size and colour) and every ``&`` doubled."""


def print_texts(item: HeaderFooterItem, texts: dict[str, str]) -> None:
    """Give the parts of a print header or footer (``left``, ``center``, ``right``) their
    texts, the longest cut after a whole word with … until the whole, codes included, is
    within :data:`PRINT_TEXT_MAX` (the parts' fonts are set first: they count)."""
    texts = dict(texts)
    while True:
        for side, text in texts.items():
            getattr(item, side).text = header_text(text)
        excess = len(str(item)) - PRINT_TEXT_MAX
        if excess <= 0 or not any(texts.values()):
            return
        side = max(texts, key=lambda key: len(header_text(texts[key])))
        text = texts[side]
        texts[side] = shortened(text, max(1, len(text) - excess)) if len(text) > 1 else ""


def set_print(
    sheet: Worksheet, view: DocumentView, last_column: int, last_row: int, landscape: bool
) -> None:
    """The job's paper, one page wide; as on the PDF's pages, the guide's title and the brand's
    name in the print header, the footer line, website, credit and the page number in the print
    footer."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = view.paper.excel
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1  # a worksheet prints on one page
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    header, footer = sheet.oddHeader, sheet.oddFooter
    for part in (header.left, header.right, footer.left, footer.center, footer.right):
        part.size = 8
        part.font = view.brand.fonts.body
    header.right.color = hex_colour(view.palette.primary)
    footer.right.text = "&P / &N"
    print_texts(header, {"left": view.guide.title, "right": view.brand.name})
    website = view.brand.contact.website
    if view.credit:  # the credit in the middle; the website joins the footer line
        left = " · ".join(part for part in (view.footer_line, website) if part)
        print_texts(footer, {"left": left, "center": view.credit})
    else:
        print_texts(footer, {"left": view.footer_line, "center": website})
