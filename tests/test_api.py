"""The public API (generator.api) in process: build, batch and validate, the outputs read back;
one resolver per fact (fonts, footer line, messages, languages as files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from typer.core import TyperOption
from typer.main import get_command

from generator import api, quick
from generator.cli import app
from generator.errors import ContentError
from generator.fonts import family_files
from generator.model import Job
from tests.conftest import (
    CSV_HEADER,
    DANISH,
    MINIMAL,
    ROOT,
    add_brand,
    copy_project,
    fill_colours,
    pdf_text,
    poppler,
    read_back,
    run_cli,
)

LATO = ROOT / "layouts" / "fonts" / "Lato-Regular.ttf"
TITLES = ("Onboarding", "Funnel", "Customer profile", "Launch", "A sample", "A launch")
"""The minimal project's guide and worksheet titles: each of its files shows one."""


class Recorder:
    """A listener that keeps what it hears."""

    def __init__(self) -> None:
        self.planned_jobs: list[Job] = []
        self.done: list[Job] = []

    def planned(self, jobs: list[Job]) -> None:
        self.planned_jobs = jobs

    def started(self, job: Job) -> None:
        pass

    def finished(self, job: Job) -> None:
        self.done.append(job)


def test_build_reports_what_it_wrote_and_then_that_it_is_up_to_date(tmp_path: Path) -> None:
    heard = Recorder()
    narrow = {"guide": ["onboarding"], "format": ["docx", "xlsx"], "jobs": 1}
    result = api.build(MINIMAL, out=tmp_path, listener=heard, **narrow)
    assert result.ok and not result.warnings
    assert len(result.written) == len(result.jobs) == len(heard.planned_jobs) == 13
    assert sorted(map(str, heard.done)) == sorted(map(str, result.jobs))
    for written in result.written:
        assert written.path.stat().st_size == written.size
        text = read_back(written.path)
        assert any(title in text for title in TITLES), written.path
    again = api.build(MINIMAL, out=tmp_path, **narrow)
    assert not again.written and len(again.current) == 13


def test_batch_builds_the_good_rows_and_returns_the_bad_ones(tmp_path: Path) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text(
        CSV_HEADER
        + "kund-a,Kund A AB,#7A1F3D,#F4B942,,kunda.example,,,en\n"
        + "kund-b,Kund B AB,blue,#F4B942,,kundb.example,,,en\n",
        encoding="utf-8",
    )
    result = api.batch(clients, MINIMAL, out=tmp_path / "out", format=["xlsx"], jobs=1)
    assert result.brands == ["kund-a"] and not result.ok
    assert [(e.line, e.field) for e in result.rejected] == [(3, "colors.primary")]
    sheet = load_workbook(tmp_path / "out/kund-a/en/onboarding-worksheet-blank.xlsx").worksheets[1]
    assert sheet["B2"].fill.start_color.rgb.endswith("7A1F3D")
    assert sheet.oddFooter.center.text == "kunda.example"


@pytest.mark.slow  # strict lays out every shipped guide
def test_validate_returns_warnings_and_strict_raises_them(tmp_path: Path) -> None:
    """The shipped examples' advice is a warning, and a problem with ``strict``; strict also
    lays out every shipped PDF, which gives no further problem (no page left nearly empty, no
    worksheet running over its page)."""
    result = api.validate(ROOT)
    assert len(result.library.guides) == 10
    assert result.warnings and all(isinstance(w, ContentError) for w in result.warnings)
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(ROOT, strict=True)
    assert raised.value.errors == result.warnings


