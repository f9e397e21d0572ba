"""A real office suite accepts our files: LibreOffice converts each DOCX and XLSX to PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.model import Library
from tests.conftest import pdf_text, squash


@pytest.fixture(scope="module")
def converted(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every DOCX and XLSX of the default build, converted to PDF by LibreOffice headless."""
    out = tmp_path_factory.mktemp("libreoffice")
    profile = tmp_path_factory.mktemp("lo-profile")
    files = sorted(str(p) for p in built.iterdir() if p.suffix in (".docx", ".xlsx"))
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


OFFICE_FILES = [
    "kundresan.docx",
    "kundresan-worksheet-blank.docx",
    "kundresan-worksheet-generell.docx",
    "kundresan-worksheet-blank.xlsx",
    "kundresan-worksheet-generell.xlsx",
]


@pytest.mark.parametrize("name", OFFICE_FILES)
def test_libreoffice_converts_and_shows_every_stage(
    converted: Path, library: Library, name: str
) -> None:
    pdf = converted / (Path(name).stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not convert {name}"
    text = squash(pdf_text(pdf))
    for stage in library.frameworks[("kundresan", "sv")].stages:
        assert squash(stage.name) in text


@pytest.mark.parametrize("name", [n for n in OFFICE_FILES if "worksheet" in n])
def test_worksheets_print_on_one_landscape_page(converted: Path, name: str) -> None:
    reader = PdfReader(converted / (Path(name).stem + ".pdf"))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
