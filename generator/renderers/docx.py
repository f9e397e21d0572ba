"""The DOCX renderer: the view → an editable Word document (python-docx).

Guides get a cover, a TOC field, real Heading styles and each grid as a Word table in a landscape
section; worksheets are one landscape section holding the grid. Brand fonts and colours go into
the styles, so a user restyles the document from Word's style gallery.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from generator.colors import tint
from generator.document import (
    ChecklistSheet,
    DocumentView,
    FormSheet,
    Grid,
    SectionBlock,
    Sheet,
)
from generator.layouts import Layouts
from generator.reproducible import FIXED_TIME, fixed_zip
from generator.text import locale_of, parse_markdown, split_languages

PORTRAIT_MARGIN, LANDSCAPE_MARGIN = Cm(2.2), Cm(1.5)
LABEL_WIDTH = Cm(3.8)
BLANK_ROW_HEIGHT = {"guide": Cm(2.5), "worksheet": Cm(2.3)}
EXAMPLE_ROW_HEIGHT = Cm(1.6)
RULE, MUTED = "C9CED6", RGBColor(0x6B, 0x72, 0x80)
TIP_STYLE = "Tip"


def render(view: DocumentView, layouts: Layouts) -> bytes:
    """Render a guide or a worksheet to DOCX bytes."""
    document = new_document()
    set_up_styles(document, view)
    first = document.sections[0]
    if view.job.document == "worksheet":
        orient(first, landscape=view.worksheet.kind == "grid")
        write_sheet(document, view, view.worksheet, signature=True)
    else:
        orient(first, landscape=False)
        write_cover(document, view)
        write_contents(document, view)
        write_blocks(document, view)
    write_headers_and_footers(document, view)
    set_properties(document, view)
    drop_template_thumbnail(document)
    buffer = BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


# --- styles and properties -------------------------------------------------------------------


def rgb(color: str) -> RGBColor:
    """``#RRGGBB`` → python-docx colour."""
    return RGBColor.from_string(color.lstrip("#").upper())


def set_fonts(element: object, name: str) -> None:
    """Set a font on every script slot, so Word does not substitute another for some text."""
    r_pr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    for theme_slot in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_slot), None)


def set_language(r_pr: object, tag: str) -> None:
    """Mark a run's (or a style's) text as being in the language ``tag``."""
    lang = r_pr.find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)  # type: ignore[attr-defined]
    lang.set(qn("w:val"), tag)


def set_up_styles(document: Document, view: DocumentView) -> None:
    """Brand fonts and colours on Normal, headings, lists and the tip box; the default language."""
    styles = document.styles
    body, heading = view.brand.fonts.body, view.brand.fonts.heading
    primary = rgb(view.brand.colors.primary)
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = rgb(view.brand.colors.text)
    set_fonts(normal.element, body)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    defaults = document.styles.element.find(qn("w:docDefaults"))
    set_language(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), language_tag(view))
    for level, size in ((1, 20), (2, 14), (3, 11.5)):
        style = styles[f"Heading {level}"]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = primary
        set_fonts(style.element, heading)
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(6)
    for name, size, color in (("Title", 30, primary), ("Subtitle", 14, rgb("#444444"))):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = color
        set_fonts(style.element, heading)
    for level in (1, 2):
        toc = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(3)
        toc.font.bold = level == 1
    for name in ("Header", "Footer"):
        styles[name].paragraph_format.tab_stops.clear_all()
    tip = styles.add_style(TIP_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    tip.base_style = normal
    tip.paragraph_format.left_indent = Cm(0.4)
    tip.paragraph_format.space_before = Pt(6)
    tip.paragraph_format.space_after = Pt(10)
    p_pr = tip.element.get_or_add_pPr()
    p_pr.append(border("w:pBdr", {"w:left": (view.brand.colors.accent.lstrip("#"), 24)}))
    p_pr.append(shading(tint(view.brand.colors.accent, 0.85)))


def language_tag(view: DocumentView) -> str:
    """The document's language as Word writes it, e.g. ``sv-SE``."""
    return word_language(view.language)


def word_language(language: str) -> str:
    """A content language as Word writes it, e.g. ``en`` → ``en-GB``."""
    return locale_of(language).replace("_", "-")


def drop_template_thumbnail(document: Document) -> None:
    """python-docx's template carries a picture of an empty page as the file's preview: drop it."""
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del package_rels[rel_id]


def set_properties(document: Document, view: DocumentView) -> None:
    """Title, author, subject and language; fixed times so rebuilds are identical."""
    properties = document.core_properties
    properties.title = view.title
    properties.author = view.brand.name
    properties.last_modified_by = view.brand.name
    properties.subject = view.guide.subtitle
    properties.language = language_tag(view)
    properties.keywords = view.framework.title
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    properties.revision = 1
    properties.comments = ""


# --- low-level OOXML --------------------------------------------------------------------------


def shading(fill: str) -> OxmlElement:
    """A ``w:shd`` element filling with ``fill`` (RRGGBB)."""
    element = OxmlElement("w:shd")
    element.set(qn("w:val"), "clear")
    element.set(qn("w:color"), "auto")
    element.set(qn("w:fill"), fill)
    return element


def border(tag: str, edges: dict[str, tuple[str, int]]) -> OxmlElement:
    """A border element (``w:pBdr``, ``w:tblBorders``) of single lines: edge → (colour, size)."""
    element = OxmlElement(tag)
    for edge, (color, size) in edges.items():
        line = OxmlElement(edge)
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "4" if tag == "w:pBdr" else "0")
        line.set(qn("w:color"), color)
        element.append(line)
    return element


