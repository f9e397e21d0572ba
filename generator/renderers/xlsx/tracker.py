"""The KPI tracker of a journey grid: per stage its KPI, the kind of figure it is, a target and
twelve monthly results, the total, the share of the target, the conversion to the next stage,
colours against the target and a chart of each stage's share of its target, stage under stage.

A KPI's kind (:data:`~generator.model.KPI_KINDS`, from the example's ``tracker:``; a count
unless it says) decides its sums: a count and an amount are summed, a rate (typed in per cent,
2.5 meaning 2.5 %) and an average are averaged; the conversion is worked out only between two
counts. The client may change the kind with its drop-down: the formulas read the kind's cell, and
conditional formats give the row the kind's number format.

The kind, the target and the months are the client's to fill in (unlocked, each with a workbook
name from :func:`~generator.entries.tracker_name`, so ``journeykit import`` reads them back);
every other cell is a formula whose value as written goes into the file with it
(:mod:`generator.renderers.xlsx.cached`).
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale
from babel.dates import get_month_names
from babel.numbers import get_currency_symbol, get_territory_currencies
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.formatting.rule import FormulaRule, Rule
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.utils import absolute_coordinate, get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.document import DocumentView, Grid
from generator.entries import KIND, MONTH_PARTS, TARGET, defined_name, tracker_name
from generator.model import KPI_KINDS, MONTHS, Framework, KpiKindWords, Row, TrackedKpi
from generator.palette import ON_TARGET, SHORT_OF_TARGET
from generator.renderers.xlsx.cached import Formulas, Value
from generator.renderers.xlsx.sheet import (
    input_message,
    protect,
    set_print,
    write_credit,
    write_title,
)
from generator.renderers.xlsx.style import (
    BODY_SIZE,
    CENTRED,
    HEADER_SIZE,
    TOP_LEFT,
    UNLOCKED,
    fill,
    font,
    formula_text,
    hex_colour,
    quoted_sheet,
    style,
    text_cell,
)

HELP_ROW, HEADER_ROW, FIRST_ROW = 2, 4, 5
KIND_COLUMN, TARGET_COLUMN, FIRST_MONTH = 3, 4, 5
TOTAL_COLUMN = FIRST_MONTH + MONTHS
SHARE_COLUMN, CONVERSION_COLUMN = TOTAL_COLUMN + 1, TOTAL_COLUMN + 2
FULL_COLUMN = CONVERSION_COLUMN + 2
"""A hidden column of 100 %: the length of the chart's outlines."""
WIDTHS = [22, 30, 13, 11] + [9] * MONTHS + [11, 10, 12]
SUMMED = ("count", "currency")
"""The kinds whose months are added up; the others are averaged."""
SHARE, CONVERSION = "0%", "0.0%"
FIGURE_LIMIT = "1000000000000"
"""What a target or a month may be, either way: any number a KPI has."""


@dataclass(frozen=True)
class NumberFormats:
    """A kind's number format, in the document's language (an amount in its currency)."""

    count: str
    rate: str
    average: str
    currency: str

    @classmethod
    def of(cls, locale: str) -> NumberFormats:
        """Counts as typed (2.5 stays 2.5), rates with one decimal and the locale's per cent
        sign, averages with one or two decimals, amounts in whole units of the locale's
        currency."""
        return cls("General", rate_format(locale), "#,##0.0#", money_format(locale))

    def of_kind(self, kind: str) -> str:
        return str(getattr(self, kind))


def rate_format(locale: str) -> str:
    """A rate typed in per cent (2.5 meaning 2.5 %), with one decimal and the sign as the
    locale writes it: ``0.0" %"`` in Swedish and Norwegian, ``0.0"%"`` in English."""
    pattern = Locale.parse(locale).percent_formats[None].pattern.split(";")[0]
    spaced = pattern.rstrip("%").endswith(("\xa0", " ", "\u202f"))
    return '0.0" %"' if spaced else '0.0"%"'


def money_format(locale: str) -> str:
    """Whole amounts with the currency where the locale puts it: ``#,##0" kr"``, ``"£"#,##0``."""
    parsed = Locale.parse(locale)
    currencies = get_territory_currencies(parsed.territory) if parsed.territory else []
    if not currencies:
        return "#,##0"
    symbol = get_currency_symbol(currencies[0], locale=parsed)
    pattern = parsed.currency_formats["standard"].pattern.split(";")[0]
    before, _, after = pattern.partition("#")
    after = after.lstrip("#,0.")
    literal = {part: f'"{part.replace("¤", symbol)}"' if part else "" for part in (before, after)}
    return f"{literal[before]}#,##0{literal[after]}"


