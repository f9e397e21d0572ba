"""The DOCX renderer: the view → an editable Word document (python-docx).

Guides get a cover, a TOC field, real Heading styles and each grid as a Word table in a landscape
section; worksheets are one landscape section holding the grid. Brand fonts and colours go into
named styles (Normal, Heading 1–3, Tip, Cell …), so a user restyles the document from Word's
style gallery instead of run by run.
"""

from __future__ import annotations

from io import BytesIO
from typing import TypeVar
from weakref import WeakKeyDictionary

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section as DocxSection
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml.etree import QName
from markdown_it.token import Token

from generator.document import ChecklistSheet, DocumentView, FormSheet, Grid, SectionBlock, Sheet
from generator.layouts import Layouts
from generator.logo import logo_png
from generator.palette import RULE
from generator.reproducible import FIXED_TIME, fixed_zip
from generator.text import parse_markdown, split_languages

PORTRAIT_MARGIN, LANDSCAPE_MARGIN = Cm(2.2), Cm(1.5)
BODY_SIZE = {"guide": 11.0, "worksheet": 10.0}
BLANK_GRID_HEIGHT = {"guide": Cm(15.0), "worksheet": Cm(14.4)}
"""What a blank grid's rows share of a landscape page (worksheets keep room to sign below)."""
MAX_ROW_HEIGHT = Cm(2.5)
EXAMPLE_ROW_HEIGHT = Cm(1.5)
LOGO_HEIGHT = Cm(0.8)
"""The brand's logo in the page header."""
LABEL_SHARE, MIN_LABEL_WIDTH = 1.3, Cm(4.2)
"""The question column's width relative to one stage column, and its least width."""
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
LIST_STYLES = {"bullet_list_open": "List Bullet", "ordered_list_open": "List Number"}
CONTAINERS = {*LIST_STYLES, "blockquote_open"}
StyledItem = TypeVar("StyledItem", Paragraph, Run)


def render(view: DocumentView, layouts: Layouts) -> bytes:
    """Render a guide or a worksheet to DOCX bytes."""
    document = new_document()
    set_up_styles(document, view)
    if view.job.document == "worksheet":
        write_worksheet(document, view)
    else:
        write_guide(document, view)
    write_headers_and_footers(document, view)
    set_properties(document, view)
    drop_template_thumbnail(document)
    buffer = BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


# --- low-level OOXML --------------------------------------------------------------------------


SCHEMA_ORDER = {
    "pPr": "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct"
    " autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing"
    " mirrorIndents suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl"
    " divId cnfStyle rPr sectPr pPrChange",
    "tblPr": "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook"
    " tblCaption tblDescription tblPrChange",
    "trPr": "cantSplit trHeight tblHeader tblCellSpacing jc hidden ins del trPrChange",
    "tcPr": "shd noWrap tcMar textDirection tcFitText vAlign hideMark headers cellIns cellDel"
    " cellMerge tcPrChange",
    "rPr": "lang eastAsianLayout specVanish m:oMath",
    "settings": "updateFields hdrShapeDefaults footnotePr endnotePr compat docVars rsids"
    " m:mathPr attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats"
    " doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType"
    " sl:schemaLibrary shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator",
}
"""The tail of each parent's child sequence (WordprocessingML schema) from the first we set."""


def put(parent: BaseOxmlElement, child: BaseOxmlElement) -> BaseOxmlElement:
    """Put ``child`` where the schema orders it in ``parent``, replacing one of the same tag."""
    old = parent.find(child.tag)
    if old is not None:
        parent.remove(old)
    order = [
        tag if ":" in tag else f"w:{tag}" for tag in SCHEMA_ORDER[QName(parent).localname].split()
    ]
    tags = [qn(tag) for tag in order]
    parent.insert_element_before(child, *order[tags.index(child.tag) + 1 :])
    return child


def element(tag: str, **attributes: str) -> BaseOxmlElement:
    """A ``w:`` element with ``w:`` attributes, e.g. ``element("w:shd", fill="FFFFFF")``."""
    node = OxmlElement(tag)
    for name, value in attributes.items():
        node.set(qn(f"w:{name}"), value)
    return node


