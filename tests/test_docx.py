"""The DOCX files read back with python-docx: what a Word user sees."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO
from itertools import pairwise
from pathlib import Path
from zipfile import ZipFile

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm
from docx.table import Table, _Cell
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

from generator import api
from generator.colors import tint
from generator.document import template_title
from generator.loading import load_library
from generator.model import Checklist, ContentItem, Example, Framework, Guide, Library
from generator.palette import TIP_TINT
from generator.renderers.docx import fonts as docx_fonts
from tests.conftest import (
    MINIMAL,
    ROOT,
    RenderJob,
    loaded,
    office_pdf_name,
    pdf_text,
    poppler,
    squash,
    worksheet_docx,
    worksheet_docx_pdf_name,
)

TOC = 'TOC \\o "1-2" \\h \\z \\u'


def open_docx(data: bytes) -> DocxDocument:
    return Document(BytesIO(data))


@pytest.fixture(scope="module")
def guide(library: Library) -> Guide:
    return library.guides[("kundresan", "sv")]


@pytest.fixture(scope="module")
def framework(library: Library) -> Framework:
    worksheet = library.frameworks[("kundresan", "sv")]
    assert isinstance(worksheet, Framework)
    return worksheet


@pytest.fixture(scope="module")
def example(library: Library) -> Example:
    return library.examples[("kundresan", "sv", "generell")]


@pytest.fixture(scope="module")
def guide_docx(render_job: RenderJob) -> DocxDocument:
    return open_docx(render_job("docx", "guide"))


def texts(cell: _Cell) -> list[str]:
    """A cell's non-empty paragraphs."""
    return [p.text for p in cell.paragraphs if p.text]


