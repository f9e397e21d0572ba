"""The XLSX renderer: a worksheet as an Excel sheet a client fills in and prints.

Every kind of worksheet becomes the same shape (:class:`SheetTable`): row 1 the title, row 2 the
column headers, column A the labels with their help texts as comments and as input messages on
the entry cells, then a sign-off line and a live count of what is filled in. Grids print
landscape, forms and checklists portrait; always A4, one page wide, titles repeated.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.document import ChecklistSheet, DocumentView, FormSheet, Grid, Sheet
from generator.layouts import Layouts
from generator.logo import logo_png
from generator.reproducible import FIXED_TIME, fixed_zip

LABEL_WIDTH = 28
STAGE_WIDTH = 30
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
TICK = "✓"
FRAMEWORK_PROPERTY, LANGUAGE_PROPERTY = "journeykit.framework", "journeykit.language"
TITLE_HEIGHT, HEADER_HEIGHT = 34, 36
BODY_SIZE, HEADER_SIZE, TITLE_SIZE = 11, 12, 18
LINE_HEIGHT = 15
"""Points per wrapped line of body text."""
CELL_PADDING = 10
EXAMPLE_MIN_HEIGHT = 60
BLANK_MIN_HEIGHT = 90
SIGN_HEIGHT = 28
SHEET_NAME_MAX = 31
PROMPT_TITLE_MAX = 32
PROMPT_MAX = 255


@dataclass(frozen=True)
class TableRow:
    """One labelled row: its label and help text, and a value per entry column."""

    label: str
    help: str
    values: list[str]
    blank_height: float = BLANK_MIN_HEIGHT
    prompts: tuple[tuple[str, str], ...] = ()
    """Per entry column, a question of its own: (title, text); empty when the row has none."""


@dataclass(frozen=True)
class SheetTable:
    """A worksheet of any kind as the sheet shows it."""

    title: str
    header: list[str]
    """Column A's heading, then one per entry column."""
    rows: list[TableRow]
    widths: list[float]
    blank: bool
    landscape: bool
    count: str
    """The formula counting what is filled in, with ``{cells}`` for the entry range."""
    total: int
    ticks: bool = False
    """Whether column B holds tick marks (a checklist)."""


def render(view: DocumentView, layouts: Layouts) -> bytes:
    """Render a worksheet document to XLSX bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(view)
    table = table_for(view.worksheet, view)
    last_column = len(table.widths)
    _write_title(sheet, view, table.title, last_column)
    _place_logo(sheet, view, last_column)
    _write_header(sheet, view, table.header)
    last_row = _write_rows(sheet, view, table)
    _write_sign_line(sheet, view, last_row + 2, last_column)
    _write_progress(sheet, view, table, last_row)
    _write_credit(sheet, view, last_row + 5)
    for column, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _set_print(sheet, view, last_column, last_row + 5, table.landscape)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 2).coordinate
    _set_properties(workbook, view)
    return _save(workbook)


def table_for(sheet: Sheet, view: DocumentView) -> SheetTable:
    """The sheet's table, by kind of worksheet."""
    if isinstance(sheet, Grid):
        return grid_table(sheet, view)
    if isinstance(sheet, FormSheet):
        return form_table(sheet, view)
    return checklist_table(sheet, view)


def grid_table(grid: Grid, view: DocumentView) -> SheetTable:
    """Stages as columns, the framework's rows as labelled rows."""
    header = [view.ui.stage] + [
        f"{stage.name}\n{stage.subtitle}" if stage.subtitle else stage.name for stage in grid.stages
    ]
    rows = [
        TableRow(
            row.label,
            row.help,
            ["\n".join(entries) for entries in cells],
            prompts=tuple(
                (stage.name, prompt)
                for stage, prompt in zip(grid.stages, grid.prompts(row), strict=True)
            )
            if row.prompts
            else (),
        )
        for row, cells in grid.rows()
    ]
    widths = [LABEL_WIDTH] + [STAGE_WIDTH] * len(grid.stages)
    total = len(grid.stages) * len(rows)
    count = "COUNTA({cells})"
    return SheetTable(grid.title, header, rows, widths, grid.example is None, True, count, total)