def month_names(locale: str) -> list[str]:
    """The twelve months in three letters each, capitalised, in the document's language (Babel's
    abbreviations vary in length: ``maj``, ``sep.``, ``mars``)."""
    names = get_month_names("wide", context="stand-alone", locale=locale)
    return [str(names[number])[:3].capitalize() for number in range(1, MONTHS + 1)]


def kpi_row(view: DocumentView) -> Row | None:
    """The row of a journey grid that holds KPIs: a workbook with one gets a tracker."""
    block = view.worksheet
    if not isinstance(block, Grid):
        return None
    return next((row for row in block.definition.rows if row.kpi), None)


def tracked(view: DocumentView, stage_id: str) -> TrackedKpi:
    """A stage's KPI as the worksheet's example tracks it (a count with no figures if blank)."""
    example = view.worksheet.example
    return example.tracked(stage_id) if example is not None else TrackedKpi()


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
    sheet.row_dimensions[HELP_ROW].height = 34
    header = [view.ui.stage, words.kpi, words.kind, words.target, *month_names(view.locale)]
    header += [words.total, words.of_target, words.conversion]
    heading = font(view, size=HEADER_SIZE - 1, bold=True, color=view.palette.on_primary)
    for column, text in enumerate(header, start=1):
        style(
            text_cell(sheet, HEADER_ROW, column, text), view, heading, CENTRED, view.palette.primary
        )
    sheet.row_dimensions[HEADER_ROW].height = 32
    stages = grid.stages
    last_row = FIRST_ROW + len(stages) - 1
    formats = NumberFormats.of(view.locale)
    kpis = [tracked(view, stage.id) for stage in stages]
    totals = [total_of(kpi.kind, kpi.months) for kpi in kpis]
    for index, (stage, kpi) in enumerate(zip(stages, kpis, strict=True)):
        number = FIRST_ROW + index
        _write_stage(sheet, view, formulas, number, stage.name, kpi, formats)
        _name_inputs(sheet, framework.id, stage.id, number)
        source = cells[defined_name(framework.id, stage.id, row.id)]
        link = f"{quoted_sheet(worksheet_title)}!{absolute_coordinate(source)}"
        kpi_text = "\n".join(grid.entries(stage.id, row.id))
        formulas.put(sheet.cell(number, 2), f'IF({link}="","",{link})', kpi_text)
        if number < last_row:
            following = kpis[index + 1]
            formulas.put(
                sheet.cell(number, CONVERSION_COLUMN),
                _conversion_formula(number, words.kinds),
                conversion_of(kpi.kind, totals[index], following.kind, totals[index + 1]),
            )
        sheet.row_dimensions[number].height = 36
    _add_inputs_help(sheet, view, last_row)
    _format_by_kind(sheet, words.kinds, formats, last_row)
    _colour_against_target(sheet, last_row)
    _add_chart(sheet, view, len(stages), last_row)
    write_credit(sheet, view, last_row + 22)
    set_print(sheet, view, last_column, last_row + 22, landscape=True)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, TARGET_COLUMN).coordinate
    protect(sheet)


def total_of(kind: str, months: list[float | None]) -> Value:
    """A KPI's total as the sheet works it out: the sum of a count's or an amount's months, the
    mean of a rate's or an average's, empty while no month is filled in."""
    figures = [month for month in months if month is not None]
    if not figures:
        return ""
    return sum(figures) if kind in SUMMED else sum(figures) / len(figures)


def share_of(total: Value, target: float | None) -> Value:
    """The total as a share of the target (empty without both)."""
    if isinstance(total, str) or not target or target <= 0:
        return ""
    return total / target


def conversion_of(kind: str, total: Value, next_kind: str, next_total: Value) -> Value:
    """The share of a stage's count that the next stage's count reached: only between two
    counts, and only once both have a total."""
    if kind != "count" or next_kind != "count" or isinstance(next_total, str):
        return ""
    if isinstance(total, str) or total <= 0:
        return ""
    return next_total / total


