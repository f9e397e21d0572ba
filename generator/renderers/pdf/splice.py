"""A template's PDF written once and spliced for each brand, without writing it again.

Writing a repainted layout (:mod:`~generator.renderers.pdf.repaint`) still draws every page,
builds the structure tree, subsets the fonts and serialises the file for each brand. A
:class:`SplicedPdf` does that once, for the template, with each box a brand may change or move
marked in the content streams (:func:`~generator.renderers.pdf.weasy.marking`), and keeps the
written file open. A brand's PDF is then that file with:

- each sentinel colour operator turned into the brand's colour for the same role;
- each marked box drawn again by WeasyPrint as the brand's repainted layout has it (its
  string, its position, its logo), with the colours and opacities the stream had there;
- each font whose glyphs the brand's strings add to subset again with them (once per set of
  glyphs), and the brand's logo as an image of its own;
- the links' targets and rectangles from the brand's layout, the logo's alternative text, the
  author in the document information and its XMP, and the brand's workbooks inside;

saved by pikepdf as :func:`~generator.renderers.pdf.finish` saves a direct render. What it
cannot splice (a logo whose drawing needs resources other than its image and opacities)
raises :class:`NotSpliceable`, and the caller writes the repainted layout instead. Like
:mod:`~generator.renderers.pdf.weasy`, this module reaches into WeasyPrint's internals.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from copy import copy
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

import pikepdf
import pydyf
from tinycss2.color5 import parse_color
from weasyprint import DEFAULT_OPTIONS
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import Box, ReplacedBox, TextBox
from weasyprint.matrix import Matrix
from weasyprint.pdf import VARIANTS
from weasyprint.pdf.fonts import build_fonts_dictionary
from weasyprint.pdf.stream import Stream
from weasyprint.text.fonts import get_hb_object_data

from generator.renderers.pdf import PDF_VARIANT, Attachments, Laid, attach, weasy
from generator.renderers.pdf.repaint import Spots, line_boxes

SCALE = 0.75
"""PDF points per CSS pixel (WeasyPrint writes at zoom 1)."""
SEGMENT = re.compile(rb"%JK<(\d+)\n(.*?)%JK>", re.S)
GLYPHS = re.compile(rb"/(\w+) [-\d.]+ Tf|<([0-9a-f]+)>")
IMAGES_KEPT = 4
"""Logo images a process keeps made (a set's PDFs share the brand's)."""
FONTS_KEPT = 64
"""Fonts subset again for brands' glyphs that a template keeps, the latest."""
OPTIONS = {**DEFAULT_OPTIONS, **VARIANTS[PDF_VARIANT][1]}
"""The options a guide is written with (those the font dictionaries depend on)."""


class NotSpliceable(Exception):
    """The brand's PDF cannot be spliced from the template's (write the repainted layout)."""


Chunk = bytes | tuple[str, bytes] | tuple[str, int]
"""Literal content, a sentinel colour operator ``("colour", operator)``, or a marked
segment ``("segment", number)``."""


@dataclass
class _Segment:
    box: Box
    arguments: tuple[object, ...]
    state: tuple[object, ...]
    drawn: list[Chunk]
    """What the template drew there, cut at its sentinel colours (kept for a brand that
    leaves the box as it is)."""


