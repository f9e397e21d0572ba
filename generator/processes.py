"""Processes: whether one still runs (a build's temporary files, a worker's coordinator), how
many workers this machine can take, and a Ctrl-C that must not be lost."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

_interrupted = threading.Event()


def remember_interrupts() -> None:
    """Make Ctrl-C raise :class:`KeyboardInterrupt` as usual and also be remembered: one that
    lands where Python ignores exceptions (a weak reference's or a finaliser's callback, which
    only prints "Exception ignored") still stops a build at its next :func:`check_interrupted`.
    For a command's main thread; a server keeps Python's own handling. Python's "Exception
    ignored" report of such a Ctrl-C (a traceback) is not printed."""
    signal.signal(signal.SIGINT, _interrupt)
    shown = sys.unraisablehook

    def quiet(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            shown(unraisable)

    sys.unraisablehook = quiet


def _interrupt(signum: int, frame: object) -> None:
    _interrupted.set()
    raise KeyboardInterrupt


def check_interrupted() -> None:
    """Raise :class:`KeyboardInterrupt` if Ctrl-C was pressed, even if it was swallowed."""
    if _interrupted.is_set():
        raise KeyboardInterrupt


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs; a zombie (ended, not yet reaped by its parent) does not."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another user's process
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


WORKER_MEMORY = 256 * 1024 * 1024
"""What one worker process of the local pool may take while it renders (the largest measured
grew to 194 MiB over a batch of 1000 brands, see bench/README.md), with room to spare."""


def workers_for(asked: int) -> tuple[int, str]:
    """How many worker processes to start when ``asked`` for: at most one per core (rendering
    is bound by the processor, so more only take memory) and as many as the available memory
    holds; with a line saying why, when fewer than asked."""
    cores = _cores()
    free = available_memory()
    by_memory = max(1, free // WORKER_MEMORY) if free is not None else asked
    usable = max(1, min(asked, cores, by_memory))
    if usable >= asked:
        return asked, ""
    memory = f", {free / 1024**3:.1f} GB free" if free is not None else ""
    return usable, f"--jobs {asked}: using {usable} ({cores} core{'s' * (cores != 1)}{memory})"


def _cores() -> int:
    """The processor cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def available_memory() -> int | None:
    """Bytes of memory that can be taken without swapping (Linux's MemAvailable), or None
    when the system does not say."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
