"""Renders for requests: at most ``Settings.renders`` at once, at most ``Settings.queue``
waiting, each answered within ``Settings.render_seconds``; beyond that a request is told to
come back (:class:`Busy`, answered 503 with Retry-After) rather than the server falling over.

A Python thread cannot be stopped: a render past its time is no longer waited for, but it
keeps its thread until it ends. Its place stays taken until then, so the renders running and
waiting never exceed ``renders + queue``, however many requests gave up on theirs.

PDFium (pypdfium2) is not thread-safe: whoever opens a PDF with it holds :data:`PDFIUM`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from generator.web.settings import Settings

T = TypeVar("T")
RETRY_SECONDS = 10
"""What a 503 asks the client to wait before trying again."""
PDFIUM = threading.Lock()
"""One thread at a time uses PDFium (a PDF's pages as images, a cover)."""


class Busy(Exception):
    """Every render slot and queue place is taken, or the render took too long."""


class Renders:
    """A bounded pool of render threads shared by every request."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = ThreadPoolExecutor(settings.renders, thread_name_prefix="render")
        self.taken = 0
        """Renders running or waiting, including those whose request stopped waiting."""
        self._lock = threading.Lock()

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` on a render thread; :class:`Busy` when the queue is full or it is late."""
        with self._lock:
            if self.taken >= self.settings.renders + self.settings.queue:
                raise Busy
            self.taken += 1
        try:
            future = self.pool.submit(work)
        except RuntimeError:  # the pool is shut down: the server is stopping
            self._release(None)
            raise Busy from None
        future.add_done_callback(self._release)  # ran, failed or was cancelled unstarted
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.settings.render_seconds)
        except TimeoutError:
            raise Busy from None

    def _release(self, _: Future[Any] | None) -> None:
        with self._lock:
            self.taken -= 1

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
