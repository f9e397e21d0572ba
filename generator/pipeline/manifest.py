"""Incremental builds: the hash of every input of every output, kept beside the output.

An output is up to date when its file exists and the hash of its inputs (the content files its
view was made from, as loading read them; the brand, its logo and font files; the layouts and
journeykit's version) equals the hash the manifest recorded when it was written. Every file
written is recorded at once, so a build that is interrupted and started again goes on where it
stopped; builds and workers writing into one folder at once share the manifest safely.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import suppress
from functools import cached_property
from pathlib import Path

from generator import __version__
from generator.document import DocumentView
from generator.fonts import family_files
from generator.layouts import Layouts
from generator.logo import logo_path
from generator.model import Brand, Library
from generator.output import naming

MANIFEST_NAME = ".journeykit-manifest.sqlite"
LEGACY_NAME, LEGACY_JOURNAL = ".journeykit-manifest.json", ".journeykit-manifest.journal"
"""journeykit 0.1's manifest and its journal, taken over on first use."""
BUSY_SECONDS = 60
"""How long a build waits for another writing the manifest at the same moment."""


class InputHasher:
    """Hashes what a document is made from; each file is read once per build.

    Content files are taken as loading read them (their hash is in the library); the brand's
    logo and own font files, and every file of the layouts folders, are read here.
    """

    def __init__(self, library: Library, layouts: Layouts) -> None:
        self.library = library
        self.layouts = layouts
        self.files: dict[Path, str] = {}
        """Each file's hash, read once (the cache lives and dies with the hasher: a method
        cache of ``functools`` would keep every hasher, and its library, for ever)."""

    def file(self, path: Path) -> str:
        if path not in self.files:
            try:
                self.files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self.files[path] = "missing"
        return self.files[path]

    @cached_property
    def layout_files(self) -> str:
        """Every file of the layouts folders (templates, stylesheet, fonts)."""
        parts = [
            f"{folder}:{path.relative_to(folder)}={self.file(path)}"
            for folder in self.layouts.folders
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        ]
        return _combine(parts)

    def snapshot(self) -> str:
        """One hash of the content and layouts every document of this build is made from (what
        a worker must have to render its tasks)."""
        return _combine(
            [__version__, self.layout_files, *sorted(map(str, self.library.digests.items()))]
        )

    def brand_files(self, brand: Brand) -> list[Path]:
        """The brand's logo and the font files of its own that the documents use."""
        files = [path] if (path := logo_path(brand)) is not None else []
        for family in (brand.fonts.heading, brand.fonts.body):
            if family not in self.layouts.project.font_families:
                files += family_files(family, {}, brand.folder).values()
        return files

    def digest(self, view: DocumentView) -> str:
        """One hash of everything the view's file is made from."""
        content = [f"{p}={self.library.digests.get(p) or self.file(p)}" for p in view.inputs()]
        brand = [f"{p}={self.file(p)}" for p in self.brand_files(view.brand)]
        return _combine(
            [
                __version__,
                view.job.model_dump_json(),
                self.layout_files,
                view.brand.model_dump_json(),
                sorted(view.locales.items()),  # loanwords are tagged with their language's locale
                *content,
                *brand,
                *([view.job.prepared_for] if view.job.prepared_for else []),
            ]
        )


def _combine(parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:  # type: ignore[attr-defined]
        digest.update(str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


class Manifest:
    """The input hash of every file in an output folder, in an SQLite database beside them.

    Each file is recorded as soon as it is written (a build killed half way loses nothing it
    finished), and several builds or workers may record at once: the database is in WAL mode
    and each record is its own transaction.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / MANIFEST_NAME
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            with naming(self.path):
                self.out.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, digest TEXT NOT NULL)"
                )
                self._db = db
                self._adopt_json()
        return self._db

    @property
    def entries(self) -> dict[str, str]:
        """Every recorded file's input hash, by its path relative to the output folder."""
        if self._db is None and not self.path.exists():
            return {}
        try:
            return dict(self._connect().execute("SELECT name, digest FROM files"))
        except sqlite3.Error:
            return {}

    @cached_property
    def recorded(self) -> dict[str, str]:
        """The entries as they were when this build first asked."""
        return self.entries

    def is_current(self, relative: Path, digest: str) -> bool:
        """Whether the file exists and was made from exactly these inputs (as recorded when the
        build began)."""
        return self.recorded.get(str(relative)) == digest and (self.out / relative).is_file()

    def record(self, relative: Path | str, digest: str) -> None:
        """Note the inputs a file was just written from."""
        with naming(self.path):
            self._connect().execute(
                "INSERT OR REPLACE INTO files (name, digest) VALUES (?, ?)", (str(relative), digest)
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _adopt_json(self) -> None:
        """Take over the entries of the JSON manifest (and journal) of journeykit 0.1."""
        legacy, journal = self.out / LEGACY_NAME, self.out / LEGACY_JOURNAL
        entries: dict[str, str] = {}
        with suppress(OSError, ValueError):
            entries.update(json.loads(legacy.read_text(encoding="utf-8")))
        with suppress(OSError):
            for line in journal.read_text(encoding="utf-8").splitlines():
                with suppress(ValueError):  # a line cut short by a kill
                    relative, digest = json.loads(line)
                    entries[relative] = digest
        if entries and self._db is not None:
            self._db.executemany(
                "INSERT OR IGNORE INTO files (name, digest) VALUES (?, ?)", entries.items()
            )
        legacy.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
