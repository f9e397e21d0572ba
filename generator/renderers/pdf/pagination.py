"""Balancing a guide's pages of prose, so none is left nearly empty.

A section that asks for a page of its own (``new_page``), or a worksheet's page that must stand
alone, can leave the page before it a third full. After a first layout, each run of prose pages
with such a page is split again so that its emptiest page is as full as it can be; a section
that asked for a page of its own may then follow on. Pages start at a section; a page starts
inside a section only where the section cannot fit on the page before, and never with its
closing part alone, so no page starts cut from its heading while the page before has room.
The guide's last page is left as it is: it ends the chapter.

What the balancing decides depends only on the prose pages, which look the same for every brand
with the same fonts and paper (colours, names, logos and contact details sit on the cover, on
worksheet pages, in the page margins and on the contact page, which is never balanced). So the
decision is remembered in the process by the guide's HTML for a neutral brand: a batch lays a
guide out a second time once, not once a brand, and a brand's guide is the same whichever brand
the process rendered first. (A layout override whose prose differs from brand to brand beyond
fonts and paper gets the decision made for the first such brand: a valid layout, perhaps a less
balanced one.) A decision is remembered only once a layout has confirmed it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate

from generator.document import SectionBlock
from generator.model import Brand
from generator.renderers.paged import Pages
from generator.renderers.pdf.weasy import Box, LineBox, Page, page_box

MIN_FILL = 0.5
"""A page of prose less full than this (a share of the page's text area) is nearly empty."""
MIN_GAIN = 0.05
"""How much fuller a run's emptiest page must get for a new split to be worth it."""
MAX_FILL = 0.94
"""How full balancing may make a page: the estimate of the moved text's height is close, not
exact (widows, orphans and margins move a little)."""
MAX_PASSES = 3
"""Layouts after the first at most: a lead dropped, then balancing, then what it uncovered."""
NEUTRAL = Brand(id="neutral", name="Neutral")
"""The brand a guide's prose pages are keyed as: only its fonts, paper and folder are the real
brand's."""
MAX_RUN_PAGES, MAX_RUN_UNITS = 12, 400
"""The longest run of prose pages balancing weighs (a guide's runs are a few pages)."""
SETTLED_LIMIT = 512
"""How many guides' balancing a process remembers."""


@dataclass(frozen=True)
class Unit:
    """What may start a page of prose: a section (``part`` 0), or one of a running section's
    parts (``part`` is its place among the section's children, counted from 1 as CSS's
    ``:nth-child`` counts). Sizes are shares of the text area: ``height`` runs to where the next
    unit starts, ``gap`` is the space after it; ``may_start`` is False where CSS keeps the unit
    with the one before."""

    anchor: str
    part: int
    height: float
    gap: float
    may_start: bool


@dataclass(frozen=True)
class Breaks:
    """What balancing decided: where pages of prose start, and sections that follow on."""

    page_breaks: frozenset[tuple[str, int]] = frozenset()
    flows_on: frozenset[str] = frozenset()

    def apply(self, pages: Pages) -> Pages:
        return replace(pages, page_breaks=self.page_breaks, flows_on=self.flows_on)


_settled: dict[str, Breaks] = {}


def prose_pages(layout: Pages, pages: Sequence[Page]) -> list[list[Box] | None]:
    """Each page's section boxes when it is a page of prose (cover, contents and worksheet
    pages are not; neither is the contact page, which differs from brand to brand)."""
    prose = {
        block.anchor
        for block in layout.view.blocks
        if isinstance(block, SectionBlock) and not block.section.contact
    } - {lead.anchor for lead in layout.leads.values()}
    found: list[list[Box] | None] = []
    for page in pages:
        boxes = _body_boxes(page)
        ids = [box.element.get("id") if box.element is not None else None for box in boxes]
        found.append(boxes if boxes and all(i in prose for i in ids) else None)
    return found


def _body_boxes(page: Page) -> list[Box]:
    """The boxes of the body's children on a page (none on a page a layout left empty)."""
    box: Box = page_box(page)  # page → html → body
    for _ in range(2):
        if not getattr(box, "children", None):
            return []
        box = box.children[0]
    return list(getattr(box, "children", []))


def balanced(layout: Pages, pages: Sequence[Page]) -> Pages:
    """The page decisions with page breaks placed so that no page of prose is nearly empty.

    Each run of prose pages between other pages is split again, at sections or (where a
    section cannot fit, :func:`_may_end`) between its paragraphs, into as many pages or one
    fewer, so that its emptiest page (the guide's last page aside) is as full as it can be.
    The same decisions come back when no split is clearly better than today's.
    """
    found = prose_pages(layout, pages)
    last = len(pages) - 1
    page_breaks, flows_on = set(layout.page_breaks), set(layout.flows_on)
    for run in _runs(found):
        boxes = [found[number] or [] for number in run]
        area = [_text_area(pages[n]) for n in run]
        ends_guide = run[-1] == last
        fills = [_fill(page, top, height) for page, (top, height) in zip(boxes, area, strict=True)]
        today = _emptiest(fills, ends_guide)
        if today >= MIN_FILL:
            continue
        units = _units(boxes, area)
        split = _best_split(units, len(run), ends_guide)
        if split is None or split[0] < today + MIN_GAIN:
            continue
        anchors = {unit.anchor for unit in units}
        page_breaks = {start for start in page_breaks if start[0] not in anchors}
        page_breaks |= {(units[first].anchor, units[first].part) for first in split[1][1:]}
        # every later section follows on unless it starts a page above
        flows_on = (flows_on - anchors) | {unit.anchor for unit in units[1:] if unit.part == 0}
    breaks = Breaks(frozenset(page_breaks), frozenset(flows_on))
    unchanged = breaks == Breaks(layout.page_breaks, layout.flows_on)
    return layout if unchanged else breaks.apply(layout)


def nearly_empty(layout: Pages, pages: Sequence[Page]) -> list[tuple[int, float]]:
    """The pages of prose (numbered from 1) less than ``MIN_FILL`` full, and how full, as a
    reader would object to them: not the guide's last page, nor a page before a worksheet's or
    the contact page (a page that must start anew)."""
    found = prose_pages(layout, pages)
    short = []
    for number, boxes in enumerate(found[:-1]):
        if boxes is None or found[number + 1] is None:
            continue
        top, height = _text_area(pages[number])
        share = _fill(boxes, top, height)
        if share < MIN_FILL:
            short.append((number + 1, share))
    return short


def _text_area(page: Page) -> tuple[float, float]:
    """Where the page's text area starts and how tall it is (bleed and margins aside)."""
    box = page_box(page)
    return box.content_box_y(), box.height


def _runs(found: list[list[Box] | None]) -> list[list[int]]:
    """The page numbers of each run of consecutive prose pages."""
    runs: list[list[int]] = []
    for number, boxes in enumerate(found):
        if boxes is None:
            continue
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


AVOID = frozenset({"avoid", "avoid-page"})
"""CSS break values that forbid a page break there (headings: ``break-after: avoid``)."""


def _top(box: Box) -> float:
    """Where a box's border starts on its page."""
    return box.position_y + box.margin_top


def _reach(box: Box, limit: float) -> float:
    """How far down a box's content reaches. WeasyPrint stretches a box that continues on the
    next page down to the page's foot (``limit``); such a box reaches as far as its last line,
    or its last child that does."""
    bottom = _top(box) + box.border_height()
    if bottom < limit - 1 or isinstance(box, LineBox) or not getattr(box, "children", None):
        return bottom
    return max((_reach(child, limit) for child in box.children), default=_top(box))


def _fill(boxes: list[Box], top: float, height: float) -> float:
    """How far down its text area a page's content reaches."""
    return max((_reach(box, top + height) - top) / height for box in boxes)


def _units(pages: list[list[Box]], area: list[tuple[float, float]]) -> list[Unit]:
    """The run's units in reading order, each measured over every page it runs over; a unit may
    start a page unless CSS keeps it with the one before (a heading with what follows it)."""
    spans: dict[tuple[str, int], list[float]] = {}
    rules: dict[tuple[str, int], bool] = {}
    before: Box | None = None
    for boxes, (top, height) in zip(pages, area, strict=True):
        placed = [
            (key, box, (_top(box) - top) / height, (_reach(box, top + height) - top) / height)
            for section in boxes
            for key, box in _parts(section)
        ]
        for (key, box, start, end), after in zip(placed, [*placed[1:], None], strict=True):
            gap = box.margin_bottom / height
            to_next = (after[2] - start) if after is not None else (end - start + gap)
            height_gap = spans.setdefault(key, [0.0, gap])
            height_gap[0] += to_next
            height_gap[1] = gap if after is None else max(after[2] - end, 0.0)
            if key not in rules:
                rules[key] = before is None or not (
                    before.style["break_after"] in AVOID or box.style["break_before"] in AVOID
                )
            before = box
    return [Unit(key[0], key[1], hg[0], hg[1], rules[key]) for key, hg in spans.items()]


def _parts(section: Box) -> Iterator[tuple[tuple[str, int], Box]]:
    """A section box as units: whole when it must not break inside (a stage section), else its
    children, each keyed by its place among the section's elements as ``:nth-child`` counts
    (the heading, part 0, stands for the section's start)."""
    anchor = section.element.get("id")
    if section.style["break_inside"] in AVOID or not section.children:
        yield (anchor, 0), section
        return
    elements = [child for child in section.element if isinstance(child.tag, str)]
    for child in section.children:
        place = elements.index(child.element) + 1 if child.element in elements else 0
        yield (anchor, 0 if place <= 1 else place), child


def _emptiest(fills: list[float], ends_guide: bool) -> float:
    """The fill of a run's emptiest page, the guide's last page aside."""
    counted = fills[:-1] if ends_guide else fills
    return min(counted, default=1.0)


def _best_split(units: list[Unit], pages: int, ends_guide: bool) -> tuple[float, list[int]] | None:
    """The split of the units into ``pages`` pages or one fewer whose emptiest page is fullest
    (no page over ``MAX_FILL``): that fill and the first unit of each page. A run too long to
    weigh quickly (``MAX_RUN_PAGES``, ``MAX_RUN_UNITS``) is left as it was laid out."""
    if pages > MAX_RUN_PAGES or len(units) > MAX_RUN_UNITS:
        return None
    ends = list(accumulate((unit.height for unit in units), initial=0.0))

    def fill(first: int, end: int) -> float:
        return ends[end] - ends[first] - units[end - 1].gap

    best: tuple[float, list[int]] | None = None
    for count in (pages - 1, pages):
        if count < 1:
            continue
        found = _split(units, count, fill, ends_guide)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    return best


def _split(
    units: list[Unit], count: int, fill: Callable[[int, int], float], ends_guide: bool
) -> tuple[float, list[int]] | None:
    """Units into ``count`` pages, each starting at a unit that may start one, maximising the
    emptiest page (dynamic programming over where each page starts)."""
    size = len(units)
    # best[k][end]: the best split of units 0..end into k pages, as (emptiest, starts)
    best: list[dict[int, tuple[float, list[int]]]] = [{0: (1.0, [])}]
    for k in range(1, count + 1):
        row: dict[int, tuple[float, list[int]]] = {}
        for end in range(k, size + 1):
            if end < size and not units[end].may_start:
                continue
            for start in range(end - 1, -1, -1):  # the page grows as it starts earlier
                if fill(start, end) > MAX_FILL:
                    break
                if start not in best[k - 1] or not _may_end(units, start, end, fill):
                    continue
                emptiest, starts = best[k - 1][start]
                counted = 1.0 if ends_guide and end == size else fill(start, end)
                candidate = (min(emptiest, counted), [*starts, start])
                if end not in row or candidate[0] > row[end][0]:
                    row[end] = candidate
        best.append(row)
    return best[count].get(size)


def _may_end(units: list[Unit], start: int, end: int, fill: Callable[[int, int], float]) -> bool:
    """Whether a page of units ``start`` to ``end`` may end there: at a section's start, or
    inside a section only where its next part does not fit on the page (the section cannot
    fit) and more of the section than its closing part follows, so that no page starts with a
    section's last paragraph cut from its heading and body."""
    if end == len(units) or units[end].part == 0:
        return True
    following = units[end + 1] if end + 1 < len(units) else None
    closing = following is None or following.anchor != units[end].anchor
    return not closing and fill(start, end + 1) > MAX_FILL


def settled_key(layout: Pages, html_of: Callable[[Pages], str]) -> str:
    """What a guide's balancing depends on: its HTML for a neutral brand with the real brand's
    fonts, paper and folder, before any balancing."""
    view = layout.view
    brand = view.brand
    neutral = NEUTRAL.model_copy(
        update={"fonts": brand.fonts, "paper": brand.paper, "folder": brand.folder}
    )
    job = view.job.model_copy(update={"brand": NEUTRAL.id})
    plain_view = replace(view, brand=neutral, job=job, attachments=[])
    plain = replace(Breaks().apply(layout), view=plain_view)
    return hashlib.sha256(html_of(plain).encode()).hexdigest()


def settled(key: str) -> Breaks | None:
    """The balancing this process already decided for these prose pages."""
    return _settled.get(key)


def remember(key: str, layout: Pages) -> None:
    """Keep a guide's balancing for the next brand with the same prose pages."""
    if len(_settled) >= SETTLED_LIMIT:
        _settled.clear()
    _settled[key] = Breaks(layout.page_breaks, layout.flows_on)