def shading(fill: str) -> BaseOxmlElement:
    """A ``w:shd`` filling with ``fill`` (RRGGBB)."""
    return element("w:shd", val="clear", color="auto", fill=fill)


def border(tag: str, edges: list[str], color: str, size: int) -> BaseOxmlElement:
    """A border element (``w:pBdr``, ``w:tblBorders``) of single lines on these edges."""
    node = OxmlElement(tag)
    space = "4" if tag == "w:pBdr" else "0"
    for edge in edges:
        node.append(element(f"w:{edge}", val="single", sz=str(size), space=space, color=color))
    return node


def cell_margins(top: Length, side: Length) -> BaseOxmlElement:
    """Default cell padding of a table (``w:tblCellMar``)."""
    node = OxmlElement("w:tblCellMar")
    for edge, length in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        node.append(element(f"w:{edge}", w=str(length.twips), type="dxa"))
    return node


def field_char(kind: str) -> BaseOxmlElement:
    """One of a complex field's markers: ``begin``, ``separate`` or ``end``."""
    return element("w:fldChar", fldCharType=kind)


def start_field(paragraph: Paragraph, instruction: str) -> None:
    """The start of a complex field: begin, instruction, separator (its shown result follows)."""
    paragraph.add_run()._r.append(field_char("begin"))
    instruction_text = OxmlElement("w:instrText")
    instruction_text.set(qn("xml:space"), "preserve")
    instruction_text.text = f" {instruction} "
    paragraph.add_run()._r.append(instruction_text)
    paragraph.add_run()._r.append(field_char("separate"))


def end_field(paragraph: Paragraph) -> None:
    """The end of a complex field."""
    paragraph.add_run()._r.append(field_char("end"))


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A whole field (PAGE …) that Word and LibreOffice compute when they show the file."""
    start_field(paragraph, instruction)
    paragraph.add_run(placeholder)
    end_field(paragraph)


def add_link(paragraph: Paragraph, text: str, url: str) -> None:
    """A clickable link to ``url`` in Word's Hyperlink character style."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True))
    link.append(styled(paragraph.add_run(text), "Hyperlink")._r)
    paragraph._p.append(link)


# --- styles and properties -------------------------------------------------------------------


def rgb(color: str) -> RGBColor:
    """``#RRGGBB`` or ``RRGGBB`` → python-docx colour."""
    return RGBColor.from_string(color.lstrip("#").upper())


def set_fonts(r_pr: CT_RPr, name: str) -> None:
    """Set a font on every script slot, so Word does not substitute another for some text."""
    fonts = r_pr.get_or_add_rFonts()
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), name)
    for slot in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{slot}"), None)


def set_language(r_pr: CT_RPr, tag: str) -> None:
    """Mark a run's (or a style's) text as being in the language ``tag``, e.g. ``en-GB``."""
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = put(r_pr, element("w:lang"))
    lang.set(qn("w:val"), tag)


def word_language(locale: str) -> str:
    """A locale as Word writes it, e.g. ``en_GB`` → ``en-GB``."""
    return locale.replace("_", "-")


_STYLES: WeakKeyDictionary[Part, dict[str, BaseStyle]] = WeakKeyDictionary()


def named_styles(part: Part) -> dict[str, BaseStyle]:
    """A document's styles by name, read once (python-docx's lookups by name scan them all);
    :func:`style` adds the styles it creates."""
    styles = _STYLES.get(part)
    if styles is None:
        every = part.styles  # type: ignore[attr-defined]
        styles = _STYLES[part] = {style.name: style for style in every}
    return styles


def styled(item: StyledItem, name: str) -> StyledItem:
    """Give a paragraph or a run the style ``name``; returns it.

    python-docx's own ``item.style = name`` scans every style of the document twice per call,
    which made it most of the cost of a guide. A default style is left implicit, as Word does.
    """
    target = named_styles(item.part)[name]
    item._element.style = None if target.element.default else target.style_id
    return item


def heading_paragraph(document: Document, level: int) -> Paragraph:
    """An empty paragraph in the style ``Heading <level>``."""
    return styled(document.add_paragraph(), f"Heading {level}")


