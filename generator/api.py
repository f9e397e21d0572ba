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
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from pydantic import BaseModel, TypeAdapter, ValidationError
from typing_extensions import Unpack

from generator.entries import DONE, NOTE, SIGNED_BY, SIGNED_ON
from generator.entries import field_path as field_path
from generator.errors import ContentError, ContentErrors
from generator.filled import Filled, read_client_bytes, read_client_file, read_form
from generator.formats import FORMATS
from generator.layouts import Layouts
from generator.loading import language_names, load_library, split_name
from generator.logo import logo_path, logo_png
from generator.model import (
    PREPARED_FOR_LENGTH,
    Brand,
    Checklist,
    Colors,
    Form,
    Framework,
    Guide,
    Id,
    Job,
    Library,
    UiStrings,
    Worksheet,
    field_problems,
)
from generator.palette import Palette
from generator.pipeline.build import (
    EXPECTS,
    STAMP_FROM,
    Failure,
    Listener,
    Outcomes,
    Silent,
    Written,
    build_brands,
    by_set,
)
from generator.pipeline.build import build as build_jobs
from generator.pipeline.queue import VISIBILITY_TIMEOUT
from generator.pipeline.sink import FolderSink, MemorySink, Sink
from generator.pipeline.tasks import NOTHING_ADDED, Added
from generator.plan import (
    DEFAULT_BRAND,
    Filters,
    Planner,
    filled_jobs,
    nothing_selected,
    plan,
    unknown_values,
)
from generator.plan import worksheet_variants as worksheet_variants
from generator.processes import workers_for as workers_for
from generator.project import Project

if TYPE_CHECKING:
    from generator.batch import ClientList
    from generator.pipeline.queue import CeleryExecutor

