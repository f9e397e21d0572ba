"""The HTTP server under the web front: uvicorn, with this site's limits on connections and on
clients that send slowly.

uvicorn waits for a request's line and headers for as long as a client cares to send them (a
"slowloris" client sends a byte every few seconds and keeps its connection for ever), and an
idle connection before its first request is never closed: a few hundred of them take every
connection the server allows. :class:`DeadlineProtocol` gives each request
``Settings.request_seconds`` to arrive, counted from the connection or the previous response;
a request's body is then the application's to time (``Settings.body_seconds``, 408).
"""

from __future__ import annotations

import asyncio

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from generator.web.app import MESSAGES, create_app
from generator.web.settings import Settings

_WORDS = MESSAGES[408].encode()
TOO_SLOW = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_WORDS), _WORDS)
)
"""What a client whose request's headers did not arrive in time is told before its connection
is closed (the site's 408 words as plain text: the request was never read, so no page)."""


class DeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose next request's line and headers
    have not all arrived :attr:`request_seconds` after the connection was made or the previous
    response was sent (a body left unsent after that response counts against the same time)."""

    request_seconds: float = 20.0

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        scope = self.scope
        super().data_received(data)
        if self.scope is not scope:  # a request's headers arrived: the app takes it from here
            self._disarm()

    def on_response_complete(self) -> None:
        scope = self.scope
        self._arm()
        super().on_response_complete()
        if self.scope is not scope:  # a pipelined request was already waiting
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        """Time is up: a request begun is told 408, then the connection is closed."""
        self._deadline = None
        if self.transport.is_closing():
            return
        waiting, _ = self.conn.trailing_data
        if self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE and waiting:
            self.transport.write(TOO_SLOW)
        self.transport.close()


def run(settings: Settings, host: str, port: int) -> None:
    """Serve ``settings.project`` on ``host:port`` until stopped."""
    protocol = type("Deadline", (DeadlineProtocol,), {"request_seconds": settings.request_seconds})
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        http=protocol,
        limit_concurrency=settings.connections,
        h11_max_incomplete_event_size=settings.header_bytes,
    )
