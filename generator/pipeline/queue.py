"""Past one machine: sets rendered by Celery workers, with Redis as the broker.

:class:`CeleryExecutor` is an executor like the local pool: the build hands it its tasks and
waits on their futures, taking them as the build plans them (at most :data:`WINDOW` sets out at
once, so a list of 100 000 clients is never held whole). It sends them to Redis in chunks of
sets (so that a message's overhead stays a few percent of its work), publishes the build's
content snapshot once and each brand's own files once (:mod:`~generator.pipeline.snapshots`),
and hears each set's outcome on a list of its own.
``journeykit worker`` (:func:`serve_worker`) runs a Celery worker whose processes render the
sets they receive into the output folder every machine mounts at the same path, and push
(name, digest, size) back; the coordinator records them in the manifest as it does for the pool.

Settings fit long, memory-hungry tasks: late acknowledgement with a message put back when its
worker dies, one message prefetched, a time limit per message, processes recycled by memory. A
set is idempotent (its files are written atomically under their names, its outcome counted
once), and one that has started :data:`MAX_TRIES` times without finishing (its worker died each
time) is marked failed rather than tried for ever.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.model import Example, Guide, Job
from generator.pipeline import snapshots
from generator.pipeline.executors import PRELOADED
from generator.pipeline.sink import FolderSink
from generator.pipeline.tasks import NOTHING_ADDED, Added, Done, Task, publish, run
from generator.project import Project

QUEUE = "journeykit"
CHUNK = 8
"""Sets a message carries at most (about half a second of work for stamped sets)."""
TAIL = 16
"""Towards a build's end a message carries at most 1/TAIL of the sets not yet sent (down to
one), so the workers finish together rather than one working through a full message alone."""
MAX_TRIES = 3
"""Times a set may start without finishing (its worker killed) before it is marked failed."""
TIME_LIMIT = 600
"""Seconds a message may take before its worker process is killed (and the message retried)."""
VISIBILITY_TIMEOUT = 3600
"""Seconds after which a message a vanished worker took is handed to another (Redis)."""
MAX_MEMORY_MIB = 600
"""A worker process above this after a message is replaced by a fresh one."""
RESULTS = "journeykit:results:{}"
CANCELLED = "journeykit:cancelled:{}"
TRIES = "journeykit:tries:{}"
KEPT_SECONDS = 24 * 3600
REDIS_RETRIES = 40
"""Tries of a Redis call (backing off to 2 s): about a minute for Redis to come back."""
STALLED_AFTER = TIME_LIMIT + 60
"""Seconds without any set coming back, while some are out, after which a build gives up on
them (no worker is left, or Redis lost the queue)."""
WINDOW = 1024
"""Sets a build has out on the queue at most (sent or about to be): enough to keep a hundred
worker processes busy, while the coordinator plans the rest as they go."""
SEND_AFTER = 0.05
"""Seconds a chunk that is not full waits for more sets before it is sent."""


def make_app(broker: str, visibility_timeout: int = VISIBILITY_TIMEOUT) -> Any:
    """The Celery application on ``broker`` (``redis://host:port/db``)."""
    from celery import Celery

    app = Celery("journeykit", broker=broker)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_time_limit=TIME_LIMIT,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_max_memory_per_child=MAX_MEMORY_MIB * 1024,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_pool_limit=None,  # a connection per use: none left stale by a restarted Redis
        broker_transport_options={
            "visibility_timeout": visibility_timeout,
            "health_check_interval": 2,
        },
    )
    app.task(name="journeykit.render_sets", bind=True)(_render_sets)
    return app


