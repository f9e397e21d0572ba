"""A client's filled-in workbook, read back: each entry cell by its workbook name
(``kundresan.konvertering.kpi``), or, when the names were lost (another spreadsheet program
saved it), by the stage and row labels around it. Nothing in the file is evaluated: a formula
someone typed comes back as its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ContentError
from generator.model import Framework, Library

FRAMEWORK_PROPERTY, LANGUAGE_PROPERTY = "journeykit.framework", "journeykit.language"
"""Custom properties naming the worksheet a workbook was made for (written by the renderer)."""


@dataclass
class FilledGrid:
    """What a client wrote into a grid, cell by cell."""

    framework: Framework
    language: str
    entries: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(stage id, row id) → the cell's lines, empty cells included as ``[]``."""
    where: dict[tuple[str, str], str] = field(default_factory=dict)
    """(stage id, row id) → where it was read, e.g. ``Kundresan!C8``."""
    by_labels: bool = False
    """Whether the cells were found by their labels (the workbook names were lost)."""

    def lines(self, stage_id: str, row_id: str) -> list[str]:
        return self.entries.get((stage_id, row_id), [])


def read_filled_grid(path: Path, workbook: Any, library: Library) -> FilledGrid | None:
    """The grid a workbook of ours holds, read back (None for a form or checklist).

    Raises :class:`ContentError` when the workbook was not made for this project's content, or
    its worksheet cannot be found by names or labels.
    """
    from generator.renderers.xlsx.style import defined_name

    properties = {prop.name: prop.value for prop in workbook.custom_doc_props}
    key = (properties.get(FRAMEWORK_PROPERTY), properties.get(LANGUAGE_PROPERTY))
    framework = library.frameworks.get(key)  # type: ignore[arg-type]
    if framework is None:
        raise ContentError(
            path,
            "not a worksheet journeykit made for this project's content",
            hint="check a copy of an .xlsx from journeykit build",
        )
    if not isinstance(framework, Framework):
        return None
    filled = FilledGrid(framework, str(key[1]))
    cells = {
        (stage.id, row.id): _named_cell(workbook, defined_name(framework.id, stage.id, row.id))
        for stage in framework.stages
        for row in framework.rows
    }
    if any(cell is None for cell in cells.values()):
        cells = _cells_by_labels(path, workbook, framework)
        filled.by_labels = True
    for key_, cell in cells.items():
        assert cell is not None
        filled.entries[key_] = _lines(cell.value)
        filled.where[key_] = f"{cell.parent.title}!{cell.coordinate}"
    return filled


def _named_cell(workbook: Any, name: str) -> Any:
    """The one cell a workbook name points to, or None."""
    defined = workbook.defined_names.get(name)
    if defined is None:
        return None
    destinations = list(defined.destinations)
    if len(destinations) != 1:
        return None
    title, coordinate = destinations[0]
    if title not in workbook.sheetnames or ":" in coordinate:
        return None
    return workbook[title][coordinate.replace("$", "")]


def _cells_by_labels(path: Path, workbook: Any, framework: Framework) -> dict[tuple[str, str], Any]:
    """Find the grid by its stage names (a row of headings) and row labels (a column)."""
    stage_names = [stage.name for stage in framework.stages]
    labels = [row.label for row in framework.rows]
    for sheet in workbook.worksheets:
        header = _header_row(sheet, stage_names)
        if header is None:
            continue
        number, columns = header
        rows = _label_rows(sheet, labels, number)
        if rows is not None:
            # a row asking each stage its own question has them printed under its label
            below = {row.id: 1 if any(row.prompts.values()) else 0 for row in framework.rows}
            return {
                (stage.id, row.id): sheet.cell(rows[row.label] + below[row.id], columns[stage.name])
                for stage in framework.stages
                for row in framework.rows
            }
    raise ContentError(
        path,
        f"no sheet holds the worksheet {framework.title!r}: its names were lost and no sheet "
        f"has the stages ({', '.join(stage_names)}) as headings with the rows "
        f"({', '.join(labels)}) beside them",
        hint="import the workbook as journeykit made it, with its rows and columns in place",
    )


def _header_row(sheet: Any, names: list[str]) -> tuple[int, dict[str, int]] | None:
    """The first row holding every stage name as a heading, and each name's column."""
    for row in sheet.iter_rows(max_row=min(sheet.max_row, 200)):
        found = {}
        for cell in row:
            text = _first_line(cell.value)
            if text in names and text not in found:
                found[text] = cell.column
        if len(found) == len(names):
            return row[0].row, found
    return None


def _label_rows(sheet: Any, labels: list[str], below: int) -> dict[str, int] | None:
    """Each row label's row, below the headings, in the first column holding them all."""
    found: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=below + 1, max_row=min(sheet.max_row, below + 400)):
        for cell in row[:3]:
            text = _first_line(cell.value)
            if text in labels and text not in found:
                found[text] = cell.row
    return found if len(found) == len(labels) else None


def _first_line(value: object) -> str:
    return str(value).split("\n", 1)[0].strip() if value is not None else ""


def _lines(value: object) -> list[str]:
    """A cell's entries: its lines, stripped, the empty ones left out; a number as written."""
    if value is None:
        return []
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def all_cells(filled: FilledGrid) -> Iterator[tuple[str, str, list[str]]]:
    """(stage id, row id, lines) for every cell, in the framework's order."""
    for stage in filled.framework.stages:
        for row in filled.framework.rows:
            yield stage.id, row.id, filled.lines(stage.id, row.id)
