"""Renders for requests: at most ``Settings.renders`` at once, at most ``Settings.queue``
waiting, each within ``Settings.render_seconds``; beyond that a request is told to come back
(:class:`Busy`, answered 503 with Retry-After) rather than the server falling over."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from generator.web.settings import Settings

T = TypeVar("T")
RETRY_SECONDS = 10
"""What a 503 asks the client to wait before trying again."""


class Busy(Exception):
    """Every render slot and queue place is taken, or the render took too long."""


class Renders:
    """A bounded pool of render threads shared by every request."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = ThreadPoolExecutor(settings.renders, thread_name_prefix="render")
        self.waiting = 0

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` on a render thread; :class:`Busy` when the queue is full or it is late."""
        if self.waiting >= self.settings.renders + self.settings.queue:
            raise Busy
        self.waiting += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self.pool, work)
            try:
                return await asyncio.wait_for(future, self.settings.render_seconds)
            except TimeoutError:
                raise Busy from None
        finally:
            self.waiting -= 1

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
