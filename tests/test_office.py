"""A real office suite accepts our files: LibreOffice converts each DOCX and XLSX to PDF
(all of them in one soffice call, the shared fixture ``converted``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from generator.model import Library
from tests.conftest import OFFICE_FILES, office_pdf_name, pdf_text, squash

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
