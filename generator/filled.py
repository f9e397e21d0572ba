"""A client's filled-in worksheet, read back into one :class:`Filled`, whatever it came in: a
workbook or a fillable PDF of ours (a path or bytes, checked first by
:mod:`generator.untrusted`), or a mapping of entry names to values (a web form's fields).

A file's entries are found by their names (:mod:`generator.entries`: the workbook's cell
names, the PDF's form fields) or, when a workbook's names were lost (another spreadsheet
program saved it), by the labels around them. Nothing in a file is evaluated: a formula
someone typed comes back as its text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.entries import (
    DONE,
    FRAMEWORK_PROPERTY,
    KIND,
    LANGUAGE_PROPERTY,
    MONTH_PARTS,
    NOTE,
    SIGN_OFF,
    SIGNED_BY,
    SIGNED_ON,
    TARGET,
    TICK,
    TRACKER,
    TRACKER_PARTS,
    Key,
    defined_name,
    field_path,
    is_tick,
    item_label,
    keys,
    tracker_name,
)
from generator.errors import ContentError
from generator.model import Checklist, Form, Framework, KpiKindWords, Library, Worksheet
from generator.untrusted import check_size, is_pdf, open_pdf, open_workbook, read_file


@dataclass
class Filled:
    """What a client wrote into a worksheet, entry by entry. Two are equal when they hold the
    same entries of the same worksheet, wherever they were read."""

    worksheet: Worksheet
    language: str
    entries: dict[Key, list[str]] = field(default_factory=dict)
    """Each entry's lines, empty ones included as ``[]``; the sign-off's too where the source
    has one (:data:`~generator.entries.SIGN_OFF`)."""
    where: dict[Key, str] = field(default_factory=dict, compare=False)
    """Where each was read, e.g. ``Kundresan!C8`` (or its name, from a form)."""
    by_labels: bool = field(default=False, compare=False)
    """Whether the cells were found by their labels (the workbook names were lost)."""
    tracker: dict[str, dict[str, Any]] = field(default_factory=dict)
    """A workbook's KPI tracker, per stage id: ``kind``, ``target`` and ``months`` as read (an
    example's ``tracker``); empty when the file has none."""

    def lines(self, *key: str) -> list[str]:
        return self.entries.get(key, [])

    def example_data(self) -> dict[str, Any]:
        """The entries as an example's fields: ``cells``, ``values`` or ``checked``/``notes``,
        and the sign-off."""
        signed = {part: " ".join(self.lines(part)) for part in (SIGNED_BY, SIGNED_ON)}
        return {**self._entries_data(), **{k: v for k, v in signed.items() if v}}

    def _entries_data(self) -> dict[str, Any]:
        worksheet = self.worksheet
        if isinstance(worksheet, Framework):
            cells = {
                stage.id: {row.id: self.lines(stage.id, row.id) for row in worksheet.rows}
                for stage in worksheet.stages
            }
            return {"cells": cells, "tracker": self.tracker} if self.tracker else {"cells": cells}
        if isinstance(worksheet, Form):
            return {"values": {f.id: self.lines(f.id) for f in worksheet.fields}}
        assert isinstance(worksheet, Checklist)
        return {
            "checked": [i.id for i in worksheet.items if self.lines(i.id, DONE)],
            "notes": {
                i.id: "\n".join(self.lines(i.id, NOTE))
                for i in worksheet.items
                if self.lines(i.id, NOTE)
            },
        }


def read_client_file(path: Path, library: Library) -> Filled:
    """What a client filled into a workbook or a fillable PDF of ours, once the file passed
    every check; raises :class:`ContentError` naming what the file is when it cannot be used."""
    return read_client_bytes(read_file(path), library, path)


def read_client_bytes(data: bytes, library: Library, name: Path) -> Filled:
    """The same for a file's bytes (an upload); ``name`` is what messages call it."""
    check_size(name, data)
    if is_pdf(data):
        return read_filled_pdf(name, open_pdf(name, data), library)
    return read_filled(name, open_workbook(name, data), library)


