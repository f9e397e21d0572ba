"""The view of one job: what a renderer lays out, whatever the format.

Built from the library for a job, it resolves the guide's contents into blocks (sections and
grids) and decides every fact more than one format shows (the footer line, a stage's tag, the
cover's details, the credit, the palette), so that every renderer walks the same sequence, reads
the same facts, and none looks things up or works them out itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from generator.entries import field_path
from generator.formats import COMPANION, FORMATS
from generator.model import (
    BLANK,
    Brand,
    Checklist,
    ChecklistItem,
    Contact,
    ContentItem,
    Example,
    Form,
    FormField,
    Framework,
    Guide,
    Job,
    Library,
    Row,
    Section,
    Stage,
    UiStrings,
    Worksheet,
)
from generator.palette import Palette
from generator.paper import PAPERS, Paper
from generator.text import long_date

W = TypeVar("W", Framework, Form, Checklist)


@dataclass(frozen=True)
class SheetBlock(Generic[W]):
    """A worksheet on a page of its own: blank, or filled from an example."""

    title: str
    definition: W
    """The worksheet this sheet shows."""
    example: Example | None = None
    anchor: str = "template"

    def sign_off_field(self, part: str) -> str:
        """The name its sign-off's ``signed_by`` or ``signed_on`` is filled in and read back
        by, e.g. ``kundresan.signed_by``."""
        return field_path(self.definition.id, part)


@dataclass(frozen=True)
class Grid(SheetBlock[Framework]):
    """A framework's stages × rows."""

    kind: ClassVar[str] = "grid"

    @property
    def stages(self) -> list[Stage]:
        return self.definition.stages

    def rows(self) -> list[tuple[Row, list[list[str]]]]:
        """Each row with, per stage, the list of entries (empty lists when blank)."""
        return [
            (row, [self.entries(stage.id, row.id) for stage in self.stages])
            for row in self.definition.rows
        ]

    def entries(self, stage_id: str, row_id: str) -> list[str]:
        return self.example.entries(stage_id, row_id) if self.example else []

    def prompts(self, row: Row) -> list[str]:
        """The row's question for each stage ("" where the row asks nothing special)."""
        return [row.prompts.get(stage.id, "") for stage in self.stages]

    def field(self, stage: Stage, row: Row) -> str:
        """The name a cell's entry is filled in and read back by."""
        return field_path(self.definition.id, stage.id, row.id)

    def tip(self, stage: Stage, row: Row) -> str:
        """What a cell's field says it is for: stage and row, then the question (``Convert –
        KPI: one number that shows it worked``)."""
        question = row.prompts.get(stage.id) or row.help
        where = f"{stage.name} – {row.label}"
        return f"{where}: {question}" if question else where


@dataclass(frozen=True)
class FormSheet(SheetBlock[Form]):
    """A form: labelled fields."""

    kind: ClassVar[str] = "form"

    def fields(self) -> list[tuple[FormField, list[str]]]:
        """Each field with its entries (none when blank)."""
        values = self.example.values if self.example else {}
        return [(field, values.get(field.id, [])) for field in self.definition.fields]

    def field(self, field: FormField) -> str:
        """The name a field's answer is filled in and read back by."""
        return field_path(self.definition.id, field.id)


@dataclass(frozen=True)
class ChecklistSheet(SheetBlock[Checklist]):
    """A checklist: numbered items, each ticked or not, with a note."""

    kind: ClassVar[str] = "checklist"

    def items(self) -> list[tuple[int, ChecklistItem, bool, str]]:
        """Number, item, whether it is ticked, and its note."""
        checked = set(self.example.checked) if self.example else set()
        notes = self.example.notes if self.example else {}
        return [
            (number, item, item.id in checked, notes.get(item.id, ""))
            for number, item in enumerate(self.definition.items, start=1)
        ]

    def field(self, item: ChecklistItem, part: str) -> str:
        """The name an item's tick (``part="done"``) or note (``"note"``) is filled in and
        read back by."""
        return field_path(self.definition.id, item.id, part)


Sheet = Grid | FormSheet | ChecklistSheet


def sheet_for(
    worksheet: Worksheet, title: str, example: Example | None = None, anchor: str = "template"
) -> Sheet:
    """The block that shows a worksheet of any kind."""
    if isinstance(worksheet, Form):
        return FormSheet(title, worksheet, example, anchor)
    if isinstance(worksheet, Checklist):
        return ChecklistSheet(title, worksheet, example, anchor)
    return Grid(title, worksheet, example, anchor)