def add_field(paragraph: Paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE …) that Word and LibreOffice compute when they show the file."""
    start_field(paragraph, instruction)
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(field_char("end"))


def start_field(paragraph: Paragraph, instruction: str) -> None:
    """The start of a complex field: begin, instruction, separator (its result follows)."""
    paragraph.add_run()._r.append(field_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(field_char("separate"))


def field_char(kind: str) -> OxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def ask_to_update_fields(document: Document) -> None:
    """Make Word refresh the TOC and page fields when the document opens."""
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


# --- text -------------------------------------------------------------------------------------


def add_text(
    paragraph: Paragraph, text: str, view: DocumentView, bold: bool = False, italic: bool = False
) -> None:
    """Add text as runs, marking loanwords with their own language."""
    for part, language in split_languages(text, view.ui):
        run = paragraph.add_run(part)
        run.bold = bold or None
        run.italic = italic or None
        if language:
            set_language(run._r.get_or_add_rPr(), word_language(language))


def add_inline(paragraph: Paragraph, token: Token, view: DocumentView) -> None:
    """Add a Markdown inline token's children: text, bold, italic, line breaks."""
    bold = italic = False
    for child in token.children or []:
        if child.type in ("strong_open", "strong_close"):
            bold = child.type == "strong_open"
        elif child.type in ("em_open", "em_close"):
            italic = child.type == "em_open"
        elif child.type == "softbreak":
            paragraph.add_run(" ")
        elif child.type == "hardbreak":
            paragraph.add_run().add_break()
        elif child.type in ("text", "code_inline"):
            add_text(paragraph, child.content, view, bold, italic)


def write_markdown(document: Document, source: str, view: DocumentView, level: int) -> None:
    """Markdown blocks → paragraphs: headings below ``level``, lists, tip boxes."""
    context: list[str] = []
    style = "Normal"
    for token in parse_markdown(source):
        if token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            context.append(token.type)
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            context.pop()
        elif token.type == "heading_open":
            style = f"Heading {min(3, level + int(token.tag[1]) - 1)}"
        elif token.type == "paragraph_open":
            style = paragraph_style(context)
        elif token.type == "inline":
            add_inline(document.add_paragraph(style=style), token, view)


def paragraph_style(context: list[str]) -> str:
    """The style of a paragraph inside lists and quotes."""
    if "blockquote_open" in context:
        return TIP_STYLE
    if context and context[-1] == "bullet_list_open":
        return "List Bullet"
    if context and context[-1] == "ordered_list_open":
        return "List Number"
    return "Normal"


# --- pages and sections -----------------------------------------------------------------------


