"""Fill on screen: every blank worksheet PDF (and the guide's blank templates) has one fillable
field per entry cell, named as the workbook names it, with its question as tooltip, inside its
cell; filled in and saved by a PDF program, the values read back (issue 12)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from generator import api
from generator.entries import field_path
from generator.model import Checklist, Form, Framework, Library, Worksheet
from generator.plan import plan
from tests.conftest import ROOT, fill_pdf_form, loaded, pdf_text, pdf_words

LIBRARY = loaded(ROOT)
BLANK_PDFS = [
    job
    for job in plan(LIBRARY)
    if job.format == "pdf" and job.document == "worksheet" and job.variant == "blank"
]
MAX_FILLABLE_BYTES = 100 * 1024


def expected_fields(worksheet: Worksheet) -> dict[str, str]:
    """Every entry's name and its tooltip (a grid cell's names its stage and row, then the
    question), and the sign-off's."""
    ui = LIBRARY.ui[worksheet.language]
    sign_off = {
        field_path(worksheet.id, "signed_by"): ui.filled_in_by,
        field_path(worksheet.id, "signed_on"): ui.date,
    }
    if isinstance(worksheet, Framework):
        return sign_off | {
            field_path(worksheet.id, stage.id, row.id): (
                f"{stage.name} – {row.label}: {row.prompts.get(stage.id) or row.help}"
            )
            for row in worksheet.rows
            for stage in worksheet.stages
        }
    if isinstance(worksheet, Form):
        fields = {field_path(worksheet.id, f.id): f.help or f.label for f in worksheet.fields}
        return sign_off | fields
    assert isinstance(worksheet, Checklist)
    return sign_off | {
        field_path(worksheet.id, item.id, part): item.text
        for item in worksheet.items
        for part in ("done", "note")
    }


def full_name(widget: Any) -> str:
    """A widget's field name, its parents' names first (``kundresan.malgrupp.vill``)."""
    parts = []
    while widget is not None:
        parts.append(str(widget["/T"]))
        widget = widget.get("/Parent")
    return ".".join(reversed(parts))


def terminal_fields(path: Path) -> dict[str, dict]:
    fields = PdfReader(path).get_fields() or {}
    return {name: field for name, field in fields.items() if "/FT" in field}


@pytest.mark.slow
@pytest.mark.parametrize("job", BLANK_PDFS, ids=[str(job.relative_path()) for job in BLANK_PDFS])
def test_every_blank_worksheet_pdf_is_fillable_and_small(every_output: Path, job) -> None:
    guide = LIBRARY.guides[(job.guide, job.language)]
    worksheet = LIBRARY.frameworks[(job.worksheet or guide.framework, job.language)]
    path = every_output / job.relative_path()
    fields = terminal_fields(path)
    expected = expected_fields(worksheet)
    assert {name: str(field.get("/TU")) for name, field in fields.items()} == expected
    kinds = {str(field["/FT"]) for name, field in fields.items()}
    assert kinds <= {"/Tx", "/Btn"}
    assert path.stat().st_size <= MAX_FILLABLE_BYTES


def test_a_filled_example_and_a_guide_have_fields_only_for_blank_templates(
    key_pdfs: Path, library: Library
) -> None:
    assert not terminal_fields(key_pdfs / "default/sv/kundresan-worksheet-generell.pdf")
    guide_fields = terminal_fields(key_pdfs / "default/nb/kundereisen.pdf")
    guide = library.guides[("kundereisen", "nb")]
    expected: dict[str, str] = {}
    for worksheet_id in (guide.framework, *guide.worksheets):
        expected |= expected_fields(library.frameworks[(worksheet_id, "nb")])
    assert set(guide_fields) == set(expected)


