"""Generic WordprocessingML helpers on top of python-docx, knowing nothing of journeykit."""

from __future__ import annotations

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, RGBColor
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml.etree import QName

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


# --- elements ---------------------------------------------------------------------------------


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
    """A ``w:shd`` filling with ``fill`` (``#RRGGBB``)."""
    return element("w:shd", val="clear", color="auto", fill=fill.lstrip("#"))


def border(tag: str, edges: list[str], color: str, size: int) -> BaseOxmlElement:
    """A border element (``w:pBdr``, ``w:tblBorders``) of single lines on these edges, in
    ``color`` (``#RRGGBB``)."""
    node = OxmlElement(tag)
    space = "4" if tag == "w:pBdr" else "0"
    hex_color = color.lstrip("#")
    for edge in edges:
        node.append(element(f"w:{edge}", val="single", sz=str(size), space=space, color=hex_color))
    return node


def cell_margins(top: Length, side: Length) -> BaseOxmlElement:
    """Default cell padding of a table (``w:tblCellMar``)."""
    node = OxmlElement("w:tblCellMar")
    for edge, length in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        node.append(element(f"w:{edge}", w=str(length.twips), type="dxa"))
    return node


# --- fields and links -------------------------------------------------------------------------


def field_char(kind: str) -> BaseOxmlElement:
    """One of a complex field's markers: ``begin``, ``separate`` or ``end``."""
    return element("w:fldChar", fldCharType=kind)


def field_start(instruction: str) -> list[BaseOxmlElement]:
    """The runs that start a complex field: begin, instruction, separator (its shown result
    follows)."""
    instruction_text = OxmlElement("w:instrText")
    instruction_text.set(qn("xml:space"), "preserve")
    instruction_text.text = f" {instruction} "
    runs = []
    for child in (field_char("begin"), instruction_text, field_char("separate")):
        run = OxmlElement("w:r")
        run.append(child)
        runs.append(run)
    return runs


def start_field(paragraph: Paragraph, instruction: str) -> None:
    """Start a complex field at the end of ``paragraph``."""
    for run in field_start(instruction):
        paragraph._p.append(run)


def end_field(paragraph: Paragraph) -> None:
    """The end of a complex field."""
    paragraph.add_run()._r.append(field_char("end"))


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A whole field (PAGE …) that Word and LibreOffice compute when they show the file."""
    start_field(paragraph, instruction)
    paragraph.add_run(placeholder)
    end_field(paragraph)


def add_bookmark(paragraph: Paragraph, bookmark_id: int, name: str) -> None:
    """A bookmark ``name`` around the whole paragraph's text (a PAGEREF field's target)."""
    start = element("w:bookmarkStart", id=str(bookmark_id), name=name)
    properties = paragraph._p.pPr
    paragraph._p.insert(0 if properties is None else 1, start)
    paragraph._p.append(element("w:bookmarkEnd", id=str(bookmark_id)))


def add_page_reference(paragraph: Paragraph, bookmark: str, page: str) -> None:
    """A tab, then the number of the page ``bookmark`` is on (a PAGEREF field showing ``page``
    until it is computed), the whole line a link to the bookmark, as Word writes a contents
    entry."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), bookmark)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    tab = paragraph.add_run()
    tab._r.append(OxmlElement("w:tab"))
    add_field(paragraph, f"PAGEREF {bookmark} \\h", page)
    for run in paragraph._p.findall(qn("w:r")):
        link.append(run)


def add_link(paragraph: Paragraph, run: Run, url: str) -> None:
    """Make ``run`` (already added to ``paragraph``) a clickable link to ``url``."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True))
    link.append(run._r)
    paragraph._p.append(link)


# --- runs, paragraphs, rows and sections ------------------------------------------------------


CHECKED, UNCHECKED = "☒", "☐"
CHECK_BOX_FONT = "MS Gothic"
"""The font Word itself sets its check boxes in (another program falls back to one that has
the two glyphs)."""


def add_check_box(paragraph: Paragraph, checked: bool, tag: str) -> None:
    """A check-box content control Word and LibreOffice tick with a click (``tag`` names it)."""
    control = OxmlElement("w:sdt")
    properties = OxmlElement("w:sdtPr")
    properties.append(element("w:tag", val=tag))
    box = OxmlElement("w14:checkbox")
    state = OxmlElement("w14:checked")
    state.set(qn("w14:val"), "1" if checked else "0")
    box.append(state)
    for name, glyph in (("checkedState", CHECKED), ("uncheckedState", UNCHECKED)):
        state = OxmlElement(f"w14:{name}")
        state.set(qn("w14:val"), f"{ord(glyph):04X}")
        state.set(qn("w14:font"), CHECK_BOX_FONT)
        box.append(state)
    properties.append(box)
    control.append(properties)
    content = OxmlElement("w:sdtContent")
    run = OxmlElement("w:r")
    run_properties = run.get_or_add_rPr()
    set_fonts(run_properties, CHECK_BOX_FONT)
    text = OxmlElement("w:t")
    text.text = CHECKED if checked else UNCHECKED
    run.append(text)
    content.append(run)
    control.append(content)
    paragraph._p.append(control)


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


def colored(paragraph: Paragraph, color: RGBColor) -> None:
    """Give every run of a paragraph this colour."""
    for run in paragraph.runs:
        run.font.color.rgb = color


def number(paragraph: Paragraph, num_id: int) -> None:
    """Number a paragraph in the numbering instance ``num_id``."""
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = 0
    numbering.get_or_add_numId().val = num_id


def set_height(row: _Row, height: Length) -> None:
    """A row at least ``height`` tall that never breaks across pages."""
    row.height, row.height_rule = height, WD_ROW_HEIGHT_RULE.AT_LEAST
    put(row._tr.get_or_add_trPr(), element("w:cantSplit"))


def keep_together(table: Table) -> None:
    """Keep a table on one page, where it fits on one: each paragraph of every row but the last
    keeps with the next (rows themselves never split, see :func:`set_height`)."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def usable_width(section: Section) -> Length:
    """The width between a section's margins."""
    return Length(section.page_width - section.left_margin - section.right_margin)