def test_invalid_content_raises_every_problem_at_once(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(MINIMAL, project)
    funnel = project / "content/frameworks/funnel.en.yaml"
    funnel.write_text(funnel.read_text().replace("id: attract", "id: Attract"))
    guide = project / "content/guides/onboarding/guide.en.yaml"
    guide.write_text(guide.read_text().replace('title: "Onboarding"', "title: true"))
    with pytest.raises(api.ContentErrors) as raised:
        api.build(project, out=tmp_path / "out", jobs=1)
    lines = [error.format(project) for error in raised.value.errors]
    assert any(
        line.startswith("content/frameworks/funnel.en.yaml:3: stages.0.id:") for line in lines
    )
    assert any("guide.en.yaml:1: title: expected text, got the boolean true" in x for x in lines)
    assert not (tmp_path / "out").exists()


def test_an_unknown_filter_value_is_a_problem_naming_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(api.ContentErrors) as raised:
        api.build(MINIMAL, out=tmp_path, format=["pptx"], guide=["nope"], jobs=1)
    lines = sorted(str(error) for error in raised.value.errors)
    assert lines == [
        "format: unknown format 'pptx' (valid: docx, pdf, xlsx)",
        "guide: unknown guide 'nope' (valid: b2b-journey, b2b-kundresan, buyer-journey, "
        "customer-journey, engagement-ladder, intressetrappan, kpi-per-fas, kpi-per-stage, "
        "kundereisen, kundresan, onboarding)",
    ]


def brand_project(tmp_path: Path, brand: str, folder: str = "kund") -> Path:
    """A project with one brand file, its folder named ``folder``."""
    project = tmp_path / "project"
    add_brand(project, folder, brand)
    return project


def test_a_font_file_that_is_not_the_family_named_is_refused(tmp_path: Path) -> None:
    project = brand_project(tmp_path, 'name: "Kund"\nfonts: {heading: Lat, body: Lat}\n')
    shutil.copy(LATO, project / "content/brands/kund/LatoX.ttf")
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    unknown = "unknown font 'Lat': not bundled, not in kund/ and not installed on this machine"
    assert [(e.line, e.field, e.message) for e in raised.value.errors] == [
        (2, "fonts.heading", unknown),
        (2, "fonts.body", unknown),
    ]
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2 and "unknown font 'Lat'" in result.stderr


def test_a_brand_font_that_validates_is_embedded_in_the_pdf(tmp_path: Path) -> None:
    brand = 'name: "Kund"\nlanguage: da\nfonts: {heading: Brandy, body: Brandy}\n'
    project = brand_project(tmp_path, brand)
    shutil.copy(LATO, project / "content/brands/kund/Brandy-Regular.ttf")
    for part in ("i18n", "guides", "frameworks", "examples"):  # one worksheet: quick to build
        shutil.copytree(DANISH / "content" / part, project / "content" / part)
    api.validate(project)
    result = api.build(
        project, out=tmp_path / "out", brand="kund", format=["pdf"], variant=["blank"], jobs=1
    )
    assert result.ok and result.written
    fonts = poppler("pdffonts", result.written[0].path)
    embedded = [line.split() for line in fonts.splitlines() if "+Brandy " in line]
    assert embedded and embedded[0][-5] == "yes", fonts  # the family's file, embedded


def test_without_a_footer_the_brand_name_is_at_the_foot_of_every_format(
    minimal_output: Path,
) -> None:
    """The shipped default brand has no footer line: its name stands there instead (the minimal
    guide's blank worksheets in every format)."""
    name = "journeykit"
    blanks = sorted((minimal_output / "default/en").glob("*-blank.*"))
    assert len(blanks) == 9  # a grid, a form and a checklist
    for path in blanks:
        if path.suffix == ".pdf":  # the bottom 16 mm of the page, left half
            size = poppler("pdfinfo", path)
            width, height = (float(v) for v in size.split("Page size:")[1].split()[0:3:2])
            foot = pdf_text(path, "reading", crop=(0, height - 45, width / 2, 45))
            assert name in foot, path
        elif path.suffix == ".docx":
            for section in Document(str(path)).sections:
                assert name in section.footer.paragraphs[0].text
        else:
            assert load_workbook(path).active.oddFooter.left.text == name


@pytest.mark.parametrize(
    ("brand_line", "folder", "csv_values", "field"),
    [
        ('colors: {primary: "blue"}', "kund", "kund,Kund,blue,#F4B942,", "colors.primary"),
        ("", "Kund AB", "Kund AB,Kund,#7A1F3D,#F4B942,", "id"),
        ("logo: missing.png", "kund", "kund,Kund,#7A1F3D,#F4B942,missing.png", "logo"),
        (
            'colors: {accent: "#7A1F3E", primary: "#7A1F3D"}',
            "kund",
            "kund,Kund,#7A1F3D,#7A1F3E,",
            "colors.accent",
        ),
    ],
)
def test_a_csv_row_and_a_brand_file_get_the_same_explanation(
    tmp_path: Path, brand_line: str, folder: str, csv_values: str, field: str
) -> None:
    project = brand_project(tmp_path, f'name: "Kund"\n{brand_line}\n', folder)
    with pytest.raises(api.ContentErrors) as from_file:
        api.validate(project)
    clients = tmp_path / "clients.csv"
    clients.write_text(CSV_HEADER + csv_values + ",,,,\n", encoding="utf-8")
    with pytest.raises(api.ContentErrors) as from_csv:
        api.batch(clients, MINIMAL, out=tmp_path / "out", jobs=1)
    [in_file] = from_file.value.errors
    [in_row] = from_csv.value.errors
    assert (in_file.field, in_file.message, in_file.hint) == (field, in_row.message, in_row.hint)
    assert in_row.field == field and in_row.line == 2 and in_row.path == clients
    assert "[" not in in_row.message  # no regular expression, which rich would read as markup


def test_a_language_is_added_by_files_alone(tmp_path: Path) -> None:
    """Danish: content/i18n/da.yaml and a framework, guide and example in it; no Python."""
    result = api.build(DANISH, out=tmp_path, guide=["kunderejsen"], jobs=1)
    assert result.ok
    names = sorted(path.name for path in (tmp_path / "default/da").iterdir())
    assert names == [
        "kunderejsen-worksheet-blank.docx",
        "kunderejsen-worksheet-blank.pdf",
        "kunderejsen-worksheet-blank.xlsx",
        "kunderejsen-worksheet-cafe.docx",
        "kunderejsen-worksheet-cafe.pdf",
        "kunderejsen-worksheet-cafe.xlsx",
        "kunderejsen.docx",
        "kunderejsen.pdf",
    ]
    folder = tmp_path / "default/da"
    guide_pdf = pdf_text(folder / "kunderejsen.pdf")
    assert "Opdateret 27. november 2026" in guide_pdf  # the date as Danish writes it
    assert "Din skabelon: Kunderejsen" in guide_pdf
    guide_docx = read_back(folder / "kunderejsen.docx")
    assert "Indhold" in guide_docx  # the contents' heading, in Danish
    assert Document(str(folder / "kunderejsen.docx")).core_properties.language == "da-DK"
    workbook = read_back(folder / "kunderejsen-worksheet-cafe.xlsx")
    assert "Bookingsystem" in workbook and "Udfyldte felter" in workbook


def test_the_quick_check_knows_every_option_that_takes_a_value() -> None:
    """quick.py reads --out and --project without importing the CLI: its table must agree."""
    commands = get_command(app).commands  # type: ignore[attr-defined]
    takes_value: set[str] = set()
    for name in quick.COMMANDS:
        for param in commands[name].params:
            if isinstance(param, TyperOption) and not param.is_flag:
                takes_value.update(param.opts)
    assert takes_value >= quick.UNRELATED
    assert takes_value - quick.UNRELATED == quick.TAKE_VALUE


def test_every_format_fills_the_label_cells_from_the_one_palette(minimal_output: Path) -> None:
    """The default brand's primary #1F4E79 lightened 90 % towards white: #E9EDF2 (by hand:
    31 + 224 × 0.9 = 233, 78 + 177 × 0.9 = 237, 121 + 134 × 0.9 = 242)."""
    label_fill = "E9EDF2"
    folder = minimal_output / "default/en"
    assert label_fill in fill_colours(folder / "onboarding-worksheet-blank.pdf")
    label_cell = Document(str(folder / "onboarding-worksheet-blank.docx")).tables[0].cell(1, 0)
    assert label_cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == label_fill
    sheet = load_workbook(folder / "onboarding-worksheet-blank.xlsx").worksheets[1]
    assert sheet["A3"].fill.start_color.rgb.endswith(label_fill)


def test_a_worksheet_pdf_is_the_same_built_alone_or_copied_from_its_guide(
    minimal_output: Path, tmp_path: Path
) -> None:
    """With the guide (the shared build), worksheet PDFs are copies of its pages; alone, they
    are laid out on their own (never slower for being asked for alone). Either way the bytes
    are the same."""
    alone = api.build(
        MINIMAL,
        out=tmp_path / "alone",
        guide=["onboarding"],
        format=["pdf"],
        variant=["blank"],
        jobs=1,
    )
    assert len(alone.written) == 3 and all(w.job.document == "worksheet" for w in alone.written)
    for written in alone.written:
        copy = minimal_output / written.job.relative_path()
        assert written.path.read_bytes() == copy.read_bytes(), written.path.name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,primay\nkund,#7A1F3D\n", "missing columns: name; unknown columns: primay"),
        (CSV_HEADER, "no rows"),
    ],
)
def test_a_client_csv_without_its_columns_or_rows_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text(text, encoding="utf-8")
    with pytest.raises(api.ContentErrors) as raised:
        api.batch(clients, MINIMAL, out=tmp_path / "out", jobs=1)
    [problem] = raised.value.errors
    assert (problem.path, problem.line) == (clients, 1)
    assert problem.message.startswith(message)
    assert not (tmp_path / "out").exists()


