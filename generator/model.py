"""The content model: what loading produces and every renderer reads.

All types are frozen pydantic models that reject unknown keys and non-text where text is expected
(YAML's ``no`` is a boolean; Norwegian is ``nb``). Cross-references (a stage id in an example, a
section id in a guide) are checked by :mod:`generator.loading`, which knows the files and lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from generator.paper import DEFAULT_PAPER, PaperName
from generator.typography import typeset

QUOTED_MAX = 60
"""Characters of a value a message quotes: a message never grows with hostile input."""


def quoted(value: object) -> str:
    """``value``'s repr for a message, cut to :data:`QUOTED_MAX` characters."""
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= QUOTED_MAX else f"{text[: QUOTED_MAX - 1]}…"


def _matching(kind: str, pattern: str, message: str, hint: str) -> AfterValidator:
    """A check that text matches ``pattern``, owning its message and hint wherever it is used."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError(kind, message, {"value": quoted(value), "hint": hint})
        return value

    return AfterValidator(check)


ID_HINT = "use lowercase letters, digits and hyphens, e.g. lead-nurturing"
COLOUR_HINT = "write it as #RRGGBB, e.g. #1F4E79"
LANGUAGE_HINT = "two or three lowercase letters, as the file names in content/i18n/ have them"
BOOLEAN_HINT = "YAML reads an unquoted true or false as a yes/no value: put the text in quotes"

StrictString = StringConstraints(strict=True)
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
"""Unicode's noncharacters (U+FDD0–U+FDEF, and the last two code points of every plane,
U+FFFE, U+FFFF … U+10FFFF): never text, and XML (DOCX, XLSX) cannot hold U+FFFE/U+FFFF."""
CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{NONCHARACTERS}]")
"""Characters no document format can hold (tabs and line breaks are fine): control characters
and noncharacters. The one check of every text read: content, brands, client lists and
imported workbooks."""
MAX_TEXT = 32_767
"""The longest text a spreadsheet cell holds: longer text is refused, never cut."""


def _writable(value: str) -> str:
    """Text every format can hold: no control characters, no longer than a cell holds."""
    if (found := CONTROL.search(value)) is not None:
        code = ord(found.group())
        kind = "control character" if code < 0x80 else "noncharacter"
        raise PydanticCustomError(
            "control_character",
            "contains the {kind} U+{code} at character {position}",
            {
                "kind": kind,
                "code": f"{code:04X}",
                "position": found.start() + 1,
                "hint": f"remove it: documents can hold tabs and line breaks, not a {kind}",
            },
        )
    return _within(value, MAX_TEXT, "what a spreadsheet cell holds")


def _typeset(value: str, info: ValidationInfo) -> str:
    """Typographic quotes and apostrophes in the language's style, when loading gives one
    (``context={"quotes": …}``): content in a language; a brand's name stays as written."""
    quotes = info.context.get("quotes") if isinstance(info.context, dict) else None
    return typeset(value, quotes) if quotes else value


Writable = AfterValidator(_writable)
Typeset = AfterValidator(_typeset)
Text = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1), Writable, Typeset
]
OptionalText = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True), Writable, Typeset
]

ID_MAX = 64
"""The longest id: an id names folders and files (a client's id is its output folder), which
most file systems hold to 255 bytes with the rest of the name."""


def _within(value: str, limit: int, what: str) -> str:
    """The text, or an error when it is longer than ``limit`` characters (``what`` that is)."""
    if len(value) > limit:
        raise PydanticCustomError(
            "too_long",
            "is {length} characters long",
            {"length": len(value), "hint": f"at most {limit:,}: {what}"},
        )
    return value


def _at_most(limit: int, what: str) -> AfterValidator:
    """A check that text has at most ``limit`` characters (``what`` it is, for the hint)."""

    def check(value: str) -> str:
        return _within(value, limit, what)

    return AfterValidator(check)


Id = Annotated[
    str,
    StrictString,
    _matching("id", r"[a-z0-9][a-z0-9-]*", "{value} is not a valid id", ID_HINT),
    _at_most(ID_MAX, "an id names folders and files"),
]
Language = Annotated[
    str,
    StrictString,
    _matching("language", r"[a-z]{2,3}", "{value} is not a language code", LANGUAGE_HINT),
]
Color = Annotated[
    str,
    StrictString,
    _matching("colour", r"#[0-9A-Fa-f]{6}", "{value} is not a colour", COLOUR_HINT),
]


