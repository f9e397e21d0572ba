"""Loading: ``content/`` files → a validated :class:`~generator.model.Library`.

Reads every YAML and Markdown file, validates it against the model, checks cross-references,
and gathers every problem with its file and line before raising them all at once.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.reader import ReaderError

from generator.branding import brand_problems, describe_languages
from generator.errors import ContentError, ContentErrors
from generator.markdown import check_section
from generator.model import (
    WORKSHEET_KINDS,
    Brand,
    Example,
    Form,
    Framework,
    Guide,
    Library,
    Section,
    UiStrings,
    Worksheet,
    field_problems,
    quoted,
)
from generator.paths import inside
from generator.project import Project
from generator.syntax import bracketed_key, explain, unquoted_colours
from generator.typography import DEFAULT_QUOTES

M = TypeVar("M", bound=BaseModel)


MAX_DEPTH = 40
"""How deeply YAML may nest (content needs five levels at most)."""
MAX_FILE_BYTES = 2 * 1024 * 1024
"""The largest content file read: the whole shipped library's biggest is a few KB."""
UNREADABLE = object()
"""What reading a file returns when it could not be read or parsed (the error is recorded)."""


class Collector:
    """Gathers content errors so that every problem is reported at once."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []
        self.digests: dict[Path, str] = {}
        """The hash of every file read, as it was read: what the outputs are made from."""

    def add(self, path: Path, message: str, *, line: int | None = None, **kw: Any) -> None:
        self.errors.append(ContentError(path=path, message=message, line=line, **kw))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)


class AliasFound(YAMLError):
    """An alias (``*name``) in content, where none is allowed."""

    def __init__(self, mark: Any) -> None:
        super().__init__("YAML aliases are not allowed")
        self.mark = mark


class NoAliasComposer(Composer):
    """ruamel's composer, stopping at the first alias before it is resolved."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            raise AliasFound(self.parser.peek_event().start_mark)
        return super().compose_node(parent, index)


CACHED_TEXT = 64 * 1024
"""Texts up to this size keep their parsed tree for the next load (a preview server or a test
loads the same files again and again); content files are a few KB."""


@functools.lru_cache(maxsize=256)
def _parse_cached(text: str) -> Any:
    return _parse(text)


def _parse(text: str) -> Any:
    parser = YAML(typ="rt")
    parser.Composer = NoAliasComposer
    parser.max_depth = MAX_DEPTH
    return parser.load(text)


def parse_yaml(text: str) -> Any:
    """YAML parsed keeping line numbers, aliases refused; raises ruamel's ``YAMLError``.

    The tree may be shared with the next caller of the same text: read it, never change it.
    """
    return _parse_cached(text) if len(text) <= CACHED_TEXT else _parse(text)


def read_yaml(path: Path, text: str, errors: Collector, line_offset: int = 0) -> Any:
    """Parse YAML keeping line numbers; a syntax error is recorded in plain words (see
    :mod:`generator.syntax`), not raised.

    Aliases (``*name``, and so merge keys) are refused: content never needs them, and a few
    lines of them can expand into gigabytes (an alias bomb).
    """
    colours = unquoted_colours(text, line_offset)
    try:
        data = parse_yaml(text)
    except AliasFound as found:
        line = found.mark.line + 1 + line_offset
        hint = "write the value out where it is needed; quote a value that starts with *"
        errors.add(
            path,
            "YAML aliases (*name) are not allowed",
            line=line,
            column=found.mark.column + 1,
            hint=hint,
        )
    except ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1 + line_offset
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        hint = "remove it; YAML allows tab, line breaks and printable characters only"
        errors.add(path, f"invalid YAML: {what} is a control character", line=line, hint=hint)
    except MarkedYAMLError as exc:
        if not colours:
            plain = explain(exc, text, line_offset)
            errors.add(path, plain.message, line=plain.line, column=plain.column, hint=plain.hint)
    except YAMLError as exc:
        errors.add(path, f"invalid YAML: {exc}")
    except TypeError:  # ruamel's constructor, given a key written as a { … } or [ … ]
        bracketed = bracketed_key(text, line_offset)
        errors.add(
            path,
            bracketed.message,
            line=bracketed.line,
            column=bracketed.column,
            hint=bracketed.hint,
        )
    else:
        if not colours:
            return data
    for colour in colours:  # the cause of whatever else goes wrong on their lines
        errors.add(path, colour.message, line=colour.line, column=colour.column, hint=colour.hint)
    return UNREADABLE


