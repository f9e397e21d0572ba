"""The PDFs read back: text, pages, structure and metadata, as a reader sees them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import api
from generator.document import build_view
from generator.layouts import Layouts
from generator.model import Job, Library
from generator.renderers.pdf import render_html
from tests.conftest import MINIMAL, ROOT, copy_project, loaded, pdf_text, squash


def grid_words(library: Library, example_id: str | None) -> list[str]:
    """Every stage name, row label and (for an example) entry of the Kundresan grid."""
    framework = library.frameworks[("kundresan", "sv")]
    words = [s.name for s in framework.stages] + [r.label for r in framework.rows]
    if example_id:
        example = library.examples[("kundresan", "sv", example_id)]
        words += [
            entry for rows in example.cells.values() for cell in rows.values() for entry in cell
        ]
    return words


def is_landscape(page) -> bool:
    return float(page.mediabox.width) > float(page.mediabox.height)


@pytest.mark.parametrize("variant", ["blank", "generell"])
def test_worksheet_is_one_landscape_page_with_the_whole_grid(
    built: Path, library: Library, variant: str
) -> None:
    path = built / f"kundresan-worksheet-{variant}.pdf"
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    assert is_landscape(reader.pages[0])
    text = squash(pdf_text(path))
    for word in grid_words(library, None if variant == "blank" else variant):
        assert squash(word) in text, word


def test_guide_holds_every_section_stage_row_and_example_entry(
    built: Path, library: Library
) -> None:
    guide = library.guides[("kundresan", "sv")]
    text = squash(pdf_text(built / "kundresan.pdf"))
    for section in guide.sections.values():
        assert squash(section.title) in text, section.title
    for word in grid_words(library, "generell"):
        assert squash(word) in text, word


def page_of_heading(pages: list[str], heading: str) -> int:
    """The 1-based page with a line that is this heading (after the contents page), alone or
    with the attached workbook's note set beside it."""
    note = loaded(ROOT).ui["sv"].attached[:20]
    for number, text in enumerate(pages[2:], start=3):
        lines = [line.strip() for line in text.splitlines()]
        if any(line == heading or (line.startswith(heading) and note in line) for line in lines):
            return number
    raise AssertionError(f"{heading!r} is on no page")


def test_contents_page_numbers_and_bookmarks_point_at_the_real_pages(
    built: Path, library: Library
) -> None:
    reader = PdfReader(built / "kundresan.pdf")
    pages = pdf_text(built / "kundresan.pdf", "layout").split("\f")
    contents = pages[1]
    outline = {
        item.title: reader.get_destination_page_number(item) + 1 for item in _flat(reader.outline)
    }
    guide = library.guides[("kundresan", "sv")]
    for section in guide.sections.values():
        actual = page_of_heading(pages, section.title)
        line = next(line for line in contents.splitlines() if section.title in line)
        assert line.split()[-1] == str(actual), line
        assert outline[section.title] == actual
    assert outline["Din mall: Kundresan"] == page_of_heading(pages, "Din mall: Kundresan")


def _flat(outline: list) -> list:
    items = []
    for item in outline:
        items.extend(_flat(item) if isinstance(item, list) else [item])
    return items


def test_guide_is_portrait_with_grids_on_their_own_landscape_pages(built: Path) -> None:
    reader = PdfReader(built / "kundresan.pdf")
    landscape = [n for n, page in enumerate(reader.pages, start=1) if is_landscape(page)]
    assert len(landscape) == 2  # the example and the blank template
    for number in landscape:
        text = reader.pages[number - 1].extract_text()
        assert "Exempel på en generell kundresa" in text or "Din mall: Kundresan" in text
    assert not is_landscape(reader.pages[0])


