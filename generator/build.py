"""Building: load and validate everything, plan the jobs, render each, write it.

Nothing is written before the whole content has loaded without error; a job that fails to render
is reported and the others still build.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
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

    With several workers, rendering runs in worker processes (recycled every few dozen
    documents, since WeasyPrint and python-docx keep memory); this process alone writes files.
    """
    result = BuildResult()
    remove_stale_temporaries(out)
    hasher = InputHasher(library, layouts.content_folders, layouts.folders)
    manifest = Manifest(out)
    todo: list[tuple[Job, str]] = []
    for job in jobs:
        digest = hasher.job(job)
        if not force and manifest.is_current(job.relative_path(), digest, out):
            result.current.append(job)
            on_done(job)
        else:
            todo.append((job, digest))

    def finish(job: Job, digest: str, data: bytes | None, error: str | None) -> None:
        if data is None:
            result.failed.append((job, error or "failed"))
        else:
            write_atomic(out / job.relative_path(), data)
            manifest.record(job.relative_path(), digest)
            result.written.append(Written(job, out / job.relative_path(), len(data)))
        on_done(job)

    if workers <= 1 or len(todo) <= 1:
        for job, digest in todo:
            on_start(job)
            finish(job, digest, *_render_safely(library, layouts, job))
        return result
    # A fresh pool per batch recycles the workers (Python 3.11's max_tasks_per_child can hang).
    batch = workers * WORKER_TASKS
    for start in range(0, len(todo), batch):
        with ProcessPoolExecutor(
            max_workers=workers,
            initializer=_start_worker,
            initargs=(library, layouts.project, layouts.folders, layouts.content_folders),
        ) as pool:
            futures = {
                pool.submit(_render_in_worker, job): (job, digest)
                for job, digest in todo[start : start + batch]
            }
            for future in as_completed(futures):
                job, digest = futures[future]
                on_start(job)
                finish(job, digest, *future.result())
    return result


WORKER_TASKS = 40
"""Documents a worker renders before it is replaced by a fresh process."""
_WORKER: dict[str, object] = {}


def _render_safely(library: Library, layouts: Layouts, job: Job) -> tuple[bytes | None, str | None]:
    try:
        return render(library, layouts, job), None
    except BuildError as exc:
        return None, str(exc)


def _start_worker(
    library: Library, project: Path, folders: list[Path], content_folders: list[Path]
) -> None:
    """Receive the checked content once per worker process (brands from a CSV included)."""
    _WORKER["library"] = library
    _WORKER["layouts"] = Layouts(project, folders, content_folders)


def _render_in_worker(job: Job) -> tuple[bytes | None, str | None]:
    library, layouts = _WORKER["library"], _WORKER["layouts"]
    return _render_safely(library, layouts, job)  # type: ignore[arg-type]
