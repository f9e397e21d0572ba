"""The client's workbook read back with openpyxl, and recalculated by LibreOffice: instructions,
the protected worksheet with named entry cells, the example beside it, the KPI tracker."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from generator import api
from generator.entries import defined_name
from generator.filled import read_client_file
from generator.model import Framework, Library
from generator.palette import Palette
from tests.conftest import (
    RECALCULATED,
    ROOT,
    WRONG_CACHE,
    RenderJob,
    named,
    office_pdf_name,
    pdf_text,
    squash,
)

HEADER_ROW, FIRST_ROW = 2, 3


def open_workbook(data: bytes) -> Workbook:
    return load_workbook(BytesIO(data))


@pytest.mark.parametrize("variant", ["blank", "generell"])
def test_every_entry_cell_is_named_and_holds_its_entries(
    render_job: RenderJob, library: Library, variant: str
) -> None:
    framework = library.frameworks[("kundresan", "sv")]
    assert isinstance(framework, Framework)
    example = library.examples[("kundresan", "sv", "generell")] if variant != "blank" else None
    workbook = open_workbook(render_job("xlsx", "worksheet", variant))
    sheet = workbook.worksheets[1]
    header = [sheet.cell(HEADER_ROW, column).value for column in range(2, 8)]
    assert [h.split("\n")[0] for h in header] == [s.name for s in framework.stages]
    assert sheet.cell(HEADER_ROW, 1).value is None  # no "Stage" above the questions
    for number, row in enumerate(framework.rows, start=FIRST_ROW):
        label = sheet.cell(number, 1)
        printed = f"{row.label}\n{row.help}" if example is None else row.label  # as on the PDF
        assert (label.value, label.comment.text) == (printed, row.help)
        for column, stage in enumerate(framework.stages, start=2):
            cell = named(workbook, f"kundresan.{stage.id.replace('-', '_')}.{row.id}")
            assert (cell.parent.title, cell.row, cell.column) == (sheet.title, number, column)
            expected = example.entries(stage.id, row.id) if example else []
            assert (cell.value.split("\n") if cell.value else []) == expected, (stage.id, row.id)
            assert cell.alignment.wrap_text


def test_the_workbook_holds_instructions_worksheet_example_and_tracker(
    render_job: RenderJob, library: Library
) -> None:
    blank = open_workbook(render_job("xlsx", "worksheet", "blank"))
    assert blank.sheetnames == [
        "Instruktioner",
        "Kundresan",
        "Exempel på en generell kundresa",
        "KPI-uppföljning",
    ]
    assert blank.active.title == "Instruktioner"
    filled = open_workbook(render_job("xlsx", "worksheet", "generell"))
    assert filled.sheetnames == [
        "Instruktioner",
        "Exempel på en generell kundresa",
        "KPI-uppföljning",
    ]
    words = library.ui["sv"].workbook
    instructions = "\n".join(
        str(cell.value) for row in blank["Instruktioner"].iter_rows() for cell in row if cell.value
    )
    for text in (words.fill_in, words.example, words.tracker, words.protection, words.send_back):
        assert text in instructions
    for row in library.frameworks[("kundresan", "sv")].rows:
        assert row.label in instructions and row.help in instructions
    assert "journeykit.example" in instructions and "thatsocialmediaguy.se" in instructions
    form = open_workbook(
        render_job("xlsx", "worksheet", "blank", "kundereisen", "nb", worksheet="buyer-persona")
    )
    assert form.sheetnames == ["Instruksjoner", "Buyer persona", "Eksempel – salgsdirektøren"]


def test_protection_is_on_and_exactly_the_input_cells_are_unlocked(render_job: RenderJob) -> None:
    workbook = open_workbook(render_job("xlsx", "worksheet", "blank"))
    unlocked = {
        sheet.title: {
            c.coordinate for row in sheet.iter_rows() for c in row if not c.protection.locked
        }
        for sheet in workbook.worksheets
    }
    assert all(sheet.protection.sheet and not sheet.protection.password for sheet in workbook)
    entries: dict[str, set[str]] = {}
    for name in workbook.defined_names:
        cell = named(workbook, name)
        entries.setdefault(cell.parent.title, set()).add(cell.coordinate)
    assert len(entries["Kundresan"]) == 36 + 2  # the entries, the sign-off's name and date
    worksheet = unlocked.pop("Kundresan")
    assert entries["Kundresan"] < worksheet
    assert {cell[1:] for cell in worksheet - entries["Kundresan"]} == {"10"}  # the sign-off's
    tracker = unlocked.pop("KPI-uppföljning")
    # each stage's kind, target and twelve months, each named
    assert tracker == {f"{column}{row}" for column in "CDEFGHIJKLMNOP" for row in range(5, 11)}
    assert tracker == entries["KPI-uppföljning"]
    assert not any(unlocked.values())  # instructions and the example: nothing to change


def test_a_stages_own_question_is_printed_above_its_cells(
    render_job: RenderJob, library: Library
) -> None:
    """The B2B grid asks each stage its own questions: on paper they stand in the sheet."""
    framework = library.frameworks[("b2b-kundresan", "sv")]
    assert isinstance(framework, Framework)
    workbook = open_workbook(render_job("xlsx", "worksheet", "blank", "b2b-kundresan"))
    texts = {str(c.value) for row in workbook.worksheets[1].iter_rows() for c in row if c.value}
    prompts = [prompt for row in framework.rows for prompt in row.prompts.values()]
    assert prompts and all(prompt in texts for prompt in prompts)


def test_the_title_bar_is_light_so_the_logo_reads_on_it(
    render_job: RenderJob, library: Library
) -> None:
    workbook = open_workbook(render_job("xlsx", "worksheet", "blank"))
    palette = Palette.of(library.brands["default"].colors)
    for sheet in workbook.worksheets:
        title = sheet["A1"]
        assert title.fill.fgColor.rgb.endswith(palette.label_fill.lstrip("#").upper())
        assert title.font.color.rgb.endswith(palette.primary.lstrip("#").upper())


def test_the_tracker_links_the_kpis_and_charts_the_shares_of_target(
    render_job: RenderJob, library: Library
) -> None:
    data = render_job("xlsx", "worksheet", "generell")
    workbook = open_workbook(data)
    tracker = workbook["KPI-uppföljning"]
    example = library.examples[("kundresan", "sv", "generell")]
    cached = load_workbook(BytesIO(data), data_only=True)["KPI-uppföljning"]
    stages = library.frameworks[("kundresan", "sv")].stages
    for number, stage in enumerate(stages, start=5):
        assert tracker.cell(number, 1).value == stage.name
        assert tracker.cell(number, 2).value.startswith("=IF('Exempel på en generell kundresa'!")
        assert cached.cell(number, 2).value == "\n".join(example.entries(stage.id, "kpi"))
        assert f"SUM(E{number}:P{number})" in tracker.cell(number, 17).value
        assert f"AVERAGE(E{number}:P{number})" in tracker.cell(number, 17).value
    # the number format of each kind of KPI, and the share's colours
    assert len(tracker.conditional_formatting) == 2
    charts = [n for n in ZipFile(BytesIO(data)).namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 1
    chart = ZipFile(BytesIO(data)).read(charts[0]).decode()
    assert '<barDir val="bar"/>' in chart and "$R$5:$R$10" in chart


@pytest.mark.slow
def test_every_formula_has_the_value_libreoffice_calculates(
    recalculated: Path, every_output: Path
) -> None:
    """Written values (what a viewer that does not calculate shows) against LibreOffice's, set
    to recalculate on load; the copy with wrong values proves that it did."""
    for name in RECALCULATED:
        ours = load_workbook(every_output / "default" / name, data_only=True)
        formulas = load_workbook(every_output / "default" / name)
        theirs = load_workbook(recalculated / Path(name).name, data_only=True)
        compared = 0
        for sheet in formulas.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    mine = ours[sheet.title][cell.coordinate].value
                    recalculated_value = theirs[sheet.title][cell.coordinate].value
                    assert (mine or "") == (recalculated_value or ""), (
                        name,
                        sheet.title,
                        cell.coordinate,
                    )
                    compared += 1
        assert compared, name
    wrong = load_workbook(recalculated / WRONG_CACHE, data_only=True)
    assert wrong["Kundresan"]["A12"].value == "Ifyllda rutor: 0 / 36"


@pytest.mark.slow
def test_every_sheet_is_named_after_its_worksheet_in_full(every_output: Path) -> None:
    """Excel's 31 characters hold every shipped title whole: a name never ends cut off."""
    names = {
        path.relative_to(every_output).as_posix(): load_workbook(path).sheetnames
        for path in every_output.rglob("*.xlsx")
    }
    cut = [name for sheets in names.values() for name in sheets if name.endswith("…")]
    assert names and not cut, cut
    english = {name for path, sheets in names.items() if "/en/" in path for name in sheets}
    assert "Example – personal trainer" in english


