"""Sinks: where a build's files go. A worker writes each file it renders through the sink it
was given and returns only the file's name, digest and size.

:class:`FolderSink` writes into an output folder (atomically, with its manifest beside the
files); :class:`MemorySink` keeps the bytes in memory for an in-process executor (the API's
``render``, a test). An object store would be a third.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from generator.output import remove_stale_temporaries, write_atomic
from generator.pipeline.manifest import Manifest


class Sink(Protocol):
    """Where rendered files are written, by their path relative to the output."""

    def begin(self) -> None:
        """Get ready for a build (clear what a killed one left)."""

    def write(self, name: str, data: bytes) -> None:
        """Store one file whole (never half-written)."""

    def location(self, name: str) -> Path:
        """Where the file ``name`` is, as a user would look for it."""

    def manifest(self) -> Manifest | None:
        """The record of what each stored file was made from (None: every file is made)."""


class FolderSink:
    """Files in an output folder, each written to a temporary name and renamed; the manifest
    lies beside them."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def begin(self) -> None:
        remove_stale_temporaries(self.out)

    def write(self, name: str, data: bytes) -> None:
        write_atomic(self.out / name, data)

    def location(self, name: str) -> Path:
        return self.out / name

    def manifest(self) -> Manifest:
        return Manifest(self.out)


class MemorySink:
    """Files kept in memory, by name (for an executor in this process)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def begin(self) -> None:
        pass

    def write(self, name: str, data: bytes) -> None:
        self.files[name] = data

    def location(self, name: str) -> Path:
        return Path(name)

    def manifest(self) -> None:
        return None
