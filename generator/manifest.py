"""Incremental builds: the hash of every input of every output, kept beside the output.

An output is up to date when its file exists and the hash of its inputs (the content files it
is made from, the brand's folder, the layouts and journeykit's version) equals the hash the
manifest recorded when it was written. Every file written is journalled at once, so a build that
is interrupted and started again goes on where it stopped.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from generator import __version__
from generator.model import Job, Library
from generator.output import write_atomic
from generator.paths import collect

MANIFEST_NAME = ".journeykit-manifest.json"
JOURNAL_NAME = ".journeykit-manifest.journal"


class InputHasher:
    """Hashes the inputs of a job; each file is read once per build."""

    def __init__(self, library: Library, content: list[Path], layouts: list[Path]) -> None:
        self.library = library
        self.content = content
        self.layouts = layouts

    @cache  # noqa: B019 - one hasher per build, so the cache lives as long as the build
    def file(self, path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    @cache  # noqa: B019
    def pattern(self, pattern: str) -> str:
        """The files a glob pattern selects in the content folders (overrides applied)."""
        files = collect(self.content, pattern)
        return _combine(f"{name}={self.file(path)}" for name, path in files.items())

    @cache  # noqa: B019
    def layout_files(self) -> str:
        """Every file of the layouts folders (templates, stylesheet, fonts)."""
        parts = [
            f"{folder}:{path.relative_to(folder)}={self.file(path)}"
            for folder in self.layouts
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        ]
        return _combine(parts)

    def job(self, job: Job) -> str:
        """One hash of everything the job's file is made from."""
        guide = self.library.guides[(job.guide, job.language)]
        language = job.language
        worksheets = [guide.framework, *guide.worksheets]
        if job.document == "worksheet":
            worksheets = [job.worksheet or guide.framework]
        patterns = [
            f"i18n/{language}.yaml",
            f"guides/{job.guide}/guide.{language}.yaml",
            f"brands/{job.brand}/*",
            *(f"frameworks/{w}.{language}.yaml" for w in worksheets),
            *(f"examples/{w}/*.{language}.yaml" for w in worksheets),
        ]
        if job.document == "guide":
            patterns.append(f"guides/{job.guide}/sections/*.{language}.md")
        brand = self.library.brands[job.brand]
        logo = brand.folder / brand.logo if brand.logo and brand.folder else None
        parts = [__version__, job.model_dump_json(), self.layout_files(), brand.model_dump_json()]
        if logo is not None and logo.is_file():
            parts.append(self.file(logo))
        return _combine([*parts, *(self.pattern(p) for p in patterns)])


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
