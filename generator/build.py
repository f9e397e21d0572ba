"""Building: render the planned jobs whose inputs changed, and write each file.

Called by :mod:`generator.api` once the content has loaded without error and the jobs are
planned; a job that fails to render is reported and the others still build.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.document import build_view
from generator.errors import BuildError
from generator.layouts import Layouts
from generator.manifest import InputHasher, Manifest
from generator.model import Job, Library
from generator.output import remove_stale_temporaries, write_atomic
from generator.renderers import FORMATS, rendering_order


class Listener(Protocol):
    """What a front end hears of a build's progress (a progress bar, a server's log …)."""

    def planned(self, jobs: list[Job]) -> None:
        """The jobs the build will go through, before any is looked at."""

    def started(self, job: Job) -> None:
        """A job's set begins to render (or its file is found up to date)."""

    def finished(self, job: Job) -> None:
        """A job is done: written, up to date, or failed."""


class Silent:
    """A listener that hears nothing."""

    def planned(self, jobs: list[Job]) -> None:
        pass

    def started(self, job: Job) -> None:
        pass

    def finished(self, job: Job) -> None:
        pass


@dataclass(frozen=True)
class Written:
    """A file the build wrote."""

    job: Job
    path: Path
    size: int


@dataclass(frozen=True)
class Failure:
    """A job whose file could not be made, and why."""

    job: Job
    reason: str


@dataclass
class Outcomes:
    """What became of each job of a build."""

    written: list[Written] = field(default_factory=list)
    current: list[Job] = field(default_factory=list)
    """Jobs whose file was already up to date, so nothing was rendered."""
    failed: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    """Whether Ctrl-C stopped the build (what was finished before is written and recorded)."""


Outcome = tuple[bytes | None, str | None]
"""A rendered file's bytes, or why it failed."""


def render_set(library: Library, layouts: Layouts, jobs: list[Job]) -> list[Outcome]:
    """Render jobs of one guide, language and brand together, so that they can share work (a
    format another carries comes first: the guide PDF takes the set's own workbooks).

    A failure fails only the jobs of its format, so one brand's broken logo does not stop a
    batch of hundreds.
    """
    outcomes: dict[Job, Outcome] = {}
    made: dict[Job, bytes] = {}
    for name in rendering_order(dict.fromkeys(job.format for job in jobs)):
        of_format = [job for job in jobs if job.format == name]
        try:
            views = [build_view(library, job) for job in of_format]
            data = FORMATS[name].render_many(views, layouts, made)
            made.update(zip(of_format, data, strict=True))
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
    listener: Listener | None = None,
    force: bool = False,
    workers: int = 1,
) -> Outcomes:
    """Render and write every job below ``out`` whose inputs changed; failures are collected.

    Jobs of one guide, language and brand are rendered together. With several workers, sets
    render in worker processes (replaced every :data:`WORKER_SETS` sets, since WeasyPrint and
    python-docx keep memory); this process alone writes.
    """
    listener = listener or Silent()
    listener.planned(jobs)
    result = Outcomes()
    remove_stale_temporaries(out)
    hasher = InputHasher(library, layouts)
    manifest = Manifest(out)
    manifest.save()  # fold in what a killed build journalled, so this build's journal is fresh
    todo: dict[tuple[str, str, str], list[tuple[Job, str]]] = {}
    for job in jobs:
        digest = hasher.digest(build_view(library, job))
        if not force and manifest.is_current(job.relative_path(), digest, out):
            result.current.append(job)
            listener.finished(job)
        else:
            todo.setdefault(job.set_key(), []).append((job, digest))

    def finish(done: list[tuple[Job, str]], outcomes: list[Outcome]) -> None:
        for (job, digest), (data, error) in zip(done, outcomes, strict=True):
            if data is None:
                result.failed.append(Failure(job, error or "failed"))
            else:
                write_atomic(out / job.relative_path(), data)
                manifest.record(job.relative_path(), digest)
                result.written.append(Written(job, out / job.relative_path(), len(data)))
            listener.finished(job)

    try:
        _render_sets(library, layouts, list(todo.values()), finish, listener, workers)
    except KeyboardInterrupt:  # Ctrl-C: keep what is finished, report it, start nothing more
        result.interrupted = True
    finally:
        with suppress(OSError):  # when writing failed, the journal keeps what was finished
            manifest.save()
    return result


Finish = Callable[[list[tuple[Job, str]], list[Outcome]], None]
"""Writes a rendered set's files and records what became of each job."""


def _render_sets(
    library: Library,
    layouts: Layouts,
    sets: list[list[tuple[Job, str]]],
    finish: Finish,
    listener: Listener,
    workers: int,
) -> None:
    if workers <= 1 or len(sets) <= 1:
        for pending in sets:
            listener.started(pending[0][0])
            finish(pending, render_set(library, layouts, [job for job, _ in pending]))
        return
    # A fresh pool per batch recycles the workers (Python 3.11's max_tasks_per_child can hang).
    batch = workers * WORKER_SETS
    for start in range(0, len(sets), batch):
        pool = ProcessPoolExecutor(
            max_workers=workers,
            initializer=_start_worker,
            initargs=(library, layouts),
        )
        try:
            futures = {
                pool.submit(_render_in_worker, [job for job, _ in pending]): pending
                for pending in sets[start : start + batch]
            }
            for future in as_completed(futures):
                pending = futures[future]
                listener.started(pending[0][0])
                finish(pending, future.result())
        finally:  # on an error (a full disk), sets not yet started are dropped, not rendered
            pool.shutdown(wait=True, cancel_futures=True)


WORKER_SETS = 20
"""Sets (a guide's documents for one brand and language, about 8) a worker renders before it is
replaced by a fresh process, which keeps its memory in bounds."""
_WORKER: dict[str, object] = {}


def _start_worker(library: Library, layouts: Layouts) -> None:
    """Receive the checked content once per worker process (brands from a CSV included).

    Ctrl-C is the main process's to handle (it stops cleanly); a worker ends by itself when the
    main process is gone (killed by a CI's timeout or the OOM killer) instead of lingering.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    _WORKER["library"] = library
    _WORKER["layouts"] = layouts


def _end_with(parent: int) -> None:
    """End this worker process once its parent process is gone."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


PARENT_POLL = 0.5
"""Seconds between a worker's looks at whether its parent process still runs."""


def _render_in_worker(jobs: list[Job]) -> list[Outcome]:
    library, layouts = _WORKER["library"], _WORKER["layouts"]
    return render_set(library, layouts, jobs)  # type: ignore[arg-type]
