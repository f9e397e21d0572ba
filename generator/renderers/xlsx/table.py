"""Every kind of worksheet as the same shape of table (:class:`SheetTable`): labelled rows with
a value per entry column, each entry cell with the workbook name it is read back by."""

from __future__ import annotations

from dataclasses import dataclass

from generator.document import ChecklistSheet, DocumentView, FormSheet, Grid, Sheet
from generator.entries import TICK, defined_name, item_label

LABEL_WIDTH = 28
STAGE_WIDTH = 30
LINE_HEIGHT = 15
"""Points per wrapped line of body text."""
BLANK_MIN_HEIGHT = 90
MAX_ROW_HEIGHT = 409
"""The tallest row Excel has (points): a cell holding more scrolls within it."""


def row_height(points: float) -> float:
    """A row's height as Excel can hold it."""
    return min(points, MAX_ROW_HEIGHT)


@dataclass(frozen=True)
class TableRow:
    """One labelled row: its label and help text, and a value per entry column."""

    label: str
    help: str
    values: list[str]
    names: list[str]
    """The workbook name of each entry cell, e.g. ``kundresan.konvertering.kpi``."""
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
    ticks: bool = False
    """Whether column B holds tick marks (a checklist): only they count as filled in."""

    @property
    def counted(self) -> list[str]:
        """The values of the entry cells the fill count counts."""
        return [
            value for row in self.rows for value in (row.values[:1] if self.ticks else row.values)
        ]

    @property
    def count(self) -> str:
        """The formula counting what is filled in, with ``{cells}`` for the entry range."""
        return f'COUNTIF({{cells}},"{TICK}")' if self.ticks else "COUNTA({cells})"

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def filled(self) -> int:
        """How many of the ``total`` are filled in (the count's value as written)."""
        return sum(1 for value in self.counted if value)


def table_for(sheet: Sheet, view: DocumentView) -> SheetTable:
    """The sheet's table, by kind of worksheet."""
    if isinstance(sheet, Grid):
        return grid_table(sheet, view)
    if isinstance(sheet, FormSheet):
        return form_table(sheet)
    return checklist_table(sheet, view)


def grid_table(grid: Grid, view: DocumentView) -> SheetTable:
    """Stages as columns, the framework's rows as labelled rows."""
    framework = grid.definition
    header = [""] + [  # the corner above the questions is empty, as on the PDF
        f"{stage.name}\n{stage.subtitle}" if stage.subtitle else stage.name for stage in grid.stages
    ]
    rows = [
        TableRow(
            row.label,
            row.help,
            ["\n".join(entries) for entries in cells],
            [defined_name(framework.id, stage.id, row.id) for stage in grid.stages],
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
    return SheetTable(grid.title, header, rows, widths, grid.example is None, True)


def form_table(form: FormSheet) -> SheetTable:
    """One row per field: the label, then the answer."""
    rows = [
        TableRow(
            field.label,
            field.help,
            ["\n".join(entries)],
            [defined_name(form.definition.id, field.id)],
            20 + LINE_HEIGHT * 1.5 * field.lines,
        )
        for field, entries in form.fields()
    ]
    return SheetTable(form.title, ["", ""], rows, [34, 80], form.example is None, False)


def checklist_table(checklist: ChecklistSheet, view: DocumentView) -> SheetTable:
    """One row per item: number and text, a tick, and a note."""
    checklist_id = checklist.definition.id
    rows = [
        TableRow(
            item_label(number, item),
            item.help,
            [TICK if ticked else "", note],
            [defined_name(checklist_id, item.id, part) for part in ("done", "note")],
            36,
        )
        for number, item, ticked, note in checklist.items()
    ]
    header = ["", TICK, view.ui.notes]
    blank = checklist.example is None
    return SheetTable(checklist.title, header, rows, [58, 7, 46], blank, False, ticks=True)