@dataclass(frozen=True)
class SectionBlock:
    """A section of prose; ``stage`` is the framework stage it explains, if any."""

    section: Section
    stage: Stage | None
    kind: ClassVar[str] = "section"

    @property
    def anchor(self) -> str:
        return f"section-{self.section.id}"


Block = SectionBlock | Sheet


CONTENTS_MIN_PARTS = 2
"""A guide of this many parts or fewer has no contents page."""


@dataclass(frozen=True)
class DocumentView:
    """Everything one output file shows, resolved from the library."""

    job: Job
    guide: Guide
    framework: Worksheet
    ui: UiStrings
    brand: Brand
    blocks: list[Block] = field(default_factory=list)
    """Guide documents: sections and grids in reading order; worksheets: the one grid."""
    locales: dict[str, str] = field(default_factory=dict)
    """Every content language's locale (``en`` → ``en_GB``), for words of other languages."""
    companion: Sheet | None = None
    """A blank worksheet's example, shown beside it where a format has room (the workbook's
    example sheet): the guide's first example of that worksheet."""
    attachments: list[DocumentView] = field(default_factory=list)
    """A guide PDF's worksheets as workbooks, to carry inside it (blank, one per worksheet)."""
    colours: Palette | None = None
    """The palette to paint with instead of the brand's own: a stamping template's sentinel
    colours (:mod:`generator.renderers.stamp.brandless`)."""

    @property
    def shows_contents(self) -> bool:
        """Whether a guide has enough parts for a contents page (a client's short guide from
        ``import`` has two: its worksheet and what to review)."""
        return len(self.blocks) > CONTENTS_MIN_PARTS

    @property
    def language(self) -> str:
        return self.guide.language

    @property
    def locale(self) -> str:
        """The document's locale, e.g. ``sv_SE``."""
        return self.ui.locale

    def locale_of(self, language: str) -> str:
        """The locale of a language the text uses, e.g. of an English loanword: ``en_GB``."""
        return self.locales.get(language, language)

    @property
    def updated(self) -> str:
        """``Uppdaterad 22 november 2026``, or nothing when the guide has no date."""
        if self.guide.updated is None:
            return ""
        return f"{self.ui.updated} {long_date(self.guide.updated, self.locale)}"

    @property
    def title(self) -> str:
        """The document title: the guide's, or the worksheet's grid title."""
        if self.job.document == "worksheet":
            return self.worksheet.title
        return self.guide.title

    @property
    def worksheet(self) -> Sheet:
        """The sheet of a worksheet document."""
        return next(block for block in self.blocks if block.kind != "section")

    @cached_property
    def palette(self) -> Palette:
        """The brand's colours and the fills made from them (or the :attr:`colours` given)."""
        return self.colours or Palette.of(self.brand.colors)

    @property
    def footer_line(self) -> str:
        """The line at the foot of every page: the brand's footer, or else its name."""
        return self.brand.footer or self.brand.name

    @property
    def prepared_for(self) -> str:
        """The cover's "Prepared for …" line of a personalised guide, or ""."""
        if not self.job.prepared_for:
            return ""
        return f"{self.ui.prepared_for} {self.job.prepared_for}"

    @property
    def cover_details(self) -> list[str]:
        """The cover's last line: website, e-mail, phone and revision date, those there are."""
        contact = self.brand.contact
        details = [contact.website, contact.email, contact.phone, self.updated]
        return [detail for detail in details if detail]

    def href(self, text: str) -> str:
        """The link for one of the brand's contact details (web, e-mail, phone), or ""."""
        return contact_href(self.brand.contact, text)

    @property
    def paper(self) -> Paper:
        """The paper the document is made for."""
        return PAPERS[self.job.paper]

    def carries(self, block: Block | None) -> bool:
        """Whether the document carries ``block``, a blank worksheet, inside as a workbook
        (the section leading into it then says so)."""
        return (
            isinstance(block, SheetBlock)
            and block.example is None
            and any(a.worksheet.definition.id == block.definition.id for a in self.attachments)
        )

    @property
    def credit(self) -> str:
        """The source the guide builds on, unless the brand turns attribution off."""
        return self.guide.credit if self.brand.attribution else ""

    @property
    def stages(self) -> list[Stage]:
        """The guide's framework's stages (none when its main worksheet is not a grid)."""
        return self.framework.stages if isinstance(self.framework, Framework) else []

    def stage_tag(self, stage: Stage) -> str:
        """``Steg 2 / 6 · Research``: where a stage's section sits in the journey."""
        word = getattr(self.framework, "stage_word", "") or self.ui.stage
        tag = f"{word} {self.stages.index(stage) + 1} / {len(self.stages)}"
        return f"{tag} · {stage.subtitle}" if stage.subtitle else tag

    def inputs(self) -> list[Path]:
        """The content files this document is made from, as loading read them (a section's
        images too)."""
        models: list[object] = [self.ui, self.guide, self.framework]
        for block in self.blocks:
            if isinstance(block, SectionBlock):
                models.append(block.section)
            else:
                models += [block.definition, block.example]
        if self.companion is not None:
            models.append(self.companion.example)
        paths = {getattr(model, "path", None) for model in models}
        paths |= {path for model in models for path in getattr(model, "images", {}).values()}
        paths |= {path for attached in self.attachments for path in attached.inputs()}
        return sorted(path for path in paths if path is not None)


