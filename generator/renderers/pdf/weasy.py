"""WeasyPrint, as journeykit uses it: every reach into its internals, and the process-wide
set-up it needs, in this one module.

:func:`setup` is explicit and idempotent (the PDF renderer calls it before each layout): it
dates fonts subset by fontTools at a fixed time, gives loanwords their language in the
structure tree, and routes WeasyPrint's logged errors to the render that caused them.
:func:`errors_fail_the_build` collects those errors per render in a context variable, so two
renders in two threads each report their own.
"""

from __future__ import annotations

import hashlib
import logging
import operator
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from copy import copy

import pydyf
from weasyprint import HTML
from weasyprint.document import Document, DocumentMetadata, Page
from weasyprint.formatting_structure.boxes import Box, LineBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from generator.errors import BuildError
from generator.renderers.notices import notice
from generator.reproducible import fix_font_times

__all__ = [
    "Box",
    "Document",
    "DocumentMetadata",
    "LineBox",
    "Page",
    "draw_box",
    "errors_fail_the_build",
    "image",
    "lay_out",
    "marking",
    "page_box",
    "painting",
    "setup",
    "without_class",
    "without_margin_box",
]

LOGGER = logging.getLogger("weasyprint")
_errors: ContextVar[list[str] | None] = ContextVar("weasyprint_errors", default=None)
_rendering: ContextVar[str | None] = ContextVar("weasyprint_rendering", default=None)
NOT_DEFINED = ".notdef glyph rendered"
"""How WeasyPrint's warning of a character no font has begins."""
_setup_lock = threading.Lock()
_done = False


