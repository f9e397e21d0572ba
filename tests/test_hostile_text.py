"""Hostile text (issue 21, classes 3, 4 and 7's characters): a word too long for any line
wraps inside its cell in every format and is never cut; Markdown nested too deep is refused
with its file and line rather than dropped with what follows it; a brand's or client's name
with characters no font has is named, not printed as empty boxes."""

from __future__ import annotations

import random
import re
import subprocess
import time
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from generator import api
from generator.entries import defined_name
from generator.renderers.xlsx.table import MAX_ROW_HEIGHT
from generator.text import LONG_WORD
from tests.conftest import CSV_HEADER, MINIMAL, add_brand, copy_project, pdf_text, pdf_words

SAMPLE = Path("content/examples/funnel/sample.en.yaml")
SECTION = Path("content/guides/onboarding/sections/intro.en.md")
URL = "https://example.com/" + "".join(random.Random(21).choices("abcdefghijkmnoprstuvy", k=300))
"""A long URL with no break opportunity after its host: hyphenation has letters to try."""
NEIGHBOUR = "Sales"
"""What the cell beside the URL's holds (the example's, unchanged)."""
ZERO_WIDTH = "\u200b\u00ad"


def with_entry(project: Path, entry: str) -> Path:
    """The minimal project with ``entry`` as the funnel example's attract × KPI cell."""
    sample = project / SAMPLE
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace('"Click-through rate"', f'"{entry}"'), encoding="utf-8")
    return project


def squeezed(text: str) -> str:
    """Text without its line breaks, spaces and zero-width break opportunities."""
    return re.sub(rf"[\s{ZERO_WIDTH}]", "", text)