def test_a_short_client_row_gets_the_defaults_of_what_it_leaves_out(tmp_path: Path) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text(CSV_HEADER + "acme,Acme AB\n", encoding="utf-8")
    narrow = {"guide": ["onboarding"], "format": ["xlsx"], "jobs": 1}  # not all 31 workbooks
    result = api.batch(clients, MINIMAL, out=tmp_path / "out", **narrow)
    assert result.ok and result.brands == ["acme"]
    sheet = load_workbook(result.written[0].path).worksheets[1]
    assert sheet["B2"].fill.start_color.rgb.endswith("1F4E79")  # the default primary


def problems_after(
    tmp_path: Path, source: Path, file: str, old: str, new: str
) -> list[ContentError]:
    """What validate raises for a copy of ``source`` with ``old`` replaced in ``file``."""
    project = copy_project(source, tmp_path / "project")
    changed = project / "content" / file
    changed.write_text(changed.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    return raised.value.errors


def test_a_locale_babel_does_not_know_is_refused_when_loading(tmp_path: Path) -> None:
    [problem] = problems_after(tmp_path, DANISH, "i18n/da.yaml", '"da_DK"', '"dk"')
    assert (problem.line, problem.field) == (3, "locale")
    assert problem.message == "'dk' is not a known locale"


def test_an_output_folder_that_is_a_file_and_an_id_with_spaces_are_refused(
    tmp_path: Path,
) -> None:
    a_file = tmp_path / "out"
    a_file.write_text("")
    with pytest.raises(api.OutputError) as raised:
        api.build(MINIMAL, out=a_file, guide=["onboarding"], jobs=1)
    assert (
        str(raised.value)
        == f"{a_file}: cannot write: it is a file, not a folder (give --out a folder)"
    )
    with pytest.raises(api.ContentErrors):
        api.new_brand(" acme", tmp_path)
    assert not (tmp_path / "content").exists()


def test_a_brands_own_font_files_are_found_by_style(tmp_path: Path) -> None:
    for name in ("Brandy-Variable.ttf", "Brandy-Variable-Italic.ttf", "BrandyX-Bold.ttf"):
        shutil.copy(LATO, tmp_path / name)
    files = family_files("Brandy", {}, tmp_path)
    assert {style: path.name for style, path in files.items()} == {
        "variable": "Brandy-Variable.ttf",
        "variable-italic": "Brandy-Variable-Italic.ttf",
    }
    assert family_files("BrandyX", {}, tmp_path) == {}  # a bold alone cannot set body text


def test_a_mixed_case_key_keeps_its_place_in_the_field_path(tmp_path: Path) -> None:
    example = "examples/funnel/sample.en.yaml"
    problems = problems_after(tmp_path, MINIMAL, example, "attract:", "Attract:")
    assert [(e.field, e.message) for e in problems] == [
        ("cells.Attract", "'Attract' is not a valid id")
    ]
