"""Output: the only module that writes files, each atomically (temporary file, then rename).

A reader never sees a half-written file: an interrupted build leaves the previous file or none.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from generator.processes import alive

TEMPORARY_MARK = "journeykit"
TEMPORARY = re.compile(rf"\..+\.{TEMPORARY_MARK}-(?P<pid>[0-9]+)-[a-z0-9_]{{8}}\.tmp")
"""A file being written: ``.<name>.journeykit-<pid>-<8 random>.tmp`` (``mkstemp``'s), beside
the file it becomes; only a name of this shape is ever removed as a killed build's."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    Raises :class:`OSError` naming ``path`` (a full disk, a read-only folder), leaving no file.
    """
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.{TEMPORARY_MARK}-{os.getpid()}-", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.chmod(temporary, 0o666 & ~current_umask())  # not mkstemp's 0600: as open() would
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """Re-raise an :class:`OSError` as one naming ``path`` (a full disk's names no file)."""
    try:
        yield
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def current_umask() -> int:
    """The process's umask (reading it means setting it: it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def remove_stale_temporaries(out: Path) -> None:
    """Delete the temporary files that a killed build left behind (named as
    :data:`TEMPORARY` says, their writing process gone); another build's files in the making,
    and every file a user put there (``notes.tmp``, ``.draft.tmp``), are left alone."""
    if out.is_dir():
        for stale in out.rglob(f".*.{TEMPORARY_MARK}-*.tmp"):
            found = TEMPORARY.fullmatch(stale.name)
            if found and not alive(int(found["pid"])) and stale.is_file():
                with suppress(OSError):  # a read-only folder: writing will say so
                    stale.unlink(missing_ok=True)