def style(
    document: Document,
    name: str,
    base: str = "Normal",
    kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH,
    color: RGBColor | None = None,
    **font: object,
) -> BaseStyle:
    """A style of the document (added if the template lacks it) with these font settings."""
    styles = named_styles(document.part)
    if name in styles:
        target = styles[name]
    else:
        target = styles[name] = document.styles.add_style(name, kind)
        target.base_style = styles[base]
    for attribute, value in font.items():
        setattr(target.font, attribute, value)
    if color is not None:
        target.font.color.rgb = color
    return target


def set_up_styles(document: Document, view: DocumentView) -> None:
    """Brand fonts, colours and the document language in the styles every paragraph uses."""
    fonts = view.brand.fonts
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(default_run, fonts.body)
    set_language(default_run, word_language(view.locale))
    normal = style(
        document, "Normal", size=Pt(BODY_SIZE[view.job.document]), color=rgb(view.palette.text)
    )
    set_fonts(normal.element.get_or_add_rPr(), fonts.body)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    set_up_headings(document, view)
    set_up_text_styles(document, view)
    set_up_cell_styles(document, view)


def set_up_headings(document: Document, view: DocumentView) -> None:
    """Headings, title and subtitle in the heading font, headings in the primary colour."""
    primary, heading_font = rgb(view.palette.primary), view.brand.fonts.heading
    for level, size in enumerate((20, 14, 12, 11), start=1):
        heading = style(document, f"Heading {level}", size=Pt(size), bold=True, color=primary)
        heading.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        heading.paragraph_format.space_after = Pt(6 if level == 1 else 4)
        heading.paragraph_format.line_spacing = 1.0
    title = style(document, "Title", size=Pt(32), color=primary)
    put(title.element.get_or_add_pPr(), border("w:pBdr", ["bottom"], accent(view), 18))
    style(document, "Subtitle", size=Pt(14), italic=False, color=rgb("#444444"))
    for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Title", "Subtitle"):
        set_fonts(named_styles(document.part)[name].element.get_or_add_rPr(), heading_font)


def accent(view: DocumentView) -> str:
    """The brand's accent colour as ``RRGGBB``."""
    return view.palette.accent.lstrip("#")


def set_up_text_styles(document: Document, view: DocumentView) -> None:
    """The tip box, small notes, the cover's kicker, contents entries and links."""
    tip = style(document, "Tip")
    tip.paragraph_format.left_indent = Cm(0.4)
    tip.paragraph_format.right_indent = Cm(0.2)
    tip.paragraph_format.space_before = Pt(8)
    tip.paragraph_format.space_after = Pt(12)
    tip_properties = tip.element.get_or_add_pPr()
    put(tip_properties, border("w:pBdr", ["left"], accent(view), 24))
    put(tip_properties, shading(view.palette.tip_fill.lstrip("#")))
    style(document, "Note", size=Pt(8.5), italic=True, color=rgb(view.palette.muted))
    kicker = style(document, "Kicker", size=Pt(9), bold=True, color=rgb(accent(view)))
    kicker.paragraph_format.space_after = Pt(2)
    kicker.paragraph_format.keep_with_next = True
    for level in (1, 2):
        entry = style(document, f"toc {level}", bold=level == 1)
        entry.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        entry.paragraph_format.space_before = Pt(6 if level == 1 else 0)
        entry.paragraph_format.space_after = Pt(2)
    style(
        document,
        "Hyperlink",
        "Default Paragraph Font",
        WD_STYLE_TYPE.CHARACTER,
        underline=True,
        color=rgb(view.palette.primary),
    )
    for name in ("Header", "Footer"):
        layout = style(document, name, size=Pt(8), color=rgb(view.palette.muted)).paragraph_format
        layout.tab_stops.clear_all()
        layout.space_after = Pt(4 if name == "Header" else 0)  # a logo's header clears the text


def set_up_cell_styles(document: Document, view: DocumentView) -> None:
    """Table text: entries, row labels and help, stage names and subtitles on the header."""
    step = 1 if crowded(view) else 0
    palette = view.palette
    cell = style(document, "Cell", size=Pt(9 - step))
    cell.paragraph_format.space_before = Pt(0)
    cell.paragraph_format.space_after = Pt(2)
    cell.paragraph_format.line_spacing = 1.0
    primary, muted, on_primary = (
        rgb(c) for c in (palette.primary, palette.muted, palette.on_primary)
    )
    style(document, "Cell Label", "Cell", size=Pt(9.5 - step), bold=True, color=primary)
    style(document, "Cell Help", "Cell", size=Pt(7.5 - step), italic=True, color=muted)
    style(document, "Cell Head", "Cell", size=Pt(9 - step), bold=True, color=on_primary)
    style(document, "Cell Head Sub", "Cell", size=Pt(7.5 - step), color=on_primary)


