"""Building, in three steps: what is out of date (the manifest), execute (each set of a guide,
language and brand as a task on an executor, which writes through a sink), and collect (what
each task wrote, recorded in the manifest as it comes back).

Called by :mod:`generator.api` once the content has loaded without error and the jobs are
planned; a job that fails to render is reported and the others still build.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any, Protocol

from generator.document import build_view
from generator.layouts import Layouts
from generator.model import Brand, Job, Library
from generator.pipeline.executors import Serial, local_pool
from generator.pipeline.manifest import InputHasher, Manifest
from generator.pipeline.sink import Sink
from generator.pipeline.tasks import NOTHING_ADDED, Added, Done, Task, publish, run, withdraw
from generator.processes import check_interrupted


class Listener(Protocol):
    """What a front end hears of a build's progress (a progress bar, a server's log …)."""

    def planned(self, jobs: list[Job]) -> None:
        """The jobs the build will go through, before any is looked at (a batch tells them a
        client at a time, as it reads its list)."""

    def started(self, job: Job) -> None:
        """A job's set begins to render (or its file is found up to date)."""

    def finished(self, job: Job) -> None:
        """A job is done: written, up to date, or failed."""


EXPECTS = "expects"
"""A listener's optional method ``expects(rows: int)``: a batch calls it with the number of
rows of its client list before reading them (a progress bar's total)."""


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


@dataclass(frozen=True)
class Notice:
    """Something a renderer saw in a job's file that a reader would catch (a nearly empty
    page, a worksheet that spills onto a second page): the file is written all the same."""

    job: Job
    message: str


@dataclass
class Outcomes:
    """What became of each job of a build."""

    written: list[Written] = field(default_factory=list)
    current: list[Job] = field(default_factory=list)
    """Jobs whose file was already up to date, so nothing was rendered."""
    failed: list[Failure] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    """What the renderers saw in the files they wrote that a reader would catch."""
    interrupted: bool = False
    """Whether Ctrl-C stopped the build (what was finished before is written and recorded)."""
    stamped: set[str] = field(default_factory=set)
    """Brands whose sets were stamped from a template (:mod:`generator.renderers.stamp`)."""
    unstamped: dict[str, str] = field(default_factory=dict)
    """Brands that were to be stamped but were rendered directly, and why."""


def outdated(
    library: Library, hasher: InputHasher, jobs: list[Job], manifest: Manifest | None
) -> tuple[list[Job], list[list[tuple[Job, str]]]]:
    """The jobs whose files are up to date, and the others by set with their input digests
    (``manifest``: None to make every file)."""
    fresh: list[Job] = []
    sets: dict[tuple[str, str, str], list[tuple[Job, str]]] = {}
    for job in jobs:
        digest = hasher.digest(build_view(library, job))
        if manifest is not None and manifest.is_current(job.relative_path(), digest):
            fresh.append(job)
        else:
            sets.setdefault(job.set_key(), []).append((job, digest))
    return fresh, list(sets.values())


def execute(
    tasks: Iterable[Task],
    executor: Executor,
    sink: Sink,
    window: int,
    starting: Callable[[Task], None] = lambda task: None,
) -> Iterator[tuple[Task, Future[list[Done]]]]:
    """Run the tasks on ``executor``, at most ``window`` at a time, each writing through
    ``sink`` (``starting`` hears each as it is handed over); yield each with its future as it
    finishes. Stopping early (Ctrl-C, a full disk) submits nothing more and cancels what has
    not started."""
    waiting = iter(tasks)
    running: dict[Future[list[Done]], Task] = {}
    try:
        while True:
            while len(running) < window and (task := next(waiting, None)) is not None:
                check_interrupted()
                starting(task)
                running[executor.submit(run, task, sink)] = task
            if not running:
                return
            finished: set[Future[list[Done]]] = set()
            while not finished:  # a Ctrl-C Python swallowed is heard within a second
                check_interrupted()
                finished, _ = wait(running, timeout=1, return_when=FIRST_COMPLETED)
            for future in finished:
                yield running.pop(future), future
    finally:
        for future in running:
            future.cancel()


def build(
    library: Library,
    layouts: Layouts,
    jobs: list[Job],
    sink: Sink,
    listener: Listener | None = None,
    force: bool = False,
    workers: int = 1,
    executor: Executor | None = None,
    stamp: bool | None = None,
    added: Added = NOTHING_ADDED,
) -> Outcomes:
    """Render and write every job whose inputs changed through ``sink``; failures are collected.

    Jobs of one guide, language and brand are one task. Tasks run on ``executor`` when one is
    given (it must share this process's memory, as a thread pool does, or know the snapshot);
    otherwise in this process, or with several ``workers`` in the local process pool (handed
    one task per free worker, see :mod:`~generator.pipeline.executors`). The coordinator alone
    records what was written. Sets are stamped from a template per worker (:func:`stamping`)
    when ``stamp`` is True, not when False, and by default when enough brands share it.
    ``added``: what of ``library`` was made in memory, not read from the project's files (a
    worker elsewhere gets it with each task).
    """
    listener = listener or Silent()
    listener.planned(jobs)
    brands = ((library.brands[planned[0].brand], planned) for planned in by_set(jobs))
    return build_brands(
        library, layouts, brands, sink, listener, force, workers, executor, stamp, added
    )


