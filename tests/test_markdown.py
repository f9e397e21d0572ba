"""A section's Markdown: tables and images in the PDF and the DOCX, and what validation refuses
(with its file and line) instead of a document printing it raw or dropping it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import _Cell
from lxml import etree
from PIL import Image
from pypdf import PageObject, PdfReader

from generator import api
from generator.quick import Inputs, remember, up_to_date
from tests.conftest import ROOT, copy_project, libreoffice, pdf_text, poppler, run_cli

MARKDOWN = ROOT / "tests" / "projects" / "markdown"
"""A small English project: the guide "tables" with a section holding a table, and one holding
two images (one in the guide's images/ folder, one beside the section)."""
SECTIONS = Path("content/guides/tables/sections")
TABLE = [
    ["Channel", "Cost a month", "Best for"],
    ["Newsletter", "40 EUR", "keeping customers"],
    ["Search ads", "900 EUR", "being found the day they ask"],
    ["Events", "2 500 EUR", "a word with the decision makers"],
]
CAPTIONS = ["Leads by month, January to June", "The team at work"]
TEXT_WIDTH = Mm(210 - 2 * 22)
"""A4 less the DOCX guide's margins."""


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's guide built as PDF and DOCX: the folder of its files."""
    out = tmp_path_factory.mktemp("markdown")
    result = api.build(MARKDOWN, out=out, guide=["tables"], format=["pdf", "docx"], jobs=1)
    assert result.ok and len(result.written) == 4, result.failed
    return out / "default" / "en"


def test_a_table_reads_in_order_in_the_pdf_without_its_pipes(tables: Path) -> None:
    text = pdf_text(tables / "tables.pdf")
    assert "|" not in text and "---" not in text
    lines = [line.strip() for line in text.splitlines()]
    rows = [" ".join(row) for row in TABLE]
    assert [line for line in lines if line in rows] == rows


def test_a_table_is_a_word_table_styled_as_the_worksheets(tables: Path) -> None:
    document = Document(str(tables / "tables.docx"))
    found = [t for t in document.tables if t.rows[0].cells[0].text == "Channel"]
    assert len(found) == 1
    table = found[0]
    assert [[cell.text for cell in row.cells] for row in table.rows] == TABLE
    grid = next(t for t in document.tables if t is not table)  # the blank template's grid

    def fill(cell: _Cell) -> str | None:
        shade = cell._tc.get_or_add_tcPr().find(qn("w:shd"))
        return None if shade is None else shade.get(qn("w:fill"))

    assert fill(table.rows[0].cells[0]) == fill(grid.rows[0].cells[1])  # the brand colour
    assert fill(table.rows[1].cells[0]) is None
    borders = [t._tbl.tblPr.find(qn("w:tblBorders")) for t in (table, grid)]
    assert etree.tostring(borders[0]) == etree.tostring(borders[1])
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    width = sum(int(w) for w in table._tbl.tblGrid.xpath("w:gridCol/@w:w"))
    assert abs(width - TEXT_WIDTH.twips) <= len(TABLE[0])  # the text's width, not more
    link = table.rows[3].cells[2].paragraphs[0]._p.find(qn("w:hyperlink"))
    assert link is not None and "decision makers" in "".join(link.itertext())
    right = table.rows[1].cells[1].paragraphs[0].alignment
    assert right is not None and right.name == "RIGHT"  # |---:| aligns the column right


def test_images_are_in_the_pdf_at_the_text_width_with_their_captions(tables: Path) -> None:
    pdf = tables / "tables.pdf"
    shown = drawn_images(pdf)
    assert sorted(size for _, size in shown) == [(600, 400), (900, 450)]
    for page, _ in shown:  # each on a page with its caption
        text = pdf_text(pdf, pages=(page, page))
        assert any(caption in text for caption in CAPTIONS)
    widths = [width for page in PdfReader(pdf).pages for width in _image_widths(page)]
    text_width = 210 - 20 - 22  # the PDF's A4 page less its margins, in mm
    assert len(widths) == 2 and all(abs(width - text_width) < 1 for width in widths), widths
    with pikepdf.open(pdf) as document:
        tagged = {
            str(obj.get("/Alt"))
            for obj in document.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure"
        }
    assert set(CAPTIONS) <= tagged  # alternative text for a screen reader (PDF/UA)


def drawn_images(pdf: Path) -> list[tuple[int, tuple[int, int]]]:
    """Each image a PDF draws: its page and its size in pixels (``pdfimages -list``)."""
    rows = [row.split() for row in poppler("pdfimages", "-list", pdf).splitlines()[2:]]
    return [(int(row[0]), (int(row[3]), int(row[4]))) for row in rows]


def _image_widths(page: PageObject) -> list[float]:
    """The width in mm of each image a page draws (its matrix, in the CSS pixels WeasyPrint
    draws in)."""
    data = page.get_contents().get_data().decode("latin-1")
    matrix = r"([-\d.]+) 0 0 ([-\d.]+) [-\d.]+ [-\d.]+ cm\s*/\w+ Do"
    return [abs(float(match[1])) / 96 * 25.4 for match in re.finditer(matrix, data)]  # CSS px


def test_images_are_in_the_docx_at_the_text_width_with_their_captions(tables: Path) -> None:
    document = Document(str(tables / "tables.docx"))
    pictures = {
        shape._inline.docPr.get("descr"): shape
        for shape in document.inline_shapes
        if shape._inline.docPr.get("descr") in CAPTIONS
    }
    assert sorted(pictures) == sorted(CAPTIONS)
    for picture in pictures.values():
        assert abs(picture.width - TEXT_WIDTH) < Mm(0.1)
    assert pictures["The team at work"].height == pytest.approx(TEXT_WIDTH * 400 / 600, rel=0.01)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == CAPTIONS


@pytest.mark.slow
def test_libreoffice_shows_the_table_and_the_images(tables: Path, tmp_path: Path) -> None:
    """A real office suite opens the DOCX with the table's cells in order and both pictures,
    and the contents' page numbers (estimated when writing) count the table and the pictures."""
    libreoffice("pdf", [tables / "tables.docx"], tmp_path, tmp_path / "profile")
    converted = tmp_path / "tables.pdf"
    lines = [" ".join(line.split()) for line in pdf_text(converted).splitlines()]
    rows = [" ".join(row) for row in TABLE]
    assert [line for line in lines if line in rows] == rows
    sizes = sorted(size for _, size in drawn_images(converted) if size in ((600, 400), (900, 450)))
    assert sizes == [(600, 400), (900, 450)]
    pages = pdf_text(converted).split("\f")
    shown_on = next(n for n, text in enumerate(pages, 1) if n > 2 and "Leads by month\n" in text)
    assert re.search(rf"Leads by month\s*\.{{5,}}\s*{shown_on}\n", pages[1]), pages[1]


# --- what validation refuses ----------------------------------------------------------------


def png(path: Path, size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size).save(path)
    return path


REFUSED = {
    "missing": ("![A chart](images/none.png)", "no image 'images/none.png'"),
    "web": ("![A chart](https://example.com/chart.png)", "must be a file of the project"),
    "absolute": ("![A chart](/etc/chart.png)", "must be a file of the project"),
    "file-url": ("![A chart](file:///etc/chart.png)", "a link or image to file: is not allowed"),
    "script": ("[Click](javascript:alert(1))", "a link or image to javascript: is not allowed"),
    "escaping": ("![A chart](../../../../outside.png)", "outside the project's content folder"),
    "linked-out": ("![A chart](images/linked.png)", "links to a file outside the content"),
    "renamed": ("![A chart](images/fake.png)", "is not a PNG or JPEG image"),
    "gif": ("![A chart](images/chart.gif)", "is a GIF image, not a PNG or JPEG"),
    "huge": ("![A chart](images/huge.png)", "is 8000 × 6000 pixels; at most 40 megapixels"),
    "within-text": ("See ![A chart](images/leads.png) here.", "an image within text"),
    "no-caption": ("![](images/leads.png)", "has no caption"),
    "in-list": ("- ![A chart](images/leads.png)", "an image inside a list"),
    "in-table": ("| Chart |\n|---|\n| ![A](images/leads.png) |", "an image inside a table"),
    "table-in-quote": ("> | a |\n> |---|\n> | b |", "a table inside a > tip box"),
    "title-heading": ("# Another title", "a # heading is the section's title"),
    "deep-heading": ("## Part\n\n#### Deep", "a #### heading goes too deep"),
    "skipped-level": ("### Part", "a ### heading before any ##"),
    "indented": ("    indented text", "a code block (a line indented by four spaces is one)"),
    "fenced": ("```\nprint()\n```", "a code block is not supported"),
    "html-inline": ("Some <b>bold</b> words.", "raw HTML (<b>) is not supported"),
    "html-block": ("<div>\nboxed\n</div>", "raw HTML (<div> boxed </div>) is not supported"),
    "file-link": ("Read [the plan](plan.md).", "a link to 'plan.md' cannot be followed"),
}
"""A construct starting on the body's third line (the file's sixth) and what validation says
of it."""
FIRST_LINE = 6
LINES = {"deep-heading": 8, "in-table": 8}
"""The line a problem is on, where the construct holding it starts before it."""


def refusing_project(tmp_path: Path) -> Path:
    """The fixture with a section per :data:`REFUSED` case and the files they point to."""
    project = copy_project(MARKDOWN, tmp_path / "project")
    images = project / "content/guides/tables/images"
    png(project / "outside.png")
    png(tmp_path / "elsewhere.png")
    os.symlink(tmp_path / "elsewhere.png", images / "linked.png")
    (images / "fake.png").write_text("not a picture, renamed", encoding="utf-8")
    Image.new("RGB", (20, 20)).save(images / "chart.gif")
    png(images / "huge.png", (8000, 6000), mode="1")
    for name, (construct, _) in REFUSED.items():
        text = f'---\ntitle: "{name}"\n---\nSome text.\n\n{construct}\n'
        (project / SECTIONS / f"{name}.en.md").write_text(text, encoding="utf-8")
    return project


def test_validation_refuses_what_not_every_format_shows_with_file_and_line(
    tmp_path: Path,
) -> None:
    project = refusing_project(tmp_path)
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    found = {
        error.path.name.removesuffix(".en.md"): error
        for error in raised.value.errors
        if error.path is not None
    }
    assert set(found) == set(REFUSED), [str(e) for e in raised.value.errors]
    assert len(raised.value.errors) == len(REFUSED)
    for name, (_, message) in REFUSED.items():
        error = found[name]
        assert message in error.message, str(error)
        assert error.line == LINES.get(name, FIRST_LINE), str(error)
        assert error.hint


def test_the_command_line_names_each_bad_image_with_its_file_and_line(tmp_path: Path) -> None:
    """``validate`` on the command line: one line a problem, exit 2, no traceback; ``build``
    refuses the same before writing anything."""
    project = copy_project(MARKDOWN, tmp_path / "project")
    (project / "content/guides/tables/images/fake.png").write_bytes(b"GIF? no: plain text")
    png(project / "outside.png")
    bad = {
        "missing": "![A chart](images/none.png)",
        "web": "![A chart](http://example.com/chart.png)",
        "escaping": "![A chart](../../../../outside.png)",
        "renamed": "![A chart](images/fake.png)",
    }
    for name, construct in bad.items():
        text = f'---\ntitle: "{name}"\n---\nSome text.\n\n{construct}\n'
        (project / SECTIONS / f"{name}.en.md").write_text(text, encoding="utf-8")
    for command in ("validate", "build"):
        extra = ("--guide", "tables") if command == "build" else ()
        result = run_cli(command, "--project", str(project), *extra)
        assert result.returncode == 2, result.stdout + result.stderr
        output = " ".join((result.stdout + result.stderr).split())
        assert "Traceback" not in output
        for name in bad:
            assert f"{SECTIONS / name}.en.md:{FIRST_LINE}:" in output, output
    assert not (project / "output").exists()


def test_the_shipped_guides_use_only_what_every_format_shows() -> None:
    """Every shipped section passes (the check is part of loading)."""
    assert api.load(ROOT).guides


# --- images are inputs ----------------------------------------------------------------------


def test_an_edited_image_rebuilds_the_guide_that_shows_it(tmp_path: Path) -> None:
    project = copy_project(MARKDOWN, tmp_path / "project")
    out = tmp_path / "out"
    narrow = {"out": out, "guide": ["tables"], "format": ["pdf", "docx"], "jobs": 1}
    assert len(api.build(project, **narrow).written) == 4
    assert not api.build(project, **narrow).written
    image = project / "content/guides/tables/images/leads.png"
    png(image, (300, 100))
    again = api.build(project, **narrow)
    assert sorted(done.job.filename() for done in again.written) == ["tables.docx", "tables.pdf"]
    assert len(again.current) == 2  # the worksheet alone does not show it
    document = Document(str(out / "default/en/tables.docx"))
    ratios = [
        shape.width / shape.height
        for shape in document.inline_shapes
        if shape._inline.docPr.get("descr") == CAPTIONS[0]
    ]
    assert ratios == [pytest.approx(3.0, rel=0.01)]  # the new picture's shape, 300 × 100


def test_the_quick_check_sees_an_edited_image(tmp_path: Path) -> None:
    """The quick check walks the content folders, images and all."""
    project = copy_project(MARKDOWN, tmp_path / "project")
    image = project / "content/guides/tables/images/leads.png"
    out = tmp_path / "out"
    written = out / "default/en/tables.pdf"
    written.parent.mkdir(parents=True)
    written.write_bytes(b"%PDF")
    argv = ["build", "--project", str(project), "--out", str(out)]
    counts = {"files": 1, "brands": 1}
    remember(argv, tmp_path, out, Inputs.now([project / "content"], []), [written], counts)
    assert up_to_date(argv, tmp_path) == counts
    png(image, (300, 100))
    assert up_to_date(argv, tmp_path) is None