def headings(document: DocxDocument) -> list[tuple[int, str]]:
    """Every paragraph in a built-in Heading style, as (level, text)."""
    return [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def instructions(element: object) -> list[str]:
    """The instructions of the fields inside an element, e.g. ``["PAGE"]``."""
    return [e.text.strip() for e in element.iter(qn("w:instrText"))]  # type: ignore[attr-defined]


def grid_title(item: ContentItem, guide: Guide, library: Library) -> str:
    """The title over the example or blank template a contents entry shows."""
    if item.example:
        return library.example(guide, item.example).title
    return template_title(library.framework_of(guide), library.ui[guide.language])


def expected_outline(guide: Guide, library: Library) -> list[tuple[int, str]]:
    """The headings the guide's contents call for: sections, their ``##``, contact, grids."""
    ui, outline = library.ui["sv"], []
    for item in guide.contents:
        if item.section:
            section = guide.sections[item.section]
            level = 2 if section.stage else 1
            outline.append((level, section.title))
            body = section.body.splitlines()
            outline += [(level + 1, line[3:]) for line in body if line.startswith("## ")]
            if section.contact:
                outline.append((level + 1, ui.contact))
        else:
            outline.append((1, grid_title(item, guide, library)))
    return outline


def test_guide_headings_follow_the_guide_contents(
    guide_docx: DocxDocument, guide: Guide, library: Library
) -> None:
    outline = expected_outline(guide, library)
    assert headings(guide_docx) == outline
    top = {text for level, text in headings(guide_docx) if level == 1}
    grids = [grid_title(item, guide, library) for item in guide.contents if not item.section]
    plain_sections = [s.title for s in guide.sections.values() if not s.stage]
    assert {*grids, *plain_sections} <= top


def test_contents_is_a_toc_field_and_word_asks_nothing_on_opening(
    guide_docx: DocxDocument,
) -> None:
    """No "update the fields that may refer to other files?" prompt: the file does not ask
    Word to refresh its fields; the contents come filled in (next test)."""
    assert TOC in instructions(guide_docx.element.body)
    assert guide_docx.settings.element.find(qn("w:updateFields")) is None


def test_contents_come_filled_in_with_page_numbers(
    guide_docx: DocxDocument, library: Library
) -> None:
    """The TOC field holds its result: an entry per heading (levels 1–2), each a link with a
    PAGEREF field to a bookmark on its heading, showing a page number; no printed hint."""
    body = guide_docx.element.body
    entries = [p for p in guide_docx.paragraphs if p.style.name.startswith("toc ")]
    assert [(int(p.style.name[-1]), p.text.split("\t")[0]) for p in entries] == [
        h for h in headings(guide_docx) if h[0] <= 2
    ]
    first = entries[0]._p
    assert instructions(first) == [TOC, f"PAGEREF {bookmark_of(first)} \\h"]
    chars = [c.get(qn("w:fldCharType")) for c in first.iter(qn("w:fldChar"))]
    assert chars[:2] == ["begin", "separate"]  # the TOC field starts in the first entry
    bookmarks = {b.get(qn("w:name")): b.getparent() for b in body.iter(qn("w:bookmarkStart"))}
    pages = []
    for entry in entries:
        title, page = entry.text.split("\t")
        target = bookmarks[bookmark_of(entry._p)]
        assert "".join(t.text for t in target.iter(qn("w:t"))) == title
        assert entry._p.find(qn("w:hyperlink")).get(qn("w:anchor")) == bookmark_of(entry._p)
        pages.append(int(page))
    assert pages[0] == 3 and pages == sorted(pages)  # after the cover and the contents
    assert not [p for p in guide_docx.paragraphs if "(F9)" in p.text]  # no printed hint


def bookmark_of(entry: object) -> str:
    """The bookmark a contents entry's PAGEREF field points to."""
    (reference,) = [i for i in instructions(entry) if i.startswith("PAGEREF")]
    return reference.split()[1]


def test_grids_sit_in_landscape_sections(
    guide_docx: DocxDocument, guide: Guide, library: Library
) -> None:
    sections = guide_docx.sections
    assert sections[0].orientation == WD_ORIENT.PORTRAIT
    landscape = [s for s in sections if s.orientation == WD_ORIENT.LANDSCAPE]
    grids = [item for item in guide.contents if not item.section]
    assert len(landscape) == len(grids) == len(guide_docx.tables)
    titles = {grid_title(item, guide, library) for item in grids}
    for section in sections:
        assert (section.page_width > section.page_height) == (
            section.orientation == WD_ORIENT.LANDSCAPE
        )
        content = list(section.iter_inner_content())
        tables = [block for block in content if isinstance(block, Table)]
        if section.orientation == WD_ORIENT.LANDSCAPE:
            assert len(tables) == 1
            headings = [
                block.text
                for block in content
                if not isinstance(block, Table) and block.style.name == "Heading 1"
            ]  # the grid's title, after the short section leading into it if it has one
            assert content[0].style.name == "Heading 1" and headings[-1] in titles
        else:
            assert not tables


def grid_rows(table: Table) -> list[list[list[str]]]:
    """Each row's cells as lists of their non-empty paragraphs."""
    return [[texts(cell) for cell in row.cells] for row in table.rows]


def assert_grid(table: Table, framework: Framework, example: Example | None) -> None:
    """Stages across the top, questions down the side, exactly the example's entries inside."""
    rows = grid_rows(table)
    assert rows[0][0] == []
    assert rows[0][1:] == [
        [s.name, s.subtitle] if s.subtitle else [s.name] for s in framework.stages
    ]
    for row, cells in zip(framework.rows, rows[1:], strict=True):
        assert cells[0] == ([row.label] if example else [row.label, row.help])
        for stage, cell in zip(framework.stages, cells[1:], strict=True):
            assert cell == (example.entries(stage.id, row.id) if example else []), stage.id


def test_example_worksheet_holds_exactly_the_example(
    render_job: RenderJob, framework: Framework, example: Example
) -> None:
    document = open_docx(render_job("docx", "worksheet", "generell"))
    (table,) = document.tables
    assert_grid(table, framework, example)
    assert document.paragraphs[0].text == example.title


def test_guide_tables_are_the_example_and_the_blank_template(
    guide_docx: DocxDocument, guide: Guide, framework: Framework, library: Library
) -> None:
    grids = [item for item in guide.contents if not item.section]
    for item, table in zip(grids, guide_docx.tables, strict=True):
        assert_grid(
            table, framework, library.example(guide, item.example) if item.example else None
        )


def usable(section: Section) -> tuple[int, int]:
    return (
        section.page_width - section.left_margin - section.right_margin,
        section.page_height - section.top_margin - section.bottom_margin,
    )


def test_blank_worksheet_is_one_landscape_page_with_room_to_write(
    render_job: RenderJob, framework: Framework, library: Library
) -> None:
    document = open_docx(render_job("docx", "worksheet", "blank"))
    (section,) = document.sections
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Cm(29.7)) < Cm(0.01)  # A4, stored in twentieths of a point
    assert abs(section.page_height - Cm(21)) < Cm(0.01)
    assert all(Cm(1.2) <= margin <= Cm(2) for margin in (section.left_margin, section.top_margin))
    (table,) = document.tables
    assert_grid(table, framework, None)
    assert document.paragraphs[0].text == template_title(framework, library.ui["sv"])
    ui = library.ui["sv"]
    signature = document.paragraphs[-1].text
    assert signature.startswith(f"{ui.filled_in_by}: ___") and f"{ui.date}: ___" in signature
    width, height = usable(section)
    heights = [row.height for row in table.rows[1:]]
    assert all(h >= Cm(2.4) for h in heights)
    assert sum(heights) + Cm(3) <= height  # title, stage row and signature fit below
    widths = [column.width for column in table.columns]
    assert abs(sum(widths) - width) < Cm(0.05)
    assert widths[0] > max(widths[1:])
    assert all(
        cell.width == w for row in table.rows for cell, w in zip(row.cells, widths, strict=True)
    )
    properties = table._tbl.tblPr
    assert properties.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_stage_row_is_the_brand_colour(render_job: RenderJob, library: Library) -> None:
    primary = library.brands["default"].colors.primary.lstrip("#").upper()
    (table,) = open_docx(render_job("docx", "worksheet", "blank")).tables
    for cell in table.rows[0].cells:
        assert cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")).upper() == primary
    name = table.rows[0].cells[1].paragraphs[0]
    assert name.style.font.bold and str(name.style.font.color.rgb) == "FFFFFF"


