"""Building: load and validate everything, plan the jobs, render each, write it.

Nothing is written before the whole content has loaded without error; a job that fails to render
is reported and the others still build.
"""

from __future__ import annotations

from collections.abc import Callable
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
) -> BuildResult:
    """Render and write every job below ``out`` whose inputs changed; failures are collected."""
    result = BuildResult()
    remove_stale_temporaries(out)
    hasher = InputHasher(library, layouts.content_folders, layouts.folders)
    manifest = Manifest(out)
    for job in jobs:
        on_start(job)
        relative = job.relative_path()
        digest = hasher.job(job)
        if not force and manifest.is_current(relative, digest, out):
            result.current.append(job)
        else:
            try:
                data = render(library, layouts, job)
            except BuildError as exc:
                result.failed.append((job, str(exc)))
            else:
                write_atomic(out / relative, data)
                manifest.record(relative, digest)
                result.written.append(Written(job, out / relative, len(data)))
        on_done(job)
    return result