def crowded(view: DocumentView) -> bool:
    """Whether a grid of the document has seven stages or more, which calls for smaller text."""
    return any(isinstance(block, Grid) and len(block.stages) >= 7 for block in view.blocks)


def set_properties(document: Document, view: DocumentView) -> None:
    """Title, author, subject and language; a fixed time and revision so rebuilds are identical."""
    properties = document.core_properties
    properties.title = view.title
    properties.author = properties.last_modified_by = view.brand.name
    properties.subject = view.guide.subtitle
    properties.language = word_language(view.locale)
    properties.keywords = view.framework.title
    properties.comments = ""
    properties.created = properties.modified = FIXED_TIME
    properties.revision = 1


def drop_template_thumbnail(document: Document) -> None:
    """python-docx's template carries a picture of an empty page as the file's preview: drop it."""
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del package_rels[rel_id]


# --- text -------------------------------------------------------------------------------------


def add_text(
    paragraph: Paragraph, text: str, view: DocumentView, bold: bool = False, italic: bool = False
) -> Paragraph:
    """Add text as runs, marking loanwords with their own language."""
    for part, language in split_languages(text, view.ui):
        run = paragraph.add_run(part)
        run.bold = bold or None
        run.italic = italic or None
        if language:
            set_language(run._r.get_or_add_rPr(), word_language(view.locale_of(language)))
    return paragraph


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
    """Markdown → paragraphs under a heading of ``level``: subheadings, lists, tip boxes."""
    context: list[tuple[str, int | None]] = []
    paragraph_style = "Normal"
    for token in parse_markdown(source):
        if token.type in CONTAINERS:
            numbered = token.type == "ordered_list_open"
            style_name = list_style(context, token.type)
            context.append(
                (style_name, restart_numbering(document, style_name) if numbered else None)
            )
        elif token.type.endswith("_close") and token.type.replace("_close", "_open") in CONTAINERS:
            context.pop()
        elif token.type == "heading_open":
            paragraph_style = f"Heading {min(9, level + max(1, int(token.tag[1]) - 1))}"
        elif token.type == "paragraph_open":
            paragraph_style = context[-1][0] if context else "Normal"
        elif token.type == "inline":
            paragraph = styled(document.add_paragraph(), paragraph_style)
            add_inline(paragraph, token, view)
            if context and context[-1][1] is not None:
                number(paragraph, context[-1][1])


def list_style(context: list[tuple[str, int | None]], opening: str) -> str:
    """The style of a list or quote opened inside ``context``: nested lists are indented more."""
    if opening == "blockquote_open":
        return "Tip"
    depth = 1 + sum(1 for name, _ in context if name.startswith("List"))
    return LIST_STYLES[opening] + (f" {min(depth, 3)}" if depth > 1 else "")


def restart_numbering(document: Document, style_name: str) -> int:
    """A new numbering instance of a list style, so that each numbered list counts from 1."""
    numbering = document.part.numbering_part.element
    style_num = named_styles(document.part)[style_name].element.pPr.numPr.numId.val
    abstract = next(n.abstractNumId.val for n in numbering.num_lst if n.numId == style_num)
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def number(paragraph: Paragraph, num_id: int) -> None:
    """Number a paragraph in the numbering instance ``num_id``."""
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = 0
    numbering.get_or_add_numId().val = num_id


# --- pages and sections -----------------------------------------------------------------------


def orient(section: DocxSection, landscape: bool) -> DocxSection:
    """A4 in the given orientation with the margins that go with it."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    margin = LANDSCAPE_MARGIN if landscape else PORTRAIT_MARGIN
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin
    section.header_distance = section.footer_distance = Cm(0.8)
    return section


def usable_width(section: DocxSection) -> Length:
    """The width between a section's margins."""
    return Length(section.page_width - section.left_margin - section.right_margin)