def line_of(data: Any, loc: tuple[Any, ...], line_offset: int = 0) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (the deepest one that has a position)."""
    line: int | None = None
    node = data
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0]
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0]
            node = node[key]
        else:
            break
    if line is None and isinstance(data, CommentedMap | CommentedSeq):
        line = data.lc.line
    return None if line is None else line + 1 + line_offset


def validate(
    model: type[M],
    data: Any,
    source: Path,
    errors: Collector,
    line_offset: int = 0,
    quotes: str | None = None,
    **extra: Any,
) -> M | None:
    """Validate parsed YAML against a model, recording each error with its line and field;
    its text gets the language's ``quotes`` (see :mod:`generator.typography`)."""
    if data is UNREADABLE:
        return None
    if not isinstance(data, dict):
        errors.add(source, "expected a mapping of keys to values", line=1 + line_offset)
        return None
    try:
        context = {"quotes": quotes} if quotes else None
        return model.model_validate({**data, **extra}, context=context)
    except ValidationError as exc:
        for problem in field_problems(exc, model):
            errors.add(
                source,
                problem.message,
                line=line_of(data, problem.loc, line_offset),
                field=problem.field,
                hint=problem.hint,
            )
    return None


def read_text(path: Path, errors: Collector) -> str | None:
    """A file's text as UTF-8, or a recorded error; its hash is noted as read.

    A file over :data:`MAX_FILE_BYTES` is refused unread (content is prose and small tables).
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = f"content files may be at most {MAX_FILE_BYTES // 1024 // 1024} MB"
            errors.add(path, f"is {size / 1024 / 1024:.1f} MB", hint=limit)
            return None
        data = path.read_bytes()
        errors.digests[path] = hashlib.sha256(data).hexdigest()
        return data.decode("utf-8")
    except UnicodeDecodeError:
        errors.add(path, "not valid UTF-8 text", hint="save the file as UTF-8")
    except OSError as exc:
        errors.add(path, f"cannot be read: {exc.strerror}")
    return None


def load_yaml_file(path: Path, errors: Collector) -> Any:
    """Read and parse one YAML file."""
    text = read_text(path, errors)
    return UNREADABLE if text is None else read_yaml(path, text, errors)


def split_name(path: Path) -> tuple[str, str | None]:
    """``intro.sv.md`` → (``intro``, ``sv``); ``brand.yaml`` → (``brand``, None)."""
    parts = path.name.split(".")
    if len(parts) >= 3:
        return parts[0], parts[-2]
    return parts[0], None


def _from_name(
    path: Path, data: Any, errors: Collector, line_offset: int = 0, **derived: str
) -> dict[str, str]:
    """Values the file name gives (id, language); the YAML may repeat them, but not contradict."""
    if isinstance(data, dict):
        for key, value in derived.items():
            if key in data and data[key] != value:
                errors.add(
                    path,
                    f"{key} {data[key]!r} does not match the file name",
                    line=line_of(data, (key,), line_offset),
                    field=key,
                    hint=f"the file name says {value!r}; rename the file or remove the key",
                )
    return derived


def load_section(
    path: Path,
    language: str,
    errors: Collector,
    quotes: str | None = None,
    content_folders: list[Path] | None = None,
) -> Section | None:
    """A Markdown file with YAML front matter between ``---`` lines; its Markdown may use only
    what every format shows, and its images lie in ``content_folders``."""
    text = read_text(path, errors)
    if text is None:
        return None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        errors.add(path, "missing front matter", line=1, hint="start with ---, title:, ---")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        errors.add(path, "front matter is not closed", line=1, hint="add a line with --- after it")
        return None
    data = read_yaml(path, "".join(lines[1:end]), errors, line_offset=1)
    body = "".join(lines[end + 1 :])
    checked = check_section(body, path, content_folders or [])
    for problem in checked.problems:
        errors.add(path, problem.message, line=end + 1 + problem.line, hint=problem.hint)
    for image in checked.images.values():
        errors.digests[image.path] = image.digest
    images = {src: image.path for src, image in checked.images.items()}
    extra = _from_name(path, data, errors, line_offset=1, id=split_name(path)[0])
    return validate(
        Section,
        data,
        path,
        errors,
        line_offset=1,
        quotes=quotes,
        body=body,
        path=path,
        images=images,
        **extra,
    )


def front_matter_line(path: Path, key: str) -> int | None:
    """The line of ``key:`` in a Markdown file's front matter."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), None)