def build_brands(
    library: Library,
    layouts: Layouts,
    brands: Iterable[tuple[Brand, list[Job]]],
    sink: Sink,
    listener: Listener | None = None,
    force: bool = False,
    workers: int = 1,
    executor: Executor | None = None,
    stamp: bool | None = None,
    added: Added = NOTHING_ADDED,
) -> Outcomes:
    """:func:`build` of each brand's jobs (all, or some) as they come (a batch's clients, read
    one by one): each brand's files are checked against the manifest, its sets handed to the
    workers and the results collected while the next brands are still being read, so memory
    holds the brands in flight, not the whole list. ``library`` need not hold the brands. An
    executor given (a thread pool, Celery's workers) receives every task at once, as before."""
    listener = listener or Silent()
    result = Outcomes()
    sink.begin()
    hasher = InputHasher(library, layouts)
    manifest = sink.manifest()
    current = None if force else manifest
    snapshot = hasher.snapshot()
    shared = library.model_copy(update={"brands": {}})  # each task carries its own brand

    def planned() -> Iterator[tuple[Task, bool]]:
        """Each set, and whether it is to be made (a set whose files are current is counted
        by :func:`stamping`, so a rerun decides as the first run did)."""
        for brand, jobs in brands:
            own = library.model_copy(update={"brands": {**library.brands, brand.id: brand}})
            fresh, sets = outdated(own, hasher, jobs, current)
            for job in fresh:
                result.current.append(job)
                listener.finished(job)
            for made in by_set(fresh):
                yield Task(snapshot, brand, [(job, "") for job in made], added=added), False
            for pending in sets:
                yield Task(snapshot, brand, pending, added=added), True

    tasks: Iterable[Task]
    if stamp is False:
        tasks = (task for task, to_make in planned() if to_make)
    else:
        tasks = stamping(planned(), layouts, 1 if stamp else STAMP_FROM)
    own = executor is None
    try:
        if own:
            head = list(islice(tasks, 2))  # one task is rendered here, without a pool
            tasks = chain(head, tasks)
            many = workers > 1 and len(head) > 1
            executor = local_pool(workers, snapshot, shared, layouts) if many else Serial()
            window = workers
        elif hasattr(executor, "window"):  # it takes tasks as they come, so many at a time
            head = list(islice(tasks, 1))
            tasks = chain(head, tasks)
            window = executor.window
            if head and hasattr(executor, "publish"):  # its workers need the content sent
                executor.publish()
        else:  # a given executor queues what it receives: it gets every task at once
            tasks = list(tasks)
            window = len(tasks)
        publish(snapshot, shared, layouts)
        started = listener.started
        for task, future in execute(tasks, executor, sink, window, lambda t: started(t.jobs[0][0])):
            for done in future.result():
                if done.error is not None:
                    result.failed.append(Failure(done.job, done.error))
                else:
                    if manifest is not None:
                        manifest.record(done.name, done.digest)
                    result.written.append(Written(done.job, sink.location(done.name), done.size))
                    result.notices += [Notice(done.job, message) for message in done.notices]
                if task.stamp and done.error is None:
                    if done.unstamped is None:
                        result.stamped.add(done.job.brand)
                    else:
                        result.unstamped[done.job.brand] = done.unstamped
                listener.finished(done.job)
    except KeyboardInterrupt:  # Ctrl-C: keep what is finished, report it, start nothing more
        result.interrupted = True
    finally:
        withdraw(snapshot)
        if own and executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if manifest is not None:
            manifest.close()
    return result


STAMP_FROM = 4
"""Brands that must share a template in a build for stamping to pay (the first brand of each
template in each worker is rendered twice, directly and stamped, to check the template)."""
STAMP_AHEAD = 64
"""Sets read ahead of the one handed over to decide whether it is stamped: a build of fewer
decides with all of them, as if the list were whole; a longer batch counts the templates'
brands as it goes (the first few brands of a rare template may then be rendered directly).
Sets whose files are current count too, so a rerun of the same list decides alike."""
UNCOUNTED = 4096
"""Current sets kept before their templates are counted (which loads the renderers: a rebuild
with nothing to make does not)."""


def stamping(
    planned: Iterable[tuple[Task, bool]],
    layouts: Layouts,
    least: int = STAMP_FROM,
    ahead: int = STAMP_AHEAD,
) -> Iterator[Task]:
    """The sets to make (those planned with True), each marked to be stamped when its brand
    shares its set's template with at least ``least`` brands of the build (those made or
    current, seen so far and in the next ``ahead``). The decision for a set never depends on
    which sets were current, so a brand's files are the same bytes whether a batch ran whole
    or was killed and run again."""
    sharing: Counter[Hashable] = Counter()
    window: deque[list[Any]] = deque()  # [task, to make, its key once counted]
    uncounted: list[list[Any]] = []

    def count() -> None:
        from generator.renderers.stamp import set_key  # loads the renderers

        for entry in uncounted:
            task = entry[0]
            entry[2] = set_key(task.brand, [job for job, _ in task.jobs], layouts)
            sharing[entry[2]] += 1
        uncounted.clear()

    def decided(entry: list[Any]) -> Task | None:
        task, to_make, _ = entry
        if not to_make:
            return None
        if uncounted:
            count()
        return replace(task, stamp=True) if sharing[entry[2]] >= least else task

    for task, to_make in planned:
        entry = [task, to_make, None]
        window.append(entry)
        uncounted.append(entry)
        if len(uncounted) > UNCOUNTED:
            count()
        if len(window) > ahead and (made := decided(window.popleft())) is not None:
            yield made
    while window:
        if (made := decided(window.popleft())) is not None:
            yield made


def by_set(jobs: list[Job]) -> list[list[Job]]:
    """Jobs grouped by their set (guide, language, brand), in order."""
    sets: dict[tuple[str, str, str], list[Job]] = {}
    for job in jobs:
        sets.setdefault(job.set_key(), []).append(job)
    return list(sets.values())
