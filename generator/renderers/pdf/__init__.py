"""The PDF renderer: the view → HTML through the Jinja layouts → WeasyPrint → bytes.

A failed fetch or an error logged by WeasyPrint fails the build instead of silently dropping
an image or a font.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, replace
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from generator.document import DocumentView, Grid, SheetBlock
from generator.errors import BuildError
from generator.fonts import FALLBACK_FAMILY, FONT_STYLES, family_files
from generator.layouts import Layouts
from generator.logo import logo_path, logo_src
from generator.markdown import IMAGE_HEIGHT_MM
from generator.model import Brand, Section
from generator.paper import BLEED_MM
from generator.renderers import Made
from generator.renderers.notices import notice
from generator.renderers.paged import Pages
from generator.renderers.pdf import weasy
from generator.renderers.pdf.fetcher import ProjectFetcher
from generator.renderers.pdf.fields import FieldBox, add_fields, marked_boxes
from generator.renderers.pdf.pagination import (
    MAX_PASSES,
    Breaks,
    balanced,
    nearly_empty,
    remember,
    settled,
    settled_key,
)
from generator.renderers.pdf.weasy import Document, DocumentMetadata, Page
from generator.text import css_string, mark_languages, markdown_to_html


def render_html(pages: Pages | DocumentView, layouts: Layouts) -> str:
    """The document as HTML, from ``layouts/pdf/<document>.html.j2``.

    A template that reaches for what the sandbox forbids, or breaks, fails the build with its
    file and line.
    """
    pages = pages if isinstance(pages, Pages) else Pages(pages)
    name = f"pdf/{pages.view.job.document}.html.j2"
    try:
        return _render_template(pages, layouts, name)
    except SecurityError as exc:
        raise BuildError(f"{_template_place(exc)}refused by the layouts' sandbox: {exc}") from None
    except TemplateError as exc:
        raise BuildError(f"{_template_place(exc)}{type(exc).__name__}: {exc}") from None


def _template_place(exc: Exception) -> str:
    """``layouts/pdf/guide.html.j2:12: `` from the innermost template frame, if any."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if ".j2" in frame.filename]
    return f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""


def _render_template(pages: Pages, layouts: Layouts, name: str) -> str:
    template = layouts.jinja.get_template(name)
    view = pages.view
    return template.render(
        view=view,
        layout=pages,
        ui=view.ui,
        brand=view.brand,
        guide=view.guide,
        palette=view.palette,
        bleed_mm=BLEED_MM,
        framework=view.framework,
        t=lambda text: mark_languages(text, view.ui),
        breakable=lambda text: mark_languages(text, view.ui, breakable=True),
        markdown=partial(section_html, view),
        asset=lambda name: layouts.find(name).as_uri(),
        css=css_string,
        font_stack=font_stack,
        zip=zip,
        font_faces=font_faces(view, layouts),
        logo=logo_src(view.brand),
        image_height_mm=IMAGE_HEIGHT_MM,
    )


def section_html(view: DocumentView, section: Section | str, offset: int = 1) -> Markup:
    """A section's Markdown as HTML, its headings ``offset`` levels down, showing its images
    (a layout may pass the section or its body; a body is matched with its section)."""
    if isinstance(section, str):
        found = [s for s in view.guide.sections.values() if s.body == section]
        if not found:
            return markdown_to_html(section, view.ui, offset)
        section = found[0]
    return markdown_to_html(section.body, view.ui, offset, section.images)


def font_stack(family: str) -> Markup:
    """A CSS font-family list: the brand's family, then the fallback family, then any sans."""
    return Markup(f"{css_string(family)}, {css_string(FALLBACK_FAMILY)}, sans-serif")


def brand_files(brand: Brand, layouts: Layouts) -> list[Path]:
    """The files of a brand a document may read besides the project's: its logo (beside a
    client's CSV) and its font files (installed on the machine, found by fontconfig)."""
    fonts = brand.fonts
    return [
        *([path] if (path := logo_path(brand)) else []),
        *(
            path
            for family in dict.fromkeys([fonts.heading, fonts.body])
            for path in family_files(family, layouts.project.font_families, brand.folder).values()
        ),
    ]


