"""``journeykit import``: a client's filled-in workbook comes back as their branded documents,
also after LibreOffice saved it; a hostile or foreign file is named for what it is, exit 2,
nothing written."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from generator import api
from generator.entries import defined_name
from generator.model import Framework, Library
from tests.conftest import (
    CSV_HEADER,
    ROOT,
    RenderJob,
    fill_colours,
    fill_pdf_form,
    libreoffice,
    loaded,
    named,
    pdf_text,
    run_cli,
    squash,
)

TYPED_FORMULA = '=HYPERLINK("http://evil.example","click")'
SIGNED = {"signed_by": "Maja Åkesson", "signed_on": "2026-11-30"}
"""The sign-off as a client fills it in."""


def fill(data: bytes, framework: Framework, path: Path) -> dict[tuple[str, str], list[str]]:
    """The workbook filled in as a client would (by the cells' names), saved to ``path``: two
    lines a cell, one cell left empty, one holding a formula; what each cell holds."""
    workbook = load_workbook(BytesIO(data))
    typed: dict[tuple[str, str], list[str]] = {}
    for stage in framework.stages:
        for row in framework.rows:
            typed[(stage.id, row.id)] = [f"{stage.name} {row.id} ett", f"{stage.name} {row.id} två"]
    typed[(framework.stages[3].id, "kpi")] = []
    typed[(framework.stages[0].id, "vill")] = [TYPED_FORMULA]
    for (stage_id, row_id), lines in typed.items():
        cell = named(workbook, defined_name(framework.id, stage_id, row_id))
        cell.value = "\n".join(lines) or None
    for part, value in SIGNED.items():
        named(workbook, defined_name(framework.id, part)).value = value
    workbook.save(path)
    return typed


def resaved_by_libreoffice(path: Path, folder: Path) -> Path:
    """``path`` opened and saved again as XLSX by LibreOffice (another program wrote it)."""
    folder.mkdir()
    libreoffice("xlsx", [path], folder, folder / "profile")
    return folder / path.name


@pytest.mark.slow
def test_a_filled_workbook_comes_back_as_the_clients_documents(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    framework = library.frameworks[("kundresan", "sv")]
    assert isinstance(framework, Framework)
    filled = tmp_path / "kundens-kundresa.xlsx"
    typed = fill(render_job("xlsx", "worksheet", "blank"), framework, filled)
    for source in (filled, resaved_by_libreoffice(filled, tmp_path / "libreoffice")):
        out = tmp_path / f"out-{source.parent.name}"
        result = api.import_workbook(source, ROOT, name="Åkesson & Söner AB", out=out)
        assert result.build.ok and not result.by_labels
        assert (len(result.filled), len(result.empty)) == (37, 1)  # the sign-off's two too
        assert result.empty == ["Kundresan!E8"]
        folder = out / "default" / "sv"
        names = sorted(path.name for path in folder.iterdir())
        assert names == [
            "kundresan-akesson-soner-ab-worksheet-filled.docx",
            "kundresan-akesson-soner-ab-worksheet-filled.pdf",
            "kundresan-akesson-soner-ab-worksheet-filled.xlsx",
            "kundresan-akesson-soner-ab.docx",
            "kundresan-akesson-soner-ab.pdf",
        ]
        report = pdf_text(folder / "kundresan-akesson-soner-ab.pdf")
        assert "Kundresan: Åkesson & Söner AB" in report
        assert "Tomma rutor" in report and "Konvertering × KPI:er" in report
        # cover, filled grid, review: two parts need no contents page
        assert len(PdfReader(folder / "kundresan-akesson-soner-ab.pdf").pages) == 3
        report_docx = Document(str(folder / "kundresan-akesson-soner-ab.docx"))
        assert "TOC" not in report_docx.element.body.xml
        lines = [line for cell in typed.values() for line in cell]
        for name in (
            "kundresan-akesson-soner-ab-worksheet-filled.pdf",
            "kundresan-akesson-soner-ab.pdf",
        ):
            text = squash(pdf_text(folder / name))
            assert all(squash(line) in text for line in lines), name
        table = Document(str(folder / "kundresan-akesson-soner-ab-worksheet-filled.docx")).tables[0]
        cells = {
            paragraph.text
            for row in table.rows
            for cell in row.cells
            for paragraph in cell.paragraphs
        }
        assert set(lines) <= cells
        workbook = load_workbook(folder / "kundresan-akesson-soner-ab-worksheet-filled.xlsx")
        formula_cell = workbook.worksheets[1]["B3"]
        assert (formula_cell.value, formula_cell.data_type) == (TYPED_FORMULA, "s")  # text
        assert workbook.sheetnames[1] == "Kundresan"  # the client's own sheet, no "Exempel"
        for part, value in SIGNED.items():  # the sign-off kept, still theirs to change
            cell = named(workbook, defined_name("kundresan", part))
            assert cell.value == value and not cell.protection.locked
        worksheet_pdf = pdf_text(folder / "kundresan-akesson-soner-ab-worksheet-filled.pdf")
        assert all(value in worksheet_pdf for value in SIGNED.values())


def fake_encrypted(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)


def zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))


def rewrite(source: bytes, path: Path, change: dict[str, bytes], add: dict[str, bytes]) -> None:
    """A copy of a workbook with some entries changed and others added."""
    original = zipfile.ZipFile(BytesIO(source))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            archive.writestr(info.filename, change.get(info.filename, original.read(info)))
        for name, data in add.items():
            archive.writestr(name, data)


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10 if n else b"&lol;" * 10)
        for n in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("encrypted", "is an encrypted (password-protected) workbook or an old .xls file"),
        ("pdf", "holds no fillable worksheet journeykit made for this project's content"),
        ("broken pdf", "cannot be read as a PDF"),
        ("too big", "is 21.0 MB (at most 20 MB)"),
        ("zip bomb", "unpacks to 60 MB (a zip bomb?)"),
        ("entity bomb", "declares XML entities (an XML bomb?)"),
        ("macros", "is a macro-enabled workbook (.xlsm)"),
        ("word", "is a Word document, not a workbook"),
        ("reshaped", "the worksheet 'Kundresan' is not in the workbook"),
        ("other content", "not a worksheet journeykit made for this project's content"),
    ],
)
def test_a_file_that_is_not_a_usable_workbook_is_named_and_nothing_written(
    render_job: RenderJob, tmp_path: Path, case: str, message: str
) -> None:
    path = tmp_path / "kund.xlsx"
    blank = render_job("xlsx", "worksheet", "blank")
    if case == "encrypted":
        fake_encrypted(path)
    elif case == "pdf":  # a prefilled example: nothing to fill in
        path.write_bytes(render_job("pdf", "worksheet", "generell"))
    elif case == "broken pdf":
        path.write_bytes(b"%PDF-1.7\n" + b"0" * 100)
    elif case == "too big":
        path.write_bytes(b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024))
    elif case == "zip bomb":
        zip_bomb(path)
    elif case == "entity bomb":
        rewrite(blank, path, {}, {"xl/sharedStrings.xml": ENTITY_BOMB})
    elif case == "macros":
        rewrite(blank, path, {}, {"xl/vbaProject.bin": b"\0" * 100})
    elif case == "word":
        path.write_bytes(render_job("docx", "worksheet", "blank"))
    elif case == "reshaped":  # the worksheet deleted, its names with it
        workbook = load_workbook(BytesIO(blank))
        for name in list(workbook.defined_names):
            del workbook.defined_names[name]
        del workbook["Kundresan"]
        workbook.save(path)
    else:
        workbook = load_workbook(BytesIO(blank))
        workbook.custom_doc_props.props.clear()
        workbook.save(path)
    out = tmp_path / "out"
    if case == "zip bomb":  # one through the command: its exit code and its one line
        result = run_cli("import", str(path), "--out", str(out))
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"error {path}: ") and message in first, first
    else:  # the others through the API the command calls (a ContentErrors is exit 2)
        with pytest.raises(api.ContentErrors) as raised:
            api.import_workbook(path, ROOT, out=out)
        [problem] = raised.value.errors
        assert problem.path == path and message in problem.format(), problem
    assert not out.exists()


def test_a_filled_form_comes_back_too(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """A form (the Norwegian buyer persona): each field's lines come back in its documents."""
    data = render_job("xlsx", "worksheet", "blank", "kundereisen", "nb", worksheet="buyer-persona")
    workbook = load_workbook(BytesIO(data))
    form = library.frameworks[("buyer-persona", "nb")]
    typed = {}
    for field in form.fields[:3]:
        typed[field.id] = f"{field.label} svar"
        named(workbook, defined_name(form.id, field.id)).value = typed[field.id]
    path = tmp_path / "persona.xlsx"
    workbook.save(path)
    result = api.import_workbook(path, ROOT, format=["pdf"], out=tmp_path / "out")
    assert result.build.ok and len(result.filled) == 3
    names = sorted(written.path.name for written in result.build.written)
    assert names == ["kundereisen-persona-worksheet-filled.pdf", "kundereisen-persona.pdf"]
    worksheet = result.build.out / "default/nb/kundereisen-persona-worksheet-filled.pdf"
    text = squash(pdf_text(worksheet))
    assert all(squash(answer) in text for answer in typed.values())


def test_a_filled_pdf_comes_back_the_same_way(
    key_pdfs: Path, library: Library, tmp_path: Path
) -> None:
    """A prospect fills the fillable worksheet PDF in a PDF reader and sends it back."""
    values = {
        "kundresan.malgrupp.vill": "Hitta en frisör\nsom har tid på lördagar",
        "kundresan.konvertering.kpi": "Bokningar per vecka",
    }
    filled = tmp_path / "kundresan-ifylld.pdf"
    fill_pdf_form(key_pdfs / "default/sv/kundresan-worksheet-blank.pdf", values, filled)
    result = api.import_workbook(filled, ROOT, name="Frisören", out=tmp_path / "out")
    assert result.build.ok and sorted(result.filled) == sorted(values)
    report = squash(pdf_text(result.build.out / "default/sv/kundresan-frisoren.pdf"))
    for text in values.values():
        assert all(squash(line) in report for line in text.split("\n"))
    assert squash("Tomma rutor") in report


def test_a_client_of_a_batch_is_imported_under_their_own_brand(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """``import --clients clients.csv --brand harbour-cafe``: the client's brand and name come
    from the batch's CSV; an id that is in neither the CSV nor the project is refused with the
    ids there are."""
    framework = library.frameworks[("kundresan", "sv")]
    assert isinstance(framework, Framework)
    filled = tmp_path / "ifylld.xlsx"
    fill(render_job("xlsx", "worksheet", "blank"), framework, filled)
    clients = tmp_path / "clients.csv"
    clients.write_text(
        CSV_HEADER
        + "harbour-cafe,Harbour Café,#0B5563,#F2C14E,,harbour.example,hej@harbour.example,,sv\n"
        + "bad-row,Bad,not-a-colour,#F2C14E,,,,,sv\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["--clients", str(clients), "--brand", "harbour-cafe", "--format", "pdf"]
    result = run_cli("import", str(filled), "--project", str(ROOT), "--out", str(out), *args)
    assert result.returncode == 0, result.stderr
    guide = out / "harbour-cafe/sv/kundresan-harbour-cafe.pdf"
    cover = pdf_text(guide, pages=(1, 1))
    assert "Harbour Café" in cover
    assert "0b5563" in {colour.lower() for colour in fill_colours(guide)}
    unknown = run_cli(
        "import",
        str(filled),
        "--project",
        str(ROOT),
        "--out",
        str(out),
        "--clients",
        str(clients),
        "--brand",
        "harbour",
    )
    assert unknown.returncode == 2
    assert "unknown brand 'harbour'" in unknown.stderr and "harbour-cafe" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_every_unlocked_cell_a_client_fills_comes_back_from_import(
    render_job: RenderJob, tmp_path: Path
) -> None:
    """Whatever a client may type into the workbook (every cell its protection leaves open:
    entries, the sign-off, the KPI tracker's kinds, targets and months) is in the workbook
    import makes, in the same place (issue 17: the sign-off and the tracker were dropped)."""
    workbook = load_workbook(BytesIO(render_job("xlsx", "worksheet", "blank")))
    names = {
        (title, coordinate.replace("$", "")): name
        for name, defined in workbook.defined_names.items()
        for title, coordinate in defined.destinations
    }
    kinds = loaded(ROOT).ui["sv"].workbook.kinds
    typed: dict[tuple[str, str], object] = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.protection.locked or type(cell).__name__ == "MergedCell":
                    continue
                place = (sheet.title, cell.coordinate)
                name = names.get(place, "")
                if name.endswith(".kind"):
                    value: object = kinds.word("rate")  # not the default, count
                elif ".tracker." in name:
                    value = float(cell.row * 100 + cell.column)
                else:
                    value = f"{sheet.title} {cell.coordinate}"
                cell.value = typed[place] = value
    assert len(typed) == 36 + 2 + 6 * 14  # entries, sign-off, each stage's kind, target, months
    path = tmp_path / "allt-ifyllt.xlsx"
    workbook.save(path)
    result = api.import_workbook(path, ROOT, format=["xlsx"], out=tmp_path / "out")
    assert result.build.ok
    [made] = (tmp_path / "out").rglob("*.xlsx")
    again = load_workbook(made)
    lost = {
        place: value for place, value in typed.items() if again[place[0]][place[1]].value != value
    }
    assert lost == {}
