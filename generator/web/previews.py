"""The author's previews: a guide's PDFs for one brand and language rendered in memory, and its
pages as PNG images, each kept until what it was made from changes.

A preview is rendered again only when the guide's own content (its sections, worksheets,
examples, the language's words) or its brand changed, or a layout, font or logo file did
(:attr:`Previews.version`); the pages of a PDF already seen are not rasterised again, and an
image is named by the hash of its bytes, so a page that did not change keeps its address and
the browser keeps it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import pypdfium2

from generator import api
from generator.web.renders import PDFIUM, Renders
from generator.web.site import Site

Key = tuple[str, str, str]
"""A preview's brand, language and guide."""

PAGE_SCALE = 1.5
"""Pixels per point of a page's image (an A4 page is 893 px wide)."""
THUMB_SCALE = 0.4
"""Pixels per point of a thumbnail (an A4 page is 238 px wide)."""
IMAGES = 600
"""Images kept in memory at most (the oldest used go first)."""
RASTERS = 60
"""PDFs whose pages are kept as images at most."""


@dataclass(frozen=True)
class Problem:
    """A problem as a page shows it: where (``file:line``), what, and the hint."""

    where: str
    message: str
    hint: str

    def json(self) -> dict[str, str]:
        return {"where": self.where, "message": self.message, "hint": self.hint}


def problem(error: api.ContentError, site: Site) -> Problem:
    """A content error, its file relative to the project."""
    where = ""
    if error.path is not None:
        path = error.path
        if path.is_absolute() and path.is_relative_to(site.root):
            path = path.relative_to(site.root)
        where = str(path) + (f":{error.line}" if error.line else "")
        where += f":{error.column}" if error.line and error.column else ""
    message = f"{error.field}: {error.message}" if error.field else error.message
    return Problem(where, message, error.hint or "")


@dataclass(frozen=True)
class Page:
    """One page of a PDF: its image's hash and its text (for screen readers and search)."""

    image: str
    text: str
    width: int
    height: int


@dataclass
class Preview:
    """What one render of a guide for a brand and language gave."""

    key: Key
    inputs: Any
    """What it was made from (compared to decide whether it is still current)."""
    files: dict[str, bytes] = field(default_factory=dict)
    """The PDFs made, by file name (the guide's and its worksheets')."""
    pdf: str = ""
    """The guide PDF's hash."""
    pages: list[Page] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    """The layout's warnings (a nearly empty page, a worksheet that spills)."""
    problems: list[Problem] = field(default_factory=list)
    """Why it could not be made (then it has no pages)."""