def logo_image(brand: Brand, layouts: Layouts, document: Document) -> object:
    """The brand's logo as WeasyPrint's image, read as a layout of ``document`` reads it (for
    a document repainted with another brand's logo)."""
    fetcher = ProjectFetcher([*layouts.project.readable_roots, *brand_files(brand, layouts)])
    return weasy.image(logo_src(brand), fetcher, document, str(logo_path(brand)))


def font_faces(view: DocumentView, layouts: Layouts) -> list[dict[str, str | int]]:
    """@font-face rules for the brand's heading and body families, and the fallback family."""
    faces: list[dict[str, str | int]] = []
    fonts = view.brand.fonts
    for family in dict.fromkeys([fonts.heading, fonts.body, FALLBACK_FAMILY]):
        for style, path in family_files(
            family, layouts.project.font_families, view.brand.folder
        ).items():
            weights, css_style = FONT_STYLES[style]
            faces += [
                {"family": family, "weight": weight, "style": css_style, "url": path.as_uri()}
                for weight in weights
            ]
    return faces


def lay_out(html: str, layouts: Layouts, what: str, also: Sequence[Path] = ()) -> Document:
    """Lay out HTML into pages with WeasyPrint, reading only the project's files (and ``also``:
    a client's logo beside their CSV)."""
    fetcher = ProjectFetcher([*layouts.project.readable_roots, *also])
    return weasy.lay_out(html, layouts.folders[0].as_uri() + "/", fetcher, what)


PDF_VARIANT = "pdf/ua-1"
"""Accessible PDF (ISO 14289-1): tagged, titled, its language set, declared in its XMP."""


def write(document: Document, what: str, attachments: Attachments = ()) -> bytes:
    """The pages as PDF/UA bytes: tagged (reading order, languages, headings), fonts subset, a
    fillable field over every entry cell of a blank worksheet, ``attachments`` inside."""
    with weasy.errors_fail_the_build(what):
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
        return finish(pdf, marked_boxes(document.pages), attachments)


Attachments = Sequence[tuple[str, bytes]]
"""Files carried inside a PDF: (file name, bytes)."""
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbooks(view: DocumentView, made: Made) -> Attachments:
    """The workbooks a guide PDF carries: each of its worksheets, blank, as the client's XLSX
    (rendered before it, see :func:`generator.renderers.render_documents`)."""
    return [(attached.job.filename(), made[attached.job]) for attached in view.attachments]


def finish(pdf: bytes, boxes: list[FieldBox], attachments: Attachments = ()) -> bytes:
    """What WeasyPrint leaves to do: each page's drawing in its own graphics state, the
    fillable fields, the workbooks inside as associated files, and the bookmarks pane open on
    opening when there are bookmarks."""
    with pikepdf.open(BytesIO(pdf)) as document:
        for page in document.pages:  # WeasyPrint leaves its flipped y axis set at the end:
            page.contents_add(b"q\n", prepend=True)  # what a program appends (a flattened
            page.contents_add(b"\nQ")  # field's text) must start from PDF's own axes
        add_fields(document, boxes)
        lift_headings(document)
        attach(document, attachments)
        if "/Outlines" in document.Root:
            document.Root.PageMode = pikepdf.Name.UseOutlines
        written = BytesIO()
        document.save(
            written, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
        )
        return written.getvalue()


HEADINGS = [pikepdf.Name(f"/H{level}") for level in range(1, 7)]


def attach(document: pikepdf.Pdf, attachments: Attachments) -> None:
    """Each file as an embedded file and an associated file of the document (``/AF``,
    relationship ``Supplement``): a reader lists them in its attachments pane."""
    if not attachments:
        return
    associated = pikepdf.Array()
    for name, data in attachments:
        spec = pikepdf.AttachedFileSpec(document, data, mime_type=XLSX_TYPE, filename=name)
        spec.obj.AFRelationship = pikepdf.Name.Supplement
        document.attachments[name] = spec
        associated.append(spec.obj)
    document.Root.AF = associated


