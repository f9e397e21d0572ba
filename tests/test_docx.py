"""The DOCX files read back with python-docx: what a Word user sees."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zipfile import ZipFile

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from generator.model import Library
from tests.conftest import RenderJob


def open_docx(data: bytes):
    return Document(BytesIO(data))


def table_texts(table) -> list[list[list[str]]]:
    """Each row's cells as lists of non-empty paragraph texts."""
    return [
        [[p.text for p in cell.paragraphs if p.text] for cell in row.cells] for row in table.rows
    ]


def test_guide_headings_follow_the_guide_contents(render_job: RenderJob, library: Library) -> None:
    guide = library.guides[("kundresan", "sv")]
    document = open_docx(render_job("docx", "guide"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    expected = []
    for item in guide.contents:
        if item.section:
            expected.append(guide.sections[item.section].title)
            expected += [
                line[3:]
                for line in guide.sections[item.section].body.splitlines()
                if line.startswith("## ")
            ]
        elif item.template:
            expected.append("Din mall: Kundresan")
        else:
            expected.append(library.examples[("kundresan", "sv", item.example)].title)
    assert headings == expected
    stage_headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert [s.name for s in library.frameworks[("kundresan", "sv")].stages] == [
        h for h in stage_headings if h != "Vill du ha hjälp på vägen?"
    ]


def test_guide_has_a_toc_field_that_word_updates_and_page_numbers(render_job: RenderJob) -> None:
    document = open_docx(render_job("docx", "guide"))
    instructions = [e.text for e in document.element.body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC") for i in instructions)
    assert document.settings.element.find(qn("w:updateFields")) is not None
    footer_fields = [
        e.text.strip() for e in document.sections[1].footer._element.iter(qn("w:instrText"))
    ]
    assert footer_fields == ["PAGE"]


def test_grids_sit_in_landscape_sections(render_job: RenderJob) -> None:
    document = open_docx(render_job("docx", "guide"))
    orientations = [section.orientation for section in document.sections]
    assert orientations.count(WD_ORIENT.LANDSCAPE) == 2
    assert orientations[0] == WD_ORIENT.PORTRAIT
    for section in document.sections:
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        assert (section.page_width > section.page_height) == landscape


def test_example_table_holds_exactly_the_example(render_job: RenderJob, library: Library) -> None:
    framework = library.frameworks[("kundresan", "sv")]
    example = library.examples[("kundresan", "sv", "generell")]
    document = open_docx(render_job("docx", "worksheet", "generell"))
    (table,) = document.tables
    rows = table_texts(table)
    assert [cell[0] for cell in rows[0][1:]] == [s.name for s in framework.stages]
    for row, cells in zip(framework.rows, rows[1:], strict=True):
        assert cells[0] == [row.label]
        for stage, cell in zip(framework.stages, cells[1:], strict=True):
            assert cell == example.entries(stage.id, row.id), (stage.id, row.id)


def test_blank_worksheet_is_one_landscape_section_with_empty_cells(
    render_job: RenderJob, library: Library
) -> None:
    document = open_docx(render_job("docx", "worksheet", "blank"))
    assert len(document.sections) == 1
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    (table,) = document.tables
    rows = table_texts(table)
    framework = library.frameworks[("kundresan", "sv")]
    for row, cells in zip(framework.rows, rows[1:], strict=True):
        assert cells[0] == [row.label, row.help]
        assert all(cell == [] for cell in cells[1:])
    header = table.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader"))
    assert header is not None  # the stage row repeats if the table ever breaks


@pytest.mark.parametrize("document", ["guide", "worksheet"])
def test_properties_language_and_loanwords(render_job: RenderJob, document: str) -> None:
    docx = open_docx(render_job("docx", document))
    properties = docx.core_properties
    assert properties.author == "journeykit"
    assert properties.language == "sv-SE"
    assert properties.title in ("Kundresan i sociala medier", "Din mall: Kundresan")
    languages = {e.get(qn("w:val")) for e in docx.element.body.iter(qn("w:lang"))}
    assert "en-GB" in languages  # "Lead nurturing" and "Research" are marked English
    default = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert default.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "sv-SE"


def test_rebuilds_give_identical_bytes(render_job: RenderJob) -> None:
    """No time of day leaks into the file: zip entries and properties carry one fixed date."""
    data = render_job("docx", "guide")
    with ZipFile(BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
    assert open_docx(data).core_properties.created.replace(tzinfo=None) == datetime(2024, 1, 1)
    assert data == render_job("docx", "guide")


def test_no_stale_preview_picture_from_the_template(render_job: RenderJob) -> None:
    with ZipFile(BytesIO(render_job("docx", "worksheet"))) as archive:
        assert not [name for name in archive.namelist() if "thumbnail" in name]
