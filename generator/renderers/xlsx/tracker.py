"""The KPI tracker of a journey grid: per stage its KPI, a target and twelve monthly results,
the total, the share of the target, the conversion to the next stage, colours against the
target and a chart of the totals, stage under stage like a funnel.

Only the target and the months are the client's to fill in; every other cell is a formula whose
value as written goes into the file with it (:mod:`generator.renderers.xlsx.cached`).
"""

from __future__ import annotations

from babel.dates import get_month_names
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import absolute_coordinate, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.document import DocumentView, Grid
from generator.entries import defined_name
from generator.model import Framework, Row
from generator.palette import ON_TARGET, SHORT_OF_TARGET
from generator.renderers.xlsx.cached import Formulas
from generator.renderers.xlsx.sheet import protect, set_print, write_credit, write_title
from generator.renderers.xlsx.style import (
    BODY_SIZE,
    CENTRED,
    HEADER_SIZE,
    TOP_LEFT,
    UNLOCKED,
    fill,
    font,
    hex_colour,
    quoted_sheet,
    style,
    text_cell,
)

HELP_ROW, HEADER_ROW, FIRST_ROW = 2, 4, 5
MONTHS = 12
TARGET_COLUMN, FIRST_MONTH = 3, 4
TOTAL_COLUMN = FIRST_MONTH + MONTHS
SHARE_COLUMN, CONVERSION_COLUMN = TOTAL_COLUMN + 1, TOTAL_COLUMN + 2
WIDTHS = [22, 30, 10] + [7] * MONTHS + [10, 10, 12]
NUMBER, PERCENT = "#,##0", "0%"


def kpi_row(view: DocumentView) -> Row | None:
    """The row of a journey grid that holds KPIs: a workbook with one gets a tracker."""
    block = view.worksheet
    if not isinstance(block, Grid):
        return None
    return next((row for row in block.definition.rows if row.kpi), None)


def write_tracker(
    sheet: Worksheet,
    view: DocumentView,
    formulas: Formulas,
    worksheet_title: str,
    cells: dict[str, str],
    row: Row,
) -> None:
    """Fill the tracker sheet; its KPIs are read from the worksheet's KPI cells (``cells``:
    the worksheet's names and coordinates)."""
    grid = view.worksheet
    assert isinstance(grid, Grid)
    framework: Framework = grid.definition
    words = view.ui.workbook
    last_column = len(WIDTHS)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    write_title(sheet, view, f"{words.kpi_tracker}: {framework.title}", last_column)
    help_cell = text_cell(sheet, HELP_ROW, 1, words.tracker)
    help_cell.font, help_cell.alignment = font(view, size=BODY_SIZE - 1), TOP_LEFT
    sheet.merge_cells(start_row=HELP_ROW, start_column=1, end_row=HELP_ROW, end_column=last_column)
    sheet.row_dimensions[HELP_ROW].height = 32
    months = get_month_names("abbreviated", locale=view.locale)
    header = [view.ui.stage, words.kpi, words.target]
    header += [str(months[number]).rstrip(".").capitalize() for number in range(1, MONTHS + 1)]
    header += [words.total, words.of_target, words.conversion]
    heading = font(view, size=HEADER_SIZE - 1, bold=True, color=view.palette.on_primary)
    for column, text in enumerate(header, start=1):
        style(
            text_cell(sheet, HEADER_ROW, column, text), view, heading, CENTRED, view.palette.primary
        )
    sheet.row_dimensions[HEADER_ROW].height = 32
    stages = grid.stages
    last_row = FIRST_ROW + len(stages) - 1
    for index, stage in enumerate(stages):
        number = FIRST_ROW + index
        kpi = grid.entries(stage.id, row.id)
        _write_stage(sheet, view, formulas, number, stage.name)
        source = cells[defined_name(framework.id, stage.id, row.id)]
        link = f"{quoted_sheet(worksheet_title)}!{absolute_coordinate(source)}"
        formulas.put(sheet.cell(number, 2), f'IF({link}="","",{link})', "\n".join(kpi))
        if number < last_row:
            total, following = _cell(TOTAL_COLUMN, number), _cell(TOTAL_COLUMN, number + 1)
            share = sheet.cell(number, CONVERSION_COLUMN)
            formulas.put(share, f'IF({total}>0,{following}/{total},"")', "")
        sheet.row_dimensions[number].height = 36
    _colour_against_target(sheet, last_row)
    _add_chart(sheet, view, last_row)
    write_credit(sheet, view, last_row + 22)
    set_print(sheet, view, last_column, last_row + 22, landscape=True)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 3).coordinate
    protect(sheet)