def redis_client(broker: str) -> Any:
    """A Redis client that rides out a restart: each call is retried for about a minute."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        broker,
        socket_timeout=30,
        socket_connect_timeout=5,
        health_check_interval=10,
        retry=Retry(ExponentialBackoff(cap=2, base=0.1), REDIS_RETRIES),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
    )


# The worker's side -----------------------------------------------------------------------------


def _render_sets(task: Any, message: dict[str, Any]) -> None:
    """Render each set of a message into the shared output folder and push its outcome."""
    redis = _redis(task.app.conf.broker_url)
    results = RESULTS.format(message["build"])
    sink = FolderSink(Path(message["out"]))
    for item in message["sets"]:
        if redis.exists(CANCELLED.format(message["build"])):
            return
        tries = redis.incr(TRIES.format(item["id"]))
        redis.expire(TRIES.format(item["id"]), KEPT_SECONDS)
        if tries > MAX_TRIES:
            reason = f"its worker died each of the {MAX_TRIES} times it was rendered"
            _push(redis, results, item["id"], _failed(item, reason))
            continue
        try:
            root = _snapshot(redis, message["archive"], message["snapshot"])
            if item.get("files"):
                folder = _inside(root, str(item["brand"]["folder"]))
                snapshots.fetch_files(redis, item["files"], folder)
        except snapshots.SnapshotMissing as exc:
            _push(redis, results, item["id"], _failed(item, f"{exc}; the worker refused it"))
            continue
        own = Task(
            message["snapshot"],
            snapshots.local(item["brand"], root),
            [(Job.model_validate(job), digest) for job, digest in item["jobs"]],
            item["stamp"],
            _added_from(item.get("added")),
        )
        _crash_for_tests(own)
        _push(
            redis, results, item["id"], [_plain(done, i) for i, done in enumerate(run(own, sink))]
        )


def _inside(root: Path, folder: str) -> Path:
    """A brand's folder of carried files in the snapshot (never outside it)."""
    path = (root / folder).resolve()
    if not path.is_relative_to(root.resolve() / snapshots.CLIENTS):
        raise snapshots.SnapshotMissing(f"the brand's folder {folder!r} is not in the snapshot")
    return path


_loaded: dict[str, Path] = {}


@lru_cache(maxsize=2)
def _redis(broker: str) -> Any:
    """This worker process's Redis client (one connection pool for every message)."""
    return redis_client(broker)


def _snapshot(redis: Any, archive: str, snapshot: str) -> Path:
    """Where the build's files are in this worker (the archive fetched and unpacked once a
    process), its content published to :mod:`~generator.pipeline.tasks` under the
    snapshot's id. Two builds of the same content with other clients' logos share the
    snapshot, not the archive."""
    if archive not in _loaded:
        cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "journeykit"
        root, library, layouts = snapshots.fetch(redis, archive, cache)
        publish(snapshot, library.model_copy(update={"brands": {}}), layouts)
        _loaded[archive] = root
    return _loaded[archive]


def _crash_for_tests(task: Task) -> None:
    """Kill this worker process when it renders the brand ``JOURNEYKIT_CRASH_BRAND`` names (how
    the tests make a brand that crashes its worker every time)."""
    if task.brand.id == os.environ.get("JOURNEYKIT_CRASH_BRAND"):
        os._exit(70)


def _added_from(data: dict[str, list[Any]] | None) -> Added:
    """A task's content made in memory, as the coordinator sent it (:func:`_added`)."""
    if not data:
        return NOTHING_ADDED
    examples = tuple(Example.model_validate(e) for e in data.get("examples", []))
    return Added(examples, tuple(Guide.model_validate(g) for g in data.get("guides", [])))


def _plain(done: Done, index: int) -> dict[str, Any]:
    return {
        "job": index,
        "name": done.name,
        "digest": done.digest,
        "size": done.size,
        "error": done.error,
        "notices": list(done.notices),
        "unstamped": done.unstamped,
    }


def _failed(item: dict[str, Any], reason: str) -> list[dict[str, Any]]:
    return [
        {"job": i, "name": "", "digest": digest, "size": 0, "error": reason}
        for i, (_, digest) in enumerate(item["jobs"])
    ]


def _push(redis: Any, results: str, set_id: str, done: list[dict[str, Any]]) -> None:
    redis.rpush(results, json.dumps({"id": set_id, "done": done}))
    redis.expire(results, KEPT_SECONDS)


def serve_worker(
    broker: str, concurrency: int, visibility_timeout: int = VISIBILITY_TIMEOUT
) -> None:
    """Run a Celery worker with ``concurrency`` processes until it is stopped (the renderers
    imported once, before its processes are forked)."""
    for module in PRELOADED:
        importlib.import_module(module)
    app = make_app(broker, visibility_timeout)
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            f"--queues={QUEUE}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "-O",
            "fair",
        ]
    )


