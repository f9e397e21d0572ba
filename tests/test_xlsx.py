"""The XLSX worksheets read back with openpyxl, and recalculated by LibreOffice."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from generator import api
from generator.model import Library
from tests.conftest import ROOT, RenderJob, office_pdf_name, pdf_text

HEADER_ROW, FIRST_ROW = 2, 3


def open_sheet(data: bytes) -> Worksheet:
    return load_workbook(BytesIO(data)).active


@pytest.mark.parametrize("variant", ["blank", "generell"])
def test_grid_header_labels_and_cells(
    render_job: RenderJob, library: Library, variant: str
) -> None:
    framework = library.frameworks[("kundresan", "sv")]
    example = library.examples[("kundresan", "sv", "generell")] if variant != "blank" else None
    sheet = open_sheet(render_job("xlsx", "worksheet", variant))
    header = [sheet.cell(HEADER_ROW, column).value for column in range(2, 8)]
    assert [h.split("\n")[0] for h in header] == [s.name for s in framework.stages]
    for number, row in enumerate(framework.rows, start=FIRST_ROW):
        label = sheet.cell(number, 1)
        assert label.value == row.label
        assert label.comment.text == row.help
        for column, stage in enumerate(framework.stages, start=2):
            value = sheet.cell(number, column).value
            expected = example.entries(stage.id, row.id) if example else []
            assert (value.split("\n") if value else []) == expected, (stage.id, row.id)
            assert sheet.cell(number, column).alignment.wrap_text


def test_freeze_print_setup_and_input_messages(render_job: RenderJob, library: Library) -> None:
    sheet = open_sheet(render_job("xlsx", "worksheet", "blank"))
    assert sheet.freeze_panes == "B3"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$2" and sheet.print_title_cols == "$A:$A"
    prompts = {v.prompt for v in sheet.data_validations.dataValidation if v.showInputMessage}
    assert prompts == {row.help for row in library.frameworks[("kundresan", "sv")].rows}
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFG"]
    assert all(width >= 20 for width in widths)
    heights = [sheet.row_dimensions[n].height for n in range(FIRST_ROW, FIRST_ROW + 6)]
    assert all(height >= 60 for height in heights)  # room to type in a blank row


def test_properties_and_identical_bytes_on_rebuild(render_job: RenderJob) -> None:
    first = render_job("xlsx", "worksheet", "generell")
    assert first == render_job("xlsx", "worksheet", "generell", fresh=True)
    workbook = load_workbook(BytesIO(first))
    assert workbook.properties.title == "Exempel på en generell kundresa"
    assert workbook.properties.creator == "journeykit"
    assert workbook.properties.language == "sv"


@pytest.mark.parametrize(("variant", "filled"), [("blank", 0), ("generell", 36)])
def test_libreoffice_recalculates_the_progress_formula(
    converted: Path, variant: str, filled: int
) -> None:
    """The count of filled-in cells is a formula: LibreOffice computes it on opening (the
    shared conversion of the built worksheets, ``converted``)."""
    pdf = converted / office_pdf_name(f"kundresan-worksheet-{variant}.xlsx")
    assert f"Ifyllda rutor: {filled} / 36" in pdf_text(pdf)


def test_validate_checks_a_worksheet_a_client_filled_in(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """A client fills in the blank XLSX: three KPIs in one stage and one cell left empty."""
    workbook = load_workbook(BytesIO(render_job("xlsx", "worksheet", "blank")))
    sheet = workbook.active
    for row in range(FIRST_ROW, FIRST_ROW + 6):
        for column in range(2, 8):
            sheet.cell(row, column, "Vårt svar")
    sheet["C8"] = "Sign ups\nÖppningsgrad\nKlick"  # Intressenter × KPI:er
    sheet["G4"] = None  # Rekommendationer × Vår uppgift
    filled = tmp_path / "kundens-kundresa.xlsx"
    workbook.save(filled)

    result = api.validate(ROOT, worksheet=[filled])
    warnings = [w.format(ROOT) for w in result.warnings if w.path == filled]
    assert len(warnings) == 2, warnings
    assert all(w.startswith(str(filled)) for w in warnings), warnings
    assert any("!C8: 3 KPIs in stage 'Intressenter'" in w for w in warnings)
    assert any("!G4: empty cell: Rekommendationer × Vår uppgift" in w for w in warnings)
    with pytest.raises(api.ContentErrors) as strict:
        api.validate(ROOT, strict=True, worksheet=[filled])
    assert [e for e in strict.value.errors if e.path == filled] == [
        w for w in result.warnings if w.path == filled
    ]


def test_every_sheet_is_named_after_its_worksheet_in_full(every_output: Path) -> None:
    """Excel's 31 characters hold every shipped title whole: a name never ends cut off."""
    names = {
        path.relative_to(every_output).as_posix(): load_workbook(path).worksheets[0].title
        for path in every_output.rglob("*.xlsx")
    }
    assert names and not [name for name in names.values() if name.endswith("…")], names
    english = {name for path, name in names.items() if "/en/" in path}
    assert "Example – personal trainer" in english