def test_headers_and_footers(guide_docx: DocxDocument, guide: Guide, library: Library) -> None:
    brand = library.brands["default"]
    assert guide_docx.sections[0].different_first_page_header_footer  # no header on the cover
    assert not "".join(p.text for p in guide_docx.sections[0].first_page_header.paragraphs)
    for section in guide_docx.sections:
        assert guide.title in section.header.paragraphs[0].text
        assert instructions(section.footer._element) == ["PAGE"]
        assert brand.name in section.footer.paragraphs[0].text


def test_markdown_lists_tips_and_emphasis(guide_docx: DocxDocument, guide: Guide) -> None:
    paragraphs = guide_docx.paragraphs
    bodies = "\n".join(guide.sections[item.section].body for item in guide.contents if item.section)
    bullets = re.findall(r"^- (.+)$", bodies, re.MULTILINE)
    numbered = re.findall(r"^\d+\. (.+)$", bodies, re.MULTILINE)
    tips = re.findall(r"^> (.+)$", bodies, re.MULTILINE)
    in_style = {
        name: [squash(p.text) for p in paragraphs if p.style.name == name]
        for name in ("List Bullet", "List Number", "Tip")
    }
    assert in_style["List Bullet"] == [squash(b) for b in bullets]
    assert in_style["List Number"] == [squash(n) for n in numbered]
    assert in_style["Tip"][: len(tips)] == [squash(t) for t in tips]
    bold = {run.text.strip() for p in paragraphs for run in p.runs if run.bold}
    assert "I mallen:" in bold


def test_contact_card_after_the_closing_section(
    guide_docx: DocxDocument, guide: Guide, library: Library
) -> None:
    ui, contact = library.ui["sv"], library.brands["default"].contact
    paragraphs = guide_docx.paragraphs
    closing = next(s.title for s in guide.sections.values() if s.contact)
    start = next(
        i
        for i, p in enumerate(paragraphs)
        if p.text == closing and p.style.name.startswith("Heading ")
    )
    heading = next(i for i, p in enumerate(paragraphs) if i > start and p.text == ui.contact)
    assert paragraphs[heading].style.name.startswith("Heading ")
    card = paragraphs[heading + 1]
    lines = card.text.split("\n")
    assert lines[1:] == [
        value for value in (contact.website, contact.email, contact.phone) if value
    ]
    assert f"mailto:{contact.email}" in [link.address for link in card.hyperlinks]


