"""The view of one job: what a renderer lays out, whatever the format.

Built from the library for a job, it resolves the guide's contents into blocks (sections and
grids) so that every renderer walks the same sequence and none looks things up itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model import (
    BLANK,
    Brand,
    ContentItem,
    Example,
    Framework,
    Guide,
    Job,
    Library,
    Row,
    Section,
    Stage,
    UiStrings,
)


@dataclass(frozen=True)
class Grid:
    """A framework's stages × rows, blank or filled from an example."""

    title: str
    framework: Framework
    example: Example | None = None
    anchor: str = "template"
    kind: str = "grid"

    @property
    def stages(self) -> list[Stage]:
        return self.framework.stages

    def rows(self) -> list[tuple[Row, list[list[str]]]]:
        """Each row with, per stage, the list of entries (empty lists when blank)."""
        return [
            (row, [self.entries(stage.id, row.id) for stage in self.stages])
            for row in self.framework.rows
        ]

    def entries(self, stage_id: str, row_id: str) -> list[str]:
        return self.example.entries(stage_id, row_id) if self.example else []


@dataclass(frozen=True)
class SectionBlock:
    """A section of prose; ``stage`` is the framework stage it explains, if any."""

    section: Section
    stage: Stage | None
    kind: str = "section"

    @property
    def anchor(self) -> str:
        return f"section-{self.section.id}"


Block = SectionBlock | Grid


@dataclass(frozen=True)
class DocumentView:
    """Everything one output file shows, resolved from the library."""

    job: Job
    guide: Guide
    framework: Framework
    ui: UiStrings
    brand: Brand
    blocks: list[Block] = field(default_factory=list)
    """Guide documents: sections and grids in reading order; worksheets: the one grid."""

    @property
    def language(self) -> str:
        return self.guide.language

    @property
    def title(self) -> str:
        """The document title: the guide's, or the worksheet's grid title."""
        if self.job.document == "worksheet":
            return self.worksheet.title
        return self.guide.title

    @property
    def worksheet(self) -> Grid:
        """The grid of a worksheet document."""
        return next(block for block in self.blocks if isinstance(block, Grid))


def template_title(framework: Framework, ui: UiStrings) -> str:
    """The heading over a blank grid, e.g. ``Din mall – Kundresan``."""
    return f"{ui.blank_template}: {framework.title}"


def build_view(library: Library, job: Job) -> DocumentView:
    """Resolve a job into the blocks its document shows."""
    guide = library.guides[(job.guide, job.language)]
    framework = library.framework_of(guide)
    ui = library.ui[guide.language]
    brand = library.brands[job.brand]
    if job.document == "worksheet":
        if job.variant == BLANK:
            grid = Grid(template_title(framework, ui), framework)
        else:
            example = library.example(guide, job.variant)
            grid = Grid(example.title, framework, example, anchor=f"example-{example.id}")
        blocks: list[Block] = [grid]
    else:
        blocks = [_block(item, guide, framework, library, ui) for item in guide.contents]
    return DocumentView(job, guide, framework, ui, brand, blocks)


def _block(
    item: ContentItem, guide: Guide, framework: Framework, library: Library, ui: UiStrings
) -> Block:
    if item.section:
        section = guide.sections[item.section]
        stage = framework.stage(section.stage) if section.stage else None
        return SectionBlock(section, stage)
    if item.example:
        example = library.example(guide, item.example)
        return Grid(example.title, framework, example, anchor=f"example-{example.id}")
    return Grid(template_title(framework, ui), framework)
