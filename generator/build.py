"""Building: load and validate everything, plan the jobs, render each, write it.

Nothing is written before the whole content has loaded without error; a job that fails to render
is reported and the others still build.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.document import build_view
from generator.errors import BuildError
from generator.layouts import Layouts
from generator.manifest import InputHasher, Manifest
from generator.model import Job, Library
from generator.output import remove_stale_temporaries, write_atomic
from generator.renderers import FORMATS


@dataclass(frozen=True)
class Written:
    job: Job
    path: Path
    size: int


@dataclass
class BuildResult:
    written: list[Written] = field(default_factory=list)
    failed: list[tuple[Job, str]] = field(default_factory=list)
    current: list[Job] = field(default_factory=list)
    """Jobs whose file was already up to date, so nothing was rendered."""


def render(library: Library, layouts: Layouts, job: Job) -> bytes:
    """Render one job to bytes."""
    return FORMATS[job.format].render(build_view(library, job), layouts)


Outcome = tuple[bytes | None, str | None]
"""A rendered file's bytes, or why it failed."""


def render_set(library: Library, layouts: Layouts, jobs: list[Job]) -> list[Outcome]:
    """Render jobs of one guide, language and brand together, so that they share work.

    A failure fails only the jobs of its format, so one brand's broken logo does not stop a
    batch of hundreds.
    """
    view_of = partial(build_view, library)
    outcomes: dict[Job, Outcome] = {}
    for name in dict.fromkeys(job.format for job in jobs):
        of_format = [job for job in jobs if job.format == name]
        try:
            data = FORMATS[name].render_many([view_of(j) for j in of_format], layouts, view_of)
            outcomes.update((job, (blob, None)) for job, blob in zip(of_format, data, strict=True))
        except BuildError as exc:
            outcomes.update((job, (None, str(exc))) for job in of_format)
        except Exception as exc:  # a bug or a broken file: it fails this set, not the batch
            message = f"unexpected {type(exc).__name__}: {exc}"
            outcomes.update((job, (None, message)) for job in of_format)
    return [outcomes[job] for job in jobs]


def build(
    library: Library,
    layouts: Layouts,
    jobs: list[Job],
    out: Path,
    on_done: Callable[[Job], None] = lambda job: None,
    on_start: Callable[[Job], None] = lambda job: None,
    force: bool = False,
    workers: int = 1,
) -> BuildResult:
    """Render and write every job below ``out`` whose inputs changed; failures are collected.

    Jobs of one guide, language and brand are rendered together (a worksheet PDF is a page of
    its guide's). With several workers, sets render in worker processes (replaced every
    :data:`WORKER_SETS` sets, since WeasyPrint and python-docx keep memory); this process alone
    writes.
    """
    result = BuildResult()
    remove_stale_temporaries(out)
    hasher = InputHasher(library, layouts.content_folders, layouts.folders)
    manifest = Manifest(out)
    manifest.save()  # fold in what a killed build journalled, so this build's journal is fresh
    todo: dict[tuple[str, str, str], list[tuple[Job, str]]] = {}
    for job in jobs:
        digest = hasher.job(job)
        if not force and manifest.is_current(job.relative_path(), digest, out):
            result.current.append(job)
            on_done(job)
        else:
            todo.setdefault(job.set_key(), []).append((job, digest))

    def finish(done: list[tuple[Job, str]], outcomes: list[Outcome]) -> None:
        for (job, digest), (data, error) in zip(done, outcomes, strict=True):
            if data is None:
                result.failed.append((job, error or "failed"))
            else:
                write_atomic(out / job.relative_path(), data)
                manifest.record(job.relative_path(), digest)
                result.written.append(Written(job, out / job.relative_path(), len(data)))
            on_done(job)

    try:
        _render_sets(library, layouts, list(todo.values()), finish, on_start, workers)
    finally:
        manifest.save()
    return result


def _render_sets(
    library: Library,
    layouts: Layouts,
    sets: list[list[tuple[Job, str]]],
    finish: Callable[[list[tuple[Job, str]], list[Outcome]], None],
    on_start: Callable[[Job], None],
    workers: int,
) -> None:
    if workers <= 1 or len(sets) <= 1:
        for pending in sets:
            on_start(pending[0][0])
            finish(pending, render_set(library, layouts, [job for job, _ in pending]))
        return
    # A fresh pool per batch recycles the workers (Python 3.11's max_tasks_per_child can hang).
    batch = workers * WORKER_SETS
    for start in range(0, len(sets), batch):
        with ProcessPoolExecutor(
            max_workers=workers,
            initializer=_start_worker,
            initargs=(library, layouts.project, layouts.folders, layouts.content_folders),
        ) as pool:
            futures = {
                pool.submit(_render_in_worker, [job for job, _ in pending]): pending
                for pending in sets[start : start + batch]
            }
            for future in as_completed(futures):
                pending = futures[future]
                on_start(pending[0][0])
                finish(pending, future.result())


WORKER_SETS = 20
"""Sets (a guide's documents for one brand and language, about 8) a worker renders before it is
replaced by a fresh process, which keeps its memory in bounds."""
_WORKER: dict[str, object] = {}


def _start_worker(
    library: Library, project: Path, folders: list[Path], content_folders: list[Path]
) -> None:
    """Receive the checked content once per worker process (brands from a CSV included)."""
    _WORKER["library"] = library
    _WORKER["layouts"] = Layouts(project, folders, content_folders)


def _render_in_worker(jobs: list[Job]) -> list[Outcome]:
    library, layouts = _WORKER["library"], _WORKER["layouts"]
    return render_set(library, layouts, jobs)  # type: ignore[arg-type]