__all__ = [
    "FORMATS",
    "STAMP_FROM",
    "VISIBILITY_TIMEOUT",
    "Brand",
    "BuildResult",
    "Checklist",
    "Colors",
    "ContentError",
    "ContentErrors",
    "Failure",
    "Filled",
    "FolderSink",
    "Form",
    "Framework",
    "Guide",
    "ImportResult",
    "Job",
    "Library",
    "Listener",
    "MemorySink",
    "Options",
    "OutputError",
    "RenderFailed",
    "Silent",
    "Sink",
    "UiStrings",
    "ValidationResult",
    "Worksheet",
    "Written",
    "batch",
    "brand_logo",
    "brand_palette",
    "build",
    "documents_for",
    "entry_names",
    "field_path",
    "import_workbook",
    "load",
    "new_brand",
    "new_guide",
    "open_project",
    "planned",
    "read_filled",
    "render",
    "serve_worker",
    "validate",
    "workers_for",
    "worksheet_variants",
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
    clients: int = 0
    """Batches: the clients the list holds to build for (its rows but those skipped and those
    no selected guide is written for), read or not: a batch stopped by Ctrl-C has planned only
    those read (see :attr:`brands`)."""
    interrupted: bool = False
    """Whether Ctrl-C stopped the build; what was finished before is written and recorded."""
    read: list[Path] = field(default_factory=list)
    """Single files the build read besides the project's folders (a client CSV's logos)."""
    stamped: set[str] = field(default_factory=set)
    """Brands whose files were stamped onto a layout made once (see ``stamp``)."""
    unstamped: dict[str, str] = field(default_factory=dict)
    """Brands that were to be stamped but were rendered directly, and why."""

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


class RenderFailed(Exception):
    """A document asked of :func:`render` or :func:`documents_for` could not be rendered."""

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__("; ".join(f"{f.job.filename()}: {f.reason}" for f in failures))
        self.failures = failures


def open_project(project: PathLike = ".") -> Project:
    """The project in a folder: where its content, layouts and fonts are found."""
    return _project(project)


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
    executor: Executor | None
    """Where sets render: any ``concurrent.futures.Executor`` sharing this process's memory (a
    thread pool); default: this process, or the local process pool with ``jobs`` > 1."""
    sink: Sink | None
    """Where files go (default: a :class:`FolderSink` of ``out``, with its manifest)."""
    document: Sequence[str]
    """Only these documents: ``guide``, ``worksheet`` (empty: both)."""
    library: Library | None
    """The project's content as the caller loaded it already (a server's, after a change),
    instead of loading it again (``build`` only)."""
    broker: str | None
    """A Redis URL (``redis://host:6379/0``): render on the Celery workers that listen there
    (``journeykit worker``), which write into the output folder (it must be at the same path on
    every machine); default: on this machine."""
    stamp: bool | None
    """Lay each guide out once for the brands that share its fonts, paper and details and
    stamp each brand onto it: by default when enough brands share it (a batch); True always
    (a server rendering one brand at a time keeps its layouts); False never."""


def build(
    project: PathLike = ".",
    brand: str | Sequence[str] = DEFAULT_BRAND,
    **options: Unpack[Options],
) -> BuildResult:
    """Build guides and worksheets into ``<out>/<brand>/<language>/``.

    ``brand`` is an id, several ids, or ``"all"``. Files whose inputs did not change are left
    alone unless ``force``.
    """
    root, layouts, library = _open(project, options.get("library"))
    if isinstance(brand, str):
        brands = sorted(library.brands) if brand == "all" else [brand]
    else:
        brands = list(brand)
    return _build(library, layouts, root, brands, options)


def batch(clients: PathLike, project: PathLike = ".", **options: Unpack[Options]) -> BuildResult:
    """Build for every client in a CSV (one brand a row), each under ``<out>/<id>/``.

    Every row is checked like a brand file; a bad row is skipped and listed in ``rejected``
    while the other clients build. Raises :class:`ContentErrors` when the file itself or no
    row can be used. Each client gets every guide in its language unless ``guide``/``lang``
    say otherwise. The list is read as it is built (:class:`~generator.batch.ClientList`): a
    client's files are planned, checked and handed to the workers while the next rows wait,
    so the first brand starts at once and memory does not grow with the list; the listener
    hears each client's jobs as it is read.
    """
    from generator.batch import ClientList

    csv = Path(clients).resolve()
    if not csv.is_file():
        raise ContentErrors([ContentError(csv, "no such file", hint="give the client CSV's path")])
    root, layouts, library = _open(project)
    client_list = ClientList(csv, root.font_families, language_names(library.ui))
    return _batch(library, layouts, root, client_list, options)


def validate(
    project: PathLike = ".", strict: bool = False, worksheet: Sequence[PathLike] = ()
) -> ValidationResult:
    """Check all content, and lint the examples and any filled-in XLSX ``worksheet``.

    Lint findings (more than two KPIs in a stage, empty cells) are warnings; with ``strict``
    they are raised as :class:`ContentErrors` like any other problem.
    """
    from generator.lint import lint, lint_workbook

    opened = _project(project)
    library = load_library(opened)
    # Advice about the project's own files: shipped files are not the user's to change.
    warnings = lint(library, within=opened.root)
    for path in worksheet:
        with _one_problem():
            warnings += lint_workbook(Path(path), library)
    if strict:
        warnings += _layout_problems(opened, library)
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
    clients: PathLike | None = None,
) -> ImportResult:
    """Turn a client's filled-in workbook (or fillable PDF) into their documents: the
    worksheet as PDF, DOCX and XLSX, and a short guide (cover with ``name``, the filled
    worksheet, what to review) as PDF and DOCX, under ``<out>/<brand>/<language>/``
    (default ``<project>/output/imported``). ``brand`` may be a client of a batch's CSV
    (``clients``); their name is then the default ``name``.

    The file is read as untrusted (see :mod:`generator.untrusted`); raises
    :class:`ContentErrors` when it cannot be used, before anything is written.
    """
    from generator.lint import lint_filled

    path = Path(file).resolve()
    root, layouts, library = _open(project)
    if clients is not None:
        library = _with_client(library, root, Path(clients), brand)
        name = name or library.brands[brand].name
    _check_choices(library, brand, format)
    _check_printable(name, "name", library.brands[brand], root)
    with _one_problem():
        filled = read_client_file(path, library)
    target = _output(out, root.output / "imported")
    outcomes, jobs = _client_documents(
        filled, library, layouts, brand, name, format, path, FolderSink(target), listener
    )
    result = BuildResult(
        target,
        jobs,
        outcomes.written,
        outcomes.current,
        outcomes.failed,
        [],
        interrupted=outcomes.interrupted,
    )
    keys = list(filled.entries)  # the worksheet's entries (where also holds the tracker's)
    return ImportResult(
        result,
        [filled.where[key] for key in keys if filled.entries[key]],
        [filled.where[key] for key in keys if not filled.entries[key]],
        filled.by_labels,
        lint_filled(filled, path) + _unprintable_entries(filled, library.brands[brand], root, path),
    )