def _cell(column: int, row: int) -> str:
    return f"{get_column_letter(column)}{row}"


def _is(kind_cell: str, words: KpiKindWords, *kinds: str) -> str:
    """A condition: the kind's cell holds the word of one of ``kinds``."""
    tests = [f'{kind_cell}="{formula_text(words.word(kind))}"' for kind in kinds]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def _write_stage(
    sheet: Worksheet,
    view: DocumentView,
    formulas: Formulas,
    number: int,
    name: str,
    kpi: TrackedKpi,
    formats: NumberFormats,
) -> None:
    """One stage's row: its name, the KPI's cell styled (its formula is the caller's), the
    inputs with the example's figures, the total and the share of the target."""
    words = view.ui.workbook.kinds
    label = text_cell(sheet, number, 1, name)
    style(label, view, font(view, bold=True), TOP_LEFT, view.palette.label_fill)
    style(sheet.cell(number, 2), view, font(view, size=BODY_SIZE - 1), TOP_LEFT)
    kind = text_cell(sheet, number, KIND_COLUMN, words.word(kpi.kind))
    style(kind, view, font(view, size=BODY_SIZE - 1), CENTRED)
    kind.protection = UNLOCKED
    figures = [kpi.target, *kpi.months, *[None] * (MONTHS - len(kpi.months))]
    for column, figure in enumerate(figures, start=TARGET_COLUMN):
        cell = sheet.cell(number, column, _plain(figure))
        style(cell, view, font(view), CENTRED)
        cell.number_format, cell.protection = formats.of_kind(kpi.kind), UNLOCKED
    kind_cell = _cell(KIND_COLUMN, number)
    months = f"{_cell(FIRST_MONTH, number)}:{_cell(TOTAL_COLUMN - 1, number)}"
    averaged = _is(kind_cell, words, *(k for k in KPI_KINDS if k not in SUMMED))
    total_value = total_of(kpi.kind, kpi.months)
    total = formulas.put(
        sheet.cell(number, TOTAL_COLUMN),
        f'IF(COUNT({months})=0,"",IF({averaged},AVERAGE({months}),SUM({months})))',
        total_value,
    )
    target, total_cell = _cell(TARGET_COLUMN, number), _cell(TOTAL_COLUMN, number)
    share = formulas.put(
        sheet.cell(number, SHARE_COLUMN),
        f'IF(AND(ISNUMBER({total_cell}),N({target})>0),{total_cell}/N({target}),"")',
        share_of(total_value, kpi.target),
    )
    for cell, number_format in ((total, formats.of_kind(kpi.kind)), (share, SHARE)):
        style(cell, view, font(view, bold=True), CENTRED)
        cell.number_format = number_format
    conversion = sheet.cell(number, CONVERSION_COLUMN)
    style(conversion, view, font(view), CENTRED)
    conversion.number_format = CONVERSION


def _plain(figure: float | None) -> float | int | None:
    """A figure as the cell holds it: a whole number without its ``.0``."""
    return int(figure) if figure is not None and figure.is_integer() else figure


def _conversion_formula(number: int, words: KpiKindWords) -> str:
    """The next stage's total over this one's, when both are counts."""
    total, following = _cell(TOTAL_COLUMN, number), _cell(TOTAL_COLUMN, number + 1)
    counts = ",".join(_is(_cell(KIND_COLUMN, row), words, "count") for row in (number, number + 1))
    return f'IF(AND({counts},N({total})>0,ISNUMBER({following})),{following}/{total},"")'


def _name_inputs(sheet: Worksheet, framework_id: str, stage_id: str, number: int) -> None:
    """Each input of a stage's row under its workbook name, so import finds it wherever it is."""
    parts = [KIND, TARGET, *MONTH_PARTS]
    for column, part in enumerate(parts, start=KIND_COLUMN):
        name = tracker_name(framework_id, stage_id, part)
        reference = f"{quoted_sheet(sheet.title)}!{absolute_coordinate(_cell(column, number))}"
        sheet.parent.defined_names[name] = DefinedName(name, attr_text=reference)


