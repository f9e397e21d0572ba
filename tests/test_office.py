"""A real office suite accepts our files: LibreOffice converts each DOCX and XLSX to PDF
(all of them in one soffice call, the shared fixture ``converted``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from generator import api
from generator.model import Library
from tests.conftest import (
    BRANDED,
    OFFICE_FILES,
    copy_project,
    guide_docx,
    guide_docx_pdf_name,
    libreoffice,
    misplaced_contents,
    office_pdf_name,
    pdf_text,
    squash,
)

pytestmark = pytest.mark.slow  # LibreOffice's shared conversion


@pytest.mark.parametrize("name", OFFICE_FILES)
def test_libreoffice_converts_and_shows_every_stage(
    converted: Path, library: Library, name: str
) -> None:
    pdf = converted / office_pdf_name(name)
    assert pdf.exists(), f"LibreOffice did not convert {name}"
    text = squash(pdf_text(pdf))
    for stage in library.frameworks[("kundresan", "sv")].stages:
        assert squash(stage.name) in text


@pytest.mark.parametrize("name", [n for n in OFFICE_FILES if "worksheet" in n])
def test_worksheets_print_on_one_landscape_page(
    converted: Path, every_output: Path, name: str
) -> None:
    """A Word worksheet is one landscape page; a workbook prints a page a sheet: instructions
    portrait, then the worksheet (and its example, and the KPI tracker) landscape."""
    reader = PdfReader(converted / office_pdf_name(name))
    sheets = 1
    if name.endswith(".xlsx"):
        sheets = len(load_workbook(every_output / "default/sv" / name).sheetnames)
    assert len(reader.pages) == sheets
    pages = reader.pages[1:] if name.endswith(".xlsx") else reader.pages
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in pages)


def test_every_guides_contents_show_the_pages_libreoffice_sets_the_headings_on(
    converted: Path, every_output: Path
) -> None:
    """The contents come filled in (Word is not asked to refresh them on opening), so each
    number must be the page the heading is on: in every language, as LibreOffice lays the
    guide out (issue 17)."""
    guides = guide_docx(every_output / "default")
    assert len(guides) >= 10
    wrong = {
        path.name: misplaced
        for path in guides
        if (misplaced := misplaced_contents(path, converted / guide_docx_pdf_name(path)))
    }
    assert wrong == {}


def test_brand_fonts_and_a_logo_keep_contents_right_and_worksheets_on_one_page(
    tmp_path: Path,
) -> None:
    """A brand with its own font (Lato) and a logo in every page's header, and one whose body
    is the installed DejaVu Serif: each guide's contents number its headings' pages as
    LibreOffice sets them, and every blank worksheet is one page, PDF and DOCX (issue 17)."""
    project = copy_project(BRANDED, tmp_path / "project")
    serif = project / "content/brands/serif"
    serif.mkdir()
    (serif / "brand.yaml").write_text(
        'name: "Serif & Co"\nfonts: {heading: "DejaVu Serif", body: "DejaVu Serif"}\n'
        "language: sv\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = api.build(
        project, out=out, brand=["acme", "serif"], format=["pdf", "docx"], lang=["sv"]
    )
    assert result.ok and not [w for w in result.warnings if "runs over" in w.message]
    blanks = sorted(out.glob("*/sv/*-blank.*"))
    assert len(blanks) == 2 * 2 * 5  # two brands, two formats, five blank worksheets
    converted = tmp_path / "converted"
    staged = tmp_path / "staged"
    staged.mkdir()
    guides = [*guide_docx(out / "acme"), *guide_docx(out / "serif")]
    for path in [*(p for p in blanks if p.suffix == ".docx"), *guides]:
        shutil.copy(path, staged / f"{path.parents[1].name}-{path.name}")
    libreoffice("pdf", sorted(staged.iterdir()), converted, tmp_path / "profile")
    for path in blanks:
        pdf = (
            path if path.suffix == ".pdf" else converted / f"{path.parents[1].name}-{path.stem}.pdf"
        )
        assert len(PdfReader(pdf).pages) == 1, pdf.name
    wrong = {}
    for brand in ("acme", "serif"):
        for path in guide_docx(out / brand):
            misplaced = misplaced_contents(path, converted / f"{brand}-{path.stem}.pdf")
            if misplaced:
                wrong[f"{brand}/{path.name}"] = misplaced
    assert wrong == {}