def _cell(column: int, row: int) -> str:
    return f"{get_column_letter(column)}{row}"


def _write_stage(
    sheet: Worksheet, view: DocumentView, formulas: Formulas, number: int, name: str
) -> None:
    """One stage's row: its name, the KPI's cell styled (its formula is the caller's), the
    inputs and the sums."""
    label = text_cell(sheet, number, 1, name)
    style(label, view, font(view, bold=True), TOP_LEFT, view.palette.label_fill)
    style(sheet.cell(number, 2), view, font(view, size=BODY_SIZE - 1), TOP_LEFT)
    for column in range(TARGET_COLUMN, TOTAL_COLUMN):
        cell = sheet.cell(number, column)
        style(cell, view, font(view), CENTRED)
        cell.number_format, cell.protection = NUMBER, UNLOCKED
    months = f"{_cell(FIRST_MONTH, number)}:{_cell(TOTAL_COLUMN - 1, number)}"
    total = formulas.put(sheet.cell(number, TOTAL_COLUMN), f"SUM({months})", 0)
    target = _cell(TARGET_COLUMN, number)
    share = formulas.put(
        sheet.cell(number, SHARE_COLUMN),
        f'IF({target}>0,{_cell(TOTAL_COLUMN, number)}/{target},"")',
        "",
    )
    for cell, number_format in ((total, NUMBER), (share, PERCENT)):
        style(cell, view, font(view, bold=True), CENTRED)
        cell.number_format = number_format
    conversion = sheet.cell(number, CONVERSION_COLUMN)
    style(conversion, view, font(view), CENTRED)
    conversion.number_format = PERCENT


def _colour_against_target(sheet: Worksheet, last_row: int) -> None:
    """The total and its share green once the target is reached, amber while short of it."""
    cells = f"{_cell(TOTAL_COLUMN, FIRST_ROW)}:{_cell(SHARE_COLUMN, last_row)}"
    target = f"${get_column_letter(TARGET_COLUMN)}{FIRST_ROW}"
    total = f"${get_column_letter(TOTAL_COLUMN)}{FIRST_ROW}"
    rules = [
        (f"AND({target}>0,{total}>={target})", ON_TARGET),
        (f"AND({target}>0,{total}<{target})", SHORT_OF_TARGET),
    ]
    for formula, colour in rules:
        rule = FormulaRule(formula=[formula], fill=fill(colour), stopIfTrue=True)
        sheet.conditional_formatting.add(cells, rule)


def _add_chart(sheet: Worksheet, view: DocumentView, last_row: int) -> None:
    """The stages' totals as horizontal bars, the first stage on top: the funnel."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = view.ui.workbook.funnel
    chart.legend = None
    chart.gapWidth = 40
    chart.width, chart.height = 22, 8
    values = Reference(sheet, min_col=TOTAL_COLUMN, min_row=FIRST_ROW, max_row=last_row)
    stages = Reference(sheet, min_col=1, min_row=FIRST_ROW, max_row=last_row)
    chart.add_data(values, titles_from_data=False)
    chart.set_categories(stages)
    chart.x_axis.scaling.orientation = "maxMin"  # the first stage on top
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    series = chart.series[0]
    series.graphicalProperties.solidFill = hex_colour(view.palette.primary)
    series.graphicalProperties.line.solidFill = hex_colour(view.palette.primary)
    sheet.add_chart(chart, f"A{last_row + 3}")