BrokenWord = Annotated[
    str,
    StrictString,
    _matching(
        "hyphenation",
        r"[^\W\d_]+(-[^\W\d_]+)+",
        "{value} is not a word with its break points",
        "letters only, a hyphen at each break, e.g. blogg-in-lägg",
    ),
]
"""A word with a hyphen at each place it may break across lines."""


def _known_locale(value: str) -> str:
    """A locale Babel can write dates in, e.g. ``sv_SE``."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError):
        hint = "a language and region joined by _, e.g. sv_SE, nb_NO, en_GB"
        raise PydanticCustomError(
            "locale", "{value} is not a known locale", {"value": quoted(value), "hint": hint}
        ) from None
    return value


LocaleName = Annotated[str, StrictString, AfterValidator(_known_locale)]

CREDIT_MAX = 120
"""A credit's length at most: it fits the foot of a page and a spreadsheet's print footer
(which holds 255 characters in all)."""


def _credit_length(value: str) -> str:
    if len(value) > CREDIT_MAX:
        raise PydanticCustomError(
            "credit_too_long",
            "is {length} characters long",
            {
                "length": len(value),
                "hint": f"at most {CREDIT_MAX}: one line naming the source, printed at the foot "
                "of every page",
            },
        )
    return value


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
    kpi: StrictBool = False
    """Whether the row holds KPIs (the lint warns when a stage has more than two)."""
    prompts: dict[Id, Text] = Field(default_factory=dict)
    """A question of the row's own for some stages, shown in their cells (stage id → text)."""


class WorksheetBase(Strict):
    """What every worksheet has: an id (its file name), a language and a title."""

    id: Id
    language: Language
    title: Text
    path: Path | None = None
    """The file it was loaded from (set by loading)."""


class Framework(WorksheetBase):
    """A grid worksheet: stages (columns) × rows (questions), in one language."""

    kind: Literal["grid"] = "grid"
    stages: list[Stage] = Field(min_length=1)
    rows: list[Row] = Field(min_length=1)
    stage_word: OptionalText = ""
    """What one stage is called in the guide's stage tags (``Step 2 / 7``), when not the
    language's usual word (``stage`` in the UI strings)."""

    @model_validator(mode="after")
    def _ids_unique(self) -> Framework:
        _unique([s.id for s in self.stages], "stage")
        _unique([r.id for r in self.rows], "row")
        return self


class FormField(Strict):
    """One labelled field of a form, with room to write."""

    id: Id
    label: Text
    help: OptionalText = ""
    lines: int = Field(default=2, ge=1, le=12)
    """How many handwritten lines the blank field offers."""


class Form(WorksheetBase):
    """A form worksheet: labelled fields to fill in, e.g. a buyer persona."""

    kind: Literal["form"]
    fields: list[FormField] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> Form:
        _unique([f.id for f in self.fields], "field")
        return self


class ChecklistItem(Strict):
    """One numbered item of a checklist."""

    id: Id
    text: Text
    help: OptionalText = ""