def read_filled(
    source: PathLike | bytes | Mapping[str, str],
    project: PathLike = ".",
    name: str = "upload",
    lang: str | None = None,
    library: Library | None = None,
) -> Filled:
    """What a client filled in, from a workbook or fillable PDF of ours (a path, or its bytes
    as uploaded, called ``name`` in messages), or from a mapping of entry names to values (a
    web form's fields, ``kundresan.konvertering.kpi`` → text; ``lang`` picks the worksheet's
    language when its id is in several). ``library``: the project's content as the caller
    loaded it already (a server's).

    Files are read as untrusted; raises :class:`ContentErrors` when the source cannot be used.
    """
    library = library if library is not None else load(project)
    if isinstance(source, Mapping):
        return _read_form(source, library, lang)
    with _one_problem():
        if isinstance(source, bytes):
            return read_client_bytes(source, library, Path(name))
        return read_client_file(Path(source).resolve(), library)


def entry_names(worksheet: Worksheet) -> dict[str, str]:
    """The names of a worksheet's parts as a form fills them in (:func:`field_path`): its
    sign-off's ``signed_by`` and ``signed_on``, and the last part of a checklist item's tick
    (``done``) and note (``note``): ``{"signed_by": "kundresan.signed_by", "done": "done",
    …}``. What :func:`read_filled` reads back from a mapping."""
    return {
        SIGNED_BY: field_path(worksheet.id, SIGNED_BY),
        SIGNED_ON: field_path(worksheet.id, SIGNED_ON),
        DONE: DONE,
        NOTE: NOTE,
    }


def brand_palette(brand: Brand) -> dict[str, str]:
    """The colours a brand's documents paint with, by role (``primary``, ``accent``, ``text``,
    ``paper``, ``label_fill``, ``help_text``, ``accent_text``, ``muted``, ``rule``,
    ``on_primary`` …), each ``#RRGGBB``: a web page in the brand's colours uses the same."""
    return {name: str(value) for name, value in vars(Palette.of(brand.colors)).items()}


def brand_logo(brand: Brand) -> bytes | None:
    """The brand's logo as PNG bytes (an SVG rasterised, a large image scaled down), or None
    when it has none."""
    return logo_png(brand)


def documents_for(
    filled: Filled,
    brand: str = DEFAULT_BRAND,
    name: str = "",
    format: Sequence[str] = (),
    project: PathLike = ".",
    library: Library | None = None,
    broker: str | None = None,
    shared: PathLike | None = None,
) -> dict[str, bytes]:
    """A filled worksheet's documents as bytes, by file name (as ``import`` writes them: the
    worksheet in each format, and the client's short guide as PDF and DOCX). Nothing is
    written (``library``: as the caller loaded it). Raises :class:`RenderFailed` when a
    document cannot be rendered. ``broker`` and ``shared``: rendered by the workers there,
    as :func:`render` does (the filled worksheet travels in the tasks)."""
    root, layouts, library = _open(project, library)
    _check_choices(library, brand, format)
    where = Path(name or "form")
    if not broker:
        sink = MemorySink()
        outcomes, _ = _client_documents(
            filled, library, layouts, brand, name, format, where, sink, None
        )
        files = sink.files
    else:
        with _shared_folder(shared) as sink, _queue(broker, root) as queue:
            outcomes, _ = _client_documents(
                filled, library, layouts, brand, name, format, where, sink, None, queue
            )
            files = _read_back(sink, outcomes.written)
    if outcomes.failed:
        raise RenderFailed(outcomes.failed)
    return {Path(file).name: data for file, data in files.items()}


def planned(
    project: PathLike = ".",
    brand: str | Sequence[str] = DEFAULT_BRAND,
    guide: str | Sequence[str] = (),
    lang: str | Sequence[str] = (),
) -> list[Job]:
    """The files :func:`build` and :func:`render` would make for these filters (``brand`` as
    :func:`build` takes it), planned but not made: a job each, named by ``job.filename()``.
    Raises :class:`ContentErrors` like them."""
    _, _, library = _open(project)
    if isinstance(brand, str):
        brands = sorted(library.brands) if brand == "all" else [brand]
    else:
        brands = list(brand)
    filters = Filters(_listed(guide), _listed(lang), brands=brands)
    return plan(library, filters)