def lift_headings(document: pikepdf.Pdf) -> None:
    """Headings start at H1: a worksheet's pages copied from its guide keep the guide's H2 for
    the worksheet's title, which is the top heading of the worksheet on its own."""
    found = []
    stack = [document.Root.get("/StructTreeRoot")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                if kid.get("/S") in HEADINGS:
                    found.append(kid)
                stack.append(kid)
    top = min((HEADINGS.index(element.S) for element in found), default=0)
    for element in found:
        element.S = HEADINGS[HEADINGS.index(element.S) - top]


def html_to_pdf(html: str, layouts: Layouts, what: str) -> bytes:
    """Lay out HTML and write it as PDF bytes."""
    return write(lay_out(html, layouts, what), what)


def render(view: DocumentView, layouts: Layouts, made: Made) -> bytes:
    """Render a guide or a worksheet to PDF bytes (a guide carries its workbooks from ``made``)."""
    return _laid_alone(view, layouts).write(made)


@dataclass(frozen=True)
class Laid:
    """A PDF laid out and ready to write: its pages, its name in messages, and its view (what
    it carries inside)."""

    document: Document
    what: str
    view: DocumentView

    def write(self, made: Made, document: Document | None = None) -> bytes:
        """The PDF's bytes (of ``document`` instead, a repainted copy of the pages), carrying
        its workbooks from ``made``."""
        return write(document or self.document, self.what, workbooks(self.view, made))


def _laid_alone(view: DocumentView, layouts: Layouts) -> Laid:
    """A guide or worksheet laid out on its own."""
    what = str(view.job.relative_path())
    document, _ = lay_out_view(view, layouts, what)
    if view.job.document != "guide" and len(document.pages) > 1:
        _spilled(what, view.worksheet, len(document.pages))
    return Laid(document, what, view)


def _spilled(what: str, sheet: SheetBlock[Any], pages: int) -> None:
    """Tell that a one-page worksheet needs more than its page even set tighter, and what
    would make it fit: shorter entries when it is filled, shorter help when it is blank."""
    advice = (
        "shorten its longest entries"
        if sheet.example is not None
        else "shorten its rows' help or choose a narrower body font"
    )
    notice(
        what,
        f"the worksheet {sheet.title!r} runs over {pages} pages although set in smaller type: "
        f"{advice}",
    )


def lay_out_view(view: DocumentView, layouts: Layouts, what: str) -> tuple[Document, Pages]:
    """The document laid out, and its page decisions as finally laid out: a grid that ran over
    its page with its lead section gets the lead back on a page of its own, a filled grid that
    ran over its page is set tighter, and a guide's pages of prose are balanced so none is left
    nearly empty (``pagination``; decided once a process for every brand with the same prose
    pages, and remembered only once a layout confirmed it)."""
    html_of = partial(render_html, layouts=layouts)
    balancing = view.job.document == "guide"
    pages = Pages(view)
    key = _settled_key(pages, html_of) if balancing else None
    pages = _with_settled(pages, key)
    logo = brand_files(view.brand, layouts)
    document = lay_out(html_of(pages), layouts, what, logo)
    for _ in range(MAX_PASSES):
        fitted = _fitted(pages, pages_by_anchor(document.pages))
        if fitted is not pages:
            key = _settled_key(fitted, html_of) if balancing else None
            pages = _with_settled(fitted, key)
        elif not balancing or (key is not None and settled(key) is not None):
            break
        else:
            balanced_pages = balanced(pages, document.pages)
            if balanced_pages is pages:
                if key is not None:
                    remember(key, pages)
                break
            pages = balanced_pages
        document = lay_out(html_of(pages), layouts, what, logo)
    if balancing:
        for number, share in nearly_empty(pages, document.pages):
            notice(
                what,
                f"page {number} is only {share:.0%} full: a section too long to follow on "
                "the page before starts the next one (split it, or shorten the one before)",
            )
    return document, pages


def _settled_key(pages: Pages, html_of: Callable[[Pages], str]) -> str | None:
    """The key of a guide's balancing, or None when a layout override cannot render the guide
    for a neutral brand (it is then balanced for each brand on its own)."""
    try:
        return settled_key(pages, html_of)
    except (BuildError, OSError):
        return None


def _with_settled(pages: Pages, key: str | None) -> Pages:
    """The pages with the balancing already decided for their prose, or none yet (pages whose
    key changed must not keep another key's decision)."""
    if key is None:
        return pages
    return (settled(key) or Breaks()).apply(pages)


def _fitted(pages: Pages, spans: dict[str, list[Page]]) -> Pages:
    """The pages with what ran over its worksheet page made to fit: a lead goes back to a page
    of its own, a grid is set tighter (the same pages when everything fits)."""
    too_full = frozenset(anchor for anchor in pages.leads if len(spans.get(anchor, [])) > 1)
    if too_full:
        return replace(pages, without_leads=pages.without_leads | too_full)
    grids = {block.anchor for block in pages.view.blocks if isinstance(block, Grid)}
    running_over = frozenset(a for a in grids - pages.compact if len(spans.get(a, [])) > 1)
    if running_over:
        return replace(pages, compact=pages.compact | running_over)
    return pages


def render_many(views: list[DocumentView], layouts: Layouts, made: Made) -> list[bytes]:
    """Render several documents of one guide, language and brand (see :func:`lay_out_many`);
    the guide carries the set's workbooks from ``made``."""
    return [laid.write(made) for laid in lay_out_many(views, layouts)]


def lay_out_many(views: list[DocumentView], layouts: Layouts) -> list[Laid]:
    """Lay out several documents of one guide, language and brand.

    When the guide is among them, it is laid out once and each worksheet it shows is a copy of
    its page there; otherwise every worksheet is laid out on its own, so a document is never
    slower for being asked for alone.
    """
    guide_view = next((v for v in views if v.job.document == "guide"), None)
    if guide_view is None:
        return [_laid_alone(view, layouts) for view in views]
    what = str(guide_view.job.relative_path())
    guide, laid_out = lay_out_view(guide_view, layouts, what)
    spans = pages_by_anchor(guide.pages)
    for block in guide_view.blocks:
        if isinstance(block, SheetBlock) and len(spans.get(block.anchor, [])) > 1:
            _spilled(what, block, len(spans[block.anchor]))

    def one(view: DocumentView) -> Laid:
        what = str(view.job.relative_path())
        if view is guide_view:
            return Laid(guide, what, view)
        sheet_pages = spans.get(view.worksheet.anchor)
        if sheet_pages is None or view.worksheet.anchor in laid_out.leads:
            return _laid_alone(view, layouts)  # its guide page holds more than the worksheet
        if len(sheet_pages) > 1:
            _spilled(what, view.worksheet, len(sheet_pages))
        sheet = guide.copy([without_page_number(page) for page in sheet_pages])
        sheet.metadata = titled(guide.metadata, view.title)
        return Laid(sheet, what, view)

    return [one(view) for view in views]


PAGE_NUMBER_BOX = "@bottom-right-corner"
"""Where a worksheet page of the guide shows its page number (style.css.j2)."""


ATTACHED_NOTE = "attached-note"
"""The class of the line saying the guide carries the worksheet as a workbook (sheets.html.j2)."""


def without_page_number(page: Page) -> Page:
    """A guide's worksheet page for the worksheet's own PDF: the same, without the guide's page
    number and the line about the guide's attached workbook, which the worksheet's own PDF
    does not carry (the guide's page object itself is left as it is)."""
    return weasy.without_class(weasy.without_margin_box(page, PAGE_NUMBER_BOX), ATTACHED_NOTE)


def pages_by_anchor(pages: list[Page]) -> dict[str, list[Page]]:
    """Each anchor's pages: those its element is on, and any after them that start nothing new.

    Every block of a guide has an anchor, and WeasyPrint lists an anchor on each page its
    element runs over, so a worksheet that did not fit its page is copied whole (and its test
    of fitting one page sees it).
    """
    spans: dict[str, list[Page]] = {}
    running: list[list[Page]] = []
    for page in pages:
        if page.anchors:
            running = [spans.setdefault(anchor, []) for anchor in page.anchors]
        for span in running:
            span.append(page)
    return spans


def titled(metadata: DocumentMetadata, title: str) -> DocumentMetadata:
    """The same document properties under another title."""
    result = copy(metadata)
    result.title = title
    return result