class Checklist(WorksheetBase):
    """A checklist worksheet: numbered items with a tick box and room for notes."""

    kind: Literal["checklist"]
    items: list[ChecklistItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> Checklist:
        _unique([i.id for i in self.items], "item")
        return self


Worksheet = Framework | Form | Checklist
"""Any worksheet definition; ``kind`` says which (a grid unless the file says otherwise)."""
WORKSHEET_KINDS: dict[str, type[Framework] | type[Form] | type[Checklist]] = {
    "grid": Framework,
    "form": Form,
    "checklist": Checklist,
}


KPI_KINDS = ("count", "rate", "average", "currency")
"""How a KPI's monthly figures add up: a count and a currency (money) are summed, a rate (in
per cent, 2.5 meaning 2.5 %) and an average are averaged."""
KPI_KIND_HINT = (
    "one of count (summed), rate (a percentage, averaged), average (averaged) or currency "
    "(an amount of money, summed)"
)
KpiKind = Annotated[
    str,
    StrictString,
    _matching("kpi_kind", "|".join(KPI_KINDS), "{value} is not a kind of KPI", KPI_KIND_HINT),
]
MONTHS = 12
Figure = Annotated[float, Field(strict=True)]
"""A number a client tracks (a whole number is a number too; text and true/false are not)."""


class TrackedKpi(Strict):
    """One stage's row of the KPI tracker: how its KPI adds up, and the figures, if any."""

    kind: KpiKind = "count"
    target: Figure | None = None
    months: list[Figure | None] = Field(default_factory=list, max_length=MONTHS)
    """The results from the first month on; ``null`` (or fewer than twelve) where empty."""


class Example(Strict):
    """A worksheet filled in: entries per grid cell, values per form field, or ticked items."""

    id: Id
    framework: Id
    language: Language
    title: Text
    description: OptionalText = ""
    cells: dict[Id, dict[Id, list[Text]]] = Field(default_factory=dict)
    """Grids: ``cells[stage_id][row_id]`` is the list of entries in that cell."""
    values: dict[Id, list[Text]] = Field(default_factory=dict)
    """Forms: ``values[field_id]`` is the list of entries in that field."""
    checked: list[Id] = Field(default_factory=list)
    """Checklists: the ids of the ticked items."""
    notes: dict[Id, Text] = Field(default_factory=dict)
    """Checklists: a note per item id."""
    signed_by: OptionalText = ""
    """Who filled it in (a client's, read back by import; shipped examples leave it out)."""
    signed_on: OptionalText = ""
    """The date it was filled in, as the client wrote it."""
    tracker: dict[Id, TrackedKpi] = Field(default_factory=dict)
    """Grids with a KPI row: per stage id, the kind of its KPI in the workbook's KPI tracker
    (``count`` unless said) and, for a worksheet a client filled in, their target and months."""
    own: StrictBool = False
    """Whether it is a client's own filled-in worksheet (set by import), not an example: it is
    labelled as theirs."""
    path: Path | None = None
    """The file it was loaded from (set by loading)."""

    @property
    def signed(self) -> bool:
        """Whether its sign-off is filled in."""
        return bool(self.signed_by or self.signed_on)

    def tracked(self, stage_id: str) -> TrackedKpi:
        """A stage's row of the KPI tracker (a count with no figures unless the example says)."""
        return self.tracker.get(stage_id) or TrackedKpi()

    def entries(self, stage_id: str, row_id: str) -> list[str]:
        """The entries of one grid cell (empty when the example leaves it blank)."""
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
    """Whether the section starts on a new page in paged formats (the PDF lets it follow on
    where a page would otherwise be left nearly empty)."""
    body: Annotated[str, Writable]
    path: Path
    images: dict[str, Path] = Field(default_factory=dict)
    """The files of the images the body shows, by the path written in it (found and checked
    by loading, see :mod:`generator.markdown`)."""


class ContentItem(Strict):
    """One entry of a guide's contents: ``section: <id>``, ``example: <id>`` or ``template``."""

    section: Id | None = None
    example: Id | None = None
    template: StrictBool | Id = False
    """``true`` (a bare ``template``): the guide's framework blank; an id: that worksheet blank."""

    @model_validator(mode="before")
    @classmethod
    def _template_word(cls, data: object) -> object:
        return {"template": True} if data == "template" else data

    @model_validator(mode="after")
    def _exactly_one(self) -> ContentItem:
        if [self.section is not None, self.example is not None, bool(self.template)].count(
            True
        ) != 1:
            raise ValueError("an entry is one of: section: <id>, example: <id>, template")
        return self


class Guide(Strict):
    """A lead magnet in one language: sections, the blank template and examples, in order."""

    id: Id
    language: Language
    title: Text
    subtitle: OptionalText = ""
    framework: Id
    """The guide's main worksheet, whose variants are ``<guide>-worksheet-<variant>``."""
    worksheets: list[Id] = Field(default_factory=list)
    """Further worksheets (forms, checklists, grids): ``<guide>-<worksheet>-<variant>``."""
    credit: Annotated[OptionalText, AfterValidator(_credit_length)] = ""
    """The source the guide builds on, in one short line: printed at the foot of every
    document made from the guide (every worksheet too), unless the brand turns attribution
    off."""
    updated: date | None = None
    """When the content was last revised; shown on the cover, written per locale."""
    contents: list[ContentItem] = Field(min_length=1)
    sections: dict[str, Section] = Field(default_factory=dict)
    """Filled in by loading from the guide's ``sections/`` folder."""
    path: Path | None = None
    """The file it was loaded from (set by loading)."""


def _listable(value: str) -> str:
    """A word a drop-down can offer: Excel's list of choices is separated by commas."""
    if "," in value or '"' in value:
        raise PydanticCustomError(
            "list_word",
            "{value} cannot be a choice of a drop-down",
            {"value": quoted(value), "hint": "leave out commas and double quotes"},
        )
    return value


Choice = Annotated[Text, AfterValidator(_listable)]


class KpiKindWords(Strict):
    """The word for each kind of KPI (:data:`KPI_KINDS`), as the tracker's drop-down offers it."""

    count: Choice
    rate: Choice
    average: Choice
    currency: Choice

    @model_validator(mode="after")
    def _distinct(self) -> KpiKindWords:
        words = [getattr(self, kind).casefold() for kind in KPI_KINDS]
        if len(set(words)) != len(words):
            raise ValueError("two kinds of KPI have the same word: the drop-down tells them apart")
        return self

    def word(self, kind: str) -> str:
        return str(getattr(self, kind))

    def kind_of(self, word: object) -> str | None:
        """The kind a word (as a client left it in the cell) stands for, or None."""
        text = str(word or "").strip().casefold()
        return next((kind for kind in KPI_KINDS if self.word(kind).casefold() == text), None)


class WorkbookWords(Strict):
    """The words of a client's workbook (XLSX): its instructions sheet and KPI tracker."""

    instructions: Text
    """The first sheet's tab and heading, e.g. ``Instruktioner``."""
    fill_in: Text
    """How to fill in the worksheet: white cells, one entry a line (Alt+Enter)."""
    question: Text
    """Where a cell's question shows: select the cell."""
    example: Text
    """What the example sheet is for (shown when the workbook has one)."""
    tracker: Text
    """What the KPI tracker does (shown when the workbook has one)."""
    protection: Text
    """That the sheets are protected without a password, and how to lift it."""
    send_back: Text
    """What to do with the filled-in file."""
    questions: Text
    """Heading over the worksheet's questions and their help on the instructions sheet."""
    kpi_tracker: Text
    """The KPI tracker's tab and heading, e.g. ``KPI-uppföljning``."""
    kpi: Text
    target: Text
    total: Text
    of_target: Text
    """Heading of the total as a share of the target."""
    conversion: Text
    """Heading of the share of a stage's total that the next stage reached."""
    funnel: Text
    """The KPI tracker's chart title (each stage's total as a share of its target)."""
    kind: Text
    """Heading of the column saying how a KPI adds up."""
    kinds: KpiKindWords
    """The kinds of KPI as the drop-down offers them."""
    kind_help: Text
    """The input message of a KPI's kind: what each kind does."""
    figures: Text
    """The input message of a target or month: how to type a number and a rate."""
    taller: Text
    """How to make a row taller (an instructions step)."""
    review: Text
    """Heading of an imported worksheet's advice (``journeykit import``)."""
    empty: Text
    """Heading over the cells left empty."""
    too_many: Text
    """Heading over the stages with more KPIs than the guide advises."""
    complete: Text
    """What the advice says when nothing is empty or over-full."""


class WebWords(Strict):
    """The words of the web pages ``journeykit serve`` shows a client and a prospect."""

    fill_intro: Text
    """Above a worksheet's form: what to do, and that nothing is lost on a reload."""
    kept: Text
    """That what is typed stays in this browser only, until it is sent."""
    send: Text
    """The button sending the form, for the filled documents."""
    sign_off: Text
    """The heading over who filled the worksheet in and when."""
    done: Text
    """The label of a checklist item's tick."""
    upload_title: Text
    """The heading over the upload of a worksheet filled in offline."""
    upload_help: Text
    """What to upload (the filled XLSX or PDF) and what comes back."""
    upload_file: Text
    """The label of the file to upload."""
    upload_send: Text
    """The button sending the upload."""
    download: Text
    """The lead magnet's download button."""
    personalise: Text
    """The heading over the optional name and company printed on the cover."""
    your_name: Text
    company: Text


class UiStrings(Strict):
    """The words the layouts put around the content, in one language."""

    language: Language
    language_name: Text
    """The language's own name for itself, e.g. ``svenska``; shown in messages and listings."""
    locale: LocaleName
    """The regional variant the content is written in, e.g. ``sv_SE`` (dates, Word's language)."""
    contents: Text
    page: Text
    blank_template: Text
    example: Text
    worksheet: Text
    filled_in_by: Text
    date: Text
    attached: Text
    """Under a guide's blank worksheet whose PDF carries it as a workbook: where to find it."""
    progress: Text
    """Label of the worksheet's count of filled-in cells."""
    notes: Text
    """Heading of a checklist's notes column."""
    stage: Text
    contact: Text
    updated: Text
    """Before the revision date on the cover, e.g. ``Uppdaterad``."""
    prepared_for: Text
    """Before a reader's name on a personalised guide's cover, e.g. ``Prepared for``."""
    quotes: Annotated[str, StringConstraints(strict=True, min_length=4, max_length=4)]
    """The language's quotation marks: double open and close, single open and close (Swedish
    ``””’’``, Norwegian ``«»‘’``); straight quotes in content become these."""
    workbook: WorkbookWords
    """The words of a client's workbook."""
    web: WebWords
    """The words of the web pages (``journeykit serve``)."""
    conjunctions: list[Text] = Field(default_factory=list)
    """Words joining two things (``och``, ``and``): a KPI written with one names several
    figures, which the lint flags."""
    loanwords: dict[Language, list[Text]] = Field(default_factory=dict)
    """Words of another language used in this one, marked with their own language in output."""
    hyphenation: list[BrokenWord] = Field(default_factory=list)
    """Words the hyphenation dictionary breaks wrongly, with their right break points, e.g.
    ``blogg-in-lägg`` (an inflected form may follow: ``blogginläggen``)."""
    path: Path | None = None
    """The file it was loaded from (set by loading)."""


class Colors(Strict):
    primary: Color = "#1F4E79"
    accent: Color = "#E8A317"
    text: Color = "#222222"
    background: Color = "#FFFFFF"


class Fonts(Strict):
    heading: Text = "Inter"
    body: Text = "Inter"


WebAddress = Annotated[
    str,
    StringConstraints(strict=True, strip_whitespace=True),
    _matching(
        "web_address",
        r"|(https?://)?[^\s:/]+\.[^\s:/]+(:[0-9]+)?(/\S*)?",
        "{value} is not a web address",
        "write it as example.com or https://example.com",
    ),
]
"""A website: a host name, or an http(s) address; never another scheme (``file:``)."""


NAME_MAX = 100
"""The longest brand (client) name: it is on every cover and page header, a spreadsheet's
print header (255 characters with its codes and the guide's title) and a document's author."""
LINE_MAX = 120
"""The longest footer or contact detail: one line at the foot of a page or on a cover."""
BrandName = Annotated[Text, _at_most(NAME_MAX, "the name as the documents show it")]
BrandLine = Annotated[OptionalText, _at_most(LINE_MAX, "one line at the foot of a page")]


class Contact(Strict):
    website: Annotated[WebAddress, _at_most(LINE_MAX, "one line on the cover")] = ""
    email: Annotated[OptionalText, _at_most(LINE_MAX, "one line on the cover")] = ""
    phone: Annotated[OptionalText, _at_most(LINE_MAX, "one line on the cover")] = ""


class Brand(Strict):
    """Who hands the documents out: name, colours, fonts, contact."""

    id: Id
    name: BrandName
    logo: OptionalText = ""
    colors: Colors = Colors()
    fonts: Fonts = Fonts()
    contact: Contact = Contact()
    language: Language | None = None
    """The language its documents are built in by default; None: every language there is."""
    footer: BrandLine = ""
    attribution: StrictBool = True
    attach_workbooks: StrictBool = True
    """Whether a guide's PDF carries its worksheets' workbooks (some mail filters hold back a
    PDF with an Office file inside: such a brand turns it off)."""
    paper: PaperName | None = None
    """The paper its documents are made for unless ``--paper`` says otherwise (default A4)."""
    folder: Path | None = None
    """The brand's folder, where its logo and font files are (set by loading)."""


class Library(Strict):
    """Everything loaded and cross-checked: the single input of planning and rendering."""

    frameworks: dict[tuple[str, str], Worksheet]
    examples: dict[tuple[str, str, str], Example]
    """Keyed by (framework id, language, example id)."""
    guides: dict[tuple[str, str], Guide]
    ui: dict[str, UiStrings]
    brands: dict[str, Brand]
    digests: dict[Path, str] = Field(default_factory=dict)
    """The hash of every content file loading read, as it read it."""

    def framework_of(self, guide: Guide) -> Worksheet:
        """The guide's main worksheet, in the guide's language."""
        return self.frameworks[(guide.framework, guide.language)]

    def examples_of(self, guide: Guide, worksheet_id: str | None = None) -> list[Example]:
        """The examples of one of the guide's worksheets (its framework by default), by id."""
        wanted = worksheet_id or guide.framework
        return [
            example
            for (framework, language, _), example in sorted(self.examples.items())
            if framework == wanted and language == guide.language
        ]

    def example(self, guide: Guide, example_id: str) -> Example:
        """The example with this id among the guide's worksheets, in the guide's language."""
        for worksheet_id in (guide.framework, *guide.worksheets):
            key = (worksheet_id, guide.language, example_id)
            if key in self.examples:
                return self.examples[key]
        raise KeyError(example_id)


PREPARED_FOR_LENGTH = 160
"""The longest "prepared for" line a personalised guide's cover takes (name, company)."""


class Job(Strict):
    """One file to make: a guide or worksheet, in a language, for a brand, in a format."""

    guide: Id
    language: Language
    brand: Id
    document: DocumentKind
    worksheet: Id | None = None
    """Worksheets: which of the guide's worksheets; None for its framework."""
    variant: Id = BLANK
    """``blank`` or an example id (worksheets only)."""
    format: Id
    paper: PaperName = DEFAULT_PAPER
    print_marks: StrictBool = False
    """Bleed and crop marks for a print shop (PDF)."""
    prepared_for: OptionalText = Field(default="", max_length=PREPARED_FOR_LENGTH, exclude=True)
    """Guides: the reader the cover says the guide was prepared for (a personalised download,
    :func:`generator.api.render`); empty for every file a build writes. Left out of the job's
    dump, so that a job without it is described (and its digest made) as before."""

    def filename(self) -> str:
        """The file's name inside ``<brand>/<language>/``."""
        if self.document == "guide":
            return f"{self.guide}.{self.format}"
        return f"{self.guide}-{self.worksheet or 'worksheet'}-{self.variant}.{self.format}"

    def relative_path(self) -> Path:
        """Where the file goes below the output folder."""
        return Path(self.brand) / self.language / self.filename()

    def set_key(self) -> tuple[str, str, str]:
        """The guide, language and brand: jobs sharing it are rendered together."""
        return (self.guide, self.language, self.brand)


# --- what a validation error means, in the user's words ------------------------------------

UNION_TAG = re.compile(r"[\[\]()']")
"""How pydantic marks a validator or a dict key in an error location (``function-after[…]``,
``[key]``); union members are named by their type (``bool``, ``str``, a model's name)."""
TYPE_TAGS = {"bool", "str", "int", "float", "none"}


@dataclass(frozen=True)
class FieldProblem:
    """One value that does not fit the model: where (keys and indices), what, what would."""

    loc: tuple[str | int, ...]
    message: str
    hint: str | None = None

    @property
    def field(self) -> str | None:
        return ".".join(map(str, self.loc)) or None


def field_problems(exc: ValidationError, model: type[BaseModel]) -> list[FieldProblem]:
    """Every error of a validation, explained the same way whatever file or row it came from."""
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if isinstance(p, int) or not _is_tag(p))
        message, hint = _explain(error, model, loc)
        problems.append(FieldProblem(loc, message, hint))
    return problems