def render(
    project: PathLike = ".",
    brand: str | Brand = DEFAULT_BRAND,
    guide: str | Sequence[str] = (),
    lang: str | Sequence[str] = (),
    variant: str | Sequence[str] = (),
    format: str | Sequence[str] = (),
    document: str | Sequence[str] = (),
    paper: str | None = None,
    print_marks: bool = False,
    executor: Executor | None = None,
    prepared_for: str = "",
    library: Library | None = None,
    stamp: bool | None = False,
    broker: str | None = None,
    shared: PathLike | None = None,
) -> dict[str, bytes]:
    """The documents the filters select (``document``: ``guide``, ``worksheet``; the others as
    :func:`build`), rendered to bytes, by language and file name (``sv/kundresan.pdf``,
    ``sv/kundresan-worksheet-blank.xlsx``), for one brand: a brand's id, or
    a :class:`Brand` made on the spot (a personalised download). Nothing is written, no
    manifest is read. ``prepared_for`` (e.g. ``"Anna Berg, Acme AB"``; one line, at most
    :data:`~generator.model.PREPARED_FOR_LENGTH` characters) is printed on the guides' covers
    after the language's "Prepared for"; without it the files are those a build writes.
    Raises :class:`ContentErrors` for filters that match nothing or a ``prepared_for`` that
    is too long, and :class:`RenderFailed` when a document cannot be rendered. ``library``:
    the project's content as the caller loaded it already (a server's), not loaded again.
    ``stamp=True`` makes this process keep a layout per guide and template key and stamp the
    brand onto it (a server rendering many brands one at a time; the first of each layout is
    checked against a direct render): the files are the same, made about ten times faster.
    ``broker`` (a Redis URL): rendered by the Celery workers there, which write the files into
    a folder of their own below ``shared`` (at the same path on every machine); they are read
    from there and the folder removed."""
    root, layouts, library = _open(project, library)
    if isinstance(brand, Brand):
        library = library.model_copy(update={"brands": {**library.brands, brand.id: brand}})
        brand = brand.id
    options: Options = {
        "guide": guide,
        "lang": lang,
        "variant": variant,
        "format": format,
        "document": document,
        "paper": paper,
        "print_marks": print_marks,
        "executor": executor,
        "jobs": 1,
        "stamp": stamp,
    }
    if not broker:
        memory = MemorySink()
        _render_into(library, layouts, root, brand, {**options, "sink": memory}, prepared_for)
        return {_by_language(file): data for file, data in memory.files.items()}
    with _shared_folder(shared) as sink:
        queued: Options = {**options, "sink": sink, "broker": broker}
        result = _render_into(library, layouts, root, brand, queued, prepared_for)
        files = _read_back(sink, result.written)
    return {_by_language(file): data for file, data in files.items()}


