"""Every guide × language × variant × format, read back: the shipped library and the minimal
fixture project (which has a form and a checklist besides its grid).

One parametrised test over the shared builds (``every_output``, ``minimal_output``): each
output holds every stage name and row label (grids), field label (forms) or item (checklists) of
its worksheets, and every entry of the examples it shows, as its format's own reader sees it.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from generator.model import BLANK, Checklist, Form, Job, Library, Worksheet
from generator.plan import plan
from tests.conftest import MINIMAL, ROOT, loaded, pdf_text, squash

PROJECTS = {"shipped": ROOT, "minimal": MINIMAL}
LIBRARIES = {name: loaded(path) for name, path in PROJECTS.items()}
CASES = [
    (name, job)
    for name, library in LIBRARIES.items()
    for job in plan(library)
    if name == "shipped" or job.guide == "onboarding"
]


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


def worksheet_words(worksheet: Worksheet) -> list[str]:
    """The labels a worksheet always shows, blank or filled."""
    if isinstance(worksheet, Form):
        return [field.label for field in worksheet.fields]
    if isinstance(worksheet, Checklist):
        return [item.text for item in worksheet.items]
    return [s.name for s in worksheet.stages] + [r.label for r in worksheet.rows]


def expected_words(library: Library, job: Job) -> list[str]:
    guide = library.guides[(job.guide, job.language)]
    if job.document == "guide":
        worksheets = library.worksheets_of(guide)
        example_ids = [item.example for item in guide.contents if item.example]
    else:
        worksheet_id = job.worksheet or guide.framework
        worksheets = [library.frameworks[(worksheet_id, guide.language)]]
        example_ids = [] if job.variant == BLANK else [job.variant]
    words = [word for worksheet in worksheets for word in worksheet_words(worksheet)]
    for example_id in example_ids:
        words += library.example(guide, example_id).words()
    return words


@pytest.mark.parametrize(
    ("project", "job"), CASES, ids=[f"{name}:{job.relative_path()}" for name, job in CASES]
)
def test_every_output_holds_its_worksheets_and_entries(
    every_output: Path, minimal_output: Path, project: str, job: Job
) -> None:
    out = every_output if project == "shipped" else minimal_output
    text = squash(read_back(out / job.relative_path()))
    words = expected_words(LIBRARIES[project], job)
    assert words
    missing = [word for word in words if squash(word) not in text]
    assert not missing
    if job.document == "worksheet" and job.format == "pdf":
        # a copy of its page in the guide, whole: a worksheet that ran over would show here
        assert len(PdfReader(out / job.relative_path()).pages) == 1