def _add_inputs_help(sheet: Worksheet, view: DocumentView, last_row: int) -> None:
    """The kind's drop-down and the figures' check, each with its input message."""
    words = view.ui.workbook
    choices = ",".join(words.kinds.word(kind) for kind in KPI_KINDS)
    kinds = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=False)
    input_message(kinds, words.kind, words.kind_help)
    kinds.add(f"{_cell(KIND_COLUMN, FIRST_ROW)}:{_cell(KIND_COLUMN, last_row)}")
    figures = DataValidation(
        type="decimal",
        operator="between",
        formula1=f"-{FIGURE_LIMIT}",
        formula2=FIGURE_LIMIT,
        allow_blank=True,
    )
    input_message(figures, words.target, words.figures)
    figures.add(f"{_cell(TARGET_COLUMN, FIRST_ROW)}:{_cell(TOTAL_COLUMN - 1, last_row)}")
    for validation in (kinds, figures):
        validation.showErrorMessage = True
        validation.errorTitle, validation.error = validation.promptTitle, validation.prompt
        sheet.add_data_validation(validation)


def _format_by_kind(
    sheet: Worksheet, words: KpiKindWords, formats: NumberFormats, last_row: int
) -> None:
    """The target, months and total in the number format of the kind the row's cell holds, as
    the client changes it (the cells' own formats are the kind's as written)."""
    cells = f"{_cell(TARGET_COLUMN, FIRST_ROW)}:{_cell(TOTAL_COLUMN, last_row)}"
    kind_cell = f"${get_column_letter(KIND_COLUMN)}{FIRST_ROW}"
    for number, kind in enumerate(KPI_KINDS):
        code = formats.of_kind(kind)
        differential = DifferentialStyle(
            numFmt=NumberFormat(numFmtId=200 + number, formatCode=code)
        )
        rule = Rule(type="expression", dxf=differential, formula=[_is(kind_cell, words, kind)])
        sheet.conditional_formatting.add(cells, rule)


def _colour_against_target(sheet: Worksheet, last_row: int) -> None:
    """The share of the target green once the target is reached, amber while short of it (the
    total beside it has its kind's number format from a conditional format of its own, and
    LibreOffice applies one conditional format to a cell)."""
    cells = f"{_cell(SHARE_COLUMN, FIRST_ROW)}:{_cell(SHARE_COLUMN, last_row)}"
    target = f"N(${get_column_letter(TARGET_COLUMN)}{FIRST_ROW})"
    total = f"${get_column_letter(TOTAL_COLUMN)}{FIRST_ROW}"
    rules = [
        (f"AND({target}>0,ISNUMBER({total}),{total}>={target})", ON_TARGET),
        (f"AND({target}>0,ISNUMBER({total}),{total}<{target})", SHORT_OF_TARGET),
    ]
    for formula, colour in rules:
        rule = FormulaRule(formula=[formula], fill=fill(colour), stopIfTrue=True)
        sheet.conditional_formatting.add(cells, rule)


def _add_chart(sheet: Worksheet, view: DocumentView, stages: int, last_row: int) -> None:
    """Each stage's share of its target as a horizontal bar in the outline of its target (100 %),
    the first stage on top: counts, rates and amounts side by side on one scale from 0 %, which
    the outlines keep sensible before anything is filled in."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = view.ui.workbook.funnel
    chart.legend = None
    chart.gapWidth, chart.overlap = 40, 100
    chart.width, chart.height = 22, 8
    for row in range(FIRST_ROW, last_row + 1):  # the outlines' length, in a hidden column
        sheet.cell(row, FULL_COLUMN, 1)
    sheet.column_dimensions[get_column_letter(FULL_COLUMN)].hidden = True
    chart.visible_cells_only = False
    for column in (FULL_COLUMN, SHARE_COLUMN):
        values = Reference(sheet, min_col=column, min_row=FIRST_ROW, max_row=last_row)
        chart.add_data(values, titles_from_data=False)
    chart.set_categories(Reference(sheet, min_col=1, min_row=FIRST_ROW, max_row=last_row))
    chart.x_axis.scaling.orientation = "maxMin"  # the first stage on top
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.y_axis.numFmt = NumFmt(formatCode=SHARE, sourceLinked=False)
    chart.y_axis.majorGridlines = None
    primary = hex_colour(view.palette.primary)
    target, share = chart.series
    target.graphicalProperties.noFill = True
    target.graphicalProperties.line.solidFill = primary
    share.graphicalProperties.solidFill = primary
    share.graphicalProperties.line.solidFill = primary
    sheet.add_chart(chart, f"A{last_row + 3}")
