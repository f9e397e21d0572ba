"""What a server is allowed to do: every limit in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""This machine's own names."""


@dataclass(frozen=True)
class Settings:
    """A server's project, its exposure and its limits."""

    project: Path
    public: bool = False
    """Only the client's and the prospect's views: no previews, file listings or paths."""
    renders: int = 2
    """Renders at once (each takes a core)."""
    queue: int = 8
    """Renders waiting for one of those: more are answered 503 with Retry-After."""
    render_seconds: float = 60.0
    """How long one request's renders may take before it is answered 503."""
    upload_bytes: int = 20 * 1024 * 1024
    """The largest upload (a filled workbook or PDF), as ``import`` allows."""
    text_characters: int = 5_000
    """The longest value of one form field."""
    bodies: int = 8
    """Request bodies (forms, uploads) read at once: each is held in memory, so more are
    answered 503 with Retry-After."""
    body_seconds: float = 60.0
    """How long a client may take to send its form or upload (else 408)."""
    request_seconds: float = 20.0
    """How long a client may take to send a request's line and headers, counted from its
    connection or its previous response (else 408 and the connection is closed: a client
    trickling its headers, or connecting and sending nothing, cannot hold a connection)."""
    header_bytes: int = 16 * 1024
    """The most a request's line and headers may weigh (else 400)."""
    fields: int = 400
    """The most fields one form may send."""
    token_seconds: int = 24 * 3600
    """How long a form's CSRF token is good for."""
    connections: int = 200
    """Connections and requests at once (uvicorn's ``limit_concurrency``): more are answered
    503, so slow clients cannot hold every socket and task the process has."""
    broker: str | None = None
    """A Redis URL: renders go to the Celery workers there (``journeykit worker``), which
    write into :attr:`shared`; None: renders run in this process."""
    shared: Path | None = None
    """A folder at the same path on this machine and every worker's, where renders wait to be
    read (each in a folder of its own, removed once read)."""
    hosts: tuple[str, ...] = LOOPBACK
    """The names (a request's Host, without its port) the author's server answers to, so that
    a web page cannot rebind its own name to this machine and read the author's view; empty
    for any. Not checked with ``public``."""
