"""The DOCX renderer: the view → an editable Word document (python-docx).

Guides get a cover (with the brand's logo), a contents page (a TOC field holding its entries
and page numbers, see :meth:`DocxWriter.fill_contents`), real Heading styles and each grid as a
Word table in a landscape section; a worksheet is one section holding its sheet, kept on one
page: landscape for a grid, portrait for a form or checklist. Brand fonts and colours go into
named styles (Normal, Heading 1–3, Tip, Cell …),
so a user restyles the document from Word's style gallery instead of run by run; the brand's
fonts travel inside the file (:mod:`generator.renderers.docx.fonts`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.image import Image
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section as DocxSection
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.token import Token

from generator.document import ChecklistSheet, DocumentView, FormSheet, Grid, SectionBlock, Sheet
from generator.entries import TICK
from generator.errors import BuildError
from generator.fonts import family_files
from generator.layouts import Layouts
from generator.logo import logo_png, office_image
from generator.markdown import IMAGE_HEIGHT_MM, alt_text, lone_image
from generator.model import Brand, Section
from generator.paper import Paper
from generator.renderers.docx.fonts import embed_fonts
from generator.renderers.docx.measure import FALLBACK, Metrics, metrics, wrapped_lines
from generator.renderers.docx.ooxml import (
    add_bookmark,
    add_check_box,
    add_field,
    add_link,
    add_page_reference,
    border,
    cell_margins,
    colored,
    element,
    end_field,
    field_start,
    keep_together,
    number,
    put,
    rgb,
    set_fonts,
    set_height,
    set_language,
    shading,
    usable_width,
    word_language,
)
from generator.renderers.paged import Pages
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
COVER_LOGO_WIDTH, COVER_LOGO_HEIGHT = Mm(60), Mm(16)
"""The most room the brand's logo takes on the cover (as on the PDF's)."""
LABEL_SHARE, MIN_LABEL_WIDTH, MAX_LABEL_WIDTH = 1.3, Cm(4.2), Cm(5)
"""The question column's width relative to one stage column, its least width, and its most
(a grid of few stages would give its labels more room than its entries: the PDF's is 40 mm)."""
CELL_CHARACTERS_PER_CM, CELL_LINE, CELL_ENTRY_GAP, CELL_PADDING = 5.6, Cm(0.4), Cm(0.07), Cm(0.3)
"""About how a filled cell's text sets at the regular size: characters a centimetre of column
holds, the height of a line, the space after an entry, and what a cell adds around its text
(questions set a size smaller hold a fifth more a line)."""
GRID_FRAME = Cm(2.2)
"""A filled grid's page besides its rows: its title, header row and the space between."""
TABLE_SPACE = Pt(10)
"""The space between a section's table and the paragraph after it."""
TABLE_CHARACTER, TABLE_PADDING, TABLE_WORD, TABLE_LINE = Mm(1.7), Mm(3.2), 16, 40
"""A character of a table's text, what a cell adds around it, the longest word a column is
kept wide enough for, and the characters of a line it asks room for at most."""
ALIGNMENTS = {
    "left": WD_PARAGRAPH_ALIGNMENT.LEFT,
    "center": WD_PARAGRAPH_ALIGNMENT.CENTER,
    "right": WD_PARAGRAPH_ALIGNMENT.RIGHT,
}
"""A Markdown table column's alignment (``:--:``) as Word's."""
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
LIST_STYLES = {"bullet_list_open": "List Bullet", "ordered_list_open": "List Number"}
CONTAINERS = {*LIST_STYLES, "blockquote_open"}
StyledItem = TypeVar("StyledItem", Paragraph, Run)


def render(view: DocumentView, layouts: Layouts, made: object = None) -> bytes:
    """Render a guide or a worksheet to DOCX bytes."""
    return DocxWriter(view, layouts).render()


def orient(section: DocxSection, paper: Paper, landscape: bool) -> DocxSection:
    """The paper in the given orientation with the margins that go with it."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    short, long = Mm(paper.width_mm), Mm(paper.height_mm)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    margin = LANDSCAPE_MARGIN if landscape else PORTRAIT_MARGIN
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin
    section.header_distance = section.footer_distance = Cm(0.8)
    return section


def label_width(width: Length, stages: int) -> Length:
    """A grid's question column: ``LABEL_SHARE`` of a stage column, within its bounds."""
    share = int(width * LABEL_SHARE / (stages + LABEL_SHARE))
    return Length(min(MAX_LABEL_WIDTH, max(MIN_LABEL_WIDTH, share)))


def picture_size(png: bytes, width: Length, height: Length) -> tuple[Length, Length]:
    """The size a picture shows at to fit in ``width`` × ``height``, keeping its proportions."""
    image = Image.from_blob(png)
    scale = min(width / image.px_width, height / image.px_height)
    return Length(int(image.px_width * scale)), Length(int(image.px_height * scale))


def header_logo_size(png: bytes) -> tuple[Length, Length]:
    """The size the brand's logo shows at in the page header: :data:`LOGO_HEIGHT` tall, as
    wide as its proportions (and resolution) make it, as Word sizes a picture given a height."""
    width, height = Image.from_blob(png).scaled_dimensions(None, LOGO_HEIGHT)
    return Length(width), Length(height)


def cover_logo_size(png: bytes) -> tuple[Length, Length]:
    """The size the brand's logo shows at on the cover: within :data:`COVER_LOGO_WIDTH` ×
    :data:`COVER_LOGO_HEIGHT`."""
    return picture_size(png, COVER_LOGO_WIDTH, COVER_LOGO_HEIGHT)


def list_style(context: list[str], opening: str) -> str:
    """The style of a list or quote opened inside ``context`` (the styles of the containers
    around it): nested lists are indented more."""
    if opening == "blockquote_open":
        return "Tip"
    depth = 1 + sum(1 for name in context if name.startswith("List"))
    return LIST_STYLES[opening] + (f" {min(depth, 3)}" if depth > 1 else "")


EMU_PER_POINT, CELL_SIZE = 12_700, 9.0
"""A picture's extent per point; the size of a table's text (the Cell style's)."""
HEADING_FONT_STYLES = ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Title", "Subtitle")
"""The styles set in the brand's heading font (the rest in its body font)."""


@dataclass(frozen=True)
class TextFonts:
    """The brand's fonts as :func:`estimate_pages` measures text in them."""

    body: Metrics = FALLBACK
    heading: Metrics = FALLBACK
    bold: Metrics = FALLBACK
    """The body font's bold, for bold words in running text."""


def text_fonts(brand: Brand, layouts: Layouts) -> TextFonts:
    """The brand's body font (regular) and heading font (bold), measured."""
    fonts, folder = brand.fonts, brand.folder

    def measured(family: str, styles: tuple[str, ...]) -> Metrics:
        files = family_files(family, layouts.project.font_families, folder)
        path = next((files[style] for style in styles if style in files), None)
        return metrics(path) if path is not None else FALLBACK

    return TextFonts(
        body=measured(fonts.body, ("regular", "variable")),
        heading=measured(fonts.heading, ("bold", "semibold", "variable", "regular")),
        bold=measured(fonts.body, ("semibold", "bold", "variable", "regular")),
    )


@dataclass(frozen=True)
class _Setting:
    """What a paragraph style sets, its base styles' settings filled in."""

    size: float
    line_spacing: float
    before: float
    after: float
    indent: float
    metrics: Metrics
    contextual: bool
    """Whether the space between two paragraphs of the style is left out (a list's items)."""
    keep_with_next: bool


def _settings(document: DocxDocument, fonts: TextFonts) -> dict[str, _Setting]:
    """Each paragraph style's setting, by style id."""
    found = {}
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        chain = [style]
        while chain[-1].base_style is not None:
            chain.append(chain[-1].base_style)
        size = _inherited(chain, lambda s: s.font.size and s.font.size.pt, 11.0)
        spacing = _inherited(chain, lambda s: s.paragraph_format.line_spacing, 1.0)
        before = Length(_inherited(chain, lambda s: s.paragraph_format.space_before, 0)).pt
        after = Length(_inherited(chain, lambda s: s.paragraph_format.space_after, 0)).pt
        keep = _inherited(chain, lambda s: s.paragraph_format.keep_with_next, False)
        contextual = any(
            s.element.find(f"{qn('w:pPr')}/{qn('w:contextualSpacing')}") is not None for s in chain
        )
        indent = sum(
            Length(_inherited(chain, read, Length(0))).pt
            for read in (
                lambda s: s.paragraph_format.left_indent,
                lambda s: s.paragraph_format.right_indent,
            )
        )
        heading = any(s.name in HEADING_FONT_STYLES for s in chain)
        found[style.style_id] = _Setting(
            size,
            spacing if isinstance(spacing, float) else 1.0,
            before,
            after,
            indent,
            fonts.heading if heading else fonts.body,
            contextual,
            bool(keep),
        )
    return found


def _inherited(chain: list[Any], read: Callable[[Any], Any], default: Any) -> Any:
    """What the first style of ``chain`` (a style, then its bases) that sets it sets."""
    return next((value for style in chain if (value := read(style)) is not None), default)


def estimate_pages(
    document: DocxDocument,
    contents: BaseOxmlElement,
    entries: int,
    prose_tables: Collection[BaseOxmlElement] = (),
    fonts: TextFonts = TextFonts(),
) -> dict[BaseOxmlElement, int]:
    """The page each paragraph of the body is likely on, before Word or LibreOffice lays it out.

    Exact where pages break by rule: the cover, the contents (``entries`` lines, ending with
    the paragraph ``contents``), a paragraph that starts a page and a new section. Between
    those, text fills the page line by line as its style sets it, wrapped in the brand's
    ``fonts`` as they measure it, a heading kept with what follows it and a long paragraph
    split with two lines at least on each page; a picture by its height and a table of a
    section (``prose_tables``) row by row.
    """
    blocks = page_blocks(document, contents, entries, prose_tables, fonts)
    return paginate(blocks, page_height(document))


def page_height(document: DocxDocument) -> float:
    """The height between the first section's margins, in points."""
    section = document.sections[0]
    return Length(section.page_height - section.top_margin - section.bottom_margin).pt


def paginate(blocks: list[PageBlock], height: float) -> dict[BaseOxmlElement, int]:
    """The page each block is on, the body filling pages ``height`` points tall as
    :func:`estimate_pages` describes."""
    pages: dict[BaseOxmlElement, int] = {}
    page, used = 1, 0.0
    for index, block in enumerate(blocks):
        if block.starts_page and used:
            page, used = page + 1, 0.0
        if block.fills_page:  # a worksheet's table: the rest of its (landscape) page
            pages[block.element], used = page, height
            continue
        whole = block.before + block.height + block.after
        wanted = whole - block.after  # the space after the last paragraph may fall off a page
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.keep_with_next and following is not None:  # a heading and its first lines
            wanted += block.after + following.before + following.first_lines
        room = height - used
        if used and wanted > room:
            lines = round(block.height / block.line) if block.line else 0
            fits = int((room - block.before) / block.line + 1e-6) if block.line else 0
            fits = min(fits, lines - 2)  # two lines at least go over (widow control)
            if block.splits and not block.keep_with_next and fits >= 2:
                pages[block.element] = page
                page, used = page + 1, (lines - fits) * block.line + block.after
                continue
            page, used = page + 1, 0.0
        pages[block.element] = page
        used += whole if used else whole - block.before  # no space before at a page's top
        while used > height:
            page, used = page + 1, used - height
        if block.ends_section:
            page, used = page + 1, 0.0  # the next section starts a page
    return pages


def _kept(blocks: list[PageBlock], index: int) -> float:
    """What must share a page with the block at ``index``, which keeps with the next: the
    next, whole if it keeps with one in turn (a tag with its heading), else its first lines."""
    kept = 0.0
    for block in blocks[index + 1 :]:
        if block.fills_page:
            break
        if not block.keep_with_next:
            return kept + block.before + block.first_lines
        kept += block.before + block.height + block.after
    return kept


@dataclass
class PageBlock:
    """A paragraph or table of the body as :func:`estimate_pages` sets it, in points."""

    element: BaseOxmlElement
    height: float
    line: float = 0.0
    before: float = 0.0
    after: float = 0.0
    starts_page: bool = False
    ends_section: bool = False
    keep_with_next: bool = False
    splits: bool = False
    """Whether it may break over two pages (a paragraph of text, not a picture)."""
    fills_page: bool = False
    """A worksheet's table, which fills the rest of its page."""

    @property
    def first_lines(self) -> float:
        """What of it must share a page with a heading kept with it: two lines, or all of a
        paragraph too short to leave two lines on each page."""
        if not self.splits or self.height < 4 * self.line:
            return self.height
        return 2 * self.line


@dataclass(frozen=True)
class Measure:
    """How :func:`estimate_pages` measures a document's body: each paragraph style's setting,
    the width between the margins and the brand's fonts."""

    settings: dict[str, _Setting]
    normal: _Setting
    width: float
    fonts: TextFonts

    @classmethod
    def of(cls, document: DocxDocument, fonts: TextFonts) -> Measure:
        settings = _settings(document, fonts)
        normal = settings[document.styles["Normal"].style_id]
        return cls(settings, normal, usable_width(document.sections[0]).pt, fonts)

    def setting(self, part: BaseOxmlElement) -> _Setting:
        """A paragraph's style's setting (Normal's when it has none of its own)."""
        return self.settings.get(part.style or "", self.normal)

    def lines(self, part: BaseOxmlElement) -> int:
        """How many lines a paragraph's text wraps to (none without text), each run in its
        font (a bold run in the bold one)."""
        setting = self.setting(part)
        if not "".join(t.text or "" for t in part.iter(qn("w:t"))):
            return 0
        runs = [
            (
                "".join(t.text or "" for t in run.iter(qn("w:t"))),
                self.fonts.bold
                if run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
                else setting.metrics,
            )
            for run in part.iter(qn("w:r"))
        ]
        return wrapped_lines(runs, setting.size, self.width - setting.indent)

    def height(self, part: BaseOxmlElement, lines: int) -> float:
        """How tall a paragraph of ``lines`` lines sets: its lines, or its pictures."""
        setting = self.setting(part)
        line = setting.size * setting.metrics.line * setting.line_spacing
        return max(lines * line, sum(picture_heights(part)))


def picture_heights(part: BaseOxmlElement) -> list[float]:
    """The height of each picture in a paragraph, in points."""
    return [int(extent.get("cy")) / EMU_PER_POINT for extent in part.iter(qn("wp:extent"))]


def page_blocks(
    document: DocxDocument,
    contents: BaseOxmlElement,
    entries: int,
    prose_tables: Collection[BaseOxmlElement],
    fonts: TextFonts,
) -> list[PageBlock]:
    """The body's paragraphs and tables, measured (a worksheet's table fills its page)."""
    measure = Measure.of(document, fonts)
    settings, normal, width = measure.settings, measure.normal, measure.width
    found: list[PageBlock] = []
    previous = ""
    for part in document.element.body.iterchildren(qn("w:p"), qn("w:tbl")):
        if part.tag == qn("w:tbl"):
            if part in prose_tables:
                found.append(
                    PageBlock(part, _table_height(part, width, settings.get("Cell", normal)))
                )
            else:
                found.append(PageBlock(part, 0.0, fills_page=True))
            previous = ""
            continue
        style = part.style or ""
        setting = measure.setting(part)
        text = "".join(t.text or "" for t in part.iter(qn("w:t")))
        pictures = picture_heights(part)
        properties = part.pPr
        line = setting.size * setting.metrics.line * setting.line_spacing
        lines = entries if part is contents else measure.lines(part)
        before, after = setting.before, setting.after
        if setting.contextual and style == previous:
            before = found[-1].after = 0.0  # the items of one list sit close
        previous = style
        shown = bool(text or pictures)
        keep = setting.keep_with_next or (
            properties is not None and properties.find(qn("w:keepNext")) is not None
        )
        found.append(
            PageBlock(
                part,
                measure.height(part, lines) if shown else 0.0,
                line,
                before if shown else 0.0,
                after if shown else 0.0,
                properties is not None and bool(properties.pageBreakBefore_val),
                properties is not None and properties.sectPr is not None,
                keep and shown,
                shown and not pictures,
            )
        )
    return found


def column_widths(rows: list[list[str]], width: Length) -> list[Length]:
    """A section's table's columns within ``width``, as a browser sets them: each at least as
    wide as its longest word (a very long one breaks), and what is left shared as their longer
    texts ask."""
    columns = list(zip(*rows, strict=True))

    def room(characters: int) -> int:
        return int(characters * TABLE_CHARACTER + TABLE_PADDING)

    floors = [
        room(min(TABLE_WORD, max(len(word) for text in column for word in [*text.split(), ""])))
        for column in columns
    ]
    wishes = [
        max(floor, room(min(TABLE_LINE, max(map(len, column)))))
        for floor, column in zip(floors, columns, strict=True)
    ]
    if sum(floors) >= width:
        return [Length(int(width * floor / sum(floors))) for floor in floors]
    if sum(wishes) <= width:
        return [Length(int(width * wish / sum(wishes))) for wish in wishes]
    extra = [wish - floor for wish, floor in zip(wishes, floors, strict=True)]
    left = width - sum(floors)
    return [
        Length(floor + int(left * more / sum(extra)))
        for floor, more in zip(floors, extra, strict=True)
    ]


def _table_height(table: BaseOxmlElement, width: float, cell: _Setting) -> float:
    """About how tall a section's table sets: each row as tall as its fullest cell's lines."""
    columns = [int(column) / 20 for column in table.xpath("w:tblGrid/w:gridCol/@w:w")] or [width]
    line = cell.size * cell.metrics.line * cell.line_spacing
    total = 0.0
    for row in table.iterchildren(qn("w:tr")):
        lines = [
            cell.metrics.lines("".join(part.itertext()), cell.size, max(column - 8, 1))
            for part, column in zip(row.iterchildren(qn("w:tc")), columns, strict=False)
        ]
        total += max(1, *lines) * line + cell.before + cell.after + 6
    return total + cell.before + cell.after


@dataclass
class Container:
    """A list or tip box being written: its paragraph style and its numbering."""

    style: str
    num_id: int | None
    """The numbering instance of a numbered list (bullets are numbered by their style)."""
    item_started: bool = False
    """Whether the current list item's first paragraph (the one with the mark) is written."""

    def mark(self, paragraph: Paragraph) -> None:
        """A list item's first paragraph gets the bullet or number; a further one in the same
        item is indented like it, without a mark."""
        if not self.style.startswith("List"):
            return
        if self.item_started:
            number(paragraph, 0)
        elif self.num_id is not None:
            number(paragraph, self.num_id)
        self.item_started = True


class DocxWriter:
    """Writes one view into a new Word document, keeping its styles by name at hand."""

    def __init__(self, view: DocumentView, layouts: Layouts) -> None:
        self.view, self.layouts = view, layouts
        self.pages = Pages(view)
        """Its page decisions: which short section leads into its worksheet's page."""
        self.document = new_document()
        self.prose_tables: list[BaseOxmlElement] = []
        """The tables of sections' Markdown (for :func:`estimate_pages`)."""
        self.styles: dict[str, BaseStyle] = {style.name: style for style in self.document.styles}
        """The document's styles by name, read once (python-docx's lookups by name scan them
        all); :meth:`style` adds the styles it creates."""

    def render(self) -> bytes:
        """The whole document as DOCX bytes."""
        self.set_up_styles()
        if self.view.job.document == "worksheet":
            self.write_worksheet()
        else:
            self.write_guide()
        self.write_headers_and_footers()
        self.set_properties()
        self.drop_template_thumbnail()
        self.embed_fonts()
        buffer = BytesIO()
        self.document.save(buffer)
        return fixed_zip(buffer.getvalue())

    # --- styles and properties ----------------------------------------------------------------

    def styled(self, item: StyledItem, name: str) -> StyledItem:
        """Give a paragraph or a run the style ``name``; returns it.

        python-docx's own ``item.style = name`` scans every style of the document twice per
        call, which made it most of the cost of a guide. A default style is left implicit, as
        Word does.
        """
        target = self.styles[name]
        item._element.style = None if target.element.default else target.style_id
        return item

    def heading_paragraph(self, level: int) -> Paragraph:
        """An empty paragraph in the style ``Heading <level>``."""
        return self.styled(self.document.add_paragraph(), f"Heading {level}")

    def style(
        self,
        name: str,
        base: str = "Normal",
        kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH,
        color: RGBColor | None = None,
        **font: object,
    ) -> BaseStyle:
        """A style of the document (added if the template lacks it) with these font settings."""
        if name in self.styles:
            target = self.styles[name]
        else:
            target = self.styles[name] = self.document.styles.add_style(name, kind)
            target.base_style = self.styles[base]
        for attribute, value in font.items():
            setattr(target.font, attribute, value)
        if color is not None:
            target.font.color.rgb = color
        return target

    def set_up_styles(self) -> None:
        """Brand fonts, colours and the document language in the styles every paragraph uses."""
        view = self.view
        fonts = view.brand.fonts
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        default_run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        set_fonts(default_run, fonts.body)
        set_language(default_run, word_language(view.locale))
        normal = self.style(
            "Normal", size=Pt(BODY_SIZE[view.job.document]), color=rgb(view.palette.text)
        )
        set_fonts(normal.element.get_or_add_rPr(), fonts.body)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        self.set_up_headings()
        self.set_up_text_styles()
        self.set_up_cell_styles()

    def set_up_headings(self) -> None:
        """Headings, title and subtitle in the heading font, headings in the primary colour."""
        primary, heading_font = rgb(self.view.palette.primary), self.view.brand.fonts.heading
        for level, size in enumerate((20, 14, 12, 11), start=1):
            heading = self.style(f"Heading {level}", size=Pt(size), bold=True, color=primary)
            heading.paragraph_format.space_before = Pt(18 if level == 1 else 12)
            heading.paragraph_format.space_after = Pt(6 if level == 1 else 4)
            heading.paragraph_format.line_spacing = 1.0
        title = self.style("Title", size=Pt(32), color=primary)
        put(
            title.element.get_or_add_pPr(),
            border("w:pBdr", ["bottom"], self.view.palette.accent, 18),
        )
        self.style("Subtitle", size=Pt(14), italic=False, color=rgb(self.view.palette.muted))
        for name in HEADING_FONT_STYLES:
            set_fonts(self.styles[name].element.get_or_add_rPr(), heading_font)

    def set_up_text_styles(self) -> None:
        """The tip box, small notes, the cover's kicker, contents entries and links."""
        palette = self.view.palette
        tip = self.style("Tip")
        tip.paragraph_format.left_indent = Cm(0.4)
        tip.paragraph_format.right_indent = Cm(0.2)
        tip.paragraph_format.space_before = Pt(8)
        tip.paragraph_format.space_after = Pt(12)
        tip_properties = tip.element.get_or_add_pPr()
        put(tip_properties, border("w:pBdr", ["left"], self.view.palette.accent, 24))
        put(tip_properties, shading(palette.tip_fill))
        self.style("Note", size=Pt(8.5), italic=True, color=rgb(palette.muted))
        figure = self.style("Figure").paragraph_format
        figure.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        figure.space_before, figure.space_after = Pt(6), Pt(4)
        caption = self.style(
            "Caption", size=Pt(9), bold=False, italic=True, color=rgb(palette.muted)
        )
        caption.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        caption.paragraph_format.space_after = Pt(10)
        kicker = self.style(
            "Kicker", size=Pt(9), bold=True, color=rgb(self.view.palette.accent_text)
        )
        kicker.paragraph_format.space_after = Pt(2)
        kicker.paragraph_format.keep_with_next = True
        for level in (1, 2):
            entry = self.style(f"toc {level}", bold=level == 1)
            entry.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            entry.paragraph_format.space_before = Pt(6 if level == 1 else 0)
            entry.paragraph_format.space_after = Pt(2)
        self.style(
            "Hyperlink",
            "Default Paragraph Font",
            WD_STYLE_TYPE.CHARACTER,
            underline=True,
            color=rgb(palette.primary),
        )
        for name in ("Header", "Footer"):
            layout = self.style(name, size=Pt(8), color=rgb(palette.muted)).paragraph_format
            layout.tab_stops.clear_all()
            layout.space_after = Pt(4 if name == "Header" else 0)  # a logo's header clears the text

    def set_up_cell_styles(self) -> None:
        """Table text: entries, row labels and help, stage names and subtitles on the header."""
        step = 1 if self.crowded else 0
        palette = self.view.palette
        cell = self.style("Cell", size=Pt(CELL_SIZE - step))
        cell.paragraph_format.space_before = Pt(0)
        cell.paragraph_format.space_after = Pt(2)
        cell.paragraph_format.line_spacing = 1.0
        primary, help_text, on_primary = (
            rgb(c) for c in (palette.primary, palette.help_text, palette.on_primary)
        )
        self.style("Cell Label", "Cell", size=Pt(9.5 - step), bold=True, color=primary)
        self.style("Cell Help", "Cell", size=Pt(7.5 - step), italic=True, color=help_text)
        # a stage name is one word a line at most: seven columns need the smaller size
        self.style("Cell Head", "Cell", size=Pt(9 - 1.5 * step), bold=True, color=on_primary)
        self.style("Cell Head Sub", "Cell", size=Pt(7.5 - step), color=on_primary)

    @property
    def crowded(self) -> bool:
        """Whether a grid of the document calls for smaller text: seven stages or more, or
        entries estimated to run over a landscape page at the regular size (a grid's table is
        kept on one page, so it would leave its title alone on the page before)."""
        page = Mm(self.view.paper.width_mm) - 2 * LANDSCAPE_MARGIN
        return any(
            isinstance(block, Grid)
            and (len(block.stages) >= 7 or (block.example and self.filled_height(block) > page))
            for block in self.view.blocks
        )

    def filled_height(self, grid: Grid) -> Length:
        """About how tall a filled grid sets at the regular size on a landscape page: its
        rows, each as tall as its fullest cell, its header and title."""
        width = Mm(self.view.paper.height_mm) - 2 * LANDSCAPE_MARGIN
        stages = len(grid.stages)
        per_line = int(
            (width - label_width(width, stages)) / stages / Cm(1) * CELL_CHARACTERS_PER_CM
        )
        per_line = max(1, per_line - 2)

        def cell(entries: list[str], question: str) -> int:
            lines = sum(-(-len(entry) // per_line) for entry in entries)
            asked = -(-len(question) // int(per_line * 1.2))
            return (lines + asked) * CELL_LINE + len(entries) * CELL_ENTRY_GAP + CELL_PADDING

        rows = [
            max(EXAMPLE_ROW_HEIGHT, *map(cell, cells, grid.prompts(row)))
            for row, cells in grid.rows()
        ]
        return Length(sum(rows) + GRID_FRAME)

    def set_properties(self) -> None:
        """Title, author, subject, language; a fixed time and revision so rebuilds are identical."""
        view = self.view
        properties = self.document.core_properties
        properties.title = core_property(view.title)
        properties.author = properties.last_modified_by = core_property(view.brand.name)
        properties.subject = core_property(view.guide.subtitle)
        properties.language = word_language(view.locale)
        properties.keywords = core_property(view.framework.title)
        properties.comments = ""
        properties.created = properties.modified = FIXED_TIME
        properties.revision = 1

    def text_fonts(self) -> TextFonts:
        """The brand's body font (regular) and heading font (bold), measured."""
        return text_fonts(self.view.brand, self.layouts)

    def embed_fonts(self) -> None:
        """The brand's heading and body fonts inside the file, for machines without them."""
        fonts, folder = self.view.brand.fonts, self.view.brand.folder
        families = {
            family: family_files(family, self.layouts.project.font_families, folder)
            for family in dict.fromkeys((fonts.heading, fonts.body))
        }
        package = self.document.part.package
        text = "".join(
            node.text or ""
            for part in package.iter_parts()
            if isinstance(part, XmlPart)
            for node in part.element.iter(qn("w:t"))
        )
        embed_fonts(self.document, families, text)

    def drop_template_thumbnail(self) -> None:
        """Drop the picture of an empty page that python-docx's template carries as its preview."""
        package_rels = self.document.part.package.rels
        for rel_id, rel in list(package_rels.items()):
            if rel.reltype.endswith("/metadata/thumbnail"):
                del package_rels[rel_id]

    # --- text ---------------------------------------------------------------------------------

    def add_text(
        self, paragraph: Paragraph, text: str, bold: bool = False, italic: bool = False
    ) -> Paragraph:
        """Add text as runs, marking loanwords with their own language."""
        for part, language in split_languages(text, self.view.ui):
            run = paragraph.add_run(part)
            run.bold = bold or None
            run.italic = italic or None
            if language:
                tag = word_language(self.view.locale_of(language))
                set_language(run._r.get_or_add_rPr(), tag)
        return paragraph

    def add_inline(self, paragraph: Paragraph, token: Token) -> None:
        """Add a Markdown inline token's children: text, bold, italic, line breaks, links."""
        bold = italic = False
        link_start, href = 0, ""
        for child in token.children or []:
            if child.type == "link_open":
                link_start, href = len(paragraph.runs), str(child.attrs.get("href", ""))
            elif child.type == "link_close":
                for run in paragraph.runs[link_start:]:
                    add_link(paragraph, self.styled(run, "Hyperlink"), href)
            elif child.type in ("strong_open", "strong_close"):
                bold = child.type == "strong_open"
            elif child.type in ("em_open", "em_close"):
                italic = child.type == "em_open"
            elif child.type == "softbreak":
                paragraph.add_run(" ")
            elif child.type == "hardbreak":
                paragraph.add_run().add_break()
            elif child.type in ("text", "code_inline"):
                self.add_text(paragraph, child.content, bold, italic)

    def write_markdown(self, section: Section, level: int) -> None:
        """A section's Markdown → paragraphs under a heading of ``level``: subheadings, lists
        (nested, each numbered list from its own start), tip boxes, rules, tables, images."""
        context: list[Container] = []
        paragraph_style = "Normal"
        table: list[Token] | None = None
        previous: Paragraph | None = None
        """The paragraph just written, kept with a table or image that follows it (or a list
        it leads into with a colon)."""
        after_table = False
        for token in parse_markdown(section.body, self.view.ui.quotes):
            if table is not None:
                table.append(token)
                if token.type == "table_close":
                    self.write_markdown_table(table)
                    table, previous, after_table = None, None, True
            elif token.type == "table_open" or (
                token.type == "inline" and (image := lone_image(token)) is not None
            ):
                if previous is not None:
                    previous.paragraph_format.keep_with_next = True
                if token.type == "table_open":
                    table = [token]
                else:
                    self.write_image(image, section.images)
                    previous = None
            elif token.type == "hr":
                rule = self.document.add_paragraph()
                put(
                    rule._p.get_or_add_pPr(),
                    border("w:pBdr", ["bottom"], self.view.palette.rule, 6),
                )
                previous = None
            elif token.type in CONTAINERS:
                if previous is not None and previous.text.rstrip().endswith(":"):
                    previous.paragraph_format.keep_with_next = True  # it leads into the list
                numbered = token.type == "ordered_list_open"
                style_name = list_style([c.style for c in context], token.type)
                start = int(token.attrs.get("start", 1)) if numbered else 1
                num_id = self.restart_numbering(style_name, start) if numbered else None
                context.append(Container(style_name, num_id))
            elif (
                token.type.endswith("_close")
                and token.type.replace("_close", "_open") in CONTAINERS
            ):
                context.pop()
            elif token.type == "list_item_open":
                context[-1].item_started = False
            elif token.type == "heading_open":
                paragraph_style = f"Heading {min(9, level + max(1, int(token.tag[1]) - 1))}"
            elif token.type == "paragraph_open":
                paragraph_style = context[-1].style if context else "Normal"
            elif token.type == "inline":
                paragraph = previous = self.styled(self.document.add_paragraph(), paragraph_style)
                if after_table:  # a table has no space below it of its own
                    paragraph.paragraph_format.space_before, after_table = TABLE_SPACE, False
                self.add_inline(paragraph, token)
                if context:
                    context[-1].mark(paragraph)

    def write_image(self, image: Token, images: Mapping[str, Path]) -> None:
        """An image as wide as the text (as tall as :data:`IMAGE_HEIGHT_MM` at
        most), its alt text as its description and as its caption, kept with it."""
        src = str(image.attrs.get("src", ""))
        path = images.get(src)
        if path is None:  # loading finds every image of a section's file
            raise BuildError(f"the image {src!r} was not found when the content was loaded")
        data = office_image(path.read_bytes())  # a CMYK JPEG as RGB
        room = usable_width(self.document.sections[-1]), Mm(IMAGE_HEIGHT_MM)
        holder = self.styled(self.document.add_paragraph(), "Figure")
        picture = holder.add_run().add_picture(BytesIO(data), *picture_size(data, *room))
        caption = alt_text(image)
        picture._inline.docPr.set("descr", caption)
        if caption:
            holder.paragraph_format.keep_with_next = True
            self.add_text(self.styled(self.document.add_paragraph(), "Caption"), caption)

    def write_markdown_table(self, tokens: list[Token]) -> None:
        """A Markdown table as a Word table styled as the worksheets' are: its header row on
        the brand colour (repeated on each page), rows that never split, columns as wide as
        their text asks within the text's width."""
        rows: list[list[tuple[Token, str]]] = []
        align = ""
        for token in tokens:
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                align = str(token.attrs.get("style", "")).removeprefix("text-align:")
            elif token.type == "inline":
                rows[-1].append((token, align))
        texts = [[inline.content for inline, _ in row] for row in rows]
        widths = column_widths(texts, usable_width(self.document.sections[-1]))
        table = self.new_table(len(rows), widths)
        self.prose_tables.append(table._tbl)
        put(table.rows[0]._tr.get_or_add_trPr(), element("w:tblHeader"))
        for index, (cells, table_row) in enumerate(zip(rows, table.rows, strict=True)):
            put(table_row._tr.get_or_add_trPr(), element("w:cantSplit"))
            for (inline, alignment), cell in zip(cells, table_row.cells, strict=True):
                paragraph = self.styled(cell.paragraphs[0], "Cell Head" if index == 0 else "Cell")
                if index == 0:
                    put(cell._tc.get_or_add_tcPr(), shading(self.view.palette.primary))
                paragraph.alignment = ALIGNMENTS.get(alignment)
                self.add_inline(paragraph, inline)

    def restart_numbering(self, style_name: str, start: int) -> int:
        """A new numbering instance of a list style, so that each numbered list counts from
        its own start."""
        numbering = self.document.part.numbering_part.element
        style_num = self.styles[style_name].element.pPr.numPr.numId.val
        abstract = next(n.abstractNumId.val for n in numbering.num_lst if n.numId == style_num)
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return num.numId

    # --- pages and sections -------------------------------------------------------------------

    def write_guide(self) -> None:
        """Cover, contents, then the sections and worksheets in the guide's order."""
        orient(self.document.sections[0], self.view.paper, landscape=False)
        self.write_cover()
        contents_end = self.write_contents() if self.view.shows_contents else None
        self.write_blocks()
        if contents_end is not None:
            self.fill_contents(contents_end)

    def write_worksheet(self) -> None:
        """One page: the worksheet, then a line to sign and date (what a client wrote on
        theirs; none on a finished example)."""
        view = self.view
        sheet = view.worksheet
        orient(self.document.sections[0], self.view.paper, landscape=sheet.kind == "grid")
        self.write_sheet(sheet)
        example = sheet.example
        if example is not None and not example.signed:
            return
        signed_by = example.signed_by if example else "_" * 32
        signed_on = example.signed_on if example else "_" * 18
        line = self.document.add_paragraph()
        line.paragraph_format.space_before = Pt(8)
        line.paragraph_format.tab_stops.add_tab_stop(Cm(11), WD_TAB_ALIGNMENT.LEFT)
        self.add_text(line, f"{view.ui.filled_in_by}: {signed_by}\t{view.ui.date}: {signed_on}")

    def write_cover(self) -> None:
        """The cover: brand, the framework as a kicker, title, subtitle, stages, contact, date."""
        view, document = self.view, self.document
        primary = rgb(view.palette.primary)
        logo = logo_png(view.brand)
        if logo is not None:
            width, height = cover_logo_size(logo)
            holder = document.add_paragraph()
            holder.paragraph_format.space_after = Pt(10)
            picture = holder.add_run().add_picture(BytesIO(logo), width, height)
            picture._inline.docPr.set("descr", view.brand.name)  # its alternative text
        else:  # the logo carries the brand's name; without one, the name in words
            brand_name = self.styled(document.add_paragraph(), "Kicker")
            colored(self.add_text(brand_name, view.brand.name), primary)
        kicker_text = view.framework.title.upper()
        kicker = self.add_text(self.styled(document.add_paragraph(), "Kicker"), kicker_text)
        kicker.paragraph_format.space_before = Cm(7)
        self.add_text(self.styled(document.add_paragraph(), "Title"), view.guide.title)
        if view.guide.subtitle:
            self.add_text(self.styled(document.add_paragraph(), "Subtitle"), view.guide.subtitle)
        if view.prepared_for:
            prepared = self.add_text(document.add_paragraph(), view.prepared_for, bold=True)
            prepared.paragraph_format.space_before = Pt(14)
        for index, stage in enumerate(view.stages, start=1):
            item = document.add_paragraph()
            item.paragraph_format.space_before = Cm(2.5 if index == 1 else 0)
            item.paragraph_format.space_after = Pt(3)
            item.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
            number = self.add_text(item, f"{index}\t", bold=True)
            colored(number, rgb(self.view.palette.accent_text))
            self.add_text(item, stage.name, bold=True)
        foot = self.styled(document.add_paragraph("  ·  ".join(view.cover_details)), "Note")
        foot.paragraph_format.space_before = Cm(2.5)

    def write_contents(self) -> Paragraph:
        """The contents page's heading and the paragraph that ends its TOC field (filled in by
        :meth:`fill_contents` once the headings are written)."""
        document = self.document
        heading = self.styled(document.add_paragraph(self.view.ui.contents), "TOC Heading")
        heading.paragraph_format.page_break_before = True
        end = document.add_paragraph()
        end_field(end)
        return end

    def fill_contents(self, contents_end: Paragraph) -> None:
        """The TOC field with its result in place, as Word would show it after an update: an
        entry per heading (levels 1–2), each a link with the number of its page, a PAGEREF
        field to a bookmark on the heading, showing :func:`estimate_pages`' number (the file asks
        no one to update its fields on opening: Word would ask first whether to)."""
        levels = {self.styles[f"Heading {level}"].style_id: level for level in ("1", "2")}
        entries = [
            (paragraph, level)
            for paragraph in self.document.paragraphs
            if (level := levels.get(paragraph._p.style or ""))
        ]
        pages = estimate_pages(
            self.document,
            contents_end._p,
            len(entries),
            self.prose_tables,
            self.text_fonts(),
        )
        right = usable_width(self.document.sections[0])
        for level in ("1", "2"):
            tabs = self.styles[f"toc {level}"].paragraph_format.tab_stops
            tabs.add_tab_stop(right, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        for index, (heading, level) in enumerate(entries, start=1):
            bookmark = f"_Toc{index:08d}"
            add_bookmark(heading, index, bookmark)
            entry = self.styled(contents_end.insert_paragraph_before(), f"toc {level}")
            self.add_text(entry, heading.text)
            add_page_reference(entry, bookmark, str(pages[heading._p]))
            if index == 1:  # the TOC field starts before the first entry's link
                link = entry._p.find(qn("w:hyperlink"))
                for run in field_start(TOC_INSTRUCTION):
                    link.addprevious(run)
        if not entries:  # an empty field
            end = contents_end._p.find(qn("w:r"))
            for run in field_start(TOC_INSTRUCTION):
                end.addprevious(run)

    def write_blocks(self) -> None:
        """Sections as headings and text; each worksheet in its own section (grids landscape),
        after the short section that leads into it where the view gives it one."""
        view = self.view
        pages = self.pages
        leads = {lead.anchor for lead in pages.leads.values()}
        in_sheet = False
        for index, block in enumerate(view.blocks):
            if isinstance(block, SectionBlock):
                if block.anchor in leads:
                    continue  # written on its worksheet's page
                if in_sheet:
                    orient(self.document.add_section(WD_SECTION.NEW_PAGE), view.paper, False)
                first = index == 0 and not in_sheet
                self.write_section(block, new_page=first or pages.starts_page(block))
                in_sheet = False
            else:
                section = self.document.add_section(WD_SECTION.NEW_PAGE)
                orient(section, view.paper, landscape=block.kind == "grid")
                lead = pages.leads.get(block.anchor)
                if lead is not None:
                    self.write_section(lead, new_page=False)
                self.write_sheet(block, lead)
                in_sheet = True

    def write_section(self, block: SectionBlock, new_page: bool) -> None:
        """A prose section: heading (level 2 and a stage tag for a stage), body, contact card."""
        section = block.section
        level = 2 if block.stage else 1
        first = heading = self.add_text(self.heading_paragraph(level), section.title)
        if block.stage:
            first = self.styled(heading.insert_paragraph_before(), "Kicker")
            self.add_text(first, self.view.stage_tag(block.stage))
            for run in first.runs:
                run.font.all_caps = True
            first.paragraph_format.space_before = Pt(14)
            heading.paragraph_format.space_before = Pt(0)
        first.paragraph_format.page_break_before = new_page
        self.write_markdown(section, level)
        if section.contact:
            self.write_contact(level + 1)

    def write_contact(self, level: int) -> None:
        """The brand's contact details under a heading, then the source credit unless turned off."""
        view, document = self.view, self.document
        contact = view.brand.contact
        self.add_text(self.heading_paragraph(level), view.ui.contact)
        card = self.add_text(
            self.styled(document.add_paragraph(), "Tip"), view.brand.name, bold=True
        )
        lines = ((contact.website, True), (contact.email, True), (contact.phone, False))
        for value, linked in lines:
            if value:
                card.add_run().add_break()
                if linked:
                    add_link(card, self.styled(card.add_run(value), "Hyperlink"), view.href(value))
                else:
                    card.add_run(value)
        if view.credit:
            self.add_text(self.styled(document.add_paragraph(), "Note"), view.credit)

    # --- worksheets ---------------------------------------------------------------------------

    def write_sheet(self, sheet: Sheet, lead: SectionBlock | None = None) -> None:
        """The worksheet's title, the example's description and the table (a blank grid's rows
        giving way to the ``lead`` above it)."""
        title = self.add_text(self.heading_paragraph(1), sheet.title)
        title.paragraph_format.space_before = Pt(0)
        title.paragraph_format.keep_with_next = True
        if sheet.example and sheet.example.description:
            note = self.styled(self.document.add_paragraph(), "Note")
            self.add_text(note, sheet.example.description)
            note.paragraph_format.keep_with_next = True
        if isinstance(sheet, Grid):
            table = self.write_grid(sheet, Mm(self.pages.lead_height_mm(lead)) if lead else Mm(0))
        elif isinstance(sheet, FormSheet):
            table = self.write_form(sheet)
        else:
            table = self.write_checklist(sheet)
        keep_together(table)

    def write_grid(self, grid: Grid, lead_height: Length) -> Table:
        """Stages as the header row, questions as the first column, entries in the cells (blank
        rows share the page's height less ``lead_height``)."""
        stages, rows = grid.stages, grid.rows()
        width = usable_width(self.document.sections[-1])
        stage_width = int((width - label_width(width, len(stages))) / len(stages))
        widths = [width - stage_width * len(stages)] + [stage_width] * len(stages)
        table = self.new_table(1 + len(rows), widths)
        self.write_header_row(table, [(stage.name, stage.subtitle) for stage in stages])
        blank_grid_height = BLANK_GRID_HEIGHT[self.view.job.document] - lead_height
        blank_height = min(MAX_ROW_HEIGHT, int(blank_grid_height / len(rows)))
        height = EXAMPLE_ROW_HEIGHT if grid.example else Length(blank_height)
        for (row, cells), table_row in zip(rows, table.rows[1:], strict=True):
            set_height(table_row, height)
            self.write_label(table_row.cells[0], row.label, "" if grid.example else row.help)
            for cell, entries, prompt in zip(
                table_row.cells[1:], cells, grid.prompts(row), strict=True
            ):
                self.write_cell(cell, [prompt] if prompt else [], "Cell Help")
                self.write_cell(cell, entries)
        return table

    def write_form(self, sheet: FormSheet) -> Table:
        """Labels in the first column, answers (or room to write them) in the second."""
        fields = sheet.fields()
        width, label = usable_width(self.document.sections[-1]), Cm(5.5)
        table = self.new_table(len(fields), [label, width - label])
        for (field, entries), row in zip(fields, table.rows, strict=True):
            set_height(row, Cm(0.6 if sheet.example else 0.4 + 0.9 * field.lines))
            self.write_label(row.cells[0], field.label, field.help)
            self.write_cell(row.cells[1], entries)
        return table

    def write_checklist(self, sheet: ChecklistSheet) -> Table:
        """Number, tick box, item and notes, under a header row naming each column."""
        narrow, notes = Cm(1.0), Cm(5.5)
        items = sheet.items()
        widths = [
            narrow,
            narrow,
            usable_width(self.document.sections[-1]) - 2 * narrow - notes,
            notes,
        ]
        table = self.new_table(1 + len(items), widths)
        titles = ["#", TICK, sheet.definition.title, self.view.ui.notes]  # as the PDF's
        self.write_header_row(table, [(title, "") for title in titles])
        for (index, item, ticked, note), row in zip(items, table.rows[1:], strict=True):
            set_height(row, Cm(1.1 if sheet.example else 1.4))
            self.write_cell(row.cells[0], [str(index)], "Cell Label")
            tick = self.styled(row.cells[1].paragraphs[0], "Cell Label")
            add_check_box(tick, ticked, sheet.field(item, "done"))
            self.write_cell(row.cells[2], [item.text])
            self.write_cell(row.cells[2], [item.help] if item.help else [], "Cell Help")
            self.write_cell(row.cells[3], [note] if note else [])
        return table

    def new_table(self, rows: int, widths: list[Length]) -> Table:
        """A centred table with fixed column widths, thin rules and room around the text."""
        table = self.document.add_table(rows=rows, cols=len(widths))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        properties = table._tbl.tblPr
        put(properties, element("w:tblW", w=str(sum(Length(w).twips for w in widths)), type="dxa"))
        edges = ["top", "left", "bottom", "right", "insideH", "insideV"]
        put(properties, border("w:tblBorders", edges, self.view.palette.rule, 4))
        put(properties, element("w:tblLayout", type="fixed"))
        put(properties, cell_margins(Cm(0.1), Cm(0.15)))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the table grid, which LibreOffice follows
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width  # each cell's own width, which Word follows
                self.styled(cell.paragraphs[0], "Cell")
        return table

    def write_header_row(self, table: Table, titles: list[tuple[str, str]]) -> None:
        """Column titles (and subtitles) on the brand colour, repeated on each page of the table."""
        header = table.rows[0]
        put(header._tr.get_or_add_trPr(), element("w:tblHeader"))
        set_height(header, Cm(1.0))
        blank = [("", "")] * (len(header.cells) - len(titles))
        for cell, (title, subtitle) in zip(header.cells, blank + titles, strict=True):
            put(cell._tc.get_or_add_tcPr(), shading(self.view.palette.primary))
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            self.write_cell(cell, [title] if title else [], "Cell Head")
            self.write_cell(cell, [subtitle] if subtitle else [], "Cell Head Sub")

    def write_label(self, cell: _Cell, label: str, help_text: str) -> None:
        """A lightly shaded question cell: the label in bold, its help small below."""
        put(cell._tc.get_or_add_tcPr(), shading(self.view.palette.label_fill))
        self.write_cell(cell, [label], "Cell Label")
        self.write_cell(cell, [help_text] if help_text else [], "Cell Help")

    def write_cell(self, cell: _Cell, lines: list[str], style_name: str = "Cell") -> None:
        """One paragraph per line, filling the cell's empty first paragraph before adding more."""
        for line in lines:
            first = cell.paragraphs[0]
            empty = len(cell.paragraphs) == 1 and not first.runs
            paragraph = first if empty else cell.add_paragraph()
            self.styled(paragraph, style_name)
            self.add_text(paragraph, line)

    # --- headers and footers ------------------------------------------------------------------

    def write_headers_and_footers(self) -> None:
        """Guide title in the header, brand, page number and the credit in the footer; none on
        the cover."""
        view = self.view
        self.document.sections[0].different_first_page_header_footer = view.job.document == "guide"
        logo = logo_png(view.brand)
        logo_size = header_logo_size(logo) if logo is not None else None
        for section in self.document.sections:
            section.header.is_linked_to_previous = False
            section.footer.is_linked_to_previous = False
            header = section.header.paragraphs[0]
            if logo is not None and logo_size is not None:
                header.add_run().add_picture(BytesIO(logo), *logo_size)
                header.add_run("   ")
            self.add_text(header, view.guide.title)
            footer = section.footer.paragraphs[0]
            footer.paragraph_format.tab_stops.add_tab_stop(
                usable_width(section), WD_TAB_ALIGNMENT.RIGHT
            )
            self.add_text(footer, view.footer_line)
            footer.add_run("\t")
            add_field(footer, "PAGE", "1")
            if view.credit:  # the source travels with every page, as its licence asks
                self.add_text(self.styled(section.footer.add_paragraph(), "Note"), view.credit)


CORE_PROPERTY_MAX = 255
"""The longest title, author, subject or keywords python-docx writes (it raises beyond)."""


def core_property(text: str) -> str:
    """``text`` as a document property holds it: cut with … past :data:`CORE_PROPERTY_MAX`."""
    return text if len(text) <= CORE_PROPERTY_MAX else text[: CORE_PROPERTY_MAX - 1] + "…"