def test_styles_carry_the_brand(guide_docx: DocxDocument, library: Library) -> None:
    brand = library.brands["default"]
    styles = guide_docx.styles
    assert styles["Normal"].font.name == brand.fonts.body
    assert styles["Normal"].font.size.pt == 11
    fonts = styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:cs")) == brand.fonts.body
    for level in (1, 2):
        heading = styles[f"Heading {level}"].font
        assert heading.name == brand.fonts.heading
        assert str(heading.color.rgb) == brand.colors.primary.lstrip("#").upper()
    tip = styles["Tip"].element.pPr
    assert tip.find(qn("w:shd")).get(qn("w:fill")) == tint(brand.colors.accent, TIP_TINT)[1:]
    assert tip.find(qn("w:pBdr")).find(qn("w:left")) is not None


@pytest.mark.parametrize("document", ["guide", "worksheet"])
def test_properties_language_and_loanwords(
    render_job: RenderJob, library: Library, guide: Guide, framework: Framework, document: str
) -> None:
    docx = open_docx(render_job("docx", document))
    properties = docx.core_properties
    assert properties.author == library.brands["default"].name
    assert properties.language == "sv-SE"
    assert properties.subject == guide.subtitle
    assert properties.revision == 1
    titles = {"guide": guide.title, "worksheet": template_title(framework, library.ui["sv"])}
    assert properties.title == titles[document]
    marked = {
        "".join(t.text for t in run.iter(qn("w:t"))): lang.get(qn("w:val"))
        for run in docx.element.body.iter(qn("w:r"))
        if (lang := run.find(f"{qn('w:rPr')}/{qn('w:lang')}")) is not None
    }
    assert marked.get("Lead nurturing") == "en-GB"  # a stage name, in every document
    default = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert default.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "sv-SE"


