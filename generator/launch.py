"""The ``journeykit`` command: the quick up-to-date check first, the full command line after.

A repeated build with nothing changed is answered here, before the content is loaded or any
library beyond Python's own is imported. Here too the process decides what reaches the
terminal: a character the terminal's encoding lacks is printed as ``?`` (never an
UnicodeEncodeError), a standard output that cannot be written (a full disk) is one line on
stderr and exit code 1, and the libraries' own log lines (pypdf's on a damaged client PDF)
are not printed beside ours.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import sys

from generator.processes import remember_interrupts

EXIT_UNWRITABLE = 1
"""Exit code when the standard output cannot be written (as for a build that failed)."""
QUIET_LIBRARIES = ("pypdf",)
"""Libraries whose log lines are not for the user: each problem they survive is either
harmless or reported by journeykit in its own words."""


def main() -> None:
    """Run ``journeykit``; Ctrl-C while it starts ends it with one line and exit code 130."""
    _terminal()
    remember_interrupts()
    try:
        try:
            _run(sys.argv[1:])
        finally:  # what is still buffered fails here, not in Python's flush at exit
            if sys.stdout is not None:
                sys.stdout.flush()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except UnwritableOutput as exc:
        null = os.open(os.devnull, os.O_WRONLY)  # so that Python's flush at exit says no more
        os.dup2(null, exc.fd)
        os.close(null)
        sys.stderr.write(f"error: the standard output cannot be written: {exc.strerror}\n")
        sys.exit(EXIT_UNWRITABLE)


class UnwritableOutput(OSError):
    """The standard output refused what was printed (a full disk, a quota, an I/O error)."""

    def __init__(self, fd: int, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause))
        self.fd = fd


class _StandardOutput(io.FileIO):
    """The standard output's file, telling its own failures from any other file's."""

    def write(self, data: object) -> int | None:  # type: ignore[override]
        try:
            return super().write(data)  # type: ignore[arg-type]
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # a reader that left (| head): click ends quietly
                raise
            raise UnwritableOutput(self.fileno(), exc) from None


def _terminal() -> None:
    """The standard output and error print what their encoding lacks as ``?``, the standard
    output's failures are :class:`UnwritableOutput`, and libraries' logs are kept quiet."""
    stdout = sys.stdout
    try:
        fd = stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (an embedding's own stream)
        fd = -1
    if isinstance(stdout, io.TextIOWrapper) and fd >= 0:
        stdout.flush()
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(_StandardOutput(fd, "w", closefd=False)),
            encoding=stdout.encoding,
            errors="replace",
            line_buffering=stdout.line_buffering,
        )
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    for name in QUIET_LIBRARIES:
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())  # not Python's last-resort handler (stderr)
        logger.propagate = False


def _run(argv: list[str]) -> None:
    from pathlib import Path  # imported here, so that Ctrl-C while importing is caught too

    from generator.quick import up_to_date

    counts = up_to_date(argv, Path.cwd())
    if counts is None:
        from generator.cli import main as full

        full()
        return
    if argv[0] == "batch":
        print(f"{counts['brands']} brand(s), {counts['files']} file(s)")
    print(f"0 written, {counts['files']} up to date (use --force to rebuild them)")