def write_guide(document: Document, view: DocumentView) -> None:
    """Cover, contents, then the sections and worksheets in the guide's order."""
    orient(document.sections[0], landscape=False)
    write_cover(document, view)
    contents_end = write_contents(document, view)
    write_blocks(document, view)
    fill_contents(document, contents_end, view)


def write_worksheet(document: Document, view: DocumentView) -> None:
    """One page: the worksheet, then a line to sign and date."""
    sheet = view.worksheet
    orient(document.sections[0], landscape=sheet.kind == "grid")
    write_sheet(document, view, sheet)
    line = document.add_paragraph()
    line.paragraph_format.space_before = Pt(8)
    line.paragraph_format.tab_stops.add_tab_stop(Cm(11), WD_TAB_ALIGNMENT.LEFT)
    line.add_run(f"{view.ui.filled_in_by}: {'_' * 32}\t{view.ui.date}: {'_' * 18}")


def write_cover(document: Document, view: DocumentView) -> None:
    """The cover: brand, the framework as a kicker, title, subtitle, stages, contact and date."""
    primary = rgb(view.palette.primary)
    colored(add_text(styled(document.add_paragraph(), "Kicker"), view.brand.name, view), primary)
    kicker_text = view.framework.title.upper()
    kicker = add_text(styled(document.add_paragraph(), "Kicker"), kicker_text, view)
    kicker.paragraph_format.space_before = Cm(7)
    add_text(styled(document.add_paragraph(), "Title"), view.guide.title, view)
    if view.guide.subtitle:
        add_text(styled(document.add_paragraph(), "Subtitle"), view.guide.subtitle, view)
    for number, stage in enumerate(view.framework.stages, start=1):
        item = document.add_paragraph()
        item.paragraph_format.space_before = Cm(2.5 if number == 1 else 0)
        item.paragraph_format.space_after = Pt(3)
        item.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
        colored(add_text(item, f"{number}\t", view, bold=True), rgb(accent(view)))
        add_text(item, stage.name, view, bold=True)
    foot = styled(document.add_paragraph("  ·  ".join(view.cover_details)), "Note")
    foot.paragraph_format.space_before = Cm(2.5)


def colored(paragraph: Paragraph, color: RGBColor) -> None:
    """Give every run of a paragraph this colour."""
    for run in paragraph.runs:
        run.font.color.rgb = color


def write_contents(document: Document, view: DocumentView) -> Paragraph:
    """The contents page: a TOC field Word fills in; returns the paragraph that ends it."""
    heading = styled(document.add_paragraph(view.ui.contents), "TOC Heading")
    heading.paragraph_format.page_break_before = True
    hint = styled(document.add_paragraph(), "Note")
    start_field(hint, TOC_INSTRUCTION)
    hint.add_run(view.ui.update_contents)
    end = styled(document.add_paragraph(), "toc 1")
    end_field(end)
    put(document.settings.element, element("w:updateFields", val="true"))
    return end


def fill_contents(document: Document, contents_end: Paragraph, view: DocumentView) -> None:
    """Show the headings in the TOC field until Word adds page numbers, as it will on update."""
    styles = named_styles(document.part)
    levels = {styles[f"Heading {level}"].style_id: level for level in ("1", "2")}
    for paragraph in document.paragraphs:
        level = levels.get(paragraph._p.style or "")
        if level:
            entry = styled(contents_end.insert_paragraph_before(), f"toc {level}")
            add_text(entry, paragraph.text, view)


def write_blocks(document: Document, view: DocumentView) -> None:
    """Sections as headings and text; each worksheet in a section of its own (grids landscape)."""
    in_sheet = False
    for index, block in enumerate(view.blocks):
        if isinstance(block, SectionBlock):
            if in_sheet:
                orient(document.add_section(WD_SECTION.NEW_PAGE), landscape=False)
            write_section(document, view, block, new_page=index == 0 and not in_sheet)
            in_sheet = False
        else:
            section = document.add_section(WD_SECTION.NEW_PAGE)
            orient(section, landscape=block.kind == "grid")
            write_sheet(document, view, block)
            in_sheet = True