class _ToCurrentRender(logging.Handler):
    """Hands each error WeasyPrint logs to the render running in this context, if any."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        collected = _errors.get()
        if collected is not None:
            collected.append(record.getMessage())


class _MissingGlyphs(logging.Filter):
    """WeasyPrint's warning that a character printed as an empty box becomes a notice about
    the file being rendered (in journeykit's words, never a stray log line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(NOT_DEFINED):
            return True
        what, args = _rendering.get(), record.args
        if what is not None and isinstance(args, tuple) and len(args) == 2:
            char, code = args
            notice(what, f"{char} (U+{int(code):04X}) prints as an empty box: no font has it")
        return False


def setup() -> None:
    """Prepare WeasyPrint once per process (later calls do nothing)."""
    global _done
    if _done:
        return
    with _setup_lock:
        if _done:
            return
        fix_font_times()  # identical bytes where WeasyPrint falls back to fontTools to subset
        _tag_languages()
        _running_heads_as_artifacts()
        _paint_swapped_colours()
        _remember_page_references()
        _mark_segments()
        _measure_glyphs_at_one_size()
        LOGGER.addHandler(_ToCurrentRender())
        LOGGER.addFilter(_MissingGlyphs())
        _done = True


@contextmanager
def errors_fail_the_build(what: str) -> Iterator[None]:
    """Turn WeasyPrint's logged errors and fatal fetch errors in this render (this context
    only) into a :class:`BuildError`."""
    setup()
    collected: list[str] = []
    token, naming = _errors.set(collected), _rendering.set(what)
    try:
        yield
    except FatalURLFetchingError as exc:
        raise BuildError(f"{what}: {exc.__cause__ or exc}") from None
    finally:
        _errors.reset(token)
        _rendering.reset(naming)
    if collected:
        messages = "; ".join(dict.fromkeys(collected))
        raise BuildError(f"{what}: WeasyPrint reported: {messages}")


def lay_out(html: str, base_url: str, fetcher: URLFetcher, what: str) -> Document:
    """Lay out HTML into pages; HTML's presentational hints are on (WeasyPrint honours a
    list's ``start`` only then)."""
    with errors_fail_the_build(what):
        page = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        return page.render(presentational_hints=True, font_config=_font_config(html))


FONT_FACE = re.compile(r"@font-face\s*{[^}]*}")
FONT_CONFIGS = 8
"""Font configurations a thread keeps (one per set of ``@font-face`` rules: a batch's brands
mostly share one)."""
_configs = threading.local()


def _font_config(html: str) -> FontConfiguration:
    """The thread's font configuration for the document's ``@font-face`` rules. Made once and
    reused: each new one loads the fonts into fontconfig again and holds on to them, so a
    long-lived process (a worker, the web server) grew by about half a MiB a document."""
    key = hashlib.sha256("".join(FONT_FACE.findall(html)).encode()).hexdigest()
    configs: OrderedDict[str, FontConfiguration] = getattr(_configs, "by_faces", None) or (
        OrderedDict()
    )
    _configs.by_faces = configs
    if key not in configs:
        configs[key] = FontConfiguration()
        while len(configs) > FONT_CONFIGS:
            configs.popitem(last=False)
    configs.move_to_end(key)
    return configs[key]


def image(url: str, fetcher: URLFetcher, document: Document, what: str) -> object:
    """The image at ``url`` as a layout of ``document`` makes it (default image options, SVG
    text set with the document's fonts); a :class:`BuildError` when it cannot be read."""
    from types import SimpleNamespace

    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.images import get_image_from_uri

    context = SimpleNamespace(font_config=document.font_config, dictionaries={})
    with errors_fail_the_build(what):
        found = get_image_from_uri({}, fetcher, DEFAULT_OPTIONS, url, context=context)
    if found is None:
        raise BuildError(f"{what}: the image cannot be read")
    return found


def page_box(page: Page) -> Box:
    """A laid-out page's box (page → html → body): WeasyPrint has no public accessor."""
    return page._page_box


def without_margin_box(page: Page, at_keyword: str) -> Page:
    """The same page without one of its margin boxes (``@bottom-right-corner``); the page
    itself is left as it is. WeasyPrint has no public way to drop a margin box."""
    clone = copy(page)
    box = page._page_box
    kept = [child for child in box.children if getattr(child, "at_keyword", "") != at_keyword]
    clone._page_box = box.copy_with_children(kept)
    return clone


def without_class(page: Page, name: str) -> Page:
    """The same page without the boxes of elements of class ``name`` (floats: nothing else
    moves); the page itself is left as it is, and only the boxes above a removed one are
    copied."""

    def marked(box: Box) -> bool:
        element = getattr(box, "element", None)
        return element is not None and name in (element.get("class") or "").split()

    def pruned(box: Box) -> Box:
        children = getattr(box, "children", None)
        if not children:
            return box
        kept = [pruned(child) for child in children if not marked(child)]
        if len(kept) == len(children) and all(map(operator.is_, kept, children)):
            return box
        return box.copy_with_children(kept)

    clone = copy(page)
    clone._page_box = pruned(page._page_box)
    return clone


_swaps: ContextVar[dict[tuple[int, int, int], object] | None] = ContextVar(
    "colour_swaps", default=None
)


@contextmanager
def painting(colours: Mapping[str, str]) -> Iterator[None]:
    """Draw what is written in this context with each colour (``#RRGGBB``) of ``colours``
    swapped for its value: a template's sentinel colours for a brand's own
    (:mod:`generator.renderers.pdf.repaint`)."""
    from tinycss2.color5 import parse_color

    swaps = {_rgb(parse_color(held)): parse_color(own) for held, own in colours.items()}
    token = _swaps.set(swaps)
    try:
        yield
    finally:
        _swaps.reset(token)


def _rgb(color: object) -> tuple[int, int, int]:
    """An opaque sRGB colour's 8-bit channels (or an impossible value for any other)."""
    if getattr(color, "space", None) != "srgb" or getattr(color, "alpha", 1) != 1:
        return (-1, -1, -1)
    red, green, blue = color.coordinates  # type: ignore[attr-defined]
    return (round(red * 255), round(green * 255), round(blue * 255))


def _paint_swapped_colours() -> None:
    """Let :func:`painting` swap colours where WeasyPrint sets every colour it draws with."""
    from weasyprint.pdf.stream import Stream

    set_color = Stream.set_color

    def set_swapped_color(self, color, stroke=False):  # type: ignore[no-untyped-def]
        swaps = _swaps.get()
        if swaps:
            color = swaps.get(_rgb(color), color)
        return set_color(self, color, stroke)

    Stream.set_color = set_swapped_color


_marks: ContextVar[tuple[Mapping[int, int], dict[int, tuple[object, ...]]] | None] = ContextVar(
    "segment_marks", default=None
)
MARK_START, MARK_END = b"%JK<", b"%JK>"
"""The comments around a marked box's drawing in a content stream (:func:`marking`)."""


@contextmanager
def marking(boxes: Mapping[int, int]) -> Iterator[dict[int, tuple[object, ...]]]:
    """Write each box whose ``id`` is in ``boxes`` (a text box or a replaced box) between
    comments naming its number (``%JK<7`` … ``%JK>``), a segment
    :mod:`generator.renderers.pdf.splice` redraws for another brand; yields, by number, the
    arguments it was drawn with and the stream's colours and opacities before it."""
    recorded: dict[int, tuple[object, ...]] = {}
    token = _marks.set((boxes, recorded))
    try:
        yield recorded
    finally:
        _marks.reset(token)


STREAM_STATE = (
    "_current_color",
    "_current_color_stroke",
    "_current_alpha",
    "_current_alpha_stroke",
)
"""What a WeasyPrint stream remembers of the colours and opacities it set (to skip setting
them again)."""


def stream_state(stream: object) -> tuple[object, ...]:
    """The stream's :data:`STREAM_STATE`."""
    return tuple(getattr(stream, name) for name in STREAM_STATE)


def set_stream_state(stream: object, state: tuple[object, ...]) -> None:
    """Make a stream remember colours and opacities as :func:`stream_state` gave them."""
    for name, value in zip(STREAM_STATE, state, strict=True):
        setattr(stream, name, value)


def draw_box(stream: object, box: Box, arguments: tuple[object, ...]) -> None:
    """Draw a text box or a replaced box as WeasyPrint draws it on a page, with the
    ``arguments`` :func:`marking` recorded for it."""
    from weasyprint import draw
    from weasyprint.formatting_structure.boxes import TextBox

    if isinstance(box, TextBox):
        draw.draw_text(stream, box, *arguments)
    else:
        draw.draw_replacedbox(stream, box, *arguments)


def _mark_segments() -> None:
    """Let :func:`marking` mark where WeasyPrint draws a text box or a replaced box."""
    from weasyprint import draw

    def marked(drawing):  # type: ignore[no-untyped-def]
        def draw_marked(stream, box, *arguments):  # type: ignore[no-untyped-def]
            marks = _marks.get()
            number = marks[0].get(id(box)) if marks else None
            if number is None:
                return drawing(stream, box, *arguments)
            marks[1][number] = (arguments, stream_state(stream))  # type: ignore[index]
            stream.stream.append(MARK_START + str(number).encode())
            drawing(stream, box, *arguments)
            stream.stream.append(MARK_END)
            return None

        return draw_marked

    draw.draw_text = marked(draw.draw_text)
    draw.draw_replacedbox = marked(draw.draw_replacedbox)


REFERENCE_SIZE = 1000
"""The size (pt) a glyph's width is measured at for a PDF's font widths: 1/1000 em each."""


class _GlyphWidths(dict):  # type: ignore[type-arg]
    """A font's glyph widths in 1/1000 em, each measured at :data:`REFERENCE_SIZE` as it is
    first asked for (WeasyPrint measures it at the size it is first drawn at, rounded, so a
    text's spacing depended on which size came first: a brand's name in a footer moved
    the body text of the pages after it by fractions of a point)."""

    def __init__(self, pango_font: object) -> None:
        super().__init__()
        self._font = pango_font
        self._reference: object = None

    def __contains__(self, glyph: object) -> bool:
        if super().__contains__(glyph):
            return True
        if not _drawing_a_line.get() or not isinstance(glyph, int) or glyph < 0:
            return False
        width = self._measured(glyph)
        if width is None:
            return False
        self[glyph] = width
        return True

    def _measured(self, glyph: int) -> int | None:
        from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango

        if self._reference is None:
            description = ffi.gc(
                pango.pango_font_describe_with_absolute_size(self._font),
                pango.pango_font_description_free,
            )
            pango.pango_font_description_set_absolute_size(description, REFERENCE_SIZE / FROM_UNITS)
            font_map = pango.pango_font_get_font_map(self._font)
            context = ffi.gc(pango.pango_font_map_create_context(font_map), gobject.g_object_unref)
            loaded = pango.pango_font_map_load_font(font_map, context, description)
            if loaded == ffi.NULL:
                return None
            self._reference = ffi.gc(loaded, gobject.g_object_unref)
        ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
        pango.pango_font_get_glyph_extents(self._reference, glyph, ink, logical)
        return round(logical.width * FROM_UNITS * 1000 / REFERENCE_SIZE)


_drawing_a_line: ContextVar[bool] = ContextVar("drawing_a_line", default=False)


def _measure_glyphs_at_one_size() -> None:
    """Give every font :class:`_GlyphWidths`: widths that do not depend on what was drawn
    first, so a PDF's text is spaced the same whatever a brand's name is. They measure a
    glyph only while WeasyPrint draws a line (which asks whether it knows the glyph's width
    before it measures it itself); elsewhere they are plain dictionaries."""
    from weasyprint.draw import text
    from weasyprint.pdf.fonts import Font

    initialise = Font.__init__

    def measuring(self, pango_font, description, font_size):  # type: ignore[no-untyped-def]
        initialise(self, pango_font, description, font_size)
        self.widths = _GlyphWidths(pango_font)

    Font.__init__ = measuring
    draw_first_line = text.draw_first_line

    def drawing_a_line(*arguments):  # type: ignore[no-untyped-def]
        token = _drawing_a_line.set(True)
        try:
            return draw_first_line(*arguments)
        finally:
            _drawing_a_line.reset(token)

    text.draw_first_line = drawing_a_line


def _remember_page_references() -> None:
    """Let pydyf list a PDF's page references once per page added, not once per use: tagging
    asks for them for every marked element (about a tenth of writing a guide)."""

    def page_references(self):  # type: ignore[no-untyped-def]
        kids = self.pages["Kids"]
        known = self.__dict__.get("_page_references")
        if known is None or known[0] != len(kids):
            references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
            known = self.__dict__["_page_references"] = (len(kids), references)
        return known[1]

    pydyf.PDF.page_references = property(page_references)


def _running_heads_as_artifacts() -> None:
    """Mark what the page's margin boxes show (running heads and feet, page numbers) as
    pagination artifacts (``/Artifact <</Type /Pagination /Subtype /Header>>``), as PDF/UA
    asks: WeasyPrint (70) tags them as spans that no element of the structure tree holds."""
    from weasyprint import draw
    from weasyprint.formatting_structure.boxes import MarginBox

    drawing = draw.draw_stacking_context

    def draw_margins_as_artifacts(stream, stacking_context):  # type: ignore[no-untyped-def]
        box = stacking_context.box
        tags = getattr(stream, "_tags", None)
        if not isinstance(box, MarginBox) or tags is None:
            return drawing(stream, stacking_context)
        properties = pydyf.Dictionary({"Type": "/Pagination"})
        if box.at_keyword.startswith(("@top", "@bottom")):
            properties["Subtype"] = "/Header" if box.at_keyword.startswith("@top") else "/Footer"
        stream._tags = None  # nothing inside is tagged
        pydyf.Stream.begin_marked_content(stream, "Artifact", properties)
        try:
            return drawing(stream, stacking_context)
        finally:
            pydyf.Stream.end_marked_content(stream)
            stream._tags = tags

    draw.draw_stacking_context = draw_margins_as_artifacts


def _tag_languages() -> None:
    """Give each ``<span lang>`` (a loanword) its language in the PDF's structure tree, as
    screen readers need it: WeasyPrint (66–70) tags it as a Span without one."""
    from weasyprint.formatting_structure.boxes import MarginBox
    from weasyprint.pdf import tags

    build = tags._build_box_tree

    def build_with_languages(box, parent, *rest):  # type: ignore[no-untyped-def]
        if isinstance(box, MarginBox):  # drawn as artifacts (_running_heads_as_artifacts)
            return
        for element in build(box, parent, *rest):
            source = getattr(box, "element", None)
            language = source.get("lang") if source is not None else None
            if language and getattr(box, "element_tag", None) == "span":
                element["Lang"] = pydyf.String(language)
            yield element

    tags._build_box_tree = build_with_languages