def test_each_field_lies_in_its_stages_column_and_its_rows_band(
    key_pdfs: Path, library: Library
) -> None:
    """The field of (stage, row) spans the x of the stage's heading and the y of the row's
    label: it is inside its cell, under its own heading, beside its own label."""
    path = key_pdfs / "default/sv/kundresan-worksheet-blank.pdf"
    reader = PdfReader(path)
    height = float(reader.pages[0].mediabox.height)
    framework = library.frameworks[("kundresan", "sv")]
    assert isinstance(framework, Framework)
    placed = [(word.text, *word.centre) for word in pdf_words(path, pages=(1, 1))[0].words]

    def first_word(text: str, below: float = 0) -> tuple[float, float]:
        word = text.split()[0]
        return next((x, y) for w, x, y in placed if w == word and y > below)

    rects = {}
    for annotation in reader.pages[0]["/Annots"]:
        widget = annotation.get_object()
        name = full_name(widget)
        x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
        rects[name] = (x0, height - y1, x1, height - y0)  # from the top, like pdftotext
    header_y = first_word(framework.stages[0].name)[1]
    for stage in framework.stages:
        stage_x, _ = first_word(stage.name)
        for row in framework.rows:
            _, row_y = first_word(row.label, below=header_y)
            left, top, right, bottom = rects[field_path("kundresan", stage.id, row.id)]
            assert left < stage_x < right and top < row_y < bottom, (stage.id, row.id)
    overlaps = [
        (a, b)
        for a, ra in rects.items()
        for b, rb in rects.items()
        if a < b and ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]
    ]
    assert not overlaps


def test_filled_in_by_a_pdf_program_the_values_read_back(key_pdfs: Path, tmp_path: Path) -> None:
    values = {
        "handlingsplan.persona.done": "/Yes",
        "handlingsplan.persona.note": "Ferdig i mars\nmed to personaer",
        "handlingsplan.kundereise.note": "Neste uke",
    }
    filled = tmp_path / "utfylt.pdf"
    fill_pdf_form(key_pdfs / "default/nb/kundereisen-handlingsplan-blank.pdf", values, filled)
    fields = terminal_fields(filled)
    assert {name: str(fields[name].get("/V")) for name in values} == values
    assert str(fields["handlingsplan.kundereise.done"].get("/V")) == "/Off"
    result = subprocess.run(["qpdf", "--check", str(filled)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_every_pdf_passes_qpdfs_check(every_output: Path) -> None:
    pdfs = sorted(every_output.rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert result.returncode == 0, (pdf, result.stdout[-500:])


def test_a_long_answer_prints_whole_and_the_sign_off_reads_back(tmp_path: Path) -> None:
    """A cell's field sets its type to fit what was typed: 600 characters in one cell all
    print (pypdf draws the appearances as a PDF program does, then flattens them); the
    sign-off is two fields, read back by import (issue 17)."""
    files = api.render(ROOT, "default", "kundresan", "sv", "blank", "pdf", document="worksheet")
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(files["sv/kundresan-worksheet-blank.pdf"])
    words = [f"ord{number:03d}" for number in range(100)]  # 600 characters with the spaces
    answer = " ".join(words)
    assert len(answer) >= 599
    values = {
        "kundresan.konvertering.kpi": answer,
        "kundresan.signed_by": "Anna Berg",
        "kundresan.signed_on": "2026-12-01",
    }
    writer = PdfWriter(clone_from=PdfReader(blank))
    writer.update_page_form_field_values(writer.pages[0], values, flatten=True)
    writer.remove_annotations(subtypes="/Widget")
    flat = tmp_path / "flat.pdf"
    writer.write(flat)
    printed = pdf_text(flat).split()
    assert [word for word in words if word not in printed] == []
    assert "Anna" in printed
    # where it was typed: in the Convert column, on the KPI row (a page must not leave its
    # axes flipped for what a program draws on it)
    placed = {word.text: word.centre for word in pdf_words(flat)[0].words}
    (column, _), (_, row), (x, y) = placed["Konvertering"], placed["KPI:er"], placed["ord000"]
    assert abs(x - column) < 40 and abs(y - row) < 40, (x, y, column, row)

    filled = tmp_path / "ifylld.pdf"
    fill_pdf_form(blank, values, filled)
    read = api.read_filled(filled, ROOT)
    assert read.lines("signed_by") == ["Anna Berg"] and read.lines("signed_on") == ["2026-12-01"]
    assert read.lines("konvertering", "kpi") == [answer]
