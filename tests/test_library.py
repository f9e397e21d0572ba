"""Every guide × language × variant × format of the shipped library, read back.

One parametrised test: each output holds every stage name, row label and (for the variant or the
examples the guide lists) every example entry, as its format's own reader sees it.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from generator.loading import load_library
from generator.model import BLANK, Library
from generator.plan import plan
from tests.conftest import ROOT, pdf_text, squash

JOBS = plan(load_library(ROOT))


def read_back(path: Path) -> str:
    """All text of an output file, through pdftotext, python-docx or openpyxl."""
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".docx":
        document = Document(BytesIO(path.read_bytes()))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    workbook = load_workbook(path)
    return "\n".join(
        str(cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def expected_words(library: Library, job) -> list[str]:
    guide = library.guides[(job.guide, job.language)]
    framework = library.framework_of(guide)
    words = [s.name for s in framework.stages] + [r.label for r in framework.rows]
    if job.document == "guide":
        example_ids = [item.example for item in guide.contents if item.example]
    else:
        example_ids = [] if job.variant == BLANK else [job.variant]
    for example_id in example_ids:
        example = library.example(guide, example_id)
        words += [e for rows in example.cells.values() for cell in rows.values() for e in cell]
    return words


@pytest.mark.parametrize("job", JOBS, ids=[str(job.relative_path()) for job in JOBS])
def test_every_output_holds_its_stages_rows_and_entries(
    every_output: Path, library: Library, job
) -> None:
    text = squash(read_back(every_output / job.relative_path()))
    missing = [word for word in expected_words(library, job) if squash(word) not in text]
    assert not missing