def template_title(worksheet: Worksheet, ui: UiStrings) -> str:
    """The heading over a blank worksheet, e.g. ``Din mall: Kundresan``."""
    return f"{ui.blank_template}: {worksheet.title}"


def example_sheet(library: Library, guide: Guide, example_id: str) -> Sheet:
    """The sheet showing one example, in the worksheet it fills in."""
    example = library.example(guide, example_id)
    worksheet = library.frameworks[(example.framework, guide.language)]
    return sheet_for(worksheet, example.title, example, anchor=f"example-{example.id}")


def blank_sheet(library: Library, guide: Guide, worksheet_id: str, ui: UiStrings) -> Sheet:
    """The blank template of one of the guide's worksheets."""
    worksheet = library.frameworks[(worksheet_id, guide.language)]
    anchor = "template" if worksheet_id == guide.framework else f"template-{worksheet_id}"
    return sheet_for(worksheet, template_title(worksheet, ui), anchor=anchor)


def contact_href(contact: Contact, text: str) -> str:
    """The link for one of a brand's contact details (web, e-mail, phone), or ""."""
    if not text:
        return ""
    if text == contact.website:
        return text if "://" in text else f"https://{text}"
    if text == contact.email:
        return f"mailto:{text}"
    if text == contact.phone:
        return "tel:" + "".join(c for c in text if c.isdigit() or c == "+")
    return ""


def build_view(library: Library, job: Job, colours: Palette | None = None) -> DocumentView:
    """Resolve a job into the blocks its document shows (painted in ``colours`` instead of the
    brand's own palette, when given)."""
    guide = library.guides[(job.guide, job.language)]
    framework = library.framework_of(guide)
    ui = library.ui[guide.language]
    brand = library.brands[job.brand]
    shown = FORMATS[job.format]
    companion = None
    if job.document == "worksheet":
        worksheet_id = job.worksheet or guide.framework
        if job.variant == BLANK:
            sheet = blank_sheet(library, guide, worksheet_id, ui)
            if COMPANION in shown.needs:
                companion = _first_example(library, guide, worksheet_id)
        else:
            sheet = example_sheet(library, guide, job.variant)
        blocks: list[Block] = [sheet]
    else:
        blocks = [_block(item, guide, framework, library, ui) for item in guide.contents]
    locales = {code: strings.locale for code, strings in library.ui.items()}
    attachments = []
    if job.document == "guide" and brand.attach_workbooks:  # what the format carries inside
        attachments = [
            build_view(
                library,
                job.model_copy(
                    update={
                        "document": "worksheet",
                        "worksheet": None if sheet == guide.framework else sheet,
                        "variant": BLANK,
                        "format": carried,
                    }
                ),
                colours,
            )
            for carried in sorted(shown.carries)
            for sheet in (guide.framework, *guide.worksheets)
        ]
    return DocumentView(
        job, guide, framework, ui, brand, blocks, locales, companion, attachments, colours
    )


def _first_example(library: Library, guide: Guide, worksheet_id: str) -> Sheet | None:
    """The example of a worksheet the guide shows first (by its contents), if it has one."""
    examples = {example.id for example in library.examples_of(guide, worksheet_id)}
    shown = [item.example for item in guide.contents if item.example in examples]
    first = shown[0] if shown else min(examples, default=None)
    return None if first is None else example_sheet(library, guide, first)


def _block(
    item: ContentItem, guide: Guide, framework: Worksheet, library: Library, ui: UiStrings
) -> Block:
    if item.section:
        section = guide.sections[item.section]
        stages = framework.stages if isinstance(framework, Framework) else []
        stage = next((s for s in stages if s.id == section.stage), None)
        return SectionBlock(section, stage)
    if item.example:
        return example_sheet(library, guide, item.example)
    worksheet_id = item.template if isinstance(item.template, str) else guide.framework
    return blank_sheet(library, guide, worksheet_id, ui)
