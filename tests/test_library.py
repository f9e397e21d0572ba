"""Every guide × language × variant × format, read back: the shipped library and the minimal
fixture project (which has a form and a checklist besides its grid).

A parametrised test over each shared build (``every_output``, ``minimal_output``): each
output holds every stage name and row label (grids), field label (forms) or item (checklists) of
its worksheets, and every entry of the examples it shows, as its format's own reader sees it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from generator.model import BLANK, Checklist, Example, Form, Job, Library, Worksheet
from generator.plan import plan
from tests.conftest import MINIMAL, ROOT, loaded, pdf_text, read_back, squash

PROJECTS = {"shipped": ROOT, "minimal": MINIMAL}
LIBRARIES = {name: loaded(path) for name, path in PROJECTS.items()}
CASES = [
    (name, job)
    for name, library in LIBRARIES.items()
    for job in plan(library)
    if name == "shipped" or job.guide == "onboarding"
]


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
        ids = [guide.framework, *guide.worksheets]
        worksheets = [library.frameworks[(worksheet_id, guide.language)] for worksheet_id in ids]
        example_ids = [item.example for item in guide.contents if item.example]
    else:
        worksheet_id = job.worksheet or guide.framework
        worksheets = [library.frameworks[(worksheet_id, guide.language)]]
        example_ids = [] if job.variant == BLANK else [job.variant]
    words = [word for worksheet in worksheets for word in worksheet_words(worksheet)]
    for example_id in example_ids:
        words += example_words(library.example(guide, example_id))
    return words


def example_words(example: Example) -> list[str]:
    """Every piece of text an example fills in: grid cells, form values, checklist notes."""
    cells = [e for rows in example.cells.values() for cell in rows.values() for e in cell]
    return (
        cells + [e for value in example.values.values() for e in value] + [*example.notes.values()]
    )


def assert_holds_its_worksheets_and_entries(out: Path, project: str, job: Job) -> None:
    text = squash(read_back(out / job.relative_path()))
    words = expected_words(LIBRARIES[project], job)
    assert words
    missing = [word for word in words if squash(word) not in text]
    assert not missing
    if job.document == "worksheet" and job.format == "pdf":
        # a copy of its page in the guide, whole: a worksheet that ran over would show here
        assert len(PdfReader(out / job.relative_path()).pages) == 1


SHIPPED = [job for name, job in CASES if name == "shipped"]
MINIMAL_JOBS = [job for name, job in CASES if name == "minimal"]


@pytest.mark.slow
@pytest.mark.parametrize("job", SHIPPED, ids=[f"shipped:{job.relative_path()}" for job in SHIPPED])
def test_every_output_holds_its_worksheets_and_entries(every_output: Path, job: Job) -> None:
    assert_holds_its_worksheets_and_entries(every_output, "shipped", job)


@pytest.mark.parametrize(
    "job", MINIMAL_JOBS, ids=[f"minimal:{job.relative_path()}" for job in MINIMAL_JOBS]
)
def test_every_minimal_output_holds_its_worksheets_and_entries(
    minimal_output: Path, job: Job
) -> None:
    assert_holds_its_worksheets_and_entries(minimal_output, "minimal", job)


CREDITED = [
    (name, job)
    for name, job in CASES
    if name == "shipped"
    and "thatsocialmediaguy.se" in LIBRARIES[name].guides[(job.guide, job.language)].credit
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("project", "job"), CREDITED, ids=[str(j.relative_path()) for _, j in CREDITED]
)
def test_every_document_of_a_credited_guide_carries_its_credit(
    every_output: Path, project: str, job: Job
) -> None:
    """The licence asks for the source wherever the material goes, in part too: every
    worksheet's PDF foot, every DOCX footer, the XLSX's print footer and its sheet."""
    credit = LIBRARIES[project].guides[(job.guide, job.language)].credit
    path = every_output / job.relative_path()
    if path.suffix == ".pdf":
        texts = [squash(page) for page in pdf_text(path).split("\f") if page.strip()]
        pages = texts if job.document == "worksheet" else texts[-1:]
        assert all(squash(credit) in page for page in pages)
    elif path.suffix == ".docx":
        document = Document(path)
        for section in document.sections:
            assert credit in [paragraph.text for paragraph in section.footer.paragraphs]
    else:
        sheet = load_workbook(path).worksheets[0]
        footer = sheet.oddFooter
        assert footer.center.text == credit.replace("&", "&&")
        assert credit in [cell.value for row in sheet.iter_rows() for cell in row]
        parts = (footer.left, footer.center, footer.right)
        assert len("".join(part.text or "" for part in parts)) < 255 - 3 * 24  # with font codes


@pytest.mark.slow
def test_english_documents_have_english_file_names(every_output: Path) -> None:
    """No id of a Swedish or Norwegian guide, worksheet or example in an English file's name."""
    library = LIBRARIES["shipped"]
    other_ids = {
        identifier
        for (identifier, language) in [*library.guides, *library.frameworks]
        if language != "en"
    } | {example_id for (_, language, example_id) in library.examples if language != "en"}
    names = [path.name for path in every_output.glob("*/en/*.*")]
    assert names
    swedish = [
        (name, identifier)
        for name in names
        for identifier in other_ids
        if re.search(rf"(^|-){re.escape(identifier)}(-|\.)", name)
    ]
    assert not swedish
