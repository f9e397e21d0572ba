"""The KPI tracker as a client uses it: each KPI's kind (a count, a rate, an average, an amount)
from the content and changeable in its drop-down, sums that follow the kind as LibreOffice
calculates them, figures shown as typed, every input read back by ``journeykit import``; the
lint of a KPI line naming several figures; the workbook as printed (logo, input messages)."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.units import EMU_to_pixels
from openpyxl.workbook.workbook import Workbook
from pypdf import PdfReader

from generator import api
from generator.entries import MONTH_PARTS, tracker_name
from generator.filled import read_client_file
from generator.lint import several_figures
from generator.model import KPI_KINDS, Library
from generator.renderers.xlsx.sheet import column_pixels
from generator.renderers.xlsx.tracker import rate_format
from tests.conftest import BRANDED, RECALC_ALWAYS, ROOT, RenderJob, libreoffice, named, pdf_text

TRACKER = "KPI-uppföljning"
FIRST_ROW, TOTAL, SHARE, CONVERSION = 5, "Q", "R", "S"
TYPED = {
    # stage: (kind, target, months), as a client types them in the blank workbook
    "malgrupp": ("rate", 2.5, [2.1, 2.4, 2.8]),
    "intressenter": ("count", 1000, [300, 250, 450]),
    "lead-nurturing": ("count", None, [100, 50]),
    "konvertering": ("currency", 100000, [25000, 30000]),
    "kundnojdhet": ("average", None, [2.5, 3]),
    "rekommendationer": ("count", 40, [12]),
}
EXPECTED = {
    # row: (total, share of target, conversion to the next stage), as a person works them out
    5: ((2.1 + 2.4 + 2.8) / 3, (2.1 + 2.4 + 2.8) / 3 / 2.5, None),  # rates: no conversion
    6: (1000, 1.0, 0.15),  # 1000 sign-ups, 150 leads after them: 15 %
    7: (150, None, None),  # no target; the next stage is an amount: no conversion
    8: (55000, 0.55, None),
    9: (2.75, None, None),  # an average of 2.5 and 3, not their sum
    10: (12, 0.3, None),
}


def recalculating(tmp_path: Path) -> Path:
    """A LibreOffice profile set to recalculate every formula on load (not to trust the values
    written with them)."""
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    return profile


def fill_tracker(workbook: Workbook, library: Library, typed: dict = TYPED) -> None:
    """Every input of the tracker filled in by its name, the kinds by their Swedish words."""
    words = library.ui["sv"].workbook.kinds
    for stage_id, (kind, target, months) in typed.items():
        named(workbook, tracker_name("kundresan", stage_id, "kind")).value = words.word(kind)
        named(workbook, tracker_name("kundresan", stage_id, "target")).value = target
        for part, value in zip(MONTH_PARTS, months, strict=False):
            named(workbook, tracker_name("kundresan", stage_id, part)).value = value


def test_the_kind_comes_from_the_content_with_a_drop_down_and_months_in_three_letters(
    render_job: RenderJob, library: Library
) -> None:
    workbook = load_workbook(BytesIO(render_job("xlsx", "worksheet", "generell")))
    sheet = workbook[TRACKER]
    words = library.ui["sv"].workbook
    example = library.examples[("kundresan", "sv", "generell")]
    stages = library.frameworks[("kundresan", "sv")].stages
    kinds = [sheet.cell(FIRST_ROW + index, 3).value for index in range(len(stages))]
    assert kinds == [words.kinds.word(example.tracked(stage.id).kind) for stage in stages]
    assert kinds[:2] == ["Andel (%)", "Antal"]  # a click-through rate, then sign-ups
    assert sheet.cell(FIRST_ROW, 4).number_format == '0.0" %"'
    assert sheet.cell(FIRST_ROW + 1, 4).number_format == "General"  # 2.5 stays 2.5
    [choices] = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert choices.formula1 == '"' + ",".join(words.kinds.word(k) for k in KPI_KINDS) + '"'
    assert str(choices.sqref) == "C5:C10"
    assert (choices.promptTitle, choices.prompt) == (words.kind, words.kind_help)
    for language, guide, may in (
        ("sv", "kundresan", "Maj"),
        ("nb", "kundereisen", "Mai"),
        ("en", "customer-journey", "May"),
    ):
        data = render_job("xlsx", "worksheet", "blank", guide, language)
        tracker = load_workbook(BytesIO(data)).worksheets[-1]
        months = [tracker.cell(4, column).value for column in range(5, 17)]
        assert all(len(month) == 3 for month in months) and len(set(months)) == 12, months
        assert months[4] == may


def test_a_kind_that_is_not_one_is_refused_with_its_line(tmp_path: Path) -> None:
    shipped = (ROOT / "content/examples/kundresan/generell.sv.yaml").read_text(encoding="utf-8")
    project = tmp_path / "project"
    path = project / "content/examples/kundresan/generell.sv.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(shipped.replace("malgrupp: {kind: rate}", "malgrupp: {kind: ratio}"))
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "kind: ratio" in text
    )
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    [problem] = [error.format(project) for error in raised.value.errors]
    assert problem.startswith(f"content/examples/kundresan/generell.sv.yaml:{line}: ")
    assert "tracker.malgrupp.kind: 'ratio' is not a kind of KPI" in problem
    assert "count (summed), rate (a percentage, averaged)" in problem


def test_every_tracker_input_comes_back_from_import(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """A client fills in every kind, target and month: import reads each back, and the workbook
    it makes holds them where the client typed them, with the totals already worked out."""
    workbook = load_workbook(BytesIO(render_job("xlsx", "worksheet", "blank")))
    every = {
        stage_id: (kind, 10.0 * number + 1, [number + month / 4 for month in range(12)])
        for number, (stage_id, (kind, _, _)) in enumerate(TYPED.items(), start=1)
    }
    fill_tracker(workbook, library, every)
    path = tmp_path / "kundens-kundresa.xlsx"
    workbook.save(path)

    filled = read_client_file(path, library)
    assert filled.tracker == {
        stage_id: {"kind": kind, "target": target, "months": months}
        for stage_id, (kind, target, months) in every.items()
    }
    result = api.import_workbook(path, ROOT, name="Acme", format=["xlsx"], out=tmp_path / "out")
    assert result.build.ok
    [made] = (tmp_path / "out").rglob("*.xlsx")
    again = load_workbook(made)
    cached = load_workbook(made, data_only=True)[TRACKER]
    words = library.ui["sv"].workbook.kinds
    for number, (stage_id, (kind, target, months)) in enumerate(every.items(), start=FIRST_ROW):
        assert named(again, tracker_name("kundresan", stage_id, "kind")).value == words.word(kind)
        assert named(again, tracker_name("kundresan", stage_id, "target")).value == target
        assert [
            named(again, tracker_name("kundresan", stage_id, part)).value for part in MONTH_PARTS
        ] == months
        total = sum(months) if kind in ("count", "currency") else sum(months) / 12
        assert cached[f"{TOTAL}{number}"].value == pytest.approx(total)
        assert cached[f"{SHARE}{number}"].value == pytest.approx(total / target)
    assert read_client_file(made, library).tracker == filled.tracker


def test_a_figure_that_is_not_a_number_is_named_by_its_cell(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    workbook = load_workbook(BytesIO(render_job("xlsx", "worksheet", "blank")))
    named(workbook, tracker_name("kundresan", "malgrupp", "target")).value = "ungefär 3"
    path = tmp_path / "kundens-kundresa.xlsx"
    workbook.save(path)
    with pytest.raises(api.ContentErrors) as raised:
        api.import_workbook(path, ROOT, format=["xlsx"], out=tmp_path / "out")
    [error] = raised.value.errors
    assert error.field == f"{TRACKER}!D5"
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_libreoffice_sums_by_kind_and_shows_figures_as_typed(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """Rates and counts in a blank workbook's tracker, kinds changed in their cells as a client
    would: LibreOffice recalculates totals, averages, shares and conversions as a person would,
    and prints 2.5 as 2.5 and a rate of 2.5 as 2.5 %."""
    workbook = load_workbook(BytesIO(render_job("xlsx", "worksheet", "blank")))
    fill_tracker(workbook, library)
    path = tmp_path / "tracker.xlsx"
    workbook.save(path)
    recalculated, printed = tmp_path / "recalculated", tmp_path / "printed"
    profile = recalculating(tmp_path)
    libreoffice("xlsx", [path], recalculated, profile)
    libreoffice("pdf", [path], printed, profile)

    values = load_workbook(recalculated / path.name, data_only=True)[TRACKER]
    for row, (total, share, conversion) in EXPECTED.items():
        got = [values[f"{column}{row}"].value for column in (TOTAL, SHARE, CONVERSION)]
        assert got[0] == pytest.approx(total), row
        assert (got[1] or None) == (pytest.approx(share) if share is not None else None), row
        assert (got[2] or None) == (
            pytest.approx(conversion) if conversion is not None else None
        ), row
    # the tracker's page as printed: each stage's kind, then its figures as shown
    pages = len(PdfReader(printed / "tracker.pdf").pages)
    text = pdf_text(printed / "tracker.pdf", "layout", pages=(pages, pages))
    shown = {
        kind: re.findall(r"\d[\d,.]*(?: %| kr|%)?", line.replace("\xa0", " "))
        for line in text.splitlines()
        if (kind := line.strip().split("  ")[0]) in {"Andel (%)", "Medelvärde", "Belopp"}
    }
    assert shown["Andel (%)"] == ["2.5 %", "2.1 %", "2.4 %", "2.8 %", "2.4 %", "97%"]
    assert shown["Medelvärde"] == ["2.5", "3.0", "2.75"]  # 2.5 stays 2.5, averaged
    assert shown["Belopp"] == ["100,000 kr", "25,000 kr", "30,000 kr", "55,000 kr", "55%"]


@pytest.mark.slow
def test_the_values_written_with_an_imported_tracker_are_libreoffices(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """The recreated workbook carries each formula's value (a phone's preview shows it): the
    same as LibreOffice calculates."""
    workbook = load_workbook(BytesIO(render_job("xlsx", "worksheet", "blank")))
    fill_tracker(workbook, library)
    path = tmp_path / "kundens-kundresa.xlsx"
    workbook.save(path)
    api.import_workbook(path, ROOT, format=["xlsx"], out=tmp_path / "out")
    [made] = (tmp_path / "out").rglob("*.xlsx")
    libreoffice("xlsx", [made], tmp_path / "lo", recalculating(tmp_path))
    ours = load_workbook(made, data_only=True)[TRACKER]
    theirs = load_workbook(tmp_path / "lo" / made.name, data_only=True)[TRACKER]
    compared = 0
    for row in load_workbook(made)[TRACKER].iter_rows():
        for cell in row:
            if cell.data_type == "f":
                mine, lo = ours[cell.coordinate].value, theirs[cell.coordinate].value
                if isinstance(mine, float) or isinstance(lo, float):
                    assert mine == pytest.approx(lo), cell.coordinate
                else:
                    assert (mine or "") == (lo or ""), cell.coordinate
                compared += 1
    assert compared == 6 * 4 - 1  # KPI, total, share per stage; conversions between


def test_a_kpi_line_naming_several_figures_is_flagged(library: Library, tmp_path: Path) -> None:
    sv, en = library.ui["sv"].conjunctions, library.ui["en"].conjunctions
    for line in ("Försäljning (antal och/eller kr)", "Besök, filmvisningar, nedladdningar"):
        assert several_figures(line, sv), line
    assert several_figures("Sales (volume and/or revenue)", en)
    assert several_figures("Leads + demos", en)
    for line in ("Click through rate", "Kundnöjdhet: minst 80 % nöjda", "Sales of 1,200 units"):
        assert not several_figures(line, sv + en), line

    shipped = (ROOT / "content/examples/kundresan/generell.sv.yaml").read_text(encoding="utf-8")
    text = shipped.replace('kpi: ["Sign ups"]', 'kpi: ["Sign ups och öppningsgrad"]')
    project = tmp_path / "project"
    path = project / "content/examples/kundresan/generell.sv.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if 'öppningsgrad"]' in row)
    warnings = [w.format(project) for w in api.validate(project).warnings]
    flagged = [w for w in warnings if "several figures" in w]
    assert any(
        w.startswith(f"content/examples/kundresan/generell.sv.yaml:{line}: ")
        and "cells.intressenter.kpi.0: several figures in one KPI line of stage 'Intressenter'" in w
        for w in flagged
    ), flagged
    assert not any("Click through rate" in w for w in flagged)


def test_input_message_titles_are_cut_at_a_word(render_job: RenderJob) -> None:
    data = render_job("xlsx", "worksheet", "blank", "customer-journey", "en")
    sheet = load_workbook(BytesIO(data)).worksheets[1]
    titles = {v.promptTitle for v in sheet.data_validations.dataValidation if v.promptTitle}
    assert all(len(title) <= 32 for title in titles)
    assert "What the customer invests…" in titles, titles


def test_the_logo_sits_inside_the_table_clear_of_the_title(tmp_path: Path) -> None:
    """The branded project's logo, on every sheet: its right edge inside the last column (so it
    prints), its left edge past the title's text."""
    result = api.build(
        BRANDED, out=tmp_path, guide=["kundresan"], lang=["sv"], brand="acme", format=["xlsx"]
    )
    assert result.ok
    path = tmp_path / "acme" / "sv" / "kundresan-worksheet-blank.xlsx"
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        [image] = sheet._images
        widths = [0] * 30
        for dimension in sheet.column_dimensions.values():
            if not dimension.hidden:
                for index in range(dimension.min - 1, dimension.max):
                    widths[index] = column_pixels(dimension.width)
        start = image.anchor._from
        left = sum(widths[: start.col]) + EMU_to_pixels(start.colOff)
        right = left + EMU_to_pixels(image.anchor.ext.width)
        title = str(sheet["A1"].value)
        assert left > 8 + 14 * len(title) and right <= sum(widths) - 4, sheet.title


def test_a_rate_shows_its_per_cent_sign_as_the_language_writes_it() -> None:
    """2.5 % in Swedish and Norwegian, 2.5% in English (Babel's CLDR percent patterns)."""
    assert rate_format("sv_SE") == rate_format("nb_NO") == '0.0" %"'
    assert rate_format("en_GB") == '0.0"%"'
