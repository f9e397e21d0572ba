"""The content model: what loading produces and every renderer reads.

All types are frozen pydantic models that reject unknown keys and non-text where text is expected
(YAML's ``no`` is a boolean; Norwegian is ``nb``). Cross-references (a stage id in an example, a
section id in a guide) are checked by :mod:`generator.loading`, which knows the files and lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strict=True, strip_whitespace=True)]
Id = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Language = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z]{2,3}$")]
Color = Annotated[str, StringConstraints(strict=True, pattern=r"^#[0-9A-Fa-f]{6}$")]

DocumentKind = Literal["guide", "worksheet"]
BLANK = "blank"


class Strict(BaseModel):
    """Base: frozen, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{what} id {item!r} appears twice")
        seen.add(item)


class Stage(Strict):
    """One column of a framework: a step the customer takes."""

    id: Id
    name: Text
    subtitle: OptionalText = ""
    """A short second line under the name, e.g. ``Uppmärksamhet``."""


class Row(Strict):
    """One question asked of every stage."""

    id: Id
    label: Text
    help: Text
    """One line telling the reader what to write in this row."""


class Framework(Strict):
    """Stages × rows: the shape of a worksheet grid, in one language."""

    id: Id
    language: Language
    title: Text
    stages: list[Stage] = Field(min_length=1)
    rows: list[Row] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> Framework:
        _unique([s.id for s in self.stages], "stage")
        _unique([r.id for r in self.rows], "row")
        return self

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id."""
        return next(s for s in self.stages if s.id == stage_id)


class Example(Strict):
    """A framework filled in: short entries per stage and row."""

    id: Id
    framework: Id
    language: Language
    title: Text
    description: OptionalText = ""
    cells: dict[Id, dict[Id, list[Text]]]
    """``cells[stage_id][row_id]`` is the list of entries in that cell."""

    def entries(self, stage_id: str, row_id: str) -> list[str]:
        """The entries of one cell (empty when the example leaves it blank)."""
        return self.cells.get(stage_id, {}).get(row_id, [])


class Section(Strict):
    """A Markdown page of a guide; its title becomes a heading and a bookmark."""

    id: Id
    title: Text
    stage: Id | None = None
    """The framework stage this section explains, if any."""
    contact: StrictBool = False
    """Whether the brand's contact card follows this section."""
    new_page: StrictBool = False
    """Whether the section starts on a new page in paged formats."""
    body: str
    path: Path


class ContentItem(Strict):
    """One entry of a guide's contents: ``section: <id>``, ``example: <id>`` or ``template``."""

    section: Id | None = None
    example: Id | None = None
    template: StrictBool = False
    """The blank grid of the guide's framework."""

    @model_validator(mode="before")
    @classmethod
    def _template_word(cls, data: object) -> object:
        return {"template": True} if data == "template" else data

    @model_validator(mode="after")
    def _exactly_one(self) -> ContentItem:
        if [self.section is not None, self.example is not None, self.template].count(True) != 1:
            raise ValueError("an entry is one of: section: <id>, example: <id>, template")
        return self


class Guide(Strict):
    """A lead magnet in one language: sections, the blank template and examples, in order."""

    id: Id
    language: Language
    title: Text
    subtitle: OptionalText = ""
    framework: Id
    credit: OptionalText = ""
    """The source the guide builds on; shown unless the brand turns attribution off."""
    contents: list[ContentItem] = Field(min_length=1)
    sections: dict[str, Section] = Field(default_factory=dict)
    """Filled in by loading from the guide's ``sections/`` folder."""


class UiStrings(Strict):
    """The words the layouts put around the content, in one language."""

    language: Language
    language_name: Text
    contents: Text
    page: Text
    blank_template: Text
    example: Text
    worksheet: Text
    filled_in_by: Text
    date: Text
    progress: Text
    """Label of the worksheet's count of filled-in cells."""
    stage: Text
    contact: Text
    loanwords: dict[Language, list[Text]] = Field(default_factory=dict)
    """Words of another language used in this one, marked with their own language in output."""


class Colors(Strict):
    primary: Color = "#1F4E79"
    accent: Color = "#F2A900"
    text: Color = "#222222"
    background: Color = "#FFFFFF"


class Fonts(Strict):
    heading: Text = "Inter"
    body: Text = "Inter"


class Contact(Strict):
    website: OptionalText = ""
    email: OptionalText = ""
    phone: OptionalText = ""


class Brand(Strict):
    """Who hands the documents out: name, colours, fonts, contact."""

    id: Id
    name: Text
    logo: OptionalText = ""
    colors: Colors = Colors()
    fonts: Fonts = Fonts()
    contact: Contact = Contact()
    language: Language = "sv"
    footer: OptionalText = ""
    attribution: StrictBool = True


class Library(Strict):
    """Everything loaded and cross-checked: the single input of planning and rendering."""

    frameworks: dict[tuple[str, str], Framework]
    examples: dict[tuple[str, str, str], Example]
    """Keyed by (framework id, language, example id)."""
    guides: dict[tuple[str, str], Guide]
    ui: dict[str, UiStrings]
    brands: dict[str, Brand]

    def framework_of(self, guide: Guide) -> Framework:
        """The framework a guide's grids use, in the guide's language."""
        return self.frameworks[(guide.framework, guide.language)]

    def examples_of(self, guide: Guide) -> list[Example]:
        """The examples of the guide's framework and language, in id order."""
        return [
            example
            for (framework, language, _), example in sorted(self.examples.items())
            if framework == guide.framework and language == guide.language
        ]

    def example(self, guide: Guide, example_id: str) -> Example:
        """One example of the guide's framework, in the guide's language."""
        return self.examples[(guide.framework, guide.language, example_id)]


class Job(Strict):
    """One file to make: a guide or worksheet, in a language, for a brand, in a format."""

    guide: Id
    language: Language
    brand: Id
    document: DocumentKind
    variant: Id = BLANK
    """``blank`` or an example id (worksheets only)."""
    format: Id

    def filename(self) -> str:
        """The file's name inside ``<brand>/<language>/``."""
        if self.document == "guide":
            return f"{self.guide}.{self.format}"
        return f"{self.guide}-worksheet-{self.variant}.{self.format}"

    def relative_path(self) -> Path:
        """Where the file goes below the output folder."""
        return Path(self.brand) / self.language / self.filename()
