"""A client's filled-in worksheet, read back into one :class:`Filled`, whatever it came in: a
workbook or a fillable PDF of ours (a path or bytes, checked first by
:mod:`generator.untrusted`), or a mapping of entry names to values (a web form's fields).

A file's entries are found by their names (:mod:`generator.entries`: the workbook's cell
names, the PDF's form fields) or, when a workbook's names were lost (another spreadsheet
program saved it), by the labels around them. Nothing in a file is evaluated: a formula
someone typed comes back as its text.
"""

from __future__ import annotations

import unicodedata
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
from generator.untrusted import (
    Cell,
    ClientForm,
    ClientWorkbook,
    Grid,
    check_size,
    is_pdf,
    open_pdf,
    open_workbook,
    read_file,
)


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
    workbook = open_workbook(name, data)
    try:
        return read_filled(name, workbook, library)
    finally:
        workbook.close()


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


def worksheet_of(path: Path, workbook: ClientWorkbook, library: Library) -> tuple[Worksheet, str]:
    """The worksheet (and language) a workbook of ours was made for, by its properties."""
    properties = workbook.properties
    key = (properties.get(FRAMEWORK_PROPERTY), properties.get(LANGUAGE_PROPERTY))
    worksheet = library.frameworks.get(key)  # type: ignore[arg-type]
    if worksheet is None:
        raise ContentError(
            path,
            "not a worksheet journeykit made for this project's content",
            hint="use an .xlsx that journeykit build made, filled in",
        )
    return worksheet, str(key[1])


def read_filled(path: Path, workbook: ClientWorkbook, library: Library) -> Filled:
    """What a workbook of ours holds, read back: its cells by their names (each sheet read
    once), or by the labels around them when the names are gone.

    Raises :class:`ContentError` when the workbook was not made for this project's content, a
    name points at no cell, or its worksheet cannot be found by names or labels.
    """
    worksheet, language = worksheet_of(path, workbook, library)
    filled = Filled(worksheet, language)
    names = {key: defined_name(worksheet.id, *key) for key in keys(worksheet)}
    signed = {key: defined_name(worksheet.id, *key) for key in SIGN_OFF}
    tracked = _tracker_names(worksheet)
    found = workbook.cells([*names.values(), *signed.values(), *tracked.values()])
    cells = {key: cell for key, name in names.items() if (cell := found[name]) is not None}
    ui = library.ui[language]
    if len(cells) < len(names):  # a name is gone: every cell found by its labels
        grid, cells = _cells_by_labels(path, workbook, worksheet)
        filled.by_labels = True
        labels = {(SIGNED_BY,): ui.filled_in_by, (SIGNED_ON,): ui.date}
        cells |= _beside_labels(grid, {key: f"{label}:" for key, label in labels.items()})
    else:
        cells |= {key: cell for key, name in signed.items() if (cell := found[name]) is not None}
    for key, cell in cells.items():
        filled.entries[key] = _lines(cell.value)
        filled.where[key] = cell.where
    _read_tracker(filled, {key: found[name] for key, name in tracked.items()}, ui.workbook.kinds)
    return filled


def _beside_labels(grid: Grid, labels: dict[Key, str]) -> dict[Key, Cell]:
    """The cell to the right of each label found on the sheet (the sign-off's ``Datum:``)."""
    wanted = {_nfc(label): key for key, label in labels.items()}
    found: dict[Key, Cell] = {}
    for row in grid.rows():
        for cell in row:
            key = wanted.get(_label(cell.value))
            if key is not None and key not in found:
                found[key] = grid.cell(cell.row, cell.column + 1)
    return found


def read_filled_pdf(path: Path, form: ClientForm, library: Library) -> Filled:
    """What a fillable PDF of ours holds: the values of its form fields, by name. A guide's PDF
    holds several worksheets: the first with anything filled in is read.

    Raises :class:`ContentError` when no worksheet of this project's content is in it.
    """
    language = form.language
    candidates = [
        library.frameworks[(worksheet_id, language)]
        for worksheet_id in dict.fromkeys(name.split(".")[0] for name in form.fields)
        if (worksheet_id, language) in library.frameworks
    ]
    if not candidates:
        raise ContentError(
            path,
            "holds no fillable worksheet journeykit made for this project's content",
            hint="use a blank worksheet PDF from journeykit build, filled in",
        )

    read = [read_form(form.fields, worksheet, language) for worksheet in candidates]
    return next((filled for filled in read if any(filled.entries.values())), read[0])


def _cells_by_labels(
    path: Path, workbook: ClientWorkbook, worksheet: Worksheet
) -> tuple[Grid, dict[Key, Cell]]:
    """Find the worksheet's cells by its labels: a grid's stage headings and row labels, a
    form's field labels (the answer beside each), a checklist's items (tick, then note); the
    sheet they were found on, and the cells."""
    if isinstance(worksheet, Framework):
        return _grid_by_labels(path, workbook, worksheet)
    if isinstance(worksheet, Form):
        labels = {_nfc(f.label): [(f.id,)] for f in worksheet.fields}
    else:
        assert isinstance(worksheet, Checklist)
        labels = {
            _nfc(item_label(n, i)): [(i.id, DONE), (i.id, NOTE)]
            for n, i in enumerate(worksheet.items, start=1)
        }
    for grid in workbook.grids():
        rows = _label_rows(grid, list(labels), 0)
        if rows is not None:
            cells: dict[Key, Cell] = {
                key: grid.cell(rows[label], column)
                for label, keys in labels.items()
                for column, key in enumerate(keys, start=2)
            }
            if not _read_only(grid, cells):
                return grid, cells
    raise _missing(path, worksheet, f"no sheet lists all of: {', '.join(labels)}")