class Previews:
    """Every preview made, the last good one of each guide, brand and language, and the
    pages' images."""

    def __init__(self, site: Site, renders: Renders) -> None:
        self.site, self.renders = site, renders
        self.version = 0
        """Counts changes to files other than content text (layouts, fonts, logos)."""
        self.last: dict[Key, Preview] = {}
        """The latest attempt of each (it may have failed)."""
        self.good: dict[Key, Preview] = {}
        """The latest preview with pages of each."""
        self.pending: dict[Key, asyncio.Future[Preview]] = {}
        self.images: OrderedDict[str, bytes] = OrderedDict()
        self.rasters: OrderedDict[str, list[Page]] = OrderedDict()
        self.thumbs: dict[tuple[str, int], str] = {}
        self.lock = threading.Lock()
        """Guards the images, rasters and thumbnails (render threads add to them)."""

    def inputs(self, key: Key) -> Any:
        """What a preview of ``key`` is made from, as loaded now."""
        brand_id, lang, guide_id = key
        library = self.site.current()
        guide = library.guides[(guide_id, lang)]
        sheets = (guide.framework, *guide.worksheets)
        return (
            self.version,
            guide,
            library.brands[brand_id],
            library.ui.get(lang),
            [library.frameworks.get((sheet, lang)) for sheet in sheets],
            [library.examples_of(guide, sheet) for sheet in sheets],
        )

    async def get(self, key: Key) -> Preview:
        """The preview of ``key`` as the content is now: the one made before if nothing it is
        made from changed, else rendered again (one render at a time for each key)."""
        inputs = self.inputs(key)
        made = self.last.get(key)
        if made is not None and made.inputs == inputs:
            return made
        if key not in self.pending:
            self.pending[key] = asyncio.ensure_future(self._make(key, inputs))
        future = self.pending[key]
        try:
            return await asyncio.shield(future)
        finally:
            if future.done() and self.pending.get(key) is future:
                del self.pending[key]

    async def _make(self, key: Key, inputs: Any) -> Preview:
        preview = await self.renders.run(lambda: self._render(key, inputs))
        self.last[key] = preview
        if preview.pages:
            self.good[key] = preview
        return preview

    def _render(self, key: Key, inputs: Any) -> Preview:
        """Render the guide's PDFs (on a render thread) and its pages' images."""
        brand_id, lang, guide_id = key
        sink = api.MemorySink()
        preview = Preview(key, inputs)
        try:
            result = api.build(
                self.site.root,
                brand_id,
                guide=[guide_id],
                lang=[lang],
                format=["pdf"],
                document=["guide"],  # its worksheets' pages are in it, their spills noticed
                sink=sink,
                force=True,
                jobs=1,
                library=self.site.library,  # loaded once a change, not again here
            )
        except api.ContentErrors as exc:
            preview.problems = [problem(error, self.site) for error in exc.errors]
            return preview
        preview.files = {name.rsplit("/", 1)[-1]: data for name, data in sink.files.items()}
        preview.problems = [
            Problem(failure.job.filename(), failure.reason, "") for failure in result.failed
        ]
        preview.notices = [problem(warning, self.site) for warning in result.warnings]
        pdf = preview.files.get(f"{guide_id}.pdf")
        if pdf is not None:
            preview.pdf, preview.pages = self.raster(pdf)
        return preview

    def raster(self, pdf: bytes) -> tuple[str, list[Page]]:
        """A PDF's hash and its pages, rasterised unless this PDF was seen before."""
        digest = hashlib.sha256(pdf).hexdigest()[:24]
        with self.lock:
            seen = self.rasters.get(digest)
        if seen is not None and all(self.image(page.image) for page in seen):
            return digest, seen
        pages = []
        with PDFIUM:
            document = pypdfium2.PdfDocument(pdf)
            try:
                for number in range(len(document)):
                    page = document[number]
                    png, width, height = _png(page, PAGE_SCALE)
                    text = " ".join(page.get_textpage().get_text_bounded().split())
                    pages.append(Page(self.keep(png), text, width, height))
            finally:
                document.close()
        with self.lock:
            self.rasters[digest] = pages
            while len(self.rasters) > RASTERS:
                self.rasters.popitem(last=False)
        return digest, pages

    def thumbnail(self, preview: Preview, number: int) -> str | None:
        """The hash of a small image of page ``number`` (from 1), or None past the last page
        (on a render thread)."""
        pdf = preview.files.get(f"{preview.key[2]}.pdf")
        if pdf is None or not 1 <= number <= len(preview.pages):
            return None
        with self.lock:
            known = self.thumbs.get((preview.pdf, number))
        if known is not None and self.image(known) is not None:
            return known
        with PDFIUM:
            document = pypdfium2.PdfDocument(pdf)
            try:
                name = self.keep(_png(document[number - 1], THUMB_SCALE)[0])
            finally:
                document.close()
        with self.lock:
            self.thumbs[(preview.pdf, number)] = name
            if len(self.thumbs) > IMAGES:
                self.thumbs.clear()
        return name

    def keep(self, png: bytes) -> str:
        """Keep an image; its name (the hash of its bytes)."""
        name = hashlib.sha256(png).hexdigest()[:24]
        with self.lock:
            self.images[name] = png
            self.images.move_to_end(name)
            while len(self.images) > IMAGES:
                self.images.popitem(last=False)
        return name

    def image(self, name: str) -> bytes | None:
        """An image kept, by name, or None (never made, or dropped since)."""
        with self.lock:
            return self.images.get(name)


def _png(page: pypdfium2.PdfPage, scale: float) -> tuple[bytes, int, int]:
    """A page as PNG, and its width and height in pixels."""
    image = page.render(scale=scale).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue(), image.width, image.height