def write_section(
    document: Document, view: DocumentView, block: SectionBlock, new_page: bool
) -> None:
    """A prose section: heading (level 2 and a stage tag for a stage), body, contact card."""
    section = block.section
    level = 2 if block.stage else 1
    first = heading = add_text(heading_paragraph(document, level), section.title, view)
    if block.stage:
        first = styled(heading.insert_paragraph_before(), "Kicker")
        add_text(first, view.stage_tag(block.stage), view)
        for run in first.runs:
            run.font.all_caps = True
        first.paragraph_format.space_before = Pt(14)
        heading.paragraph_format.space_before = Pt(0)
    first.paragraph_format.page_break_before = new_page or section.new_page
    write_markdown(document, section.body, view, level)
    if section.contact:
        write_contact(document, view, level + 1)


def write_contact(document: Document, view: DocumentView, level: int) -> None:
    """The brand's contact details under a heading, then the source credit unless turned off."""
    contact = view.brand.contact
    add_text(heading_paragraph(document, level), view.ui.contact, view)
    card = add_text(styled(document.add_paragraph(), "Tip"), view.brand.name, view, bold=True)
    website = contact.website if "://" in contact.website else f"https://{contact.website}"
    lines = ((contact.website, website), (contact.email, f"mailto:{contact.email}"))
    for value, url in (*lines, (contact.phone, "")):
        if value:
            card.add_run().add_break()
            if url:
                add_link(card, value, url)
            else:
                card.add_run(value)
    if view.credit:
        add_text(styled(document.add_paragraph(), "Note"), view.credit, view)


# --- worksheets -------------------------------------------------------------------------------


def write_sheet(document: Document, view: DocumentView, sheet: Sheet) -> None:
    """The worksheet's title, the example's description and the table."""
    title = add_text(heading_paragraph(document, 1), sheet.title, view)
    title.paragraph_format.space_before = Pt(0)
    if sheet.example and sheet.example.description:
        add_text(styled(document.add_paragraph(), "Note"), sheet.example.description, view)
    if isinstance(sheet, Grid):
        write_grid(document, view, sheet)
    elif isinstance(sheet, FormSheet):
        write_form(document, view, sheet)
    else:
        write_checklist(document, view, sheet)


def write_grid(document: Document, view: DocumentView, grid: Grid) -> Table:
    """Stages as the header row, questions as the first column, entries in the cells."""
    stages, rows = grid.stages, grid.rows()
    width = usable_width(document.sections[-1])
    label_width = max(MIN_LABEL_WIDTH, int(width * LABEL_SHARE / (len(stages) + LABEL_SHARE)))
    stage_width = int((width - label_width) / len(stages))
    widths = [width - stage_width * len(stages)] + [stage_width] * len(stages)
    table = new_table(document, 1 + len(rows), widths)
    write_header_row(table, view, [(stage.name, stage.subtitle) for stage in stages])
    blank_height = min(MAX_ROW_HEIGHT, int(BLANK_GRID_HEIGHT[view.job.document] / len(rows)))
    height = EXAMPLE_ROW_HEIGHT if grid.example else Length(blank_height)
    for (row, cells), table_row in zip(rows, table.rows[1:], strict=True):
        set_height(table_row, height)
        write_label(table_row.cells[0], view, row.label, "" if grid.example else row.help)
        for cell, entries, prompt in zip(
            table_row.cells[1:], cells, grid.prompts(row), strict=True
        ):
            write_cell(cell, [prompt] if prompt else [], view, "Cell Help")
            write_cell(cell, entries, view)
    return table


def write_form(document: Document, view: DocumentView, sheet: FormSheet) -> Table:
    """Labels in the first column, answers (or room to write them) in the second."""
    fields = sheet.fields()
    width, label_width = usable_width(document.sections[-1]), Cm(5.5)
    table = new_table(document, len(fields), [label_width, width - label_width])
    for (field, entries), row in zip(fields, table.rows, strict=True):
        set_height(row, Cm(0.6 if sheet.example else 0.4 + 0.9 * field.lines))
        write_label(row.cells[0], view, field.label, field.help)
        write_cell(row.cells[1], entries, view)
    return table