@contextmanager
def _shared_folder(shared: PathLike | None) -> Iterator[FolderSink]:
    """A folder of this render's own below ``shared`` for the workers to write into, removed
    once its files are read."""
    if shared is None:
        raise ContentErrors([ContentError(None, "rendering on workers needs a shared folder")])
    folder = Path(shared) / uuid.uuid4().hex
    try:
        yield FolderSink(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_back(sink: FolderSink, written: list[Written]) -> dict[str, bytes]:
    """What the workers wrote into ``sink``, by name below it."""
    return {str(w.path.relative_to(sink.out)): w.path.read_bytes() for w in written}


def _render_into(
    library: Library,
    layouts: Layouts,
    root: Project,
    brand: str,
    options: Options,
    prepared_for: str,
) -> BuildResult:
    """:func:`render`'s build; :class:`RenderFailed` when a document fails."""
    if brand in library.brands:
        _check_printable(prepared_for, "prepared_for", library.brands[brand], root)
    result = _build(library, layouts, root, [brand], options, _prepared_for(prepared_for))
    if result.failed:
        raise RenderFailed(result.failed)
    return result


def _by_language(file: str) -> str:
    """``acme/sv/kundresan.pdf`` → ``sv/kundresan.pdf``."""
    return str(Path(*Path(file).parts[1:]))


def serve_worker(
    broker: str, concurrency: int = CORES, visibility_timeout: int = VISIBILITY_TIMEOUT
) -> None:
    """Run a Celery worker with ``concurrency`` processes rendering the sets builds send to
    ``broker`` (a Redis URL), until it is stopped."""
    from generator.pipeline.queue import serve_worker as run_worker

    run_worker(broker, concurrency, visibility_timeout)


def _prepared_for(text: str) -> str:
    """Who a guide is prepared for, on one line; :class:`ContentErrors` when it is too long."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(line) > PREPARED_FOR_LENGTH:
        hint = f"at most {PREPARED_FOR_LENGTH} characters: a name and a company"
        message = f"{len(line)} characters is too long"
        raise ContentErrors([ContentError(None, message, field="prepared_for", hint=hint)])
    return line


def _check_printable(text: str, field: str, brand: Brand, root: Project) -> None:
    """:class:`ContentErrors` when a client's name has characters no font can print."""
    from generator.branding import unprintable, unprintable_message

    lacking = unprintable(text, brand, root.font_families)
    if lacking:
        message, hint = unprintable_message(lacking, brand)
        raise ContentErrors([ContentError(None, message, field=field, hint=hint)])


def _unprintable_entries(
    filled: Filled, brand: Brand, root: Project, path: Path
) -> list[ContentError]:
    """A warning for each entry with characters no font can print (they print as empty boxes:
    the client's words are kept, and the documents made all the same)."""
    from generator.branding import unprintable, unprintable_message

    everything = " ".join(line for lines in filled.entries.values() for line in lines)
    if not unprintable(everything, brand, root.font_families):  # the usual case: one look
        return []
    warnings = []
    for key, lines in filled.entries.items():
        lacking = unprintable(" ".join(lines), brand, root.font_families)
        if lacking:
            message, hint = unprintable_message(lacking, brand)
            warnings.append(ContentError(path, message, field=filled.where[key], hint=hint))
    return warnings


@contextmanager
def _one_problem() -> Iterator[None]:
    """A :class:`ContentError` (one file's one problem) raised as :class:`ContentErrors`."""
    try:
        yield
    except ContentError as exc:
        raise ContentErrors([exc]) from None


def _read_form(values: Mapping[str, str], library: Library, lang: str | None) -> Filled:
    """A web form's fields as a filled worksheet: the worksheet named by the fields' names."""
    ids = {str(key).split(".", 1)[0] for key in values}
    found = [
        (worksheet, language)
        for (worksheet_id, language), worksheet in sorted(library.frameworks.items())
        if worksheet_id in ids and (lang is None or language == lang)
    ]
    if len(found) != 1:
        what = "several worksheets" if found else "no worksheet of this project"
        named = "name the entries as the worksheet does (kundresan.konvertering.kpi)"
        hint = "give the language (lang)" if found else named
        raise ContentErrors([ContentError(None, f"the form's fields name {what}", hint=hint)])
    worksheet, language = found[0]
    return read_form(values, worksheet, language)


def _with_client(library: Library, project: Project, clients: Path, brand: str) -> Library:
    """The library with a batch CSV's client ``brand`` among its brands. When there is no
    such brand, the ids there are and the CSV's rows that could not be read (its row may be
    among them) are the problems."""
    from generator.batch import load_brands_csv

    client_brands, rejected = load_brands_csv(
        clients, project.font_families, language_names(library.ui)
    )
    brands = {**library.brands, **client_brands}
    if brand not in brands:
        raise ContentErrors(unknown_values([brand], list(brands), "brand", "brand") + rejected)
    return library.model_copy(update={"brands": brands})


def _check_choices(library: Library, brand: str, format: Sequence[str]) -> None:
    problems = unknown_values(format, list(FORMATS), "format", "format")
    problems += unknown_values([brand], list(library.brands), "brand", "brand")
    if problems:
        raise ContentErrors(problems)


def _client_documents(
    filled: Filled,
    library: Library,
    layouts: Layouts,
    brand: str,
    name: str,
    format: Sequence[str],
    path: Path,
    sink: Sink,
    listener: Listener | None,
    executor: Executor | None = None,
) -> tuple[Outcomes, list[Job]]:
    """Render a filled worksheet's documents (the worksheet, the client's guide) into ``sink``
    (on ``executor``'s workers when given one: the worksheet travels with each task)."""
    from generator.importing import FILLED, import_filled

    imported = import_filled(filled, library, name, path)
    jobs = filled_jobs(imported.guide, library.brands[brand], FILLED, format)
    added = Added((imported.example,), (imported.guide,))
    outcomes = _write(
        imported.library, layouts, jobs, sink, listener, True, executor=executor, added=added
    )
    return outcomes, jobs


def new_guide(guide_id: str, project: PathLike = ".", language: str = "en") -> list[Path]:
    """Create a small guide to edit: a grid, a filled example, an introduction and a closing
    section under ``content/``, valid with ``strict`` and ready to build; the files' paths.

    Raises :class:`ContentErrors` for an id or language that is not valid, or when the id or
    any of the files exists already (nothing is written then). The project folder is made if
    need be; its other content need not be valid.
    """
    from generator.output import write_atomic
    from generator.scaffold import guide_files

    root = _project(project, create=True)
    _check_new_id(guide_id, Guide)
    languages = root.languages
    if language not in languages:
        hint = f"languages with UI strings: {', '.join(languages)}"
        problem = ContentError(None, f"no language {language!r}", field="lang", hint=hint)
        raise ContentErrors([problem])
    taken = {split_name(path)[0] for path in root.every("framework")}
    taken |= {path.parent.name for path in root.every("guide")}
    if guide_id in taken:
        hint = "choose another id: guides and worksheets share their ids"
        problem = ContentError(None, f"{guide_id!r} exists already", field="id", hint=hint)
        raise ContentErrors([problem])
    files = guide_files(root, guide_id, language)
    existing = [ContentError(path, "exists already") for path in files if path.exists()]
    if existing:
        raise ContentErrors(existing)
    for path, text in files.items():
        write_atomic(path, text.encode("utf-8"))
    return list(files)


def _check_new_id(identifier: str, model: type[BaseModel]) -> None:
    """A new file's id is valid, or :class:`ContentErrors` says why."""
    try:
        TypeAdapter(Id).validate_python(identifier)
    except ValidationError as exc:
        problems = field_problems(exc, model)
        raise ContentErrors(
            [ContentError(None, p.message, field="id", hint=p.hint) for p in problems]
        ) from None


def new_brand(
    brand_id: str,
    project: PathLike = ".",
    name: str = "",
    language: str | None = None,
    primary: str | None = None,
) -> Path:
    """Create ``content/brands/<brand_id>/brand.yaml`` with every field explained; its path.
    The project folder is made if need be.

    ``language`` defaults to the language of the project's own guides, else English; the
    colours to a readable dark blue and amber. Raises :class:`ContentErrors` for an id,
    language or colour that is not valid (a colour too light or dark names the nearest shade
    that is), or a brand that exists already; nothing is written then.
    """
    import json

    from generator.branding import BRAND_TEMPLATE, contrast_problems
    from generator.output import write_atomic

    root = _project(project, create=True)
    _check_new_id(brand_id, Brand)
    path = root.new_file("brand", id=brand_id)
    if path.exists():
        raise ContentErrors([ContentError(path, "exists already", hint="edit it instead")])
    languages = root.languages
    own = root.root / "content"
    guides = Counter(split_name(g)[1] for g in root.every("guide") if g.is_relative_to(own))
    language = language or max(sorted(guides), key=guides.__getitem__, default=NEW_LANGUAGE)
    problems = []
    if language not in languages:
        hint = f"languages with UI strings: {', '.join(languages)}"
        problems.append(ContentError(None, f"no language {language!r}", field="lang", hint=hint))
    colors = Colors()
    try:
        colors = Colors(primary=primary) if primary else colors
    except ValidationError as exc:
        problems += [
            ContentError(None, p.message, field="primary", hint=p.hint)
            for p in field_problems(exc, Colors)
        ]
    else:
        brand = Brand(id=brand_id, name=name or brand_id, colors=colors)
        problems += [
            ContentError(None, p.message, field=".".join(p.key), hint=p.hint)
            for p in contrast_problems(brand)
        ]
    if problems:
        raise ContentErrors(problems)
    name = name or brand_id.replace("-", " ").title()
    text = BRAND_TEMPLATE.format(
        **colors.model_dump(),
        id=brand_id,
        name=name,
        quoted_name=json.dumps(name, ensure_ascii=False),
        fonts=", ".join(root.font_families),
        language=language,
        languages=", ".join(languages),
    )
    write_atomic(path, text.encode("utf-8"))
    return path


NEW_LANGUAGE = "en"
"""The language of a new brand in a project with no guides of its own."""


def _open(project: PathLike, library: Library | None = None) -> tuple[Project, Layouts, Library]:
    """The project, its layouts and its content (``library``: as the caller loaded it)."""
    root = _project(project)
    return root, Layouts(root), library if library is not None else load_library(root)


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
    sink: Sink,
    listener: Listener | None,
    force: bool,
    workers: int = 1,
    executor: Executor | None = None,
    stamp: bool | None = None,
    added: Added = NOTHING_ADDED,
) -> Outcomes:
    """Build the jobs into ``sink``; a failing output folder (read-only, a full disk …) is an
    :class:`OutputError`."""
    try:
        return build_jobs(
            library, layouts, jobs, sink, listener, force, workers, executor, stamp, added
        )
    except OSError as exc:
        where = Path(exc.filename or sink.location(""))
        raise OutputError(where, exc.strerror or str(exc)) from None


