"""Incremental builds: the hash of every input of every output, kept beside the output.

An output is up to date when its file exists and the hash of its inputs (the content files its
view was made from, as loading read them; the brand, its logo and font files; the layouts and
journeykit's version) equals the hash the manifest recorded when it was written. Every file
written is journalled at once, so a build that is interrupted and started again goes on where it
stopped.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from generator import __version__
from generator.document import DocumentView
from generator.fonts import family_files
from generator.layouts import Layouts
from generator.logo import logo_path
from generator.model import Brand, Library
from generator.output import naming, write_atomic

MANIFEST_NAME = ".journeykit-manifest.json"
JOURNAL_NAME = ".journeykit-manifest.journal"


class InputHasher:
    """Hashes what a document is made from; each file is read once per build.

    Content files are taken as loading read them (their hash is in the library); the brand's
    logo and own font files, and every file of the layouts folders, are read here.
    """

    def __init__(self, library: Library, layouts: Layouts) -> None:
        self.library = library
        self.layouts = layouts

    @cache  # noqa: B019 - one hasher per build, so the cache lives as long as the build
    def file(self, path: Path) -> str:
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return "missing"

    @cache  # noqa: B019
    def layout_files(self) -> str:
        """Every file of the layouts folders (templates, stylesheet, fonts)."""
        parts = [
            f"{folder}:{path.relative_to(folder)}={self.file(path)}"
            for folder in self.layouts.folders
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        ]
        return _combine(parts)

    def brand_files(self, brand: Brand) -> list[Path]:
        """The brand's logo and the font files of its own that the documents use."""
        files = [path] if (path := logo_path(brand)) is not None else []
        for family in (brand.fonts.heading, brand.fonts.body):
            if family not in self.layouts.font_families:
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
                self.layout_files(),
                view.brand.model_dump_json(),
                sorted(view.locales.items()),  # loanwords are tagged with their language's locale
                *content,
                *brand,
            ]
        )


def _combine(parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:  # type: ignore[attr-defined]
        digest.update(str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


class Manifest:
    """The input hash of every file in an output folder.

    Each file written is appended to a journal at once (a build killed half way loses nothing it
    finished); :meth:`save` folds the journal into the manifest at the end of a build. Rewriting
    the whole manifest after every file would cost quadratic time in a batch of thousands.
    """

    def __init__(self, out: Path) -> None:
        self.path = out / MANIFEST_NAME
        self.journal = out / JOURNAL_NAME
        try:
            self.entries: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self.entries.update(_read_journal(self.journal))

    def is_current(self, relative: Path, digest: str, out: Path) -> bool:
        """Whether the file exists and was made from exactly these inputs."""
        return self.entries.get(str(relative)) == digest and (out / relative).is_file()

    def record(self, relative: Path, digest: str) -> None:
        """Note the inputs a file was just written from, in the journal."""
        self.entries[str(relative)] = digest
        with naming(self.journal):
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            with self.journal.open("a", encoding="utf-8") as journal:
                journal.write(json.dumps([str(relative), digest]) + "\n")

    def save(self) -> None:
        """Write the manifest whole and drop the journal it now holds."""
        if not self.journal.exists():
            return
        write_atomic(self.path, json.dumps(self.entries, indent=0, sort_keys=True).encode())
        self.journal.unlink()


def _read_journal(path: Path) -> dict[str, str]:
    """The journal's entries; a line cut short by a kill is skipped."""
    entries: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return entries
    for line in lines:
        try:
            relative, digest = json.loads(line)
        except ValueError:
            continue
        entries[relative] = digest
    return entries