def form_table(form: FormSheet, view: DocumentView) -> SheetTable:
    """One row per field: the label, then the answer."""
    rows = [
        TableRow(
            field.label, field.help, ["\n".join(entries)], 20 + LINE_HEIGHT * 1.5 * field.lines
        )
        for field, entries in form.fields()
    ]
    header = ["", ""]
    blank = form.example is None
    return SheetTable(
        form.title, header, rows, [34, 80], blank, False, "COUNTA({cells})", len(rows)
    )


def checklist_table(checklist: ChecklistSheet, view: DocumentView) -> SheetTable:
    """One row per item: number and text, a tick, and a note."""
    rows = [
        TableRow(f"{number}. {item.text}", item.help, [TICK if ticked else "", note], 36)
        for number, item, ticked, note in checklist.items()
    ]
    header = ["", TICK, view.ui.notes]
    count = f'COUNTIF({{cells}},"{TICK}")'
    blank = checklist.example is None
    return SheetTable(
        checklist.title, header, rows, [58, 7, 46], blank, False, count, len(rows), ticks=True
    )


def text_cell(sheet: Worksheet, row: int, column: int, text: str) -> Cell:
    """A cell holding ``text`` as text, whatever it starts with: openpyxl would write ``=…`` as
    a live formula, so text someone else wrote could compute or link (the only formula in our
    workbooks is our own count). An empty text leaves the cell empty."""
    cell = sheet.cell(row, column, text or None)
    if text:
        cell.data_type = "s"
    return cell


def header_text(text: str) -> str:
    """Text for a print header or footer, where ``&`` starts a code (``&D`` prints the date)."""
    return text.replace("&", "&&")


def sheet_title(view: DocumentView) -> str:
    """The sheet's tab: the worksheet's name when blank; an example's own title when it fits,
    else "Example – <worksheet>", else the worksheet's name (the file name and the title row
    say the rest)."""
    sheet = view.worksheet
    name = sheet.definition.title
    candidates = [sheet.example.title, f"{view.ui.example}: {name}"] if sheet.example else []
    fitting = [title for title in map(sheet_name, candidates) if not title.endswith("…")]
    return fitting[0] if fitting else sheet_name(name)


def sheet_name(title: str) -> str:
    """A valid sheet name: a colon becomes a dash, no ``[]*?/\\``, and at most 31 characters,
    cut after a whole word (with …) when the title is longer."""
    cleaned = re.sub(r"\s*:\s*", " – ", title)
    cleaned = re.sub(r"\s+", " ", re.sub(r"[\[\]*?/\\]", " ", cleaned)).strip() or "Sheet"
    if len(cleaned) <= SHEET_NAME_MAX:
        return cleaned
    words = cleaned[: SHEET_NAME_MAX - 1].rsplit(" ", 1)[0].rstrip(" –,")
    return words + "…"


def _hex(color: str) -> str:
    """``#RRGGBB`` as openpyxl writes colours: ``RRGGBB``."""
    return color.lstrip("#").upper()


def _font(
    view: DocumentView, size: float = BODY_SIZE, bold: bool = False, color: str | None = None
) -> Font:
    """The brand's body font in the given size, weight and colour (``#RRGGBB``)."""
    return Font(name=view.brand.fonts.body, size=size, bold=bold, color=color and _hex(color))


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", start_color=_hex(color), end_color=_hex(color))


def _style(
    cell: Cell, view: DocumentView, font: Font, alignment: Alignment, fill: str | None = None
) -> None:
    """Give a cell its font, alignment, thin border in the rule colour and optional fill."""
    side = Side(style="thin", color=_hex(view.palette.rule))
    cell.font = font
    cell.alignment = alignment
    cell.border = Border(left=side, right=side, top=side, bottom=side)
    if fill is not None:
        cell.fill = _fill(fill)