def _project(project: PathLike, create: bool = False) -> Project:
    """The project in folder ``project`` (made first when ``create``: a new brand or guide)."""
    root = Path(project).resolve()
    if create and not root.exists():
        try:
            root.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(root, exc.strerror or str(exc)) from None
    if not root.is_dir():
        hint = "the folder holding content/ and layouts/"
        raise ContentErrors([ContentError(root, "no such folder", field="project", hint=hint)])
    return Project.at(root)


def _build(
    library: Library,
    layouts: Layouts,
    project: Project,
    brands: list[str],
    options: Options,
    prepared_for: str = "",
) -> BuildResult:
    """Plan, warn about brands that get nothing, then build (the guides prepared for someone,
    when ``prepared_for`` says who)."""
    sink = options.get("sink") or FolderSink(_output(options.get("out"), project.output))
    out = sink.location("")
    planned = plan(library, _filters(options, brands, prepared_for))
    busy = {job.brand for job in planned}
    warnings = [_no_guide(library.brands[brand_id]) for brand_id in brands if brand_id not in busy]
    executor = options.get("executor")
    broker = options.get("broker")
    with _queue(broker, project) as queue:
        if queue is not None:
            queue.expect(len(by_set(planned)))
        outcomes = _write(
            library,
            layouts,
            planned,
            sink,
            listener=options.get("listener"),
            force=options.get("force", False),
            workers=_workers(options),
            executor=queue or executor,
            stamp=options.get("stamp"),
        )
    return BuildResult(
        out,
        planned,
        outcomes.written,
        outcomes.current,
        outcomes.failed,
        warnings + _noticed(outcomes, sink),
        interrupted=outcomes.interrupted,
        stamped=outcomes.stamped,
        unstamped=outcomes.unstamped,
    )


