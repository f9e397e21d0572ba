"""Pages: how a document of a paged format (PDF, DOCX) falls into pages. Estimates in
millimetres decide which short section leads into its worksheet's page and how tall a blank
grid's rows are; the PDF renderer adds what its layouts found (a lead that did not fit, a
filled grid set tighter, where balancing starts pages). The workbook has no pages, so none of
this is in the format-neutral :class:`~generator.document.DocumentView`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from generator.document import DocumentView, Grid, SectionBlock, Sheet, SheetBlock
from generator.model import Row

LEAD_MAX_CHARACTERS = 700
"""A section up to this long, of plain paragraphs, followed by a blank worksheet, shares the
worksheet's page."""
LEAD_LINE_CHARACTERS = 150
"""Characters of running text a landscape page's line holds."""
PORTRAIT_LINE_CHARACTERS = 100
"""Characters of running text a portrait page's line holds."""
PORTRAIT_LEAD_MM = 55
"""How tall a lead a form's or checklist's portrait page is tried with (a page that runs over
is laid out again without it, as a grid's)."""
LABEL_LINE_CHARACTERS, HELP_LINE_CHARACTERS = 26, 36
"""Characters a grid's label column holds on a line, of a row's label and of its help."""
GRID_FRAME_MM = 64
"""A landscape worksheet page's margins, title, header row and sign-off line."""
COMPACT_SLACK_MM = 12
"""How much less a blank grid's rows share once the grid ran over its page (a brand's wide
body font wraps its labels and help onto more lines than estimated)."""
LEAD_SLACK_MM = 20
"""Both estimates above are cautious: by this much together (measured on the shipped guides).
A grid that runs over all the same is laid out again without its lead (``without_leads``)."""


@dataclass(frozen=True)
class Pages:
    """A document's page decisions: its view, and what laying it out decided."""

    view: DocumentView
    without_leads: frozenset[str] = frozenset()
    """Worksheets (by anchor) whose page turned out too full for their lead: it stands alone."""
    compact: frozenset[str] = frozenset()
    """Grids (by anchor) that ran over their page: set tighter to fit it."""
    page_breaks: frozenset[tuple[str, int]] = frozenset()
    """Where pages start so that none is left nearly empty (decided by the PDF's pagination):
    a section's anchor and 0 for the section, or the place of the part among its children
    (counted from 1, as CSS's ``:nth-child``)."""
    flows_on: frozenset[str] = frozenset()
    """Sections that ask for a page of their own but follow on the page before (pagination)."""

    @cached_property
    def leads(self) -> dict[str, SectionBlock]:
        """Short sections that share the page of the blank worksheet they lead into, by the
        worksheet's anchor: alone on a page before the worksheet's, such a section would leave
        most of its page empty. Only a blank worksheet makes room (an example's entries do
        not), and a page that still runs over gets its lead back on a page of its own
        (``without_leads``)."""
        blocks = self.view.blocks
        return {
            after.anchor: before
            for before, after in pairwise(blocks)
            if isinstance(before, SectionBlock)
            and isinstance(after, SheetBlock)
            and after.example is None
            and after.anchor not in self.without_leads
            and before.stage is None
            and not before.section.contact
            and len(before.section.body) <= LEAD_MAX_CHARACTERS
            and _plain(before.section.body)
            and self.lead_fits(before, after)
        }

    def lead_fits(self, lead: SectionBlock, sheet: Sheet) -> bool:
        """Whether a lead is estimated to fit its worksheet's page: a grid's blank rows give
        way to it down to their labels; a form or checklist leaves a portrait page's foot."""
        if isinstance(sheet, Grid):
            needed = self.lead_height_mm(lead) + _labels_height_mm(sheet)
            return needed <= self.grid_height_mm + LEAD_SLACK_MM
        return self.lead_height_mm(lead, PORTRAIT_LINE_CHARACTERS) <= PORTRAIT_LEAD_MM

    def starts_page(self, block: SectionBlock) -> bool:
        """Whether a section starts a new page: asked for and not lifted, or set by balancing."""
        asked = block.section.new_page and block.anchor not in self.flows_on
        return asked or (block.anchor, 0) in self.page_breaks

    @property
    def part_breaks(self) -> list[tuple[str, int]]:
        """Pages that start inside a section: its anchor and the part's place."""
        return sorted(start for start in self.page_breaks if start[1] > 0)

    def rows_height_mm(self, grid: Grid, lead: SectionBlock | None) -> float:
        """What a blank grid's rows share: the page under its title, header and sign-off line
        and its lead, less ``COMPACT_SLACK_MM`` once it ran over its page."""
        height = self.grid_height_mm - (self.lead_height_mm(lead) if lead else 0)
        return height - (COMPACT_SLACK_MM if grid.anchor in self.compact else 0)

    @property
    def grid_height_mm(self) -> float:
        """What a landscape page leaves a blank grid's rows under its title, header and
        sign-off line."""
        return self.view.paper.width_mm - GRID_FRAME_MM

    def lead_height_mm(self, lead: SectionBlock, per_line: int = LEAD_LINE_CHARACTERS) -> float:
        """About how much of the page a lead takes: its heading and its lines of text (of
        ``per_line`` characters: a landscape page's by default)."""
        body = lead.section.body.strip()
        paragraphs = [part for part in body.split("\n\n") if part.strip()]
        lines = sum(-(-len(part) // per_line) for part in paragraphs)
        return 22 + 6.5 * lines + 4 * len(paragraphs)

    @staticmethod
    def row_heights_mm(grid: Grid, height_mm: float) -> list[float]:
        """Each row's height: a blank grid's rows share ``height_mm`` evenly, except that a row
        whose label and help need more keeps that and the others share the rest; a filled
        grid's rows get half an even share as a floor and grow with their entries."""
        count = len(grid.definition.rows)
        if grid.example is not None:
            return [height_mm / 2 / count] * count
        floors = [_row_floor_mm(row) for row in grid.definition.rows]
        tall: set[int] = set()
        while True:  # a row above the even share of what is left keeps its own height
            even = (height_mm - sum(floors[i] for i in tall)) / max(count - len(tall), 1)
            taller = {i for i, floor in enumerate(floors) if floor > even}
            if taller <= tall:
                return [max(floor, even) for floor in floors]
            tall |= taller


def _labels_height_mm(grid: Grid) -> float:
    """About how tall a blank grid's row labels (with their help) make it at the least."""
    return sum(_row_floor_mm(row) for row in grid.definition.rows)


def _row_floor_mm(row: Row) -> float:
    """About how tall a blank row's label and help make it at the least."""
    label = -(-len(row.label) // LABEL_LINE_CHARACTERS) * 4.4
    help_lines = -(-len(row.help) // HELP_LINE_CHARACTERS) * 3.3
    return label + help_lines + 3


def _plain(markdown: str) -> bool:
    """Whether Markdown is paragraphs only: no heading, list, quote, table or image to make
    room for."""
    starts = (*"#->|*+", "![", *(f"{n}." for n in range(10)))
    return not any(line.lstrip().startswith(starts) for line in markdown.splitlines())