def _write_title(sheet: Worksheet, view: DocumentView, title: str, last_column: int) -> None:
    """Row 1: the title on the primary colour, merged across the table."""
    cell = text_cell(sheet, TITLE_ROW, 1, title)
    on_primary = _font(view, size=TITLE_SIZE, bold=True, color=view.palette.on_primary)
    middle_left = Alignment(horizontal="left", vertical="center", indent=1)
    _style(cell, view, on_primary, middle_left, view.palette.primary)
    sheet.merge_cells(
        start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last_column
    )
    sheet.row_dimensions[TITLE_ROW].height = TITLE_HEIGHT


def _place_logo(sheet: Worksheet, view: DocumentView, last_column: int) -> None:
    """The brand's logo at the right end of the title row."""
    logo = logo_png(view.brand)
    if logo is None:
        return
    image = Image(BytesIO(logo))
    scale = (TITLE_HEIGHT - 6) / image.height * 96 / 72  # points → pixels
    image.width, image.height = image.width * scale, image.height * scale
    sheet.add_image(image, f"{get_column_letter(last_column)}{TITLE_ROW}")


def _write_header(sheet: Worksheet, view: DocumentView, texts: list[str]) -> None:
    """Row 2: the column headings on the primary colour."""
    font = _font(view, size=HEADER_SIZE, bold=True, color=view.palette.on_primary)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column, text in enumerate(texts, start=1):
        _style(
            text_cell(sheet, HEADER_ROW, column, text), view, font, centred, view.palette.primary
        )
    sheet.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT


def _write_rows(sheet: Worksheet, view: DocumentView, table: SheetTable) -> int:
    """The labelled rows with their values (or empty cells); returns the last row's number."""
    label_font = _font(view, bold=True)
    label_alignment = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
    entry_font = _font(view)
    entry_alignment = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
    tick_alignment = Alignment(horizontal="center", vertical="center")
    number = FIRST_ROW
    for number, row in enumerate(table.rows, start=FIRST_ROW):
        label = text_cell(sheet, number, 1, row.label)
        _style(label, view, label_font, label_alignment, view.palette.label_fill)
        if row.help:
            label.comment = _help_comment(row.help, view.brand.name)
        for column, value in enumerate(row.values, start=2):
            cell = text_cell(sheet, number, column, value)
            ticks = table.ticks and column == 2
            _style(cell, view, entry_font, tick_alignment if ticks else entry_alignment)
        _add_prompt(sheet, row, number, len(row.values) + 1)
        sheet.row_dimensions[number].height = _row_height(row, table)
    if table.ticks:
        _add_tick_list(sheet, number)
    return number


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
    validation = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle=title[:PROMPT_TITLE_MAX],
        prompt=text[:PROMPT_MAX],
    )
    validation.add(cells)
    sheet.add_data_validation(validation)


def _add_tick_list(sheet: Worksheet, last_row: int) -> None:
    """A checklist's tick column offers a drop-down with the tick mark."""
    validation = DataValidation(type="list", formula1=f'"{TICK}"', allow_blank=True)
    validation.add(f"B{FIRST_ROW}:B{last_row}")
    sheet.add_data_validation(validation)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    return sum(max(1, len(textwrap.wrap(part, _characters(width)))) for part in text.split("\n"))


def _characters(width: float) -> int:
    """Characters of body text that fit on one line of a column ``width`` units wide."""
    return max(1, math.floor(width * 0.95) - 2)


def _row_height(row: TableRow, table: SheetTable) -> float:
    """Tall enough for the wrapped label and values; roomy for writing in when blank."""
    texts = [row.label, *row.values]
    pairs = zip(texts, table.widths, strict=True)
    lines = max(_lines(text, width) for text, width in pairs if text)
    minimum = row.blank_height if table.blank else EXAMPLE_MIN_HEIGHT
    return max(minimum, lines * LINE_HEIGHT + CELL_PADDING)