def write_checklist(document: Document, view: DocumentView, sheet: ChecklistSheet) -> Table:
    """Number, tick box, item and notes; the header row names the notes column."""
    narrow, notes = Cm(1.0), Cm(5.5)
    items = sheet.items()
    widths = [narrow, narrow, usable_width(document.sections[-1]) - 2 * narrow - notes, notes]
    table = new_table(document, 1 + len(items), widths)
    write_header_row(table, view, [("", ""), ("", ""), (view.ui.notes, "")])
    for (index, item, ticked, note), row in zip(items, table.rows[1:], strict=True):
        set_height(row, Cm(1.1 if sheet.example else 1.4))
        write_cell(row.cells[0], [str(index)], view, "Cell Label")
        write_cell(row.cells[1], ["☑" if ticked else "☐"], view, "Cell Label")
        write_cell(row.cells[2], [item.text], view)
        write_cell(row.cells[2], [item.help] if item.help else [], view, "Cell Help")
        write_cell(row.cells[3], [note] if note else [], view)
    return table


def new_table(document: Document, rows: int, widths: list[Length]) -> Table:
    """A centred table with fixed column widths, thin grey rules and room around the text."""
    table = document.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    put(properties, element("w:tblW", w=str(sum(Length(w).twips for w in widths)), type="dxa"))
    edges = ["top", "left", "bottom", "right", "insideH", "insideV"]
    put(properties, border("w:tblBorders", edges, RULE.lstrip("#"), 4))
    put(properties, element("w:tblLayout", type="fixed"))
    put(properties, cell_margins(Cm(0.1), Cm(0.15)))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the table grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # each cell's own width, which Word follows
            styled(cell.paragraphs[0], "Cell")
    return table


def set_height(row: _Row, height: Length) -> None:
    """A row at least ``height`` tall that never breaks across pages."""
    row.height, row.height_rule = height, WD_ROW_HEIGHT_RULE.AT_LEAST
    put(row._tr.get_or_add_trPr(), element("w:cantSplit"))


def write_header_row(table: Table, view: DocumentView, titles: list[tuple[str, str]]) -> None:
    """Column titles (and subtitles) on the brand colour, repeated on every page of the table."""
    header = table.rows[0]
    put(header._tr.get_or_add_trPr(), element("w:tblHeader"))
    set_height(header, Cm(1.0))
    primary = view.palette.primary.lstrip("#")
    blank = [("", "")] * (len(header.cells) - len(titles))
    for cell, (title, subtitle) in zip(header.cells, blank + titles, strict=True):
        put(cell._tc.get_or_add_tcPr(), shading(primary))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        write_cell(cell, [title] if title else [], view, "Cell Head")
        write_cell(cell, [subtitle] if subtitle else [], view, "Cell Head Sub")


def write_label(cell: _Cell, view: DocumentView, label: str, help_text: str) -> None:
    """A lightly shaded question cell: the label in bold, its help small below."""
    put(cell._tc.get_or_add_tcPr(), shading(view.palette.label_fill.lstrip("#")))
    write_cell(cell, [label], view, "Cell Label")
    write_cell(cell, [help_text] if help_text else [], view, "Cell Help")


def write_cell(cell: _Cell, lines: list[str], view: DocumentView, style_name: str = "Cell") -> None:
    """One paragraph per line, filling the cell's empty first paragraph before adding more."""
    for line in lines:
        first = cell.paragraphs[0]
        empty = len(cell.paragraphs) == 1 and not first.runs
        paragraph = first if empty else cell.add_paragraph()
        styled(paragraph, style_name)
        add_text(paragraph, line, view)


# --- headers and footers ----------------------------------------------------------------------


def write_headers_and_footers(document: Document, view: DocumentView) -> None:
    """Guide title in the header, brand and page number in the footer; none on the cover."""
    document.sections[0].different_first_page_header_footer = view.job.document == "guide"
    logo = logo_png(view.brand)
    for section in document.sections:
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        header = section.header.paragraphs[0]
        if logo is not None:
            header.add_run().add_picture(BytesIO(logo), height=LOGO_HEIGHT)
            header.add_run("   ")
        add_text(header, view.guide.title, view)
        footer = section.footer.paragraphs[0]
        footer.paragraph_format.tab_stops.add_tab_stop(
            usable_width(section), WD_TAB_ALIGNMENT.RIGHT
        )
        add_text(footer, view.footer_line, view)
        footer.add_run("\t")
        add_field(footer, "PAGE", "1")
