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

from generator.lint import lint
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


ENGLISH_EDITIONS = {
    "customer-journey": "kundresan",
    "engagement-ladder": "intressetrappan",
    "kpi-per-stage": "kpi-per-fas",
    "b2b-journey": "b2b-kundresan",
    "buyer-journey": "kundereisen",
}
"""Each English guide and the Swedish or Norwegian guide it is the English edition of."""


def worksheet_shape(worksheet: Worksheet) -> tuple[object, ...]:
    """A worksheet's structure without its words: its kind, and its stages, rows, prompts and
    KPI rows, or its fields and their lines, or its number of items."""
    if isinstance(worksheet, Form):
        return ("form", [field.lines for field in worksheet.fields])
    if isinstance(worksheet, Checklist):
        return ("checklist", len(worksheet.items))
    stages = [stage.id for stage in worksheet.stages]
    rows = [(row.kpi, sorted(stages.index(s) for s in row.prompts)) for row in worksheet.rows]
    return ("grid", len(stages), rows)


def example_shape(example: Example, worksheet: Worksheet) -> tuple[object, ...]:
    """How many entries an example puts where, by position rather than by id."""
    if isinstance(worksheet, Form):
        return tuple(len(example.values.get(field.id, [])) for field in worksheet.fields)
    if isinstance(worksheet, Checklist):
        return (len(example.checked), len(example.notes))
    return tuple(
        len(example.entries(stage.id, row.id))
        for stage in worksheet.stages
        for row in worksheet.rows
    )


def guide_shape(library: Library, guide_id: str, language: str) -> list[tuple[object, ...]]:
    """A guide's contents in order, each entry by kind and structure rather than by its words:
    a section's stage (by position), contact card and page break; a template's worksheet; an
    example's worksheet and where its entries are."""
    guide = library.guides[(guide_id, language)]
    worksheet_ids = [guide.framework, *guide.worksheets]
    main = library.frameworks[(guide.framework, language)]
    stages = [stage.id for stage in main.stages] if not isinstance(main, Form | Checklist) else []
    shape: list[tuple[object, ...]] = []
    for item in guide.contents:
        if item.section:
            section = guide.sections[item.section]
            stage = stages.index(section.stage) if section.stage else None
            shape.append(("section", stage, section.contact, section.new_page))
        elif item.example:
            example = library.example(guide, item.example)
            worksheet = library.frameworks[(example.framework, language)]
            where = worksheet_ids.index(example.framework)
            shape.append(("example", where, example_shape(example, worksheet)))
        else:
            template = guide.framework if item.template is True else item.template
            shape.append(("template", worksheet_ids.index(template)))
    worksheets = [worksheet_shape(library.frameworks[(w, language)]) for w in worksheet_ids]
    return [*shape, ("worksheets", worksheets)]


def test_five_guides_have_an_english_edition_of_the_same_shape() -> None:
    """Every seed guide has an English edition (issue 17): its own English id, the same
    sections in the same order (stages, contact cards, page breaks), the same worksheets
    (stages, rows, a stage's own questions, form fields, checklist items) and examples with as
    many entries in each cell as the original's."""
    library = LIBRARIES["shipped"]
    english = {guide_id for guide_id, language in library.guides if language == "en"}
    others = {guide_id: language for guide_id, language in library.guides if language != "en"}
    assert english == set(ENGLISH_EDITIONS) and len(english) == 5
    assert set(ENGLISH_EDITIONS.values()) == set(others)  # every seed guide, once
    for english_id, original_id in ENGLISH_EDITIONS.items():
        assert guide_shape(library, english_id, "en") == guide_shape(
            library, original_id, others[original_id]
        ), english_id


def test_the_english_examples_get_the_same_advice_as_their_originals() -> None:
    """An English example is linted as its original is (the shipped Kundresan and
    Intressetrappan keep the source's three KPIs under customer satisfaction): the English
    editions add no warning of their own, so ``validate --strict`` finds nothing new in them."""
    library = LIBRARIES["shipped"]
    warned: dict[Path, int] = {}
    for warning in lint(library):
        assert warning.path is not None
        warned[warning.path] = warned.get(warning.path, 0) + 1
    others = {guide_id: language for guide_id, language in library.guides if language != "en"}
    for english_id, original_id in ENGLISH_EDITIONS.items():
        pairs = zip(
            [i.example for i in library.guides[(english_id, "en")].contents if i.example],
            [
                i.example
                for i in library.guides[(original_id, others[original_id])].contents
                if i.example
            ],
            strict=True,
        )
        for english_example, original_example in pairs:
            english_path = library.example(library.guides[(english_id, "en")], english_example).path
            original = library.example(
                library.guides[(original_id, others[original_id])], original_example
            ).path
            assert warned.get(english_path, 0) == warned.get(original, 0), english_path