def _write_sign_line(sheet: Worksheet, view: DocumentView, number: int, last_column: int) -> None:
    """``Ifyllt av:`` and ``Datum:``, each with a bordered empty cell to write in."""
    name, date = view.ui.filled_in_by, view.ui.date
    if last_column >= 4:  # both on one line
        places = [(number, 1, name, 2, last_column - 2)]
        places.append((number, last_column - 1, date, last_column, last_column))
    else:
        places = [(number, 1, name, 2, last_column), (number + 1, 1, date, 2, last_column)]
    for row, label_column, text, start, end in places:
        cell = text_cell(sheet, row, label_column, f"{text}:")
        cell.font = _font(view, bold=True)
        cell.alignment = Alignment(horizontal="right", vertical="center", indent=1)
        _style(sheet.cell(row, start), view, _font(view), Alignment(vertical="center"))
        if end > start:
            sheet.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
        sheet.row_dimensions[row].height = SIGN_HEIGHT


def _write_progress(sheet: Worksheet, view: DocumentView, table: SheetTable, last_row: int) -> None:
    """A live count of what is filled in, e.g. ``Ifyllda rutor: 12 / 36``, under the table."""
    last_column = get_column_letter(len(table.widths) if not table.ticks else 2)
    cells = f"B{FIRST_ROW}:{last_column}{last_row}"
    formula = table.count.format(cells=cells)
    label = view.ui.progress.replace('"', '""')  # a quote in the words must not end the string
    counter = sheet.cell(last_row + 4, 1, f'="{label}: "&{formula}&" / {table.total}"')
    counter.font = _font(view, size=BODY_SIZE - 1, color=view.palette.muted)
    counter.alignment = Alignment(horizontal="left", vertical="center", indent=1)


def _write_credit(sheet: Worksheet, view: DocumentView, row: int) -> None:
    """The guide's source under the table, printed with it."""
    if view.credit:
        cell = text_cell(sheet, row, 1, view.credit)
        cell.font = _font(view, size=BODY_SIZE - 1, color=view.palette.muted)
        cell.alignment = Alignment(horizontal="left", vertical="center", indent=1)


def _set_print(
    sheet: Worksheet, view: DocumentView, last_column: int, last_row: int, landscape: bool
) -> None:
    """A4, one page wide, titles repeated; as on the PDF's pages, the guide's title and the
    brand's name in the print header, the footer line, website, credit and the page number in
    the print footer."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1  # a worksheet prints on one page
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    sheet.print_title_cols = "A:A"
    sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    sheet.oddHeader.left.text = header_text(view.guide.title)
    sheet.oddHeader.right.text = header_text(view.brand.name)
    website = view.brand.contact.website
    if view.credit:  # the credit in the middle; the website joins the footer line
        left = " · ".join(part for part in (view.footer_line, website) if part)
        sheet.oddFooter.left.text = header_text(left)
        sheet.oddFooter.center.text = header_text(view.credit)
    else:
        sheet.oddFooter.left.text = header_text(view.footer_line)
        sheet.oddFooter.center.text = header_text(website)
    sheet.oddFooter.right.text = "&P / &N"
    header, footer = sheet.oddHeader, sheet.oddFooter
    for part in (header.left, header.right, footer.left, footer.center, footer.right):
        part.size = 8
        part.font = view.brand.fonts.body
    header.right.color = _hex(view.palette.primary)


def _set_properties(workbook: Workbook, view: DocumentView) -> None:
    """Title, creator and language; fixed times so that a rebuild gives the same file."""
    properties = workbook.properties
    properties.title = view.title
    properties.creator = view.brand.name
    properties.lastModifiedBy = view.brand.name
    properties.language = view.language
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    # So that `journeykit validate --worksheet` can read a filled-in copy back against its source.
    for name, value in (
        (FRAMEWORK_PROPERTY, view.worksheet.definition.id),
        (LANGUAGE_PROPERTY, view.language),
    ):
        workbook.custom_doc_props.append(StringProperty(name=name, value=value))


def _save(workbook: Workbook) -> bytes:
    """The workbook's bytes, identical on every build of the same content."""
    written = BytesIO()
    with ZipFile(written, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # unlike Workbook.save, keeps our modified time
    return fixed_zip(written.getvalue())
