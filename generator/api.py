"""The public Python API: what the command line, a preview server or a batch worker calls.

::

    from generator import api

    result = api.build(project="my-project", guide=["kundresan"], format=["pdf"], jobs=1)
    for written in result.written:
        print(written.path, written.size)

The functions take the command line's option names and return what happened; they never print
and never exit. Invalid content, a filter that matches nothing or an unreadable client CSV
raises :class:`ContentErrors`, holding every problem (file, line, field, message, hint). A
document that fails to render is listed in the result's ``failed``; the others are still built.
A file that cannot be written (a read-only folder, a full disk) stops the build with
:class:`OutputError`.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypedDict

from pydantic import BaseModel, TypeAdapter, ValidationError
from typing_extensions import Unpack

from generator.build import Failure, Listener, Outcomes, Silent, Written
from generator.build import build as build_jobs
from generator.errors import ContentError, ContentErrors
from generator.layouts import Layouts
from generator.loading import language_names, load_library, split_name
from generator.logo import logo_path
from generator.model import BLANK, Brand, Colors, Guide, Id, Job, Library, field_problems
from generator.plan import DEFAULT_BRAND, Filters, paper_for, plan, unknown_values
from generator.quick import Inputs
from generator.renderers import FORMATS

__all__ = [
    "BuildResult",
    "ContentError",
    "ContentErrors",
    "Failure",
    "Listener",
    "Options",
    "OutputError",
    "Silent",
    "ValidationResult",
    "Written",
    "batch",
    "build",
    "load",
    "new_brand",
    "validate",
]

CORES = os.cpu_count() or 1
PathLike = str | os.PathLike[str]


class OutputError(Exception):
    """A file could not be written (a read-only folder, a full disk); the build stopped, and
    what it finished before is kept and recorded."""

    def __init__(self, path: Path, cause: str) -> None:
        super().__init__(f"{path}: cannot write: {cause}")
        self.path, self.cause = path, cause


@dataclass
class BuildResult:
    """What a build or a batch did."""

    out: Path
    """The output folder."""
    jobs: list[Job]
    """Every file asked for, as planned."""
    written: list[Written] = field(default_factory=list)
    current: list[Job] = field(default_factory=list)
    """Files already up to date, left as they were."""
    failed: list[Failure] = field(default_factory=list)
    """Files that could not be rendered, with the reason."""
    warnings: list[ContentError] = field(default_factory=list)
    """E.g. a brand that gets nothing because no selected guide is in its language."""
    rejected: list[ContentError] = field(default_factory=list)
    """Batches: the client rows skipped for their problems (the other clients are built)."""
    interrupted: bool = False
    """Whether Ctrl-C stopped the build; what was finished before is written and recorded."""
    inputs: Inputs | None = None
    """What the build read, as it was when it started (for the command line's quick check)."""

    @property
    def brands(self) -> list[str]:
        """The brands built for, in order."""
        return list(dict.fromkeys(job.brand for job in self.jobs))

    @property
    def ok(self) -> bool:
        """Whether every file asked for exists and every client row was used."""
        return not self.failed and not self.rejected and not self.interrupted


@dataclass(frozen=True)
class ValidationResult:
    """The checked library and the advice it does not follow (warnings)."""

    library: Library
    warnings: list[ContentError]


def load(project: PathLike = ".") -> Library:
    """The project's content (and what ships), checked; raises :class:`ContentErrors`."""
    return load_library(_project(project))


class Options(TypedDict, total=False):
    """What ``build`` and ``batch`` share, named as the command line's options."""

    out: PathLike | None
    """The output folder (default: ``<project>/output``)."""
    guide: Sequence[str]
    """Only these guides (empty: every guide)."""
    lang: Sequence[str]
    """Only these languages (empty: each brand's own, or every language)."""
    variant: Sequence[str]
    """Only worksheets of these variants: ``blank`` or example ids (empty: the guides too)."""
    format: Sequence[str]
    """Only these formats: pdf, docx, xlsx (empty: every format)."""
    jobs: int
    """Worker processes (default: one per core)."""
    force: bool
    """Rebuild every file, even those up to date."""
    listener: Listener | None
    """Hears the progress: ``planned(jobs)``, ``started(job)``, ``finished(job)``."""
    paper: str | None
    """The paper: ``a4`` or ``letter`` (default: each brand's own, else A4)."""
    print_marks: bool
    """3 mm bleed and crop marks on the PDFs, for a print shop."""


def build(
    project: PathLike = ".",
    brand: str | Sequence[str] = DEFAULT_BRAND,
    **options: Unpack[Options],
) -> BuildResult:
    """Build guides and worksheets into ``<out>/<brand>/<language>/``.

    ``brand`` is an id, several ids, or ``"all"``. Files whose inputs did not change are left
    alone unless ``force``.
    """
    root, layouts, inputs, library = _start(project)
    if isinstance(brand, str):
        brands = sorted(library.brands) if brand == "all" else [brand]
    else:
        brands = list(brand)
    return _build(library, layouts, root, brands, inputs, options)


def batch(clients: PathLike, project: PathLike = ".", **options: Unpack[Options]) -> BuildResult:
    """Build for every client in a CSV (one brand a row), each under ``<out>/<id>/``.

    Every row is checked like a brand file; a bad row is skipped and listed in ``rejected``
    while the other clients build. Raises :class:`ContentErrors` when no row can be used.
    Each client gets every guide in its language unless ``guide``/``lang`` say otherwise.
    """
    from generator.batch import load_brands_csv

    csv = Path(clients).resolve()
    if not csv.is_file():
        raise ContentErrors([ContentError(csv, "no such file", hint="give the client CSV's path")])
    root, layouts, inputs, library = _start(project, csv)
    client_brands, rejected = load_brands_csv(
        csv, layouts.font_families, language_names(library.ui)
    )
    if not client_brands:
        raise ContentErrors(rejected)
    library = library.model_copy(update={"brands": {**library.brands, **client_brands}})
    logos = [logo for brand in client_brands.values() if (logo := logo_path(brand))]
    inputs = inputs.adding(logos)
    # A client's logo lies beside the CSV: the renderers may read exactly those files there.
    layouts = replace(layouts, extra_files=logos)
    result = _build(library, layouts, root, sorted(client_brands), inputs, options)
    result.rejected = rejected
    return result


def validate(
    project: PathLike = ".", strict: bool = False, worksheet: Sequence[PathLike] = ()
) -> ValidationResult:
    """Check all content, and lint the examples and any filled-in XLSX ``worksheet``.

    Lint findings (more than two KPIs in a stage, empty cells) are warnings; with ``strict``
    they are raised as :class:`ContentErrors` like any other problem.
    """
    from generator.lint import lint, lint_workbook

    root = _project(project)
    library = load_library(root)
    # Advice about the project's own files: shipped files are not the user's to change.
    warnings = lint(library, within=root)
    for path in worksheet:
        try:
            warnings += lint_workbook(Path(path), library)
        except ContentError as exc:
            raise ContentErrors([exc]) from None
    if strict and warnings:
        raise ContentErrors(warnings)
    return ValidationResult(library, warnings)


@dataclass
class ImportResult:
    """What an import read and wrote."""

    build: BuildResult
    """The documents written (the filled worksheet, and the client's guide)."""
    filled: list[str]
    """Where each filled-in cell was read, e.g. ``Kundresan!C8``."""
    empty: list[str]
    """Where each empty cell was."""
    by_labels: bool
    """Whether the cells were found by their labels (the workbook's names were lost)."""
    warnings: list[ContentError]
    """The guide's advice the filled worksheet does not follow (as ``validate`` gives it)."""


def import_workbook(
    file: PathLike,
    project: PathLike = ".",
    brand: str = DEFAULT_BRAND,
    name: str = "",
    format: Sequence[str] = (),
    out: PathLike | None = None,
    listener: Listener | None = None,
) -> ImportResult:
    """Turn a client's filled-in workbook (or fillable PDF) into their documents: the
    worksheet as PDF, DOCX and XLSX, and a short guide (cover with ``name``, the filled
    worksheet, what to review) as PDF and DOCX, under ``<out>/<brand>/<language>/``
    (default ``<project>/output/imported``).

    The file is read as untrusted (see :mod:`generator.importing`); raises
    :class:`ContentErrors` when it cannot be used, before anything is written.
    """
    from generator.importing import FILLED, import_filled
    from generator.lint import lint_filled

    path = Path(file).resolve()
    root, layouts, library = _open(project)
    problems = unknown_values(format, list(FORMATS), "format", "format")
    problems += unknown_values([brand], list(library.brands), "brand", "brand")
    if problems:
        raise ContentErrors(problems)
    imported = import_filled(path, library, name)
    guide, filled = imported.guide, imported.filled
    formats = list(format) or list(FORMATS)
    jobs = [
        Job(
            guide=guide.id,
            language=guide.language,
            brand=brand,
            document=document,
            variant=FILLED if document == "worksheet" else BLANK,
            format=fmt,
            paper=paper_for(library.brands[brand]),
        )
        for document in ("guide", "worksheet")
        for fmt in formats
        if document in FORMATS[fmt].documents
    ]
    target = _output(out, root / "output" / "imported")
    outcomes = _write(imported.library, layouts, jobs, target, listener=listener, force=True)
    result = BuildResult(
        target,
        jobs,
        outcomes.written,
        outcomes.current,
        outcomes.failed,
        [],
        interrupted=outcomes.interrupted,
    )
    warnings = lint_filled(filled, path)
    keys = list(filled.where)
    return ImportResult(
        result,
        [filled.where[key] for key in keys if filled.entries[key]],
        [filled.where[key] for key in keys if not filled.entries[key]],
        filled.by_labels,
        warnings,
    )


def new_guide(guide_id: str, project: PathLike = ".", language: str = "en") -> list[Path]:
    """Create a small guide to edit: a grid, a filled example, an introduction and a closing
    section under ``content/``, valid with ``strict`` and ready to build; the files' paths.

    Raises :class:`ContentErrors` for an id or language that is not valid, or when the id or
    any of the files exists already (nothing is written then). The project's other content
    need not be valid.
    """
    from generator.output import write_atomic
    from generator.scaffold import guide_files

    root = _project(project)
    _check_new_id(guide_id, Guide)
    folders = Layouts.for_project(root).content_folders
    languages = _languages(folders)
    if language not in languages:
        hint = f"languages with UI strings: {', '.join(languages)}"
        problem = ContentError(None, f"no language {language!r}", field="lang", hint=hint)
        raise ContentErrors([problem])
    taken = {split_name(path)[0] for f in folders for path in f.glob("frameworks/*.yaml")}
    taken |= {path.name for folder in folders for path in folder.glob("guides/*")}
    if guide_id in taken:
        hint = "choose another id: guides and worksheets share their ids"
        problem = ContentError(None, f"{guide_id!r} exists already", field="id", hint=hint)
        raise ContentErrors([problem])
    files = {
        root / "content" / name: text for name, text in guide_files(guide_id, language).items()
    }
    existing = [ContentError(path, "exists already") for path in files if path.exists()]
    if existing:
        raise ContentErrors(existing)
    for path, text in files.items():
        write_atomic(path, text.encode("utf-8"))
    return list(files)


def _languages(folders: list[Path]) -> list[str]:
    """The languages the content folders have UI strings for."""
    return sorted({path.stem for folder in folders for path in folder.glob("i18n/*.yaml")})


def _check_new_id(identifier: str, model: type[BaseModel]) -> None:
    """A new file's id is valid, or :class:`ContentErrors` says why."""
    try:
        TypeAdapter(Id).validate_python(identifier)
    except ValidationError as exc:
        problems = field_problems(exc, model)
        raise ContentErrors(
            [ContentError(None, p.message, field="id", hint=p.hint) for p in problems]
        ) from None


def new_brand(brand_id: str, project: PathLike = ".", name: str = "") -> Path:
    """Create ``content/brands/<brand_id>/brand.yaml`` with every field explained; its path.

    Raises :class:`ContentErrors` for an id that is not valid or a brand that exists already.
    """
    from generator.branding import BRAND_TEMPLATE
    from generator.output import write_atomic

    root = _project(project)
    _check_new_id(brand_id, Brand)
    path = root / "content" / "brands" / brand_id / "brand.yaml"
    if path.exists():
        raise ContentErrors([ContentError(path, "exists already", hint="edit it instead")])
    layouts = Layouts.for_project(root)
    folders = layouts.content_folders
    languages = _languages(folders)
    # The language most guides are written in is the likeliest default.
    guides = Counter(p.suffixes[0][1:] for f in folders for p in f.glob("guides/*/guide.*.yaml"))
    text = BRAND_TEMPLATE.format(
        **Colors().model_dump(),
        id=brand_id,
        name=name or brand_id.title(),
        fonts=", ".join(layouts.font_families),
        language=max(sorted(guides), key=guides.__getitem__, default=languages[0]),
        languages=", ".join(languages),
    )
    write_atomic(path, text.encode("utf-8"))
    return path


def _start(project: PathLike, *read: Path) -> tuple[Path, Layouts, Inputs, Library]:
    """A build's beginning: the project's folder and layouts, what it reads as it is now
    (for the quick check; ``read``: single files such as the client CSV), its content."""
    root, layouts, library = _open(project)
    inputs = Inputs.now([*layouts.folders, *layouts.content_folders], list(read))
    return root, layouts, inputs, library


def _open(project: PathLike) -> tuple[Path, Layouts, Library]:
    """The project's folder, its layouts and its content."""
    root = _project(project)
    return root, Layouts.for_project(root), load_library(root)


def _output(given: PathLike | None, default: Path) -> Path:
    """The folder to write to (``given``, else ``default``), unless it is a file."""
    out = (Path(given) if given is not None else default).resolve()
    if out.exists() and not out.is_dir():
        raise OutputError(out, "it is a file, not a folder (give --out a folder)")
    return out


def _write(
    library: Library,
    layouts: Layouts,
    jobs: list[Job],
    out: Path,
    listener: Listener | None,
    force: bool,
    workers: int = 1,
) -> Outcomes:
    """Build the jobs into ``out``; a failing output folder (read-only, a full disk …) is an
    :class:`OutputError`."""
    try:
        return build_jobs(library, layouts, jobs, out, listener, force, workers)
    except OSError as exc:
        raise OutputError(Path(exc.filename or out), exc.strerror or str(exc)) from None


def _project(project: PathLike) -> Path:
    root = Path(project).resolve()
    if not root.is_dir():
        hint = "the folder holding content/ and layouts/"
        raise ContentErrors([ContentError(root, "no such folder", field="project", hint=hint)])
    return root


def _build(
    library: Library,
    layouts: Layouts,
    project: Path,
    brands: list[str],
    inputs: Inputs,
    options: Options,
) -> BuildResult:
    """Plan, warn about brands that get nothing, then build."""
    out = _output(options.get("out"), project / "output")
    filters = Filters(
        options.get("guide", ()),
        options.get("lang", ()),
        options.get("variant", ()),
        options.get("format", ()),
        brands,
        options.get("paper"),
        options.get("print_marks", False),
    )
    planned = plan(library, filters)
    busy = {job.brand for job in planned}
    warnings = [
        ContentError(
            None,
            f"brand {brand_id!r}: no selected guide is written in "
            f"{library.brands[brand_id].language!r}, its language; nothing to build",
            hint="choose guides with --guide or languages with --lang",
        )
        for brand_id in brands
        if brand_id not in busy
    ]
    outcomes = _write(
        library,
        layouts,
        planned,
        out,
        listener=options.get("listener"),
        force=options.get("force", False),
        workers=max(1, options.get("jobs", CORES)),
    )
    return BuildResult(
        out,
        planned,
        outcomes.written,
        outcomes.current,
        outcomes.failed,
        warnings,
        inputs=inputs,
        interrupted=outcomes.interrupted,
    )