@pytest.fixture(scope="module")
def long_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example worksheet with :data:`URL` in a cell, as PDF, DOCX and XLSX: their folder."""
    folder = tmp_path_factory.mktemp("long-url")
    project = with_entry(copy_project(MINIMAL, folder / "project"), f"CTR at {URL} weekly")
    out = folder / "out"
    result = api.build(project, out=out, guide=["onboarding"], variant=["sample"], jobs=1)
    assert result.ok and len(result.written) == 3, result.failed
    return out / "default" / "en"


# --- class 3: long words ------------------------------------------------------------------------


def test_a_long_url_wraps_inside_its_cell_in_the_pdf(long_url: Path) -> None:
    """Every piece of the URL lies left of the neighbouring cell and on the page: it neither
    overprints the cell beside it nor runs off the page."""
    pdf = long_url / "onboarding-worksheet-sample.pdf"
    [page] = pdf_words(pdf)
    words = page.words
    neighbour = next(word for word in words if word.text == NEIGHBOUR)
    pieces = [word for word in words if len(word.text) > 8 and squeezed(word.text) in URL]
    assert len(pieces) >= 4, [word.text for word in words]  # a long word takes several lines
    assert all(word.right < neighbour.left for word in pieces)
    assert all(word.left >= 0 and word.right <= page.width for word in words)


def test_a_long_url_is_whole_in_the_pdf_text_once_and_unhyphenated(long_url: Path) -> None:
    text = pdf_text(long_url / "onboarding-worksheet-sample.pdf")
    assert squeezed(text).count(URL) == 1
    assert "\u2010" not in text and "-\n" not in text  # no hyphen put into the URL


def test_a_long_url_is_the_docx_cells_text_exactly(long_url: Path) -> None:
    """No zero-width space in the DOCX: Word and LibreOffice break a word too long for its
    cell themselves, and a client copies the URL as written."""
    document = Document(str(long_url / "onboarding-worksheet-sample.docx"))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert f"CTR at {URL} weekly" in texts


def test_a_long_url_is_the_xlsx_cells_value_exactly_wrapped_in_a_row_excel_holds(
    long_url: Path,
) -> None:
    workbook = load_workbook(long_url / "onboarding-worksheet-sample.xlsx")
    cells = [
        (sheet, cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == f"CTR at {URL} weekly"
    ]
    assert cells
    for sheet, cell in cells:
        assert cell.alignment.wrap_text
        assert sheet.row_dimensions[cell.row].height <= MAX_ROW_HEIGHT


@pytest.mark.slow
def test_a_word_of_32767_characters_is_laid_out_in_bounded_time_and_kept_whole(
    tmp_path: Path,
) -> None:
    """Excel's longest cell as one word of letters (which WeasyPrint tried to hyphenate at every
    place: a thousand letters took seconds, 32 767 never finished): the worksheet runs over
    pages, says so, and loses nothing. Generous: it takes about 4 s here."""
    word = "".join(random.Random(7).choices("ABCDEFGHIJKLMNOPRSTUVY0123456789", k=32_767))
    project = with_entry(copy_project(MINIMAL, tmp_path / "project"), word)
    started = time.monotonic()
    result = api.build(
        project, out=tmp_path / "out", guide=["onboarding"], variant=["sample"], jobs=1
    )
    assert time.monotonic() - started < 60
    assert result.ok and len(result.written) == 3, result.failed
    spills = [w.message for w in result.warnings if "runs over" in w.message]
    assert spills and all(m.endswith("shorten its longest entries") for m in spills), spills
    folder = tmp_path / "out" / "default" / "en"
    lines = pdf_text(folder / "onboarding-worksheet-sample.pdf").splitlines()
    ours = "".join(line for line in map(squeezed, lines) if re.fullmatch(r"[A-Z0-9]+", line))
    assert ours.count(word) == 1  # across its pages, between their headers and footers
    document = Document(str(folder / "onboarding-worksheet-sample.docx"))
    assert word in [cell.text for table in document.tables for cell in table._cells]
    workbook = load_workbook(folder / "onboarding-worksheet-sample.xlsx")
    [(sheet, cell)] = [
        (sheet, cell)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == word
    ]
    assert sheet.row_dimensions[cell.row].height == MAX_ROW_HEIGHT  # Excel's tallest row


def filled_workbook(project: Path, entry: str, path: Path) -> tuple[Path, str]:
    """The project's blank onboarding workbook with ``entry`` in the funnel's attract × KPI
    cell, saved at ``path``: the path, and the cell (``Sheet!C5``)."""
    files = api.render(project, guide="onboarding", variant="blank", format="xlsx")
    workbook = load_workbook(BytesIO(files["en/onboarding-worksheet-blank.xlsx"]))
    [(title, coordinate)] = workbook.defined_names[
        defined_name("funnel", "attract", "kpi")
    ].destinations
    cell = coordinate.replace("$", "")
    workbook[title][cell] = entry
    workbook.save(path)
    return path, f"{title}!{cell}"


def test_a_clients_imported_long_entry_wraps_and_is_whole(tmp_path: Path) -> None:
    """The same URL typed by a client into their workbook and imported."""
    project = copy_project(MINIMAL, tmp_path / "project")
    filled, _ = filled_workbook(project, f"See {URL}", tmp_path / "filled.xlsx")
    result = api.import_workbook(filled, project, name="Acme AB", out=tmp_path / "out")
    assert result.build.ok, result.build.failed
    pdfs = [written.path for written in result.build.written if written.path.suffix == ".pdf"]
    assert pdfs
    for pdf in pdfs:
        assert squeezed(pdf_text(pdf)).count(URL) == 1, pdf.name
        for page in pdf_words(pdf):
            assert all(word.right <= page.width for word in page.words)


def test_a_long_word_in_a_sections_text_and_code_wraps_within_the_text(tmp_path: Path) -> None:
    """Prose, a table's cell, inline code and a link's text: each long word is whole and none
    runs past the right margin (22 mm less than the page)."""
    project = copy_project(MINIMAL, tmp_path / "project")
    section = project / SECTION
    body = (
        f"Read {URL} first.\n\nOr `{URL}` as code, or [{URL}]({URL}).\n\n"
        f"| Where | What |\n|---|---|\n| {URL} | the page |\n"
    )
    section.write_text(section.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")
    out = tmp_path / "out"
    result = api.build(project, out=out, guide=["onboarding"], variant=[], format=["pdf"], jobs=1)
    assert result.ok, result.failed
    pdf = out / "default" / "en" / "onboarding.pdf"
    assert squeezed(pdf_text(pdf)).count(URL) == 4
    margin = 20 * 72 / 25.4  # the right margin of a page of prose, in points
    pieces = [
        (word, page.width)
        for page in pdf_words(pdf)
        for word in page.words
        if len(word.text) > 8 and squeezed(word.text) in URL
    ]
    assert len(pieces) >= 4 * 4  # each of the four on several lines
    assert all(word.right <= width - margin + 1 for word, width in pieces)


def test_words_up_to_the_limit_are_left_to_hyphenation(tmp_path: Path) -> None:
    """A long compound of a language is a word: only runs past :data:`LONG_WORD` get breaks."""
    from generator.model import UiStrings
    from generator.text import mark_languages

    ui = api.load(MINIMAL).ui["en"]
    assert isinstance(ui, UiStrings)
    word = "a" * LONG_WORD
    assert str(mark_languages(word, ui, breakable=True)) == word
    longer = str(mark_languages(word + "b", ui, breakable=True))
    assert 'class="long-word"' in longer and "\u200b" in longer


# --- class 4: Markdown that would vanish ---------------------------------------------------------


def nested(levels: int) -> str:
    """A bullet list ``levels`` deep, a line after it."""
    items = [f"{'  ' * depth}- level {depth + 1}" for depth in range(levels)]
    return "First paragraph.\n\n" + "\n".join(items) + "\n\nCANARY after the list.\n"


def with_body(project: Path, body: str) -> Path:
    """The onboarding guide's introduction with ``body`` (front matter: lines 1 to 4)."""
    (project / SECTION).write_text(
        f'---\nid: "intro"\ntitle: "Introduction"\n---\n{body}', encoding="utf-8"
    )
    return project