def orient(section: DocxSection, landscape: bool) -> None:
    """A4 in the given orientation with the margins that go with it."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    margin = LANDSCAPE_MARGIN if landscape else PORTRAIT_MARGIN
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin
    section.header_distance = section.footer_distance = Cm(0.8)


def write_cover(document: Document, view: DocumentView) -> None:
    """The cover: brand, title, subtitle, the stages of the journey."""
    document.add_paragraph(view.brand.name).runs[0].bold = True
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_before = Cm(6)
    kicker = document.add_paragraph()
    add_text(kicker, view.framework.title.upper(), view, bold=True)
    kicker.runs[0].font.color.rgb = rgb(view.brand.colors.accent)
    add_text(document.add_paragraph(style="Title"), view.guide.title, view)
    if view.guide.subtitle:
        add_text(document.add_paragraph(style="Subtitle"), view.guide.subtitle, view)
    stages = document.add_paragraph()
    stages.paragraph_format.space_before = Cm(4)
    names = " → ".join(stage.name for stage in view.framework.stages)
    add_text(stages, names, view, bold=True)
    contact = [
        view.brand.contact.website,
        view.brand.contact.email,
        view.brand.contact.phone,
        view.updated,
    ]
    document.add_paragraph("  ·  ".join(value for value in contact if value))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def write_contents(document: Document, view: DocumentView) -> None:
    """A contents page: a real TOC field, showing the headings until Word fills in the pages."""
    heading = document.add_paragraph(style="Title")
    heading.add_run(view.ui.contents).font.size = Pt(20)
    entries = [
        (block.section.title, 2 if block.stage else 1)
        if isinstance(block, SectionBlock)
        else (block.title, 1)
        for block in view.blocks
    ]
    for index, (title, level) in enumerate(entries):
        paragraph = document.add_paragraph(style=f"toc {level}")
        if index == 0:
            start_field(paragraph, 'TOC \\o "1-2" \\h \\z \\u')
        add_text(paragraph, title, view)
        if index == len(entries) - 1:
            paragraph.add_run()._r.append(field_char("end"))
    ask_to_update_fields(document)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def write_blocks(document: Document, view: DocumentView) -> None:
    """Sections as headings and text; each worksheet in a section of its own (grids landscape)."""
    in_sheet = False
    for block in view.blocks:
        if isinstance(block, SectionBlock):
            if in_sheet:
                orient(document.add_section(WD_SECTION.NEW_PAGE), landscape=False)
                in_sheet = False
            write_section(document, view, block)
        else:
            orient(document.add_section(WD_SECTION.NEW_PAGE), landscape=block.kind == "grid")
            write_sheet(document, view, block, signature=False)
            in_sheet = True


def write_section(document: Document, view: DocumentView, block: SectionBlock) -> None:
    """A prose section: heading (level 2 for a stage), body, contact card if asked for."""
    section = block.section
    level = 2 if block.stage else 1
    heading = document.add_heading(level=level)
    add_text(heading, section.title, view)
    heading.paragraph_format.page_break_before = section.new_page
    write_markdown(document, section.body, view, level + 1)
    if section.contact:
        write_contact(document, view)


def write_contact(document: Document, view: DocumentView) -> None:
    """The brand's contact details, and the source credit unless the brand turns it off."""
    contact = view.brand.contact
    card = document.add_paragraph(style=TIP_STYLE)
    add_text(card, view.brand.name, view, bold=True)
    for value in (contact.website, contact.email, contact.phone):
        if value:
            card.add_run().add_break()
            card.add_run(value)
    if view.guide.credit and view.brand.attribution:
        credit = document.add_paragraph()
        credit.add_run(view.guide.credit).font.size = Pt(8)
        credit.runs[0].font.color.rgb = MUTED


# --- grids ------------------------------------------------------------------------------------


def write_sheet(document: Document, view: DocumentView, sheet: Sheet, signature: bool) -> None:
    """The worksheet's title, its table, and (on worksheet files) a line to sign and date."""
    add_text(document.add_heading(level=1), sheet.title, view)
    if sheet.example and sheet.example.description:
        lead = document.add_paragraph()
        add_text(lead, sheet.example.description, view, italic=True)
        lead.runs[0].font.size = Pt(9)
    if isinstance(sheet, Grid):
        write_table(document, view, sheet)
    elif isinstance(sheet, FormSheet):
        write_form_table(document, view, sheet)
    else:
        write_checklist_table(document, view, sheet)
    if signature:
        line = document.add_paragraph()
        line.paragraph_format.space_before = Pt(10)
        line.paragraph_format.tab_stops.add_tab_stop(Cm(11), WD_TAB_ALIGNMENT.LEFT)
        line.add_run(f"{view.ui.filled_in_by}: ____________________________\t")
        line.add_run(f"{view.ui.date}: ________________")


def write_table(document: Document, view: DocumentView, grid: Grid) -> Table:
    """Stages as the header row, questions as the first column, entries in the cells."""
    rows = grid.rows()
    stage_width = int((usable_width(document) - LABEL_WIDTH) / len(grid.stages))
    table = new_table(document, 1 + len(rows), [LABEL_WIDTH] + [stage_width] * len(grid.stages))
    write_header_row(table, view, grid)
    height = EXAMPLE_ROW_HEIGHT if grid.example else BLANK_ROW_HEIGHT[view.job.document]
    for (row, cells), table_row in zip(rows, table.rows[1:], strict=True):
        table_row.height = height
        table_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        write_label(table_row.cells[0], view, row.label, "" if grid.example else row.help)
        for cell, entries, prompt in zip(
            table_row.cells[1:], cells, grid.prompts(row), strict=True
        ):
            write_cell(cell, entries, view)
            if prompt:
                write_prompt(cell, prompt, view)
    return table