@dataclass
class SplicedPdf:
    """A template's PDF, written once with the boxes a brand changes marked, kept open."""

    laid: Laid
    data: bytes
    """The template's PDF as written, with its marks."""
    segments: list[_Segment]
    sentinel_ops: dict[bytes, str]
    """Each sentinel colour operator (``r g b rg``) and its sentinel's ``#RRGGBB``."""
    glyphs: dict[str, set[int]]
    """Each font's glyphs in the template's subset, by its resource name."""
    held_name: str
    held_links: frozenset[str]
    pdf: pikepdf.Pdf = field(init=False)
    """The template's PDF, opened anew for each brand, which changes it and saves it as its
    own (a brand's file then does not depend on the brands before it, and what they added
    does not pile up)."""
    contents: list[tuple[tuple[int, int], list[Chunk]]] = field(init=False)
    """Each content stream to splice (its object's number and generation) and its chunks."""
    resources: tuple[int, int] = field(init=False)
    links: list[tuple[int, tuple[int, int], str]] = field(init=False)
    """The template's links to a placeholder (web, e-mail, phone): page, annotation, target."""
    alts: list[tuple[int, int]] = field(init=False)
    logos: set[str] = field(default_factory=set)
    """The template's logo images among the page resources (a brand's take their place)."""
    xmp: bytes | None = field(init=False)
    """The template's XMP metadata (naming the placeholder as its creator)."""
    grown: OrderedDict[tuple[str, frozenset[int]], bytes] = field(default_factory=OrderedDict)
    """Fonts subset again with a brand's glyphs, as a small PDF holding them (the latest)."""
    copied: dict[tuple[str, frozenset[int]], pikepdf.Object] = field(default_factory=dict)
    scratch_fonts: dict[object, object] = field(default_factory=dict)
    """The fonts a brand's boxes are drawn with: the template's own, which learn each new
    glyph's width as a brand first draws it."""

    @classmethod
    def of(
        cls,
        laid: Laid,
        spots: Spots,
        made: Mapping[object, bytes],
        sentinels: Iterable[str],
        held_name: str,
        held_links: frozenset[str],
    ) -> SplicedPdf:
        """Write ``laid`` (the template's, for the placeholder brand) with every box its brand
        lines and logos hold marked, and cut it for splicing."""
        boxes: list[Box] = []
        for page_lines, page_logos in zip(spots.lines, spots.logos, strict=True):
            for path in page_lines:
                boxes += [box for box in line_boxes(path[-1]) if isinstance(box, TextBox)]
            boxes += [path[-1] for path in page_logos]
        numbers = {id(box): n for n, box in enumerate(boxes)}
        with weasy.marking(numbers) as recorded:
            data = laid.write(made)
        ops = {_colour_op(parse_color(held), pen): held for held in sentinels for pen in (0, 1)}
        glyphs: dict[str, set[int]] = {}
        for font in laid.document.fonts.values():
            glyphs.setdefault(font.hash, set()).update(font.widths)
        template = cls(laid, data, [], ops, glyphs, held_name, held_links)
        # a brand's boxes are drawn with the template's fonts: a glyph the template has keeps
        # the width its subset gives it (the kerning drawn around it counts on that width)
        template.scratch_fonts = laid.document.fonts
        drawn = template._open()
        for n, box in enumerate(boxes):
            if n not in recorded or n not in drawn:
                raise NotSpliceable("a marked box was not drawn where it was expected")
            arguments, state = recorded[n]
            template.segments.append(_Segment(box, arguments, state, template._colours(drawn[n])))
            if isinstance(box, ReplacedBox):
                template.logos.update(f"/{key.decode()}" for key in IMAGE.findall(drawn[n]))
        return template

    def _open(self) -> dict[int, bytes]:
        """Open the template's PDF for the first time and find what a brand changes in it (by
        object, to find again in each copy :meth:`_reopen` opens); return what each marked
        segment drew."""
        self.pdf = pikepdf.open(BytesIO(self.data))
        self.contents, self.links, drawn = [], [], {}
        self.copied = {}
        for page in self.pdf.pages:
            for stream in _content_streams(page):
                chunks = self._cut(stream.read_bytes(), drawn)
                if len(chunks) > 1 or not isinstance(chunks[0], bytes):
                    self.contents.append((stream.objgen, chunks))
        self.resources = self.pdf.pages[0].Resources.objgen
        for number, page in enumerate(self.pdf.pages):
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                held = str(action.get("/URI", "")) if action is not None else ""
                if held in self.held_links:
                    self.links.append((number, annotation.objgen, held))
        self.alts = [
            element.objgen
            for element in _struct_elements(self.pdf)
            if str(element.get("/Alt", "")) == self.held_name
        ]
        metadata = self.pdf.Root.get("/Metadata")
        self.xmp = None if metadata is None else metadata.read_bytes()
        return drawn

    def _reopen(self) -> None:
        """A fresh copy of the template's PDF for the next brand."""
        self.pdf.close()
        self.pdf = pikepdf.open(BytesIO(self.data))
        self.copied = {}

    def _cut(self, content: bytes, drawn: dict[int, bytes]) -> list[Chunk]:
        """The content cut at each marked segment and each sentinel colour operator."""
        chunks: list[Chunk] = []
        position = 0
        for match in SEGMENT.finditer(content):
            chunks += self._colours(content[position : match.start()])
            number = int(match.group(1))
            drawn[number] = match.group(2)
            chunks.append(("segment", number))
            position = match.end()
        chunks += self._colours(content[position:])
        return chunks or [b""]

    def _colours(self, content: bytes) -> list[Chunk]:
        """The content cut at each sentinel colour operator."""
        if not self.sentinel_ops or not content:
            return [content] if content else []
        chunks: list[Chunk] = []
        position = 0
        for match in _operators(tuple(self.sentinel_ops)).finditer(content):
            chunks.append(content[position : match.start()])
            chunks.append(("colour", match.group()))
            position = match.end()
        chunks.append(content[position:])
        return [chunk for chunk in chunks if chunk != b""]

    def stamp(
        self,
        document: Document,
        swapped: Mapping[int, Box],
        colours: Mapping[str, str],
        strings: Mapping[str, str],
        author: str,
        attachments: Attachments,
    ) -> bytes:
        """The brand's PDF: ``document`` is the template's layout repainted for the brand
        (``swapped``: its changed and moved boxes, by the template box's id), ``colours``
        each sentinel and the brand's colour, ``strings`` each placeholder string (and link)
        and the brand's."""
        self._reopen()
        pdf = self.pdf
        own_ops = {
            op: _colour_op(parse_color(colours.get(held, held)), op.endswith(b"RG"))
            for op, held in self.sentinel_ops.items()
        }
        resources = pydyf.Dictionary(
            {"ExtGState": pydyf.Dictionary(), "XObject": pydyf.Dictionary()}
        )
        images: dict[str, dict[str, object]] = {}
        with weasy.painting(colours):
            drawn = [
                self._drawn(segment, swapped, resources, images, own_ops)
                for segment in self.segments
            ]
        resources_now = pdf.get_object(self.resources)
        states = {str(key)[1:] for key in resources_now.get("/ExtGState", {})}
        if set(resources["ExtGState"]) - states or set(resources["XObject"]) - set(images):
            raise NotSpliceable("the logo's drawing needs resources of its own")
        for objgen, chunks in self.contents:
            pdf.get_object(objgen).write(_joined(chunks, own_ops, drawn))
        self._fonts(drawn)
        self._images(images)
        self._links(document, strings)
        for objgen in self.alts:
            pdf.get_object(objgen).Alt = pikepdf.String(author)
        pdf.docinfo[pikepdf.Name.Author] = pikepdf.String(author)
        if self.xmp is not None:
            held = escape(self.held_name).encode()
            pdf.Root.Metadata.write(self.xmp.replace(held, escape(author).encode()))
        attach(pdf, attachments)
        written = BytesIO()
        pdf.save(
            written,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
        return written.getvalue()

    def _drawn(
        self,
        segment: _Segment,
        swapped: Mapping[int, Box],
        resources: pydyf.Dictionary,
        images: dict[str, dict[str, object]],
        own_ops: Mapping[bytes, bytes],
    ) -> bytes:
        """A segment's content for the brand: its box drawn again where the brand changes
        or moves it (in the colours :func:`weasy.painting` swaps), else the template's with
        the brand's colours."""
        box = swapped.get(id(segment.box))
        if box is None:
            return _joined(segment.drawn, own_ops, [])
        document = self.laid.document
        stream = Stream(
            self.scratch_fonts,
            (0, 0, 0, 0),
            resources,
            images,
            None,
            document.color_profiles,
            document.output_intent,
        )
        weasy.set_stream_state(stream, segment.state)
        weasy.draw_box(stream, box, segment.arguments)
        return b"\n".join(pydyf._to_bytes(op) for op in stream.stream) + b"\n"

    def _fonts(self, drawn: list[bytes]) -> None:
        """Each font the brand's segments use, subset again where they add glyphs."""
        used: dict[str, set[int]] = {}
        font = None
        for segment in drawn:
            for match in GLYPHS.finditer(segment):
                if match.group(1):
                    font = match.group(1).decode()
                elif font is not None:
                    hexes = match.group(2)
                    used.setdefault(font, set()).update(
                        int(hexes[i : i + 4], 16) for i in range(0, len(hexes), 4)
                    )
        font_resources = self.pdf.get_object(self.resources).Font
        for name, glyphs in used.items():
            known = self.glyphs.get(name, set())
            if glyphs <= known:
                continue
            key = (name, frozenset(known | glyphs))
            if key not in self.copied:
                if key not in self.grown:
                    self.grown[key] = self._grown_font(*key)
                    while len(self.grown) > FONTS_KEPT:
                        self.grown.popitem(last=False)
                self.grown.move_to_end(key)
                self.copied[key] = self._imported(self.grown[key])
            font_resources["/" + name] = self.copied[key]

    def _grown_font(self, name: str, glyphs: frozenset[int]) -> bytes:
        """The font ``name`` subset with ``glyphs``, as WeasyPrint would embed it, in a small
        PDF of its own (:meth:`_imported`)."""
        sources = [font for font in self.scratch_fonts.values() if font.hash == name]
        if not sources:
            raise NotSpliceable(f"no font {name} to grow")
        merged = copy(sources[0])
        merged.file_content = get_hb_object_data(merged.hb_face)
        merged.to_unicode, merged.widths = {}, {}
        for source in sources:
            merged.to_unicode.update(source.to_unicode)
            merged.widths.update(source.widths)
        # in glyph order: a brand's PDF is the same whichever brands the template saw before
        merged.to_unicode = {g: t for g, t in sorted(merged.to_unicode.items()) if g in glyphs}
        merged.widths = {g: w for g, w in sorted(merged.widths.items()) if g in glyphs}
        if set(merged.widths) != set(glyphs):
            raise NotSpliceable(f"the glyphs of font {name} are not all known")
        scratch = pydyf.PDF()
        dictionary = build_fonts_dictionary(scratch, {name: merged}, True, True, OPTIONS)
        return _written(scratch, dictionary[name])

    def _images(self, images: dict[str, dict[str, object]]) -> None:
        """The brand's logo images as the page resources' images (the template's dropped)."""
        xobjects = self.pdf.get_object(self.resources).get("/XObject")
        if xobjects is None:
            if images:
                raise NotSpliceable("the template has no images")
            return
        for key in self.logos & {str(key) for key in xobjects.keys()}:  # noqa: SIM118
            del xobjects[key]
        for key, image in images.items():
            xobjects["/" + key] = self._imported(_image_pdf(key, image))

    def _imported(self, small: bytes) -> pikepdf.Object:
        """The object a small PDF holds (:func:`_written`), copied into the template's."""
        with pikepdf.open(BytesIO(small)) as other:
            return self.pdf.copy_foreign(other.Root.Imported)

    def _links(self, document: Document, strings: Mapping[str, str]) -> None:
        """The links to the brand's web, e-mail and phone, where its layout puts them: the
        template's links in order, each matched with the brand's link to the same detail on
        the same page."""
        found: dict[tuple[int, str], list[tuple[float, float, float, float]]] = {}
        for number, page in enumerate(document.pages):
            matrix = Matrix(SCALE, 0, 0, -SCALE, 0, page.height * SCALE)
            for kind, target, rectangle, _ in page.links:
                if kind == "external":
                    x1, y1 = matrix.transform_point(*rectangle[:2])
                    x2, y2 = matrix.transform_point(*rectangle[2:])
                    found.setdefault((number, target), []).append((x1, y1, x2, y2))
        for number, objgen, held in self.links:
            annotation = self.pdf.get_object(objgen)
            target = strings.get(held, held)
            places = found.get((number, target), [])
            if not places:
                raise NotSpliceable("the brand's links differ from the template's")
            annotation.A.URI = pikepdf.String(target)
            annotation.Rect = pikepdf.Array(places.pop(0))
            if "/Contents" in annotation:
                annotation.Contents = pikepdf.String(target)


IMAGE = re.compile(rb"/(i\w+) Do")
"""An image drawn in a content stream (WeasyPrint names images ``i…``)."""


@lru_cache(maxsize=4)
def _operators(operators: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """A pattern finding any of ``operators``."""
    return re.compile(b"|".join(re.escape(op) for op in operators))


def _joined(chunks: list[Chunk], colours: Mapping[bytes, bytes], drawn: list[bytes]) -> bytes:
    """Chunks put together: literal content, each sentinel colour operator as the brand's,
    each marked segment as ``drawn`` for the brand."""
    return b"".join(
        chunk
        if isinstance(chunk, bytes)
        else colours[chunk[1]]  # type: ignore[index]
        if chunk[0] == "colour"
        else drawn[chunk[1]]  # type: ignore[index]
        for chunk in chunks
    )


_images: OrderedDict[tuple[str, float], bytes] = OrderedDict()


def _image_pdf(key: str, image: dict[str, object]) -> bytes:
    """A brand's logo as WeasyPrint makes its image object, in a small PDF of its own: made
    once for the guide and the worksheets of a set (the image's key names its content)."""
    ratio = max(image["dpi_ratios"])  # type: ignore[call-overload]
    if (key, ratio) not in _images:
        scratch = pydyf.PDF()
        x_object = image["image"].get_x_object(image["interpolate"], ratio)  # type: ignore[attr-defined]
        scratch.add_object(x_object)
        if "SMask" in x_object.extra:
            scratch.add_object(x_object.extra["SMask"])
            x_object.extra["SMask"] = x_object.extra["SMask"].reference
        _images[(key, ratio)] = _written(scratch, x_object.reference)
        while len(_images) > IMAGES_KEPT:
            _images.popitem(last=False)
    _images.move_to_end((key, ratio))
    return _images[(key, ratio)]


def _written(scratch: pydyf.PDF, reference: object) -> bytes:
    """A pydyf PDF holding an object (``reference``) of its own, written: to copy from."""
    scratch.catalog["Imported"] = reference
    written = BytesIO()
    scratch.write(written)
    return written.getvalue()


def _colour_op(color: object, stroke: int | bool) -> bytes:
    """The operator WeasyPrint writes to set ``color`` (pydyf's number format)."""
    red, green, blue = color.to("srgb").coordinates  # type: ignore[attr-defined]
    numbers = (pydyf._to_bytes(value) for value in (red, green, blue))
    return b" ".join((*numbers, b"RG" if stroke else b"rg"))


def _content_streams(page: pikepdf.Page) -> list[pikepdf.Stream]:
    contents = page.obj.Contents
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def _struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every element of the structure tree."""
    found = []
    stack = [pdf.Root.get("/StructTreeRoot")]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.get("/Type") == "/StructElem":
            found.append(node)
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
    return found