def _grid_by_labels(
    path: Path, workbook: ClientWorkbook, framework: Framework
) -> tuple[Grid, dict[Key, Cell]]:
    stage_names = [_nfc(stage.name) for stage in framework.stages]
    labels = [_nfc(row.label) for row in framework.rows]
    for grid in workbook.grids():
        header = _header_row(grid, stage_names)
        if header is None:
            continue
        number, columns = header
        rows = _label_rows(grid, labels, number)
        if rows is not None:
            # a row asking each stage its own question has them printed under its label
            below = {row.id: 1 if any(row.prompts.values()) else 0 for row in framework.rows}
            cells: dict[Key, Cell] = {
                (stage.id, row.id): grid.cell(
                    rows[_nfc(row.label)] + below[row.id], columns[_nfc(stage.name)]
                )
                for stage in framework.stages
                for row in framework.rows
            }
            if not _read_only(grid, cells):
                return grid, cells
    raise _missing(
        path,
        framework,
        f"no sheet has the stages ({', '.join(stage_names)}) as headings with the rows "
        f"({', '.join(labels)}) beside them",
    )


def _read_only(grid: Grid, cells: Mapping[Key, Cell]) -> bool:
    """Whether a sheet shaped like the worksheet is one nobody fills in: the example beside
    it, protected with every cell locked."""
    return grid.protected and all(cell.locked for cell in cells.values())


def _missing(path: Path, worksheet: Worksheet, what: str) -> ContentError:
    return ContentError(
        path,
        f"the worksheet {worksheet.title!r} is not in the workbook: its cell names are gone "
        f"and {what}",
        hint="import the workbook as journeykit made it, with its rows and columns in place",
    )


LABEL_LOOKED_AT = 1000
"""Characters of a cell looked at for a heading or a label (a long value is no label, and
normalising megabytes in every cell of a sheet would take minutes)."""


def _header_row(grid: Grid, names: list[str]) -> tuple[int, dict[str, int]] | None:
    """The first row holding every stage name as a heading, and each name's column."""
    for row in grid.rows():
        found = {}
        for cell in row:
            text = _label(cell.value)
            if text in names and text not in found:
                found[text] = cell.column
        if len(found) == len(names):
            return row[0].row, found
    return None


def _label_rows(grid: Grid, labels: list[str], below: int) -> dict[str, int] | None:
    """Each label's row, below row ``below``, in the first three columns."""
    found: dict[str, int] = {}
    for row in grid.rows():
        for cell in row:
            if cell.row <= below or cell.column > 3:
                continue
            text = _label(cell.value)
            if text in labels and text not in found:
                found[text] = cell.row
    return found if len(found) == len(labels) else None


def _nfc(text: str) -> str:
    """Text as composed Unicode (NFC): a label or an entry saved decomposed (``a`` + ``◌̊``
    for ``å``, as some programs do) reads as the same text."""
    return unicodedata.normalize("NFC", text)


def _label(value: object) -> str:
    """A cell's first line if it could be a heading or a label (else "")."""
    if value is None or len(text := str(value)) > LABEL_LOOKED_AT:
        return ""
    return _first_line(text)


def _first_line(value: object) -> str:
    return _nfc(str(value).split("\n", 1)[0].strip()) if value is not None else ""


def _lines(value: object) -> list[str]:
    """A cell's entries: its lines, stripped, the empty ones left out; a number as written."""
    if value is None:
        return []
    return [_nfc(line.strip()) for line in str(value).splitlines() if line.strip()]


# --- the KPI tracker -------------------------------------------------------------------------


def _tracker_names(worksheet: Worksheet) -> dict[tuple[str, str], str]:
    """The names of a grid's KPI tracker inputs, by (stage id, part); none for other kinds."""
    if not isinstance(worksheet, Framework):
        return {}
    return {
        (stage.id, part): tracker_name(worksheet.id, stage.id, part)
        for stage in worksheet.stages
        for part in TRACKER_PARTS
    }


def _read_tracker(
    filled: Filled, found: dict[tuple[str, str], Cell | None], kinds: KpiKindWords
) -> None:
    """The KPI tracker's inputs as ``found`` by their names (:func:`_tracker_names`): each
    stage's kind (its word in the workbook's language), target and months, into ``filled``.
    Where a kind or figure is not one, it is kept as written, for the example to refuse by
    its cell."""
    worksheet = filled.worksheet
    if not isinstance(worksheet, Framework):
        return
    for stage in worksheet.stages:
        cells = {part: found[(stage.id, part)] for part in TRACKER_PARTS}
        if any(cell is None for cell in cells.values()):
            continue  # no tracker, or its names are gone
        read = {part: cell for part, cell in cells.items() if cell is not None}
        written = read[KIND].value
        months = [_figure(read[part].value) for part in MONTH_PARTS]
        while months and months[-1] is None:
            months.pop()
        filled.tracker[stage.id] = {
            "kind": kinds.kind_of(written) or (str(written).strip() if written else "count"),
            "target": _figure(read[TARGET].value),
            "months": months,
        }
        places = [((KIND,), KIND), ((TARGET,), TARGET)]
        places += [(("months", str(month)), part) for month, part in enumerate(MONTH_PARTS)]
        for key, part in places:
            filled.where[(TRACKER, stage.id, *key)] = read[part].where


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