def new_table(document: Document, rows: int, widths: list[int]) -> Table:
    """A fixed-layout, centred table with these column widths."""
    table = document.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    fix_layout(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the table grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # each cell's own width, which Word follows
    return table


def usable_width(document: Document) -> int:
    """The width between the margins of the current section."""
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def write_label(
    cell: _Cell, view: DocumentView, label: str, help_text: str, size: float = 8.5
) -> None:
    """A shaded label cell: the label in bold, its help text small below."""
    primary = view.brand.colors.primary
    cell._tc.get_or_add_tcPr().append(shading(tint(primary, 0.9)))
    write_cell(cell, [label], view, bold=True, color=rgb(primary), size=size)
    if help_text:
        paragraph = cell.add_paragraph()
        add_text(paragraph, help_text, view, italic=True)
        for run in paragraph.runs:
            run.font.size, run.font.color.rgb = Pt(size - 1.5), MUTED


def write_form_table(document: Document, view: DocumentView, sheet: FormSheet) -> Table:
    """Labels in the first column, answers (or room to write them) in the second."""
    label_width = Cm(5.5)
    fields = sheet.fields()
    table = new_table(document, len(fields), [label_width, usable_width(document) - label_width])
    for (field, entries), row in zip(fields, table.rows, strict=True):
        if not sheet.example:
            row.height = Cm(0.4 + 0.9 * field.lines)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        write_label(row.cells[0], view, field.label, field.help, size=9.5)
        write_cell(row.cells[1], entries, view, size=9.5)
    return table


def write_checklist_table(document: Document, view: DocumentView, sheet: ChecklistSheet) -> Table:
    """Number, tick box, item and notes; a header row names the notes column."""
    narrow, notes = Cm(1.0), Cm(5.5)
    items = sheet.items()
    widths = [narrow, narrow, usable_width(document) - 2 * narrow - notes, notes]
    table = new_table(document, 1 + len(items), widths)
    write_cell(table.rows[0].cells[3], [view.ui.notes], view, bold=True, size=8.5)
    for (number, item, ticked, note), row in zip(items, table.rows[1:], strict=True):
        row.height = Cm(1.1 if sheet.example else 1.4)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        write_cell(
            row.cells[0], [str(number)], view, bold=True, color=rgb(view.brand.colors.primary)
        )
        write_cell(row.cells[1], ["☑" if ticked else "☐"], view, size=12)
        write_label(row.cells[2], view, item.text, item.help, size=9.5)
        write_cell(row.cells[3], [note] if note else [], view, size=9)
    return table


def write_prompt(cell: _Cell, prompt: str, view: DocumentView) -> None:
    """The cell's own question, small and grey, above its entries."""
    first = cell.paragraphs[0]
    paragraph = first.insert_paragraph_before() if first.text else first
    add_text(paragraph, prompt, view, italic=True)
    for run in paragraph.runs:
        run.font.size, run.font.color.rgb = Pt(7), MUTED


def write_header_row(table: Table, view: DocumentView, grid: Grid) -> None:
    """The stage names on the brand colour, repeated on every page the table spans."""
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, stage in zip(header.cells[1:], grid.stages, strict=True):
        cell._tc.get_or_add_tcPr().append(shading(view.brand.colors.primary.lstrip("#")))
        write_cell(cell, [stage.name], view, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF), size=9.5)
        if stage.subtitle:
            subtitle = cell.add_paragraph()
            add_text(subtitle, stage.subtitle, view)
            for run in subtitle.runs:
                run.font.size, run.font.color.rgb = Pt(7.5), RGBColor(0xFF, 0xFF, 0xFF)


def write_cell(
    cell: _Cell,
    lines: list[str],
    view: DocumentView,
    bold: bool = False,
    color: RGBColor | None = None,
    size: float = 8.5,
) -> None:
    """One paragraph per entry, in the cell's first paragraph onwards."""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.line_spacing = 1.0
        add_text(paragraph, line, view, bold=bold)
        for run in paragraph.runs:
            run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color
    for paragraph in cell.paragraphs:
        paragraph.paragraph_format.space_after = Pt(2)


def fix_layout(table: Table) -> None:
    """Fixed column widths and thin grey borders: Word must not autofit the grid."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    edges = ("w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV")
    tbl_pr.append(border("w:tblBorders", {edge: (RULE, 4) for edge in edges}))


# --- headers and footers ----------------------------------------------------------------------


def write_headers_and_footers(document: Document, view: DocumentView) -> None:
    """Guide title in the header, brand and page number in the footer; none on the cover."""
    document.sections[0].different_first_page_header_footer = view.job.document == "guide"
    for section in document.sections:
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        usable = section.page_width - section.left_margin - section.right_margin
        header = section.header.paragraphs[0]
        add_text(header, view.guide.title, view)
        footer = section.footer.paragraphs[0]
        footer.paragraph_format.tab_stops.add_tab_stop(usable, WD_TAB_ALIGNMENT.RIGHT)
        footer.add_run(view.brand.footer or view.brand.name)
        footer.add_run("\t")
        add_field(footer, "PAGE", "1")
        for paragraph in (header, footer):
            for run in paragraph.runs:
                run.font.size = Pt(8)
                run.font.color.rgb = MUTED