def _batch(
    library: Library, layouts: Layouts, project: Project, clients: ClientList, options: Options
) -> BuildResult:
    """:func:`batch` once its list is open: each client planned, checked and built as its
    row is read."""
    sink = options.get("sink") or FolderSink(_output(options.get("out"), project.output))
    planner = Planner(library, _filters(options, []))
    if planner.selects_nothing():
        raise ContentErrors(nothing_selected(library, planner.filters))
    listener = options.get("listener") or Silent()
    if (expects := getattr(listener, EXPECTS, None)) is not None:
        expects(clients.count)
    result = BuildResult(sink.location(""), [], clients=clients.count)

    def planned() -> Iterator[tuple[Brand, list[Job]]]:
        for _, read in clients.rows():
            if not isinstance(read, Brand):
                result.rejected += read
                result.clients -= 1
                continue
            jobs = planner.jobs(read)
            if not jobs:
                result.warnings.append(_no_guide(read))
                result.clients -= 1
                continue
            result.jobs += jobs
            if (logo := logo_path(read)) is not None:
                result.read.append(logo)
            listener.planned(jobs)
            yield read, jobs

    brands = planned()
    first = next(brands, None)  # nothing is written before one client can be built
    if first is None:
        raise ContentErrors(result.warnings + result.rejected)
    with _queue(options.get("broker"), project) as queue:
        if queue is not None:  # about as many sets a client as the first has
            queue.expect(clients.count * len(by_set(first[1])))
        try:
            outcomes = build_brands(
                library,
                layouts,
                chain([first], brands),
                sink,
                listener,
                options.get("force", False),
                _workers(options),
                queue or options.get("executor"),
                options.get("stamp"),
            )
        except OSError as exc:
            where = Path(exc.filename or sink.location(""))
            raise OutputError(where, exc.strerror or str(exc)) from None
    result.written, result.current, result.failed = (
        outcomes.written,
        outcomes.current,
        outcomes.failed,
    )
    result.warnings += _noticed(outcomes, sink)
    result.interrupted = outcomes.interrupted
    result.stamped, result.unstamped = outcomes.stamped, outcomes.unstamped
    return result


