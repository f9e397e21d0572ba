"""A laid-out document repainted for another brand, without laying it out again.

A batch lays a guide out once for a placeholder brand (:mod:`generator.renderers.stamp`) and
repaints that layout for each brand: the lines that show a placeholder string get the brand's
string, shaped by WeasyPrint's own text shaping, with whatever follows it on the line moved
along and the line aligned as before; the logo's box gets the brand's image; links follow their
text; the colours are the brand's, swapped for the sentinels as the pages are drawn
(:func:`generator.renderers.pdf.weasy.painting`). Only the boxes above a changed one are copied:
the template stays as it was, for the next brand.

A brand whose string does not fit on its line (it would wrap there), brings a font other than
the placeholder's line metrics, or meets a box this module does not know how to move, cannot be
repainted exactly: :func:`repainted` raises :class:`NotRepaintable` saying why, and the caller
lays the brand out itself.
Like :mod:`~generator.renderers.pdf.weasy`, this module reaches into WeasyPrint's boxes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from copy import copy
from dataclasses import dataclass
from functools import lru_cache

from weasyprint.document import Document, Page
from weasyprint.formatting_structure.boxes import (
    Box,
    InlineBox,
    LineBox,
    ParentBox,
    ReplacedBox,
    TextBox,
)
from weasyprint.text.line_break import split_first_line

EPSILON = 1e-6
"""CSS pixels two lengths may differ by and still be the same."""


class NotRepaintable(Exception):
    """The brand changes something a repaint cannot keep exact (the caller lays it out)."""


@dataclass(frozen=True)
class Spots:
    """Where a laid-out document shows the placeholder brand: per page, the paths (page box
    down to the box) of each line with a placeholder string and each logo box."""

    lines: tuple[tuple[tuple[Box, ...], ...], ...]
    logos: tuple[tuple[tuple[Box, ...], ...], ...]


def find_spots(document: Document, placeholders: tuple[str, ...], logo_alt: str) -> Spots:
    """The lines showing any of ``placeholders`` and the logo boxes (images whose alternative
    text is ``logo_alt``) on each page of ``document``."""
    lines, logos = [], []
    for page in document.pages:
        page_lines: list[tuple[Box, ...]] = []
        page_logos: list[tuple[Box, ...]] = []
        stack: list[tuple[Box, ...]] = [(page._page_box,)]
        while stack:
            path = stack.pop()
            box = path[-1]
            if isinstance(box, LineBox) and _shows(box, placeholders):
                page_lines.append(path)
                continue
            if isinstance(box, ReplacedBox) and _alt(box) == logo_alt:
                page_logos.append(path)
            stack.extend((*path, child) for child in getattr(box, "children", ()))
        lines.append(tuple(page_lines))
        logos.append(tuple(page_logos))
    return Spots(tuple(lines), tuple(logos))


def repainted(
    document: Document,
    spots: Spots,
    strings: Mapping[str, str],
    author: str,
    logo: Callable[[], object] | None = None,
    swapped: dict[int, Box] | None = None,
) -> Document:
    """``document`` with each placeholder string of ``strings`` replaced by its brand's (the
    links among them too), the logo boxes showing the image ``logo()`` makes (a WeasyPrint
    image), and ``author`` as the author; :class:`NotRepaintable` when that cannot be done
    exactly. ``swapped`` gets each text or logo box that changed or moved, by the ``id`` of
    the template's box it stands for."""
    swapped = {} if swapped is None else swapped
    pages = [
        _page(page, lines, logos, strings, logo, swapped)
        for page, lines, logos in zip(document.pages, spots.lines, spots.logos, strict=True)
    ]
    result = document.copy(pages)
    result.metadata = copy(document.metadata)
    result.metadata.authors = [author]
    return result


def _page(
    page: Page,
    lines: tuple[tuple[Box, ...], ...],
    logos: tuple[tuple[Box, ...], ...],
    strings: Mapping[str, str],
    logo: Callable[[], object] | None,
    swapped: dict[int, Box],
) -> Page:
    if not lines and not logos:
        return page
    replaced: dict[int, Box] = {}
    for path in lines:
        replaced[id(path[-1])] = _line(path[-1], path[-2], strings, swapped)
    for path in logos:
        replaced[id(path[-1])] = swapped[id(path[-1])] = _logo(path[-1], strings, logo)
    parents = {id(box) for path in (*lines, *logos) for box in path[:-1]}
    return Page(_rebuilt(page._page_box, replaced, parents))


def _rebuilt(box: Box, replaced: dict[int, Box], parents: set[int]) -> Box:
    """``box`` with the boxes in ``replaced`` swapped in, copying only their ancestors."""
    if id(box) in replaced:
        return replaced[id(box)]
    if id(box) not in parents:
        return box
    return box.copy_with_children([_rebuilt(c, replaced, parents) for c in box.children])


