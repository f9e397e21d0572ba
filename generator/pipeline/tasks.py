"""Tasks: what a worker receives and does. A task is small and names no path of the
coordinator's: the id of the content snapshot it renders from, one brand, its jobs with
their input digests, and any content the build made in memory (:class:`Added`). The worker
renders the set, writes each file through its sink and returns what it wrote: (name, digest,
size), or why a file failed.

A worker knows the snapshots published to it (:func:`publish`: the local pool hands it each
worker once at its start); a task whose snapshot it lacks fails rather than render from other
content.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.document import build_view
from generator.errors import BuildError
from generator.formats import rendering_order
from generator.layouts import Layouts
from generator.model import Brand, Example, Guide, Job, Library
from generator.pipeline.sink import Sink
from generator.renderers import Outcome, render_documents
from generator.renderers.notices import collected


@dataclass(frozen=True)
class Added:
    """Content a build made in memory that its snapshot's files do not hold (a client's filled
    worksheet as an example, and the client's guide): each task carries it."""

    examples: tuple[Example, ...] = ()
    guides: tuple[Guide, ...] = ()

    def onto(self, library: Library) -> Library:
        """The library with this content added."""
        if not self.examples and not self.guides:
            return library
        examples = {(e.framework, e.language, e.id): e for e in self.examples}
        guides = {(g.id, g.language): g for g in self.guides}
        return library.model_copy(
            update={
                "examples": {**library.examples, **examples},
                "guides": {**library.guides, **guides},
            }
        )


NOTHING_ADDED = Added()
"""A build whose content is all in its project's files."""


@dataclass(frozen=True)
class Task:
    """One set to render: a guide's documents for one language and brand."""

    snapshot: str
    brand: Brand
    jobs: list[tuple[Job, str]]
    """Each job and the digest of its inputs (recorded once its file is written)."""
    stamp: bool = False
    """Whether to stamp the set from this worker's template for its guide and brand's key
    (:mod:`generator.renderers.stamp`) rather than render it directly."""
    added: Added = NOTHING_ADDED


@dataclass(frozen=True)
class Done:
    """What became of one job of a task: its file's name, digest and size, or its error."""

    job: Job
    name: str
    digest: str
    size: int = 0
    error: str | None = None
    notices: tuple[str, ...] = ()
    """What the renderer saw that a reader would catch (a nearly empty page, a spill)."""
    unstamped: str | None = None
    """Why the set was rendered directly although the task asked for a stamp."""


_SNAPSHOTS: dict[str, tuple[Library, Layouts]] = {}


def publish(snapshot: str, library: Library, layouts: Layouts) -> None:
    """Make a snapshot of content and layouts known to this process's workers."""
    _SNAPSHOTS[snapshot] = (library, layouts)


def withdraw(snapshot: str) -> None:
    """Forget a snapshot (its build is over)."""
    _SNAPSHOTS.pop(snapshot, None)


def run(task: Task, sink: Sink) -> list[Done]:
    """Render a task's set and write its files through ``sink``."""
    found = _SNAPSHOTS.get(task.snapshot)
    if found is None:
        reason = f"this worker has no content snapshot {task.snapshot[:12]}"
        return [Done(job, str(job.relative_path()), d, error=reason) for job, d in task.jobs]
    library, layouts = found
    library = library.model_copy(update={"brands": {**library.brands, task.brand.id: task.brand}})
    library = task.added.onto(library)
    jobs = [job for job, _ in task.jobs]

    def direct() -> list[Outcome]:
        return render_set(library, layouts, jobs)

    why = None
    if task.stamp:  # WeasyPrint is loaded only when a set is rendered
        from generator.renderers.stamp import stamped

        outcomes, why = stamped(library, layouts, jobs, task.brand, direct, task.snapshot)
    else:
        outcomes = direct()
    done = []
    for (job, digest), (data, error, notices) in zip(task.jobs, outcomes, strict=True):
        name = str(job.relative_path())
        if data is None:
            done.append(Done(job, name, digest, error=error or "failed"))
        else:
            sink.write(name, data)
            done.append(Done(job, name, digest, len(data), notices=notices, unstamped=why))
    return done


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
            with collected() as notices:
                data = render_documents(views, layouts, made)
            made.update(zip(of_format, data, strict=True))
            for job, blob in zip(of_format, data, strict=True):
                about = str(job.relative_path())
                outcomes[job] = (blob, None, tuple(m for what, m in notices if what == about))
        except BuildError as exc:
            outcomes.update((job, (None, str(exc), ())) for job in of_format)
        except Exception as exc:  # a bug or a broken file: it fails this set, not the batch
            message = f"unexpected {type(exc).__name__}: {exc}"
            outcomes.update((job, (None, message, ())) for job in of_format)
    return [outcomes[job] for job in jobs]