def test_a_list_nine_levels_deep_keeps_every_line_in_the_pdf_and_docx(tmp_path: Path) -> None:
    project = with_body(copy_project(MINIMAL, tmp_path / "project"), nested(9))
    out = tmp_path / "out"
    result = api.build(project, out=out, guide=["onboarding"], variant=[], jobs=1)
    assert result.ok, result.failed
    folder = out / "default" / "en"
    pdf = pdf_text(folder / "onboarding.pdf")
    docx = [p.text for p in Document(str(folder / "onboarding.docx")).paragraphs]
    for text in [f"level {n}" for n in range(1, 10)] + ["CANARY after the list."]:
        assert text in pdf
        assert text in docx


@pytest.mark.parametrize("levels", [10, 40, 150])
def test_a_list_nested_deeper_is_refused_with_its_file_and_line(
    tmp_path: Path, levels: int
) -> None:
    """Ten levels used to drop the tenth and everything after it, exit 0."""
    project = with_body(copy_project(MINIMAL, tmp_path / "project"), nested(levels))
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    [error] = raised.value.errors
    assert error.path is not None and error.path.name == SECTION.name
    assert error.line == 4 + 2 + 10  # the front matter, the paragraph, the tenth level
    assert "nested 10 levels deep" in error.message and error.hint and "9" in error.hint


def test_tip_boxes_nested_too_deep_are_refused(tmp_path: Path) -> None:
    body = "\n".join("> " * depth + f"tip {depth}" for depth in range(1, 12)) + "\n"
    project = with_body(copy_project(MINIMAL, tmp_path / "project"), body)
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    [error] = raised.value.errors
    assert error.line == 4 + 10 and "> tip box nested 10 levels deep" in error.message


def test_deeply_nested_inline_markup_keeps_its_text(tmp_path: Path) -> None:
    """Brackets and emphasis past the parser's nesting stay text (the parser drops only
    blocks)."""
    body = "[" * 120 + "inner" + "]" * 120 + " and " + "*" * 60 + "deep" + "*" * 60 + "\n\nEND.\n"
    project = with_body(copy_project(MINIMAL, tmp_path / "project"), body)
    out = tmp_path / "out"
    result = api.build(project, out=out, guide=["onboarding"], variant=[], jobs=1)
    assert result.ok, result.failed
    folder = out / "default" / "en"
    docx = " ".join(p.text for p in Document(str(folder / "onboarding.docx")).paragraphs)
    for text in (squeezed(pdf_text(folder / "onboarding.pdf")), squeezed(docx)):
        assert "inner" in text and "deep" in text and "END." in text


@pytest.mark.parametrize(
    ("construct", "line", "message"),
    [
        ("```\nprint('hi')\n```", 7, "a code block is not supported"),
        ("~~~\nx\n~~~", 7, "a code block is not supported"),
        ("    indented code", 7, "a code block (a line indented by four spaces is one)"),
        ("- item\n\n      code in a list", 9, "a code block"),
        ("## ![A chart](chart.png)", 7, "an image inside a heading is not supported"),
    ],
)
def test_code_and_images_the_docx_cannot_show_are_refused(
    tmp_path: Path, construct: str, line: int, message: str
) -> None:
    """What the DOCX would drop never reaches it: validation names it with file and line."""
    project = with_body(copy_project(MINIMAL, tmp_path / "project"), f"Text.\n\n{construct}\n")
    from PIL import Image

    Image.new("RGB", (40, 20), "navy").save(project / SECTION.parent / "chart.png")
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    [error] = raised.value.errors
    assert error.path is not None and error.path.name == SECTION.name
    assert error.line == line and message in error.message, str(error)


def test_an_image_is_embedded_in_the_docx_as_in_the_pdf(tmp_path: Path) -> None:
    from PIL import Image

    project = copy_project(MINIMAL, tmp_path / "project")
    Image.new("RGB", (400, 200), "navy").save(project / SECTION.parent / "chart.png")
    with_body(project, "Text.\n\n![A navy chart](chart.png)\n\nAfter.\n")
    out = tmp_path / "out"
    result = api.build(project, out=out, guide=["onboarding"], variant=[], jobs=1)
    assert result.ok, result.failed
    document = Document(str(out / "default" / "en" / "onboarding.docx"))
    described = document.element.body.xpath(".//wp:docPr/@descr")
    assert "A navy chart" in described
    assert "A navy chart" in [p.text for p in document.paragraphs]  # its caption