def test_freeze_print_setup_and_input_messages(render_job: RenderJob, library: Library) -> None:
    sheet = open_workbook(render_job("xlsx", "worksheet", "blank")).worksheets[1]
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


@pytest.mark.slow
@pytest.mark.parametrize(("variant", "filled"), [("blank", 0), ("generell", 36)])
def test_libreoffice_prints_every_sheet_with_the_count(
    converted: Path, library: Library, variant: str, filled: int
) -> None:
    """LibreOffice prints the workbook: the instructions, the count of filled-in cells, the
    tracker and its chart's title (the shared conversion, ``converted``)."""
    text = pdf_text(converted / office_pdf_name(f"kundresan-worksheet-{variant}.xlsx"))
    words = library.ui["sv"].workbook
    assert f"Ifyllda rutor: {filled} / 36" in text
    for heading in (words.instructions, words.kpi_tracker, words.funnel):
        assert squash(heading) in squash(text)


@pytest.mark.slow  # strict lays out every shipped guide
def test_validate_checks_a_worksheet_a_client_filled_in(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """A client fills in the blank XLSX: three KPIs in one stage and one cell left empty."""
    workbook = open_workbook(render_job("xlsx", "worksheet", "blank"))
    framework = library.frameworks[("kundresan", "sv")]
    assert isinstance(framework, Framework)
    for stage in framework.stages:
        for row in framework.rows:
            named(workbook, defined_name("kundresan", stage.id, row.id)).value = "Vårt svar"
    named(workbook, "kundresan.intressenter.kpi").value = "Sign ups\nÖppningsgrad\nKlick"
    named(workbook, "kundresan.rekommendationer.uppgift").value = None
    filled = tmp_path / "kundens-kundresa.xlsx"
    workbook.save(filled)

    result = api.validate(ROOT, worksheet=[filled])
    warnings = [w.format(ROOT) for w in result.warnings if w.path == filled]
    assert len(warnings) == 2, warnings
    assert all(w.startswith(str(filled)) for w in warnings), warnings
    assert any("Kundresan!C8: 3 KPIs in stage 'Intressenter'" in w for w in warnings)
    assert any("Kundresan!G4: empty cell: Rekommendationer × Vår uppgift" in w for w in warnings)
    with pytest.raises(api.ContentErrors) as strict:
        api.validate(ROOT, strict=True, worksheet=[filled])
    assert [e for e in strict.value.errors if e.path == filled] == [
        w for w in result.warnings if w.path == filled
    ]


@pytest.mark.parametrize("guide", ["kundresan", "b2b-kundresan"])
def test_a_filled_workbook_is_read_by_its_names_or_else_by_its_labels(
    render_job: RenderJob, library: Library, tmp_path: Path, guide: str
) -> None:
    """What a client typed comes back cell by cell; with the workbook names gone (as another
    spreadsheet program may leave it), the stage and row labels find the same cells. A formula
    typed into a cell comes back as its text."""
    workbook = open_workbook(render_job("xlsx", "worksheet", "blank", guide))
    framework = library.frameworks[(guide, "sv")]
    assert isinstance(framework, Framework)
    typed = {
        (stage.id, row.id): f"{stage.id} × {row.id}\nrad två"
        for stage in framework.stages
        for row in framework.rows
    }
    for (stage_id, row_id), text in typed.items():
        named(workbook, defined_name(guide, stage_id, row_id)).value = text
    first = (framework.stages[0].id, framework.rows[0].id)
    named(workbook, defined_name(guide, *first)).value = '=HYPERLINK("http://evil.example")'
    expected = {key: text.split("\n") for key, text in typed.items()}
    expected[first] = ['=HYPERLINK("http://evil.example")']
    for part, value in (("signed_by", "Eva Lind"), ("signed_on", "1 december")):  # the sign-off
        named(workbook, defined_name(guide, part)).value = value
        expected[(part,)] = [value]
    for names in (True, False):
        if not names:
            for name in list(workbook.defined_names):
                del workbook.defined_names[name]
        path = tmp_path / f"filled-{names}.xlsx"
        workbook.save(path)
        filled = read_client_file(path, library)
        assert filled.by_labels is not names
        assert filled.entries == expected