def read_form(values: Mapping[str, Any], worksheet: Worksheet, language: str) -> Filled:
    """Entries by their names (:func:`~generator.entries.field_path`): a web form's fields, a
    PDF's form fields. A tick is ticked when its value is set; names that are no entry are
    ignored."""
    filled = Filled(worksheet, language)
    signed = [key for key in SIGN_OFF if field_path(worksheet.id, *key) in values]
    for key in [*keys(worksheet), *signed]:
        name = field_path(worksheet.id, *key)
        value = values.get(name)
        filled.entries[key] = _ticked(value) if is_tick(key) else _lines(value)
        filled.where[key] = name
    return filled


def _ticked(value: object) -> list[str]:
    """A tick's entry: the tick mark when it is set (a form's "on", a PDF's ``/Yes``)."""
    return [TICK] if value not in (None, "/Off", "", "off", False) else []


def worksheet_of(path: Path, workbook: Any, library: Library) -> tuple[Worksheet, str]:
    """The worksheet (and language) a workbook of ours was made for, by its properties."""
    properties = {prop.name: prop.value for prop in workbook.custom_doc_props}
    key = (properties.get(FRAMEWORK_PROPERTY), properties.get(LANGUAGE_PROPERTY))
    worksheet = library.frameworks.get(key)  # type: ignore[arg-type]
    if worksheet is None:
        raise ContentError(
            path,
            "not a worksheet journeykit made for this project's content",
            hint="use an .xlsx that journeykit build made, filled in",
        )
    return worksheet, str(key[1])


def read_filled(path: Path, workbook: Any, library: Library) -> Filled:
    """What a workbook of ours holds, read back.

    Raises :class:`ContentError` when the workbook was not made for this project's content, or
    its worksheet cannot be found by names or labels.
    """
    worksheet, language = worksheet_of(path, workbook, library)
    filled = Filled(worksheet, language)
    names = {key: defined_name(worksheet.id, *key) for key in keys(worksheet)}
    cells = {key: _named_cell(workbook, name) for key, name in names.items()}
    ui = library.ui[language]
    if any(cell is None for cell in cells.values()):
        cells = _cells_by_labels(path, workbook, worksheet)
        filled.by_labels = True
        sheet = next(iter(cells.values())).parent
        labels = {(SIGNED_BY,): ui.filled_in_by, (SIGNED_ON,): ui.date}
        cells |= _beside_labels(sheet, {key: f"{label}:" for key, label in labels.items()})
    else:
        for key in SIGN_OFF:
            if (cell := _named_cell(workbook, defined_name(worksheet.id, *key))) is not None:
                cells[key] = cell
    for key, cell in cells.items():
        filled.entries[key] = _lines(cell.value)
        filled.where[key] = f"{cell.parent.title}!{cell.coordinate}"
    _read_tracker(filled, workbook, ui.workbook.kinds)
    return filled


def _beside_labels(sheet: Any, labels: dict[Key, str]) -> dict[Key, Any]:
    """The cell to the right of each label found on ``sheet`` (the sign-off's ``Datum:``),
    looked for in its first 400 rows and 30 columns."""
    wanted = {label: key for key, label in labels.items()}
    found = {}
    last_row, last_column = min(sheet.max_row, 400), min(sheet.max_column, 30)
    for row in sheet.iter_rows(max_row=last_row, max_col=last_column):
        for cell in row:
            key = wanted.get(_first_line(cell.value))
            if key is not None and key not in found:
                found[key] = sheet.cell(cell.row, cell.column + 1)
    return found


def read_filled_pdf(path: Path, reader: Any, library: Library) -> Filled:
    """What a fillable PDF of ours holds: the values of its form fields, by name. A guide's PDF
    holds several worksheets: the first with anything filled in is read.

    Raises :class:`ContentError` when no worksheet of this project's content is in it.
    """
    fields = {
        name: field.get("/V")
        for name, field in (reader.get_fields() or {}).items()
        if "/FT" in field
    }
    language = str(reader.trailer["/Root"].get("/Lang", "")).split("-")[0].lower()
    candidates = [
        library.frameworks[(worksheet_id, language)]
        for worksheet_id in dict.fromkeys(name.split(".")[0] for name in fields)
        if (worksheet_id, language) in library.frameworks
    ]
    if not candidates:
        raise ContentError(
            path,
            "holds no fillable worksheet journeykit made for this project's content",
            hint="use a blank worksheet PDF from journeykit build, filled in",
        )

    read = [read_form(fields, worksheet, language) for worksheet in candidates]
    return next((filled for filled in read if any(filled.entries.values())), read[0])


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