def _line(
    line: LineBox, container: Box, strings: Mapping[str, str], swapped: dict[int, Box]
) -> LineBox:
    """A copy of ``line`` with the brand's strings, what follows them moved along and the
    line aligned as before; :class:`NotRepaintable` when it would no longer fit."""
    if sum(isinstance(child, LineBox) for child in container.children) != 1:
        raise NotRepaintable("the brand's string shares its paragraph with other lines")
    shaped: dict[int, TextBox] = {}
    grown = 0.0
    for box in line_boxes(line):
        if isinstance(box, TextBox):
            text = _replaced(box.text, strings)
            if text != box.text:
                shaped[id(box)] = new = _shaped(box, text)
                grown += new.width - box.width
    width = line.width + grown
    available = container.width
    if width > available + EPSILON:
        raise NotRepaintable("the brand's string would wrap on its line")
    offset = _align_offset(line, available, width) - _align_offset(line, available, line.width)
    moved = [offset]

    def rebuilt(box: Box) -> Box:
        start = moved[0]
        if id(box) in shaped:
            new = swapped[id(box)] = shaped[id(box)]
            new.position_x = box.position_x + start
            moved[0] += new.width - box.width
            return new
        if isinstance(box, (InlineBox, LineBox)):
            new = box.copy_with_children([rebuilt(child) for child in box.children])
            new.position_x = box.position_x + start
            new.width = box.width + (moved[0] - start)
            if isinstance(box, InlineBox):
                _check_plain(box, moved[0] != start or start != 0)
                new.link = _link(box.link, strings)
            return new
        if isinstance(box, ParentBox) or getattr(box, "background", None) is not None:
            if start:
                raise NotRepaintable("a box on the brand's line cannot be moved")
            return box
        if not start:
            return box
        new = swapped[id(box)] = box.deepcopy()
        new.translate(start, 0)
        return new

    return rebuilt(line)  # type: ignore[return-value]


def _check_plain(box: InlineBox, moves: bool) -> None:
    """A moved or resized inline box must draw nothing of its own (no background, border)."""
    if moves and (
        box.background is not None
        or any(getattr(box, f"border_{side}_width") for side in ("top", "right", "bottom", "left"))
    ):
        raise NotRepaintable("a box with a background or border on the brand's line")


def _link(link: object, strings: Mapping[str, str]) -> object:
    """A link (``('url', ('external', target))``) to the brand's target instead of the
    placeholder's."""
    if isinstance(link, tuple) and link[0] == "url" and link[1][0] == "external":
        return ("url", ("external", strings.get(link[1][1], link[1][1])))
    return link


def _shaped(box: TextBox, text: str) -> TextBox:
    """``box`` with ``text``, shaped on one line as WeasyPrint shapes it."""
    style = box.style
    if style["text_transform"] != "none" or " ".join(text.split()) != text.strip(" "):
        raise NotRepaintable("the brand's string would be transformed or collapsed")
    layout, _, resume, width, height, baseline = split_first_line(
        text, style, None, math.inf, box.justification_spacing
    )
    if resume is not None or layout.text != text:
        raise NotRepaintable("the brand's string breaks its line")
    moved_baseline = abs(baseline + box.margin_top - box.baseline)
    if abs(height - box.height) > EPSILON or moved_baseline > EPSILON:
        raise NotRepaintable("the brand's string changes the line's height (another font)")
    new = box.copy_with_text(text)
    new.width, new.pango_layout = width, layout
    return new


def _align_offset(line: LineBox, available: float, width: float) -> float:
    """Where ``text-align`` puts a line of ``width`` (WeasyPrint's ``text_align``, for lines
    that are the last of their block)."""
    if width >= available:
        return 0.0
    style = line.style
    align = style["text_align_all"]
    if style["text_align_last"] != "auto":
        align = style["text_align_last"]
    if style["direction"] == "rtl" or align == "justify":
        raise NotRepaintable("a right-to-left or justified brand line")
    if align in ("left", "start"):
        return 0.0
    if align == "center":
        return (available - width) / 2
    return available - width


def _logo(box: ReplacedBox, strings: Mapping[str, str], logo: Callable[[], object] | None) -> Box:
    """The logo's box with the brand's image (scaled into the same box when drawn) and its
    alternative text."""
    if logo is None:
        raise NotRepaintable("the template has a logo and the brand none")
    new = box.copy()
    new.replacement = logo()
    element = copy(box.element)
    element.attrib = dict(box.element.attrib)
    element.set("alt", _replaced(box.element.get("alt", ""), strings))
    new.element = element
    return new


def line_boxes(box: Box) -> list[Box]:
    """The boxes on a line, in order (those inside an inline box after it)."""
    found = []
    for child in getattr(box, "children", ()):
        found.append(child)
        if isinstance(child, InlineBox):
            found += line_boxes(child)
    return found


def _shows(line: LineBox, placeholders: tuple[str, ...]) -> bool:
    return any(
        isinstance(box, TextBox) and any(p in box.text for p in placeholders)
        for box in line_boxes(line)
    )


def _alt(box: ReplacedBox) -> str | None:
    element = getattr(box, "element", None)
    return None if element is None else element.get("alt")


def _replaced(text: str, strings: Mapping[str, str]) -> str:
    """``text`` with each placeholder string replaced by the brand's, in one pass (longest
    first, so that none is replaced inside another or inside a brand's string)."""
    if not strings:
        return text
    return _pattern(tuple(strings)).sub(lambda match: strings[match.group()], text)


@lru_cache(maxsize=8)
def _pattern(held: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern finding any of the placeholder strings ``held``, the longest first."""
    return re.compile("|".join(map(re.escape, sorted(held, key=len, reverse=True))))