def test_guide_metadata_language_tags_and_embedded_subset_fonts(built: Path) -> None:
    reader = PdfReader(built / "kundresan.pdf")
    assert reader.metadata.title == "Kundresan i sociala medier"
    assert reader.metadata.author == "journeykit"
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # a tagged PDF
    fonts = {
        font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("+Inter" in name for name in fonts), fonts  # subset prefix ABCDEF+


def test_running_header_and_page_numbers(built: Path) -> None:
    pages = pdf_text(built / "kundresan.pdf", "layout").split("\f")
    assert "Kundresan i sociala medier" in pages[3]
    assert pages[3].rstrip().endswith("4")


def test_html_marks_the_document_language_and_english_loanwords(
    library: Library, layouts: Layouts
) -> None:
    job = Job(guide="kundresan", language="sv", brand="default", document="guide", format="pdf")
    html = render_html(build_view(library, job), layouts)
    assert '<html lang="sv">' in html
    assert '<span lang="en">Lead nurturing</span>' in html
    assert "hyphens: auto" in html


def test_rebuilds_give_identical_bytes(render_job) -> None:
    first = render_job("pdf", "worksheet", "generell")
    assert b"/CreationDate" not in first and b"/ModDate" not in first
    assert first == render_job("pdf", "worksheet", "generell", fresh=True)


def test_a_worksheet_that_runs_over_its_page_is_copied_whole(tmp_path: Path) -> None:
    """Worksheet PDFs are the guide's pages: a form too long for one page keeps every field."""
    project = copy_project(MINIMAL, tmp_path / "project")
    fields = "".join(
        f'  - {{id: f{n}, label: "Field {n}", help: "Room to write.", lines: 4}}\n'
        for n in range(14)
    )
    framework = project / "content/frameworks/profile.en.yaml"
    framework.write_text(f'kind: form\ntitle: "Customer profile"\nfields:\n{fields}', "utf-8")
    example = project / "content/examples/profile/sample-profile.en.yaml"
    example.unlink()
    guide = project / "content/guides/onboarding/guide.en.yaml"
    guide.write_text(guide.read_text("utf-8").replace("  - example: sample-profile\n", ""), "utf-8")
    result = api.build(project, guide=["onboarding"], format=["pdf"], variant=["blank"], jobs=1)
    assert result.ok and len(result.written) == 3
    sheet = PdfReader(project / "output/default/en/onboarding-profile-blank.pdf")
    assert len(sheet.pages) > 1
    text = "".join(page.extract_text() for page in sheet.pages)
    assert "Field 0" in text and "Field 13" in text


def test_a_cell_too_long_for_its_page_loses_no_word(tmp_path: Path) -> None:
    """An example whose cells hold 400 words each: the grid runs on over further pages, its
    headings repeated, and every word is printed."""
    project = copy_project(MINIMAL, tmp_path / "project")
    words = " ".join(f"ord{n}" for n in range(400))
    (project / "content/examples/funnel/sample.en.yaml").write_text(
        f'title: "A sample funnel"\ncells:\n'
        f'  attract: {{goal: ["{words}"], kpi: ["{words}"]}}\n'
        f'  convert: {{goal: ["{words}"], kpi: ["Sales"]}}\n',
        encoding="utf-8",
    )
    narrow = {"guide": ["onboarding"], "variant": ["sample"], "format": ["pdf"], "jobs": 1}
    assert api.build(project, **narrow).ok
    text = pdf_text(project / "output/default/en/onboarding-worksheet-sample.pdf")
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) > 1 and all("Attract" in page for page in pages)  # headings repeated
    assert all(f"ord{n}" in text for n in range(400))


def test_a_short_section_before_a_blank_grid_shares_its_page(built: Path) -> None:
    """ "Din tur!" is a few lines: on the template's landscape page, not alone on a portrait
    page before it; the worksheet's own PDF holds the worksheet alone."""
    pages = pdf_text(built / "kundresan.pdf").split("\f")
    [shared] = [page for page in pages if "Din mall: Kundresan" in page and "Ifyllt av" in page]
    assert "Din tur!" in shared
    assert "Din tur!" not in pdf_text(built / "kundresan-worksheet-blank.pdf")