def _filters(options: Options, brands: Sequence[str], prepared_for: str = "") -> Filters:
    """The filters the options give, for ``brands``."""
    return Filters(
        _listed(options.get("guide", ())),
        _listed(options.get("lang", ())),
        _listed(options.get("variant", ())),
        _listed(options.get("format", ())),
        brands,
        options.get("paper"),
        options.get("print_marks", False),
        _listed(options.get("document", ())),  # type: ignore[arg-type]
        prepared_for,
    )


def _no_guide(brand: Brand) -> ContentError:
    """The warning for a brand that gets nothing: no guide selected is in its language."""
    return ContentError(
        None,
        f"brand {brand.id!r}: no selected guide is written in {brand.language!r}, its "
        "language; nothing to build",
        hint="choose guides with --guide or languages with --lang",
    )


def _workers(options: Options) -> int:
    """The worker processes to start: those asked for, as many as the machine can take."""
    return workers_for(max(1, options.get("jobs", CORES)))[0]


@contextmanager
def _queue(broker: str | None, project: Project) -> Iterator[CeleryExecutor | None]:
    """The Celery workers at ``broker`` as an executor (None without one); one line when
    Redis cannot be reached or no worker listens there."""
    if not broker:
        yield None
        return
    from kombu.exceptions import OperationalError  # Celery and Redis load only when asked
    from redis.exceptions import RedisError

    from generator.pipeline.queue import CeleryExecutor, NoWorkers

    try:
        queue = CeleryExecutor(broker, project.root)
    except (RedisError, ValueError, OSError) as exc:
        message = f"cannot reach Redis at {broker}: {exc}"
        hint = "start redis-server there, or give --broker the address of a running one"
        raise ContentErrors([ContentError(None, message, hint=hint)]) from None
    try:
        yield queue
    except NoWorkers as exc:
        raise ContentErrors([ContentError(None, str(exc))]) from None
    except (RedisError, OperationalError) as exc:
        message = f"Redis at {broker} stopped answering: {exc}; run the same command again"
        raise ContentErrors([ContentError(None, message)]) from None
    finally:
        queue.shutdown(cancel_futures=True)


def _layout_problems(project: Project, library: Library) -> list[ContentError]:
    """What laying out the project's own guide PDFs shows (a guide or a brand of the project's
    own files): pages left nearly empty, a worksheet that runs over its page, a guide that
    cannot be made. The PDFs are made in memory and nothing is written."""

    def own(path: Path | None) -> bool:
        return path is not None and path.is_relative_to(project.root)

    guides = sorted({g.id for g in library.guides.values() if own(g.path)})
    brands = sorted(b.id for b in library.brands.values() if own(b.folder))
    # the guides alone: their pages hold every worksheet's (each spill is noticed there)
    options: Options = {
        "sink": MemorySink(),
        "format": ["pdf"],
        "document": ["guide"],
        "force": True,
    }
    if not brands:  # the project's own guides, in the default brand
        brands, options["guide"] = [DEFAULT_BRAND], guides
    if not guides and brands == [DEFAULT_BRAND]:
        return []
    result = _build(library, Layouts(project), project, brands, options)
    failed = [ContentError(Path(str(f.job.relative_path())), f.reason) for f in result.failed]
    return failed + result.warnings


def _listed(values: str | Sequence[str]) -> list[str]:
    """A filter's values: one given as a plain string is one value, not its letters."""
    return [values] if isinstance(values, str) else list(values)


def _noticed(outcomes: Outcomes, sink: Sink) -> list[ContentError]:
    """What the renderers saw in the files they wrote, as warnings about those files."""
    return [
        ContentError(sink.location(str(seen.job.relative_path())), seen.message)
        for seen in outcomes.notices
    ]