# --- class 7: characters no font has ---------------------------------------------------------


def installed_with(char: str) -> bool:
    """Whether fontconfig knows an installed font with ``char`` (asked here, not through
    journeykit)."""
    listed = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "file"], capture_output=True, text=True, check=True
    )
    return bool(listed.stdout.strip())


CJK = "東京"


def test_a_brand_name_in_no_font_is_refused_naming_the_field_and_characters(
    tmp_path: Path,
) -> None:
    if any(installed_with(char) for char in CJK):
        pytest.skip("a font with Chinese characters is installed: the PDF shows them")
    project = copy_project(MINIMAL, tmp_path / "project")
    add_brand(project, "tokyo", f'name: "{CJK} Consulting"\nfooter: "© {CJK}"\n')
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    errors = {error.field: error for error in raised.value.errors}
    assert set(errors) == {"name", "footer"}
    for field, line in (("name", 1), ("footer", 2)):
        error = errors[field]
        assert error.line == line and error.path is not None and error.path.name == "brand.yaml"
        assert "東 (U+6771) 京 (U+4EAC)" in error.message and "empty boxes" in error.message
        assert "Consulting" not in error.message  # only what cannot be printed


def test_a_client_row_with_such_a_name_is_skipped_with_its_line(tmp_path: Path) -> None:
    if installed_with("京"):
        pytest.skip("a font with Chinese characters is installed")
    clients = tmp_path / "clients.csv"
    clients.write_text(
        CSV_HEADER + "good,Good AB,,,,,,,en\nkyoto,京 Kyoto AB,,,,,,,en\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = api.batch(clients, MINIMAL, out=out, guide=["onboarding"], format=["xlsx"], jobs=1)
    [error] = result.rejected
    assert (error.line, error.field) == (3, "name") and "京 (U+4EAC)" in error.message
    assert {job.brand for job in result.jobs} == {"good"}


def test_a_client_name_for_a_cover_in_no_font_is_refused(tmp_path: Path) -> None:
    if installed_with("京"):
        pytest.skip("a font with Chinese characters is installed")
    with pytest.raises(api.ContentErrors) as raised:
        api.render(MINIMAL, guide="onboarding", format="pdf", prepared_for="京 Kyoto AB")
    [error] = raised.value.errors
    assert error.field == "prepared_for" and "京 (U+4EAC)" in error.message


def test_a_character_some_installed_font_has_is_printed_with_it(tmp_path: Path) -> None:
    """WeasyPrint takes a character the brand's fonts lack from an installed font: such a
    name is accepted and printed (its font embedded), not refused."""
    emoji = next((c for c in "😀☺★✓" if installed_with(c)), None)
    if emoji is None:
        pytest.skip("no installed font has any of the symbols tried")
    project = copy_project(MINIMAL, tmp_path / "project")
    add_brand(project, "smile", f'name: "Smile {emoji} AB"\n')
    files = api.render(project, brand="smile", guide="onboarding", variant="blank", format="pdf")
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(files["en/onboarding-worksheet-blank.pdf"])
    assert f"Smile {emoji} AB" in pdf_text(pdf)


def test_a_clients_entry_in_no_font_is_imported_with_a_warning_naming_its_cell(
    tmp_path: Path,
) -> None:
    """A client's words are never refused for their characters: the documents are made, and
    the import says which cell will print empty boxes and which characters."""
    if any(installed_with(char) for char in CJK):
        pytest.skip("a font with Chinese characters is installed: the PDF shows them")
    project = copy_project(MINIMAL, tmp_path / "project")
    filled, where = filled_workbook(project, f"Visits from {CJK}", tmp_path / "filled.xlsx")
    result = api.import_workbook(filled, project, name="Acme AB", out=tmp_path / "out")
    assert result.build.ok and result.build.written
    [warning] = [w for w in result.warnings if "empty boxes" in w.message]
    assert warning.field == where and "東 (U+6771) 京 (U+4EAC)" in warning.message


def test_an_authors_characters_in_no_font_are_a_warning_on_the_file(tmp_path: Path) -> None:
    """Text of a section in no font: the guide is built, and the build says which file prints
    which characters as empty boxes (WeasyPrint's own log line is not passed on)."""
    if any(installed_with(char) for char in CJK):
        pytest.skip("a font with Chinese characters is installed: the PDF shows them")
    project = copy_project(MINIMAL, tmp_path / "project")
    section = project / SECTION
    section.write_text(section.read_text(encoding="utf-8") + f"\n\nOffices in {CJK}.\n")
    result = api.build(project, out=tmp_path / "out", guide=["onboarding"], format=["pdf"])
    assert result.ok
    said = [(w.path.name, w.message) for w in result.warnings if "empty box" in w.message]
    assert ("onboarding.pdf", "東 (U+6771) prints as an empty box: no font has it") in said