class Loader:
    """Reads a project's content folders into a :class:`Library`."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.folders = project.content_folders
        self.errors = Collector()
        self.invalid: set[tuple[str, ...]] = set()
        """Frameworks and examples whose own file is invalid: references to them are not
        reported again."""
        self.invalid_languages: set[str] = set()
        """Languages whose UI strings file is invalid (guides in them are not told so again)."""
        self.ui: dict[str, UiStrings] = {}

    def files(self, kind: str, **names: str) -> dict[Path, Path]:
        """The content files of ``kind``; one that links outside the content folders is
        reported and not read (the fetcher would not serve it either)."""
        found = self.project.files(kind, **names)
        for relative, path in list(found.items()):
            if not inside(path, self.folders):
                hint = "copy the file into the project instead of linking to it"
                message = f"links to {path.resolve()}, outside the content folders"
                self.errors.add(path, message, hint=hint)
                del found[relative]
        return found

    def load(self) -> Library:
        """Load and cross-check everything; raise :class:`ContentErrors` listing every problem."""
        if not self.folders:
            raise ContentErrors(
                [ContentError(Path("content"), "no content folder found", hint="use --project")]
            )
        ui = self.ui = self._load_ui()
        frameworks = self._load_frameworks()
        examples = self._load_examples(frameworks)
        guides = self._load_guides(frameworks, examples, ui)
        brands = self._load_brands(language_names(ui))
        self._check_layout_links()
        self.errors.raise_if_any()
        return Library(
            frameworks=frameworks,
            examples=examples,
            guides=guides,
            ui=ui,
            brands=brands,
            digests=self.errors.digests,
        )

    def _check_layout_links(self) -> None:
        """A project's layout file (template, stylesheet, font) that links outside the layouts
        folders is reported: neither Jinja nor the fetcher will read it."""
        folders = self.project.layout_folders
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if (path.is_symlink() or path.is_file()) and not inside(path, folders):
                    hint = "copy the file into the project instead of linking to it"
                    message = f"links to {path.resolve()}, outside the layouts folders"
                    self.errors.add(path, message, hint=hint)

    def _load_ui(self) -> dict[str, UiStrings]:
        ui: dict[str, UiStrings] = {}
        for path in self.files("ui").values():
            language = path.stem
            data = load_yaml_file(path, self.errors)
            extra = _from_name(path, data, self.errors, language=language)
            own = data.get("quotes") if isinstance(data, dict) else None
            quotes = own if isinstance(own, str) and len(own) == len(DEFAULT_QUOTES) else None
            strings = validate(
                UiStrings,
                data,
                path,
                self.errors,
                quotes=quotes or DEFAULT_QUOTES,
                path=path,
                **extra,
            )
            if strings is not None:
                ui[language] = strings
            else:
                self.invalid_languages.add(language)
        return ui

    def quotes(self, language: str) -> str | None:
        """The quotation marks of a language with UI strings (its text is typeset in them)."""
        strings = self.ui.get(language)
        return strings.quotes if strings else None

    def _load_frameworks(self) -> dict[tuple[str, str], Worksheet]:
        frameworks: dict[tuple[str, str], Worksheet] = {}
        for path in self.files("framework").values():
            framework_id, language = split_name(path)
            if language is None:
                self.errors.add(path, "file name lacks a language", hint=f"{framework_id}.sv.yaml")
                continue
            data = load_yaml_file(path, self.errors)
            extra = _from_name(path, data, self.errors, id=framework_id, language=language)
            model = self._worksheet_model(path, data)
            framework = (
                validate(
                    model, data, path, self.errors, quotes=self.quotes(language), path=path, **extra
                )
                if model
                else None
            )
            if isinstance(framework, Framework):
                self._check_prompts(path, data, framework)
            if framework is not None:
                frameworks[(framework_id, language)] = framework
            else:
                self.invalid.add((framework_id, language))
        return frameworks

    def _check_prompts(self, path: Path, data: Any, framework: Framework) -> None:
        """A row's prompts must name the framework's stages."""
        stage_ids = [stage.id for stage in framework.stages]
        for index, row in enumerate(framework.rows):
            for stage_id in row.prompts:
                if stage_id not in stage_ids:
                    self.errors.add(
                        path,
                        f"unknown stage {stage_id!r} in the prompts of row {row.id!r}",
                        line=line_of(data, ("rows", index, "prompts", stage_id)),
                        field=f"rows.{index}.prompts.{stage_id}",
                        hint=f"valid stages: {', '.join(stage_ids)}",
                    )

    def _worksheet_model(self, path: Path, data: Any) -> type[Worksheet] | None:
        """The model for a worksheet file, chosen by its ``kind`` (a grid by default)."""
        kind = data.get("kind", "grid") if isinstance(data, dict) else "grid"
        if isinstance(kind, str) and kind in WORKSHEET_KINDS:
            return WORKSHEET_KINDS[kind]
        self.errors.add(
            path,
            f"unknown kind {quoted(kind)}" if isinstance(kind, str) else f"kind is {quoted(kind)}",
            line=line_of(data, ("kind",)),
            field="kind",
            hint=f"valid kinds: {', '.join(WORKSHEET_KINDS)}",
        )
        return None

    def _load_examples(
        self, frameworks: dict[tuple[str, str], Worksheet]
    ) -> dict[tuple[str, str, str], Example]:
        examples: dict[tuple[str, str, str], Example] = {}
        for path in self.files("example").values():
            example_id, language = split_name(path)
            framework_id = path.parent.name
            if language is None:
                self.errors.add(path, "file name lacks a language", hint=f"{example_id}.sv.yaml")
                continue
            data = load_yaml_file(path, self.errors)
            extra = _from_name(
                path, data, self.errors, id=example_id, language=language, framework=framework_id
            )
            quotes = self.quotes(language)
            example = validate(Example, data, path, self.errors, quotes=quotes, path=path, **extra)
            framework = frameworks.get((framework_id, language))
            if example is None or (framework is None and (framework_id, language) in self.invalid):
                self.invalid.add((framework_id, language, example_id))
                continue
            if framework is None:
                self.errors.add(
                    path,
                    f"no framework {framework_id!r} in language {language!r}",
                    hint=f"add content/frameworks/{framework_id}.{language}.yaml",
                )
                continue
            ExampleChecker(path, data, framework, self.errors).check(example)
            examples[(framework_id, language, example_id)] = example
        return examples

    def _load_guides(
        self,
        frameworks: dict[tuple[str, str], Framework],
        examples: dict[tuple[str, str, str], Example],
        ui: dict[str, UiStrings],
    ) -> dict[tuple[str, str], Guide]:
        guides: dict[tuple[str, str], Guide] = {}
        for path in self.files("guide").values():
            guide_id = path.parent.name
            _, language = split_name(path)
            if language is None:
                self.errors.add(path, "file name lacks a language", hint="guide.sv.yaml")
                continue
            data = load_yaml_file(path, self.errors)
            extra = _from_name(path, data, self.errors, id=guide_id, language=language)
            sections = self._load_sections(guide_id, language)
            guide = validate(
                Guide,
                data,
                path,
                self.errors,
                quotes=self.quotes(language),
                sections=sections,
                path=path,
                **extra,
            )
            if guide is None:
                continue
            if language not in ui and language not in self.invalid_languages:
                self.errors.add(
                    path,
                    f"no UI strings for language {language!r}",
                    hint=f"languages with UI strings: {describe_languages(language_names(ui))};"
                    f" or add content/i18n/{language}.yaml",
                )
            self._check_guide(path, data, guide, frameworks, examples)
            guides[(guide_id, language)] = guide
        return guides

    def _load_sections(self, guide_id: str, language: str) -> dict[str, Section]:
        sections: dict[str, Section] = {}
        for path in self.files("section", guide=guide_id, language=language).values():
            section = load_section(path, language, self.errors, self.quotes(language), self.folders)
            if section is not None:  # its id is its file name's, unique in the folder
                sections[section.id] = section
        return sections

    def _check_guide(
        self,
        path: Path,
        data: Any,
        guide: Guide,
        frameworks: dict[tuple[str, str], Worksheet],
        examples: dict[tuple[str, str, str], Example],
    ) -> None:
        worksheet_ids = [guide.framework, *guide.worksheets]
        locations = [("framework",)] + [("worksheets", i) for i in range(len(guide.worksheets))]
        broken = False
        for worksheet_id, loc in zip(worksheet_ids, locations, strict=True):
            key = (worksheet_id, guide.language)
            if key in frameworks or key in self.invalid:
                broken |= key in self.invalid
                continue
            broken = True
            self.errors.add(
                path,
                f"no framework {worksheet_id!r} in language {guide.language!r}",
                line=line_of(data, loc),
                field=".".join(map(str, loc)),
                hint=f"add content/frameworks/{worksheet_id}.{guide.language}.yaml",
            )
        if broken:
            return
        self._check_stages(guide, frameworks[(guide.framework, guide.language)])
        self._check_example_ids(path, data, guide, examples)
        for index, item in enumerate(guide.contents):
            where = {"line": line_of(data, ("contents", index)), "field": f"contents.{index}"}
            if item.section and item.section not in guide.sections:
                known = ", ".join(guide.sections) or "none"
                self.errors.add(
                    path,
                    f"no section {item.section!r} in sections/*.{guide.language}.md",
                    hint=f"sections found: {known}",
                    **where,
                )
            if isinstance(item.template, str) and item.template not in worksheet_ids:
                self.errors.add(
                    path,
                    f"{item.template!r} is not one of the guide's worksheets",
                    hint=f"the guide's worksheets: {', '.join(worksheet_ids)}",
                    **where,
                )
            keys = [(w, guide.language, item.example or "") for w in worksheet_ids]
            if item.example and not any(k in examples or k in self.invalid for k in keys):
                self.errors.add(
                    path,
                    f"no example {item.example!r} of the guide's worksheets",
                    hint=f"add content/examples/{guide.framework}/{item.example}."
                    f"{guide.language}.yaml",
                    **where,
                )

    def _check_example_ids(
        self, path: Path, data: Any, guide: Guide, examples: dict[tuple[str, str, str], Example]
    ) -> None:
        """Example ids name worksheet files, so two of a guide's worksheets cannot share one."""
        owners: dict[str, str] = {}
        for worksheet_id, language, example_id in sorted(examples):
            if language != guide.language or worksheet_id not in (
                guide.framework,
                *guide.worksheets,
            ):
                continue
            if example_id in owners:
                self.errors.add(
                    path,
                    f"example id {example_id!r} is used by both {owners[example_id]!r} and "
                    f"{worksheet_id!r}",
                    line=line_of(data, ("worksheets",)),
                    field="worksheets",
                    hint="rename one of the example files",
                )
            owners[example_id] = worksheet_id

    def _check_stages(self, guide: Guide, framework: Worksheet) -> None:
        """A section that explains a stage must name one of the framework's stages."""
        stage_ids = [s.id for s in framework.stages] if isinstance(framework, Framework) else []
        for section in guide.sections.values():
            if section.stage is not None and section.stage not in stage_ids:
                self.errors.add(
                    section.path,
                    f"unknown stage {section.stage!r}",
                    line=front_matter_line(section.path, "stage"),
                    field="stage",
                    hint=f"valid stages: {', '.join(stage_ids) or 'none'}",
                )

    def _load_brands(self, languages: dict[str, str]) -> dict[str, Brand]:
        brands: dict[str, Brand] = {}
        families = self.project.font_families
        for path in self.files("brand").values():
            brand_id = path.parent.name
            data = load_yaml_file(path, self.errors)
            extra = _from_name(path, data, self.errors, id=brand_id)
            brand = validate(Brand, data, path, self.errors, folder=path.parent, **extra)
            if brand is None:
                continue
            for problem in brand_problems(brand, path.parent, families, languages):
                self.errors.add(
                    path,
                    problem.message,
                    line=line_of(data, problem.key),
                    field=".".join(problem.key),
                    hint=problem.hint,
                )
            brands[brand_id] = brand
        return brands