# The coordinator's side ------------------------------------------------------------------------


@dataclass
class _Pending:
    task: Task
    future: Future[list[Done]]


class NoWorkers(Exception):
    """No worker answers at the broker."""


PING_SECONDS = 10.0
"""How long a build waits for a worker to answer before saying none listens."""


class CeleryExecutor(Executor):
    """Sets sent to Celery workers through Redis; each future resolves when its set's outcome
    comes back. Only :func:`~generator.pipeline.tasks.run` with a :class:`FolderSink` can be
    submitted: the workers write into the same folder."""

    def __init__(self, broker: str, root: Path, chunk: int = CHUNK) -> None:
        self.broker, self.root, self.chunk = broker, root, chunk
        self.bundled = Project.at(root).font_families
        """The families every worker has (shipped or in the project): not carried."""
        import redis

        redis.Redis.from_url(broker, socket_connect_timeout=3, socket_timeout=3).ping()  # now
        self.app = make_app(broker)
        self.redis = redis_client(broker)
        self.build = uuid.uuid4().hex
        self.results = RESULTS.format(self.build)
        self.pending: dict[str, _Pending] = {}
        self.waiting: list[tuple[str, Task]] = []
        self.out: Path | None = None
        self.archive = ""
        """The id of the build's archive in Redis (its files' hash)."""
        self.unsent: int | None = None
        """About how many sets the build has yet to send (None: not known)."""
        self.window = WINDOW
        self.files: dict[str, str] = {}
        """The archive of each brand folder of carried files published (by the folder)."""
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.stalled_after = STALLED_AFTER
        self.listener = threading.Thread(target=self._listen, daemon=True)
        self.listener.start()

    def expect(self, sets: int) -> None:
        """Hear about how many sets the build will send: messages shrink towards its end."""
        with self.lock:
            self.unsent = sets

    def publish(self) -> None:
        """Store the project's content and layouts in Redis for the workers (they load it from
        those files, as the coordinator did); :class:`NoWorkers` when no worker answers."""
        answers = self.app.control.broadcast("ping", reply=True, limit=1, timeout=PING_SECONDS)
        if not answers:
            raise NoWorkers(
                f"no worker listens at {self.broker}: start one on each machine with "
                f"'journeykit worker --broker {self.broker}'"
            )
        self.archive = snapshots.publish(self.redis, snapshots.pack(self.root))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        task, sink = args
        if fn is not run or not isinstance(sink, FolderSink) or kwargs:
            raise TypeError("a CeleryExecutor runs tasks into an output folder only")
        future: Future[list[Done]] = Future()
        set_id = uuid.uuid4().hex
        with self.lock:
            self.out = sink.out.resolve()
            self.pending[set_id] = _Pending(task, future)
            self.waiting.append((set_id, task))
            if len(self.waiting) >= self._chunk():
                self._send()
            elif len(self.waiting) == 1:  # a short chunk goes after a moment without more
                threading.Timer(SEND_AFTER, self._send_rest).start()
        return future

    def _chunk(self) -> int:
        """Sets the next message carries (the lock is held)."""
        if self.unsent is None or self.unsent <= 0:  # not known, or the guess fell short
            return self.chunk
        return max(1, min(self.chunk, self.unsent // TAIL))

    def _send_rest(self) -> None:
        with self.lock:
            self._send()

    def _send(self) -> None:
        """Send what is waiting as one message (the lock is held). A set whose brand's files
        cannot be read fails alone; when the message cannot be sent, its sets' futures say
        why (the build hears it, even from the timer's thread)."""
        waiting, self.waiting = self.waiting, []
        sets = []
        for set_id, task in waiting:
            try:
                sets.append(self._item(set_id, task))
            except OSError as exc:
                reason = f"cannot read {exc.filename or 'a file of its brand'}: {exc.strerror}"
                self.pending.pop(set_id).future.set_result(_failed_sets(task, reason))
        if self.unsent is not None:
            self.unsent -= len(waiting)
        if not sets:
            return
        message = {
            "build": self.build,
            "snapshot": waiting[0][1].snapshot,
            "archive": self.archive,
            "out": str(self.out),
            "sets": sets,
        }
        try:
            self.app.send_task("journeykit.render_sets", args=[message], queue=QUEUE)
        except Exception as exc:  # Redis gone: the build stops with one line
            for item in sets:
                self.pending.pop(item["id"]).future.set_exception(exc)

    def _item(self, set_id: str, task: Task) -> dict[str, Any]:
        """A set as a message carries it (its brand's files outside the project published
        once)."""
        found = snapshots.carried(task.brand, self.root, self.bundled)
        return {
            "id": set_id,
            "brand": snapshots.portable(task.brand, self.root, found),
            "files": self._files(found),
            "jobs": [[_job(job), digest] for job, digest in task.jobs],
            "stamp": task.stamp,
            "added": _added(task.added),
        }

    def _files(self, found: snapshots.Carried) -> str | None:
        """The archive of a brand's files outside the project, published once (None when the
        project holds them all)."""
        if found is None:
            return None
        folder, files = found
        if folder not in self.files:
            self.files[folder] = snapshots.publish(self.redis, snapshots.pack_files(files))
        return self.files[folder]

    def _listen(self) -> None:
        """Resolve each future as its set's outcome comes back (once: a set a dead worker had
        started may come back twice); give up on what is out once nothing came back for
        :data:`STALLED_AFTER` seconds."""
        heard = time.monotonic()
        while not self.stopped.is_set():
            try:
                found = self.redis.blpop(self.results, timeout=1)
            except Exception:  # Redis went away for longer than the client's retries
                found = None
                self.stopped.wait(1)
            if found is None:
                if time.monotonic() - heard > self.stalled_after:
                    self._give_up()
                    heard = time.monotonic()
                continue
            heard = time.monotonic()
            outcome = json.loads(found[1])
            with self.lock:
                pending = self.pending.pop(outcome["id"], None)
            if pending is None or pending.future.done():
                continue
            jobs = [job for job, _ in pending.task.jobs]
            pending.future.set_result([_done(jobs, item) for item in outcome["done"]])

    def _give_up(self) -> None:
        """Fail every set still out: nothing has come back for too long."""
        minutes = round(self.stalled_after / 60)
        with self.lock:
            pending, self.pending = self.pending, {}
        for item in pending.values():
            jobs = [job for job, _ in item.task.jobs]
            reason = f"no worker sent a set back for {minutes} minutes; run the batch again"
            if not item.future.done():
                item.future.set_result(
                    [
                        Done(job, str(job.relative_path()), d, error=reason)
                        for job, (_, d) in zip(jobs, item.task.jobs, strict=True)
                    ]
                )

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop listening; with ``cancel_futures``, tell the workers to drop this build's sets
        they have not started."""
        if cancel_futures:
            self.redis.set(CANCELLED.format(self.build), 1, ex=KEPT_SECONDS)
            with self.lock:
                for pending in self.pending.values():
                    pending.future.cancel()
        self.stopped.set()
        if wait:
            self.listener.join(timeout=5)


def _added(added: Added) -> dict[str, list[Any]] | None:
    """A task's content made in memory as JSON (none for most builds)."""
    if added is NOTHING_ADDED:
        return None
    return {
        "examples": [e.model_dump(mode="json") for e in added.examples],
        "guides": [g.model_dump(mode="json") for g in added.guides],
    }


def _job(job: Job) -> dict[str, Any]:
    return {**job.model_dump(mode="json"), "prepared_for": job.prepared_for}


def _failed_sets(task: Task, reason: str) -> list[Done]:
    """A set that could not be sent, each of its files failed for ``reason``."""
    return [Done(job, str(job.relative_path()), digest, error=reason) for job, digest in task.jobs]


def _done(jobs: list[Job], item: dict[str, Any]) -> Done:
    job = jobs[item["job"]]
    return Done(
        job,
        item["name"] or str(job.relative_path()),
        item["digest"],
        item["size"],
        item["error"],
        tuple(item.get("notices", ())),
        item.get("unstamped"),
    )