def test_rebuilds_give_identical_bytes(render_job: RenderJob) -> None:
    """No time of day leaks into the file: zip entries and properties carry one fixed date."""
    data = render_job("docx", "guide")
    with ZipFile(BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
    assert open_docx(data).core_properties.created.replace(tzinfo=None) == datetime(2024, 1, 1)
    assert data == render_job("docx", "guide", fresh=True)


def test_no_stale_preview_picture_from_the_template(render_job: RenderJob) -> None:
    with ZipFile(BytesIO(render_job("docx", "worksheet"))) as archive:
        assert not [name for name in archive.namelist() if "thumbnail" in name]


@pytest.mark.parametrize("variant", ["blank", "sample-launch"])
def test_a_checklist_ticks_with_word_check_box_controls(minimal_output: Path, variant: str) -> None:
    """Each item's tick is a check-box content control (w14:checkbox), named like the PDF's
    field, ticked where the example ticks it; no bare ☐ character."""
    library = loaded(MINIMAL)
    checklist = library.frameworks[("launch", "en")]
    assert isinstance(checklist, Checklist)
    path = minimal_output / f"default/en/onboarding-launch-{variant}.docx"
    body = ZipFile(path).read("word/document.xml").decode()
    tags = re.findall(r'<w:sdt><w:sdtPr><w:tag w:val="([^"]+)"/><w14:checkbox>', body)
    assert tags == [f"launch.{item.id}.done" for item in checklist.items]
    states = re.findall(r'<w14:checked w14:val="([01])"/>', body)
    checked = set(library.examples[("launch", "en", "sample-launch")].checked)
    expected = [
        "1" if variant != "blank" and item.id in checked else "0" for item in checklist.items
    ]
    assert states == expected
    assert ("1" in states) == (variant != "blank")  # the example ticks one


# --- fonts and logo ---------------------------------------------------------------------------

FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"


def embedded_fonts(data: bytes) -> dict[tuple[str, str], TTFont]:
    """The faces embedded in a DOCX by (family, Word's face element), de-obfuscated with their
    fontKey (ECMA-376 §17.8.1) and opened with fontTools."""
    archive = ZipFile(BytesIO(data))
    table = etree.fromstring(archive.read("word/fontTable.xml"))
    rels = etree.fromstring(archive.read("word/_rels/fontTable.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels if r.get("Type") == FONT_REL}
    types = archive.read("[Content_Types].xml").decode()
    faces = {}
    for font in table.iter(qn("w:font")):
        for embed in font:
            if not etree.QName(embed).localname.startswith("embed"):
                continue
            target = targets[embed.get(qn("r:id"))]
            assert target.endswith(".odttf")
            assert f'PartName="/word/{target}" ContentType="{OBFUSCATED}"' in types
            key = bytes.fromhex(embed.get(qn("w:fontKey")).strip("{}").replace("-", ""))[::-1]
            data = archive.read(f"word/{target}")
            head = bytes(b ^ key[i % 16] for i, b in enumerate(data[:32]))
            assert head[:4] == b"\x00\x01\x00\x00"  # TrueType outlines, as Word embeds
            face = TTFont(BytesIO(head + data[32:]))
            faces[font.get(qn("w:name")), etree.QName(embed).localname] = face
    return faces


OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


def test_the_brand_fonts_travel_inside_the_file(render_job: RenderJob) -> None:
    """Inter (CFF .otf, converted to TrueType outlines) in regular, bold and italic."""
    data = render_job("docx", "worksheet")
    faces = embedded_fonts(data)
    assert set(faces) == {("Inter", f"embed{f}") for f in ("Regular", "Bold", "Italic")}
    for (family, element_name), face in faces.items():
        assert face["name"].getDebugName(1) == family
        assert face["name"].getDebugName(2) == element_name.removeprefix("embed")
        assert "glyf" in face and "CFF " not in face
        assert {ord(c) for c in "åäöøæ–”€"} <= set(face.getBestCmap())
    assert face["OS/2"].usWeightClass == 400 and face["head"].macStyle == 2  # italic
    settings = ZipFile(BytesIO(data)).read("word/settings.xml").decode()
    assert "<w:embedTrueTypeFonts/>" in settings
    assert len(data) < 200_000  # subsets: about 30 KB a face


def test_a_variable_font_embeds_as_static_faces(tmp_path: Path) -> None:
    """Source Sans 3 ships as variable fonts: Word gets regular and bold, upright and italic,
    each pinned to its weight (the fonts' default instance is ExtraLight)."""
    fonts = ROOT / "layouts" / "fonts"
    with TTFont(fonts / "SourceSans3-Variable.ttf", lazy=True) as variable:
        assert any(axis.axisTag == "wght" for axis in variable["fvar"].axes)
    face = docx_fonts.FACES[3]  # bold italic
    data = docx_fonts.embeddable_face(
        fonts / "SourceSans3-VariableItalic.ttf", 0, "Source Sans 3", face, True, frozenset()
    )
    font = TTFont(BytesIO(data))
    assert "fvar" not in font and font["OS/2"].usWeightClass == 700
    assert font["name"].getDebugName(1) == "Source Sans 3"
    assert font["name"].getDebugName(2) == "Bold Italic"


def test_the_cover_shows_the_brand_logo(acme: Path, render_job: RenderJob) -> None:
    """Acme's guide: the logo is the cover's first paragraph, as on the PDF's cover, and stands
    for the brand's name; Lato is embedded. The default brand (the branded project's is the
    shipped one) has no logo: its name is written instead."""
    data = (acme / "acme" / "sv" / "kundresan.docx").read_bytes()
    document = open_docx(data)
    cover = document.paragraphs[0]._p
    (picture,) = cover.iter(qn("pic:pic"))
    blip = picture.find(f".//{qn('a:blip')}")
    image = document.part.related_parts[blip.get(qn("r:embed"))]
    assert image.content_type == "image/png"
    # the logo stands for the name (its alternative text): the name is not printed under it
    assert all(p.text != "Acme Rådgivning AB" for p in document.paragraphs[:4])
    default = open_docx(render_job("docx", "guide"))
    assert default.paragraphs[0].text == "journeykit"  # no logo: the name in words
    families = {family for family, _ in embedded_fonts(data)}
    assert families == {"Lato"}
    assert not list(default.paragraphs[0]._p.iter(qn("pic:pic")))  # no logo, no picture


# --- LibreOffice ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def worksheets_in_libreoffice(every_output: Path, converted: Path) -> dict[Path, Path]:
    """Every worksheet DOCX of the shipped library (every language, blank and filled in) and
    LibreOffice's PDF of it (made with the shared conversion, ``converted``)."""
    sources = worksheet_docx(every_output / "default")
    assert len([source for source in sources if source.stem.endswith("-blank")]) >= 10
    assert len(sources) >= 25
    return {source: converted / worksheet_docx_pdf_name(source) for source in sources}


@pytest.mark.slow
def test_every_worksheet_is_one_page_in_libreoffice(
    worksheets_in_libreoffice: dict[Path, Path],
) -> None:
    """Its table kept on one page with the line to sign, in the embedded brand font: blank, and
    filled in (a dense example is set smaller rather than leave its title alone on a page)."""
    for source, pdf in worksheets_in_libreoffice.items():
        assert len(PdfReader(pdf).pages) == 1, source.name
        fonts = poppler("pdffonts", pdf)
        assert "Inter-Regular" in fonts and "Inter-Bold" in fonts, source.name


@pytest.mark.slow
def test_libreoffice_shows_the_contents_with_page_numbers(
    converted: Path, guide: Guide, library: Library
) -> None:
    contents = pdf_text(converted / office_pdf_name("kundresan.docx"))
    contents = contents.split(library.ui["sv"].contents, 1)[1]
    first = guide.sections[next(item.section for item in guide.contents if item.section)].title
    assert re.search(rf"{re.escape(first)}\s*\.{{5,}}\s*3\b", contents)
    assert "(F9)" not in contents


@pytest.mark.slow
def test_a_short_section_shares_its_worksheets_page_in_libreoffice(converted: Path) -> None:
    """As in the PDF, "Din tur!" leads into the blank template on its landscape page rather than
    standing alone on a portrait page, and the template still fits that page."""
    pages = PdfReader(converted / office_pdf_name("kundresan.docx")).pages
    texts = [squash(page.extract_text()) for page in pages]
    (lead,) = [n for n, text in enumerate(texts) if squash("Din tur!") in text and n > 1]
    assert squash("Din mall: Kundresan") in texts[lead]
    assert pages[lead].mediabox.width > pages[lead].mediabox.height  # landscape
    last_row = squash("KPI:er")  # the grid's last row is on the same page
    assert texts[lead].rfind(last_row) > texts[lead].find(squash("Din mall: Kundresan"))


def test_a_checklists_header_names_every_column_and_a_colon_keeps_with_its_list() -> None:
    """Word shows what the PDF shows: a checklist's header row carries #, ✓, the list's title
    and the notes' heading; a paragraph ending in ":" stays on the page of the list it leads
    into (issue 17)."""
    files = api.render(ROOT, "default", "kundereisen", "nb", format="docx")
    checklist = Document(BytesIO(files["nb/kundereisen-handlingsplan-blank.docx"]))
    header = [cell.text for cell in checklist.tables[0].rows[0].cells]
    title = load_library(ROOT).frameworks[("handlingsplan", "nb")].title
    assert header == ["#", "✓", title, load_library(ROOT).ui["nb"].notes]
    guide = Document(BytesIO(files["nb/kundereisen.docx"]))
    paragraphs = guide.paragraphs
    leading = [
        p
        for p, after in pairwise(paragraphs)
        if p.text.rstrip().endswith(":") and after.style.name.startswith("List")
    ]
    assert leading and all(p.paragraph_format.keep_with_next for p in leading)
    others = [p for p in paragraphs if p.style.name == "Normal" and not p.text.endswith(":")]
    assert not any(p.paragraph_format.keep_with_next for p in others)
