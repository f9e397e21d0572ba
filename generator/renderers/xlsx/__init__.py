"""The XLSX renderer: a worksheet as the workbook a client works in.

Sheets, in order: **instructions** (what the workbook is for, how to fill it in, the questions,
the brand's contact details, the credit); the **worksheet** (entry cells unlocked and named, the
rest protected without a password); beside a blank worksheet, its **example**; and for a
journey grid with a KPI row, the **KPI tracker**. Every formula carries its value, so a viewer
that does not calculate shows it too. Grids print landscape, forms and checklists portrait,
one page wide, on the job's paper (A4 or US Letter).
"""

from __future__ import annotations

from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.writer.excel import ExcelWriter

from generator.document import DocumentView, Sheet
from generator.entries import FRAMEWORK_PROPERTY, LANGUAGE_PROPERTY
from generator.layouts import Layouts
from generator.renderers.xlsx.cached import Formulas
from generator.renderers.xlsx.instructions import write_instructions
from generator.renderers.xlsx.sheet import write_worksheet
from generator.renderers.xlsx.style import sheet_name
from generator.renderers.xlsx.tracker import kpi_row, write_tracker
from generator.reproducible import FIXED_TIME, fixed_zip


def render(view: DocumentView, layouts: Layouts, made: object = None) -> bytes:
    """Render a worksheet document to XLSX bytes."""
    workbook = Workbook()
    formulas = Formulas()
    words = view.ui.workbook
    names = _Names()
    instructions = workbook.active
    instructions.title = names.take(words.instructions)
    worksheet = workbook.create_sheet(names.take(tab_name(view, view.worksheet)))
    cells = write_worksheet(worksheet, view, view.worksheet, formulas, inputs=True)
    companion = view.companion
    if companion is not None:
        example = workbook.create_sheet(names.take(tab_name(view, companion)))
        write_worksheet(example, view, companion, formulas, inputs=False)
    row = kpi_row(view)
    if row is not None:
        tracker = workbook.create_sheet(names.take(words.kpi_tracker))
        write_tracker(tracker, view, formulas, worksheet.title, cells, row)
    write_instructions(instructions, view, companion is not None, row is not None)
    _set_properties(workbook, view)
    return formulas.fill_in(_save(workbook), workbook.sheetnames)


def tab_name(view: DocumentView, block: Sheet) -> str:
    """A worksheet's tab: its name when blank or a client's own; an example's own title when
    it fits, else "Example – <worksheet>", else the worksheet's name (the title row says the
    rest)."""
    name = block.definition.title
    example = block.example
    candidates = (
        [example.title, f"{view.ui.example}: {name}"] if example and not example.own else []
    )
    fitting = [title for title in map(sheet_name, candidates) if not title.endswith("…")]
    return fitting[0] if fitting else sheet_name(name)


class _Names:
    """Sheet names, each once in a workbook (a second ``Exempel`` becomes ``Exempel 2``)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def take(self, title: str) -> str:
        name, number = sheet_name(title), 2
        while name.casefold() in self.taken:
            name = sheet_name(f"{title[:26]} {number}")
            number += 1
        self.taken.add(name.casefold())
        return name


def _set_properties(workbook: Workbook, view: DocumentView) -> None:
    """Title, creator and language; fixed times so that a rebuild gives the same file; the
    worksheet it was made for, to read a filled-in copy back."""
    properties = workbook.properties
    properties.title = view.title
    properties.creator = view.brand.name
    properties.lastModifiedBy = view.brand.name
    properties.language = view.language
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
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
