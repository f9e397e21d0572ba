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
from generator.model import Job, Library
from generator.output import write_atomic
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
) -> BuildResult:
    """Render and write every job below ``out``; failures are collected, not raised."""
    result = BuildResult()
    for job in jobs:
        on_start(job)
        try:
            data = render(library, layouts, job)
        except BuildError as exc:
            result.failed.append((job, str(exc)))
        else:
            path = out / job.relative_path()
            write_atomic(path, data)
            result.written.append(Written(job, path, len(data)))
        on_done(job)
    return result