class ExampleChecker:
    """Checks that an example fills in only what its worksheet has, with the right keys."""

    KEYS: ClassVar[dict[str, tuple[str, ...]]] = {
        "grid": ("cells", "tracker"),
        "form": ("values",),
        "checklist": ("checked", "notes"),
    }

    def __init__(self, path: Path, data: Any, worksheet: Worksheet, errors: Collector) -> None:
        self.path, self.data, self.worksheet, self.errors = path, data, worksheet, errors

    def check(self, example: Example) -> None:
        kind = self.worksheet.kind
        for other, keys in self.KEYS.items():
            for key in keys:
                if other != kind and getattr(example, key):
                    self.errors.add(
                        self.path,
                        f"{key}: belongs to a {other} example, "
                        f"but {self.worksheet.id!r} is a {kind}",
                        line=line_of(self.data, (key,)),
                        field=key,
                        hint=f"a {kind} example fills in {', '.join(self.KEYS[kind])}",
                    )
        if isinstance(self.worksheet, Framework):
            self._check_cells(example, self.worksheet)
        elif isinstance(self.worksheet, Form):
            self._known("field", example.values, [f.id for f in self.worksheet.fields], ("values",))
        else:
            item_ids = [i.id for i in self.worksheet.items]
            for index, item_id in enumerate(example.checked):
                self._known("item", [item_id], item_ids, ("checked", index), at_index=True)
            self._known("item", example.notes, item_ids, ("notes",))

    def _check_cells(self, example: Example, framework: Framework) -> None:
        stage_ids = [s.id for s in framework.stages]
        self._known("stage", example.cells, stage_ids, ("cells",))
        for stage_id, rows in example.cells.items():
            if stage_id in stage_ids:
                self._known("row", rows, [r.id for r in framework.rows], ("cells", stage_id))
        if example.tracker and not any(row.kpi for row in framework.rows):
            self.errors.add(
                self.path,
                f"tracker: {framework.id!r} has no KPI row, so its workbook has no KPI tracker",
                line=line_of(self.data, ("tracker",)),
                field="tracker",
                hint="leave tracker out, or mark the worksheet's KPI row with kpi: true",
            )
        else:
            self._known("stage", example.tracker, stage_ids, ("tracker",))

    def _known(
        self,
        what: str,
        given: Iterable[str],
        valid: list[str],
        loc: tuple[Any, ...],
        at_index: bool = False,
    ) -> None:
        """Report every id in ``given`` that is not in ``valid``."""
        for name in given:
            if name in valid:
                continue
            where = loc if at_index else (*loc, name)
            self.errors.add(
                self.path,
                f"unknown {what} {name!r} of {self.worksheet.kind} {self.worksheet.id!r}",
                line=line_of(self.data, where),
                field=".".join(map(str, where)),
                hint=f"valid {what}s: {', '.join(valid)}",
            )


def language_names(ui: dict[str, UiStrings]) -> dict[str, str]:
    """Each language's code and its own name for itself, e.g. ``sv`` → ``svenska``."""
    return {code: strings.language_name for code, strings in ui.items()}


def load_library(project: Project | Path) -> Library:
    """Load the project's content (and what ships) into a validated library."""
    return Loader(project if isinstance(project, Project) else Project.at(project)).load()
