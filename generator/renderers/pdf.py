"""The PDF renderer: the view → HTML through the Jinja layouts → WeasyPrint → bytes.

A failed fetch or an error logged by WeasyPrint fails the build instead of silently dropping
an image or a font.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy

from weasyprint import HTML
from weasyprint.document import Document, DocumentMetadata, Page
from weasyprint.urls import FatalURLFetchingError

from generator.document import DocumentView
from generator.errors import BuildError
from generator.layouts import FONT_STYLES, Layouts, brand_font_files
from generator.renderers import ViewOf
from generator.renderers.fetcher import ProjectFetcher
from generator.reproducible import fix_font_times
from generator.text import css_string, mark_languages, markdown_to_html

WEASYPRINT_LOGGER = logging.getLogger("weasyprint")
fix_font_times()  # identical bytes even where WeasyPrint falls back to fontTools for subsetting


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def errors_fail_the_build(what: str) -> Iterator[None]:
    """Turn WeasyPrint's logged errors and fatal fetch errors into a :class:`BuildError`."""
    handler = _Collect()
    WEASYPRINT_LOGGER.addHandler(handler)
    try:
        yield
    except FatalURLFetchingError as exc:
        raise BuildError(f"{what}: {exc.__cause__ or exc}") from None
    finally:
        WEASYPRINT_LOGGER.removeHandler(handler)
    if handler.messages:
        messages = "; ".join(dict.fromkeys(handler.messages))
        raise BuildError(f"{what}: WeasyPrint reported: {messages}")


def render_html(view: DocumentView, layouts: Layouts) -> str:
    """The document as HTML, from ``layouts/pdf/<document>.html.j2``."""
    template = layouts.jinja.get_template(f"pdf/{view.job.document}.html.j2")
    return template.render(
        view=view,
        ui=view.ui,
        brand=view.brand,
        guide=view.guide,
        framework=view.framework,
        t=lambda text: mark_languages(text, view.ui),
        markdown=lambda source: markdown_to_html(source, view.ui),
        asset=lambda name: layouts.find(name).as_uri(),
        css=css_string,
        zip=zip,
        font_faces=font_faces(view, layouts),
        logo=logo_uri(view),
    )


def font_faces(view: DocumentView, layouts: Layouts) -> list[dict[str, str | int]]:
    """@font-face rules for the brand's heading and body families, Inter as the fallback."""
    faces: list[dict[str, str | int]] = []
    for family in dict.fromkeys([view.brand.fonts.heading, view.brand.fonts.body, "Inter"]):
        files = layouts.font_families.get(family)
        if files is None and view.brand.folder is not None:
            files = brand_font_files(view.brand.folder, family)
        for style, path in (files or {}).items():
            weight, css_style = FONT_STYLES[style]
            faces.append(
                {"family": family, "weight": weight, "style": css_style, "url": path.as_uri()}
            )
    return faces


def logo_uri(view: DocumentView) -> str:
    """The brand's logo as a file URL, or "" when it has none."""
    if not view.brand.logo or view.brand.folder is None:
        return ""
    return (view.brand.folder / view.brand.logo).resolve().as_uri()


def lay_out(html: str, layouts: Layouts, what: str) -> Document:
    """Lay out HTML into pages with WeasyPrint, reading only the project's files."""
    fetcher = ProjectFetcher(layouts.readable_roots)
    base_url = layouts.folders[0].as_uri() + "/"
    with errors_fail_the_build(what):
        return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()


def write(document: Document, what: str) -> bytes:
    """The pages as PDF bytes: tagged (reading order, languages, headings), fonts subset."""
    with errors_fail_the_build(what):
        return document.write_pdf(pdf_tags=True)


def html_to_pdf(html: str, layouts: Layouts, what: str) -> bytes:
    """Lay out HTML and write it as PDF bytes."""
    return write(lay_out(html, layouts, what), what)


def render(view: DocumentView, layouts: Layouts) -> bytes:
    """Render a guide or a worksheet to PDF bytes."""
    return html_to_pdf(render_html(view, layouts), layouts, str(view.job.relative_path()))


def render_many(views: list[DocumentView], layouts: Layouts, view_of: ViewOf) -> list[bytes]:
    """Render several documents of one guide, language and brand, laying out each page once.

    A worksheet the guide shows is not laid out again: its PDF is a copy of the guide's page
    (always, so its bytes never depend on what else was built in the same run).
    """
    guide_view = next((v for v in views if v.job.document == "guide"), None)
    guide_view = guide_view or view_of(views[0].job.guide_job())
    shown = {block.anchor for block in guide_view.blocks if block.kind != "section"}
    wanted = guide_view in views or any(
        v.job.document == "worksheet" and v.worksheet.anchor in shown for v in views
    )
    what = str(guide_view.job.relative_path())
    guide = lay_out(render_html(guide_view, layouts), layouts, what) if wanted else None
    pages = pages_by_anchor(guide.pages) if guide else {}

    def one(view: DocumentView) -> bytes:
        what = str(view.job.relative_path())
        if guide is not None and view is guide_view:
            return write(guide, what)
        sheet_pages = pages.get(view.worksheet.anchor)
        if guide is None or sheet_pages is None:
            return render(view, layouts)
        sheet = guide.copy(sheet_pages)
        sheet.metadata = titled(guide.metadata, view.title)
        return write(sheet, what)

    return [one(view) for view in views]


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
