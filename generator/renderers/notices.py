"""Notices: what a renderer saw in a file it made that a reader would catch but that does not
stop the file, e.g. a guide's page left nearly empty, or a worksheet that spills onto a second
page. ``build`` reports them as warnings and ``validate --strict`` as problems.

A renderer calls :func:`notice`; whoever renders collects them with :func:`collected` (per
context, so two renders in two threads each see their own).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Notice = tuple[str, str]
"""The file it is about (its relative path in the output) and what was seen."""

_current: ContextVar[list[Notice] | None] = ContextVar("notices", default=None)


def notice(what: str, message: str) -> None:
    """Report something about the file ``what`` (nobody listening: it is dropped)."""
    collecting = _current.get()
    if collecting is not None and (what, message) not in collecting:
        collecting.append((what, message))


@contextmanager
def collected() -> Iterator[list[Notice]]:
    """Collect the notices of what is rendered inside the block."""
    found: list[Notice] = []
    token = _current.set(found)
    try:
        yield found
    finally:
        _current.reset(token)
