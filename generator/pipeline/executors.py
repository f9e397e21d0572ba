"""Executors: where tasks run. Any ``concurrent.futures.Executor`` will do; this module makes
the two a build uses by itself: :class:`Serial` (in this process, one task at a time) and
:func:`local_pool` (worker processes on this machine).

The local pool is the standard library's ``ProcessPoolExecutor`` with ``max_tasks_per_child``,
which replaces a worker after :data:`WORKER_SETS` sets should anything still grow. Its workers
start from a fork server that has imported the renderers once, receive the content snapshot
once, leave Ctrl-C to the coordinator, and end by themselves when the coordinator is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

from generator.layouts import Layouts
from generator.model import Library
from generator.pipeline.tasks import publish
from generator.processes import alive

T = TypeVar("T")
WORKER_SETS = 2000
"""Sets (a guide's documents for one brand and language, about 8) a worker renders before it is
replaced by a fresh process: a guard, not a habit. A worker's start and warm-up cost 2–3.5 s of
CPU, and a set now adds about 0.05 MiB to it (font configurations are reused, no cache keeps a
build's library), so workers live for the whole of a 1000-brand batch (as 20 sets, this was
one restart a worker every 20 s)."""
PARENT_POLL = 0.5
"""Seconds between a worker's looks at whether the coordinator still runs."""
PRELOADED = ["generator.renderers.pdf", "generator.renderers.docx", "generator.renderers.xlsx"]
"""Modules the fork server imports once, so that each fresh worker starts with them."""


class Serial(Executor):
    """Runs each task in this process as it is submitted."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # as a pool would: the caller finds it in the future
            future.set_exception(exc)
        return future


def local_pool(workers: int, snapshot: str, library: Library, layouts: Layouts) -> Executor:
    """Worker processes on this machine that know the snapshot ``snapshot``."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        max_tasks_per_child=WORKER_SETS,
        initializer=_start_worker,
        initargs=(os.getpid(), snapshot, library, layouts),
    )


def _start_worker(coordinator: int, snapshot: str, library: Library, layouts: Layouts) -> None:
    """Receive the snapshot once per worker process; leave Ctrl-C to the coordinator (it stops
    cleanly), and end when the coordinator is gone (killed by a CI's timeout or the OOM killer)
    instead of lingering."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(coordinator,), daemon=True).start()
    publish(snapshot, library, layouts)


def _end_with(coordinator: int) -> None:
    """End this worker process once the coordinator is gone (or the fork server it started,
    which ends with it)."""
    parent = os.getppid()
    while os.getppid() == parent and alive(coordinator):
        time.sleep(PARENT_POLL)
    os._exit(1)