def _is_tag(part: str) -> bool:
    """Whether a part of an error location is pydantic's, not a key of the user's file."""
    return bool(UNION_TAG.search(part)) or part in TYPE_TAGS or part in _model_names()


@cache
def _model_names() -> frozenset[str]:
    """The names pydantic gives union members that are models of this module."""
    return frozenset(
        name
        for name, value in globals().items()
        if isinstance(value, type) and issubclass(value, BaseModel)
    )


def _explain(
    error: Any, model: type[BaseModel], loc: tuple[str | int, ...]
) -> tuple[str, str | None]:
    kind, value, context = error["type"], error.get("input"), error.get("ctx") or {}
    if "hint" in context:  # a type of ours (Id, Language, Color) said it
        return error["msg"], context["hint"]
    if kind == "string_type" and isinstance(value, bool):
        return f"expected text, got the boolean {str(value).lower()}", BOOLEAN_HINT
    if kind == "string_type":
        return f"expected text, got {type(value).__name__} {quoted(value)}", None
    if kind == "string_too_short":
        return "is empty", "write something, or leave the key out where it is optional"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        keys = ", ".join(name for name in owner.model_fields if name not in ("body", "path"))
        return "unknown key", f"valid keys: {keys}"
    if kind == "missing":
        return "required but missing", None
    return error["msg"], None


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel]:
    """The nested model that the location ``loc`` inside ``model`` points into."""
    current = model
    for part in loc:
        field = current.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            continue
        candidates = [field.annotation]
        while candidates:
            annotation = candidates.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                current = annotation
                break
            candidates.extend(get_args(annotation))
    return current