def _cells_by_labels(path: Path, workbook: Any, worksheet: Worksheet) -> dict[Key, Any]:
    """Find the worksheet's cells by its labels: a grid's stage headings and row labels, a
    form's field labels (the answer beside each), a checklist's items (tick, then note)."""
    if isinstance(worksheet, Framework):
        return _grid_by_labels(path, workbook, worksheet)
    if isinstance(worksheet, Form):
        labels = {f.label: [(f.id,)] for f in worksheet.fields}
    else:
        assert isinstance(worksheet, Checklist)
        labels = {
            item_label(n, i): [(i.id, DONE), (i.id, NOTE)]
            for n, i in enumerate(worksheet.items, start=1)
        }
    for sheet in workbook.worksheets:
        rows = _label_rows(sheet, list(labels), 0)
        if rows is not None:
            cells = {
                key: sheet.cell(rows[label], column)
                for label, keys in labels.items()
                for column, key in enumerate(keys, start=2)
            }
            if not _read_only(sheet, cells):
                return cells
    raise _missing(path, worksheet, f"no sheet lists all of: {', '.join(labels)}")


def _grid_by_labels(path: Path, workbook: Any, framework: Framework) -> dict[Key, Any]:
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
            cells = {
                (stage.id, row.id): sheet.cell(rows[row.label] + below[row.id], columns[stage.name])
                for stage in framework.stages
                for row in framework.rows
            }
            if not _read_only(sheet, cells):
                return cells
    raise _missing(
        path,
        framework,
        f"no sheet has the stages ({', '.join(stage_names)}) as headings with the rows "
        f"({', '.join(labels)}) beside them",
    )


def _read_only(sheet: Any, cells: dict[Key, Any]) -> bool:
    """Whether a sheet shaped like the worksheet is one nobody fills in: the example beside
    it, protected with every cell locked."""
    return bool(sheet.protection.sheet) and all(cell.protection.locked for cell in cells.values())


def _missing(path: Path, worksheet: Worksheet, what: str) -> ContentError:
    return ContentError(
        path,
        f"the worksheet {worksheet.title!r} is not in the workbook: its cell names are gone "
        f"and {what}",
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
    """Each label's row, below row ``below``, in the first three columns."""
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


# --- the KPI tracker -------------------------------------------------------------------------


def _read_tracker(filled: Filled, workbook: Any, kinds: KpiKindWords) -> None:
    """The KPI tracker's inputs by their names (:func:`~generator.entries.tracker_name`): each
    stage's kind (its word in the workbook's language), target and months, into ``filled``.
    Where a kind or figure is not one, it is kept as written, for the example to refuse by
    its cell."""
    worksheet = filled.worksheet
    if not isinstance(worksheet, Framework):
        return
    for stage in worksheet.stages:
        cells = {
            part: _named_cell(workbook, tracker_name(worksheet.id, stage.id, part))
            for part in TRACKER_PARTS
        }
        if any(cell is None for cell in cells.values()):
            continue  # no tracker, or its names are gone
        written = cells[KIND].value
        months = [_figure(cells[part].value) for part in MONTH_PARTS]
        while months and months[-1] is None:
            months.pop()
        filled.tracker[stage.id] = {
            "kind": kinds.kind_of(written) or (str(written).strip() if written else "count"),
            "target": _figure(cells[TARGET].value),
            "months": months,
        }
        places = [((KIND,), KIND), ((TARGET,), TARGET)]
        places += [(("months", str(month)), part) for month, part in enumerate(MONTH_PARTS)]
        for key, part in places:
            cell = cells[part]
            filled.where[(TRACKER, stage.id, *key)] = f"{cell.parent.title}!{cell.coordinate}"


def _figure(value: object) -> object:
    """A tracker's figure: a number as it is, empty as None, text that reads as a number as that
    number, anything else as written."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return value
