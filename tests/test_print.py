"""Print-ready: the paper (A4 or US Letter, by option or the brand's default) in every format,
and bleed with crop marks on the PDFs for a print shop (issue 12)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from generator import api
from tests.conftest import MINIMAL, ROOT, add_brand, copy_project, loaded, pdf_words

POINTS_PER_MM = 72 / 25.4
SIZES = {"a4": (210, 297), "letter": (215.9, 279.4)}


def trim_mm(page) -> tuple[float, float]:
    box = page.trimbox
    return (
        round(float(box.width) / POINTS_PER_MM, 1),
        round(float(box.height) / POINTS_PER_MM, 1),
    )


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_paper_is_the_same_in_every_format(tmp_path: Path, paper: str) -> None:
    narrow = {"guide": ["onboarding"], "format": ["pdf", "docx", "xlsx"], "jobs": 1}
    result = api.build(MINIMAL, out=tmp_path, paper=paper, **narrow)
    assert result.ok
    width, height = SIZES[paper]
    folder = tmp_path / "default/en"
    guide = PdfReader(folder / "onboarding.pdf")
    sizes = {trim_mm(page) for page in guide.pages}
    assert sizes == {(width, height), (height, width)}  # portrait pages and landscape grids
    assert trim_mm(PdfReader(folder / "onboarding-worksheet-blank.pdf").pages[0]) == (height, width)
    [cover] = pdf_words(folder / "onboarding.pdf", pages=(1, 1))
    lowest = max(word.bottom for word in cover.words)
    assert height * POINTS_PER_MM - lowest > 15 * POINTS_PER_MM  # the cover's foot, not cut
    sections = Document(str(folder / "onboarding.docx")).sections
    docx_sizes = {(round(s.page_width.mm, 1), round(s.page_height.mm, 1)) for s in sections}
    assert docx_sizes == {(width, height), (height, width)}
    workbook = load_workbook(folder / "onboarding-worksheet-blank.xlsx")
    assert {sheet.page_setup.paperSize for sheet in workbook} == {9 if paper == "a4" else 1}


def test_a_brand_sets_its_own_paper_and_print_marks_add_bleed(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "project")
    add_brand(project, "kund", 'name: "Kund Inc."\npaper: letter\n')
    narrow = {"guide": ["onboarding"], "variant": ["blank"], "format": ["pdf"], "jobs": 1}
    result = api.build(project, brand="kund", print_marks=True, **narrow)
    assert result.ok
    page = PdfReader(project / "output/kund/en/onboarding-worksheet-blank.pdf").pages[0]
    assert trim_mm(page) == (279.4, 215.9)
    bleed = page.bleedbox
    assert round((float(bleed.width) - float(page.trimbox.width)) / POINTS_PER_MM, 1) == 6.0
    assert float(page.mediabox.width) >= float(bleed.width)  # the crop marks sit in the bleed
    with pytest.raises(api.ContentErrors) as raised:
        api.build(project, paper="a5", **narrow)
    assert "unknown paper 'a5' (valid: a4, letter)" in str(raised.value)


@pytest.mark.slow
def test_a_guide_pdf_carries_its_worksheets_workbooks(every_output: Path) -> None:
    """Each guide's blank worksheets ride inside its PDF as associated files that open as the
    client's workbook: the very file the build wrote beside it."""
    library = loaded(ROOT)
    for (guide_id, language), guide in sorted(library.guides.items()):
        path = every_output / "default" / language / f"{guide_id}.pdf"
        with pikepdf.open(path) as document:
            attached = dict(document.attachments.items())
            expected = {
                f"{guide_id}-{'worksheet' if sheet == guide.framework else sheet}-blank.xlsx"
                for sheet in (guide.framework, *guide.worksheets)
            }
            assert set(attached) == expected, path
            assert len(document.Root.AF) == len(expected)
            for name, spec in attached.items():
                data = spec.get_file().read_bytes()
                assert (
                    load_workbook(BytesIO(data)).sheetnames[0]
                    == library.ui[language].workbook.instructions
                ), name
                assert data == (path.parent / name).read_bytes(), name
