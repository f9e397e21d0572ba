"""The project: where its content, layouts and fonts are found, how its content folder is laid
out, and which files a renderer may read.

A project folder overrides and adds to what ships, file by file (like a theme's
``custom_dir``): ``<project>/content`` then the shipped ``content``, the same for ``layouts``.
Loading, the layouts, scaffolding, the manifest and the API all ask this object; none of them
knows a folder name or a glob pattern of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from generator.fonts import Family, bundled_families
from generator.paths import collect, search_path

CONTENT_FILES = {
    "ui": "i18n/{language}.yaml",
    "framework": "frameworks/{id}.{language}.yaml",
    "example": "examples/{framework}/{id}.{language}.yaml",
    "guide": "guides/{id}/guide.{language}.yaml",
    "section": "guides/{guide}/sections/{id}.{language}.md",
    "brand": "brands/{id}/brand.yaml",
}
"""Every kind of content file, by where it lies in a content folder: ``{names}`` are its ids."""
_UNNAMED = re.compile(r"\{\w+\}(\.\{\w+\})*")


def content_path(kind: str, **names: str) -> str:
    """Where a content file of ``kind`` lies, relative to a content folder; the names not given
    become ``*`` (a glob: ``frameworks/*.yaml``, ``guides/kundresan/sections/*.sv.md``)."""
    return _UNNAMED.sub("*", CONTENT_FILES[kind].format_map(_Known(names)))


class _Known(dict[str, str]):
    """The names given; one not given stays a ``{placeholder}``."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Project:
    """A project folder and what it reads: its content and layouts folders, then the shipped
    ones."""

    root: Path
    layout_folders: list[Path] = field(default_factory=list)
    content_folders: list[Path] = field(default_factory=list)

    @classmethod
    def at(cls, root: Path) -> Project:
        """The project in folder ``root`` (its own content and layouts first, then what ships)."""
        root = root.resolve()
        return cls(root, search_path(root, "layouts"), search_path(root, "content"))

    def files(self, kind: str, **names: str) -> dict[Path, Path]:
        """The content files of ``kind`` by path relative to their folder; the project's own
        override the shipped ones of the same name."""
        return collect(self.content_folders, content_path(kind, **names))

    def every(self, kind: str, **names: str) -> list[Path]:
        """Every content file of ``kind`` in every folder, overridden or not."""
        pattern = content_path(kind, **names)
        return [path for folder in self.content_folders for path in sorted(folder.glob(pattern))]

    def new_file(self, kind: str, **names: str) -> Path:
        """Where a new content file of ``kind`` goes: in the project's own content folder."""
        return self.root / "content" / content_path(kind, **names)

    @property
    def output(self) -> Path:
        """The default output folder."""
        return self.root / "output"

    @property
    def languages(self) -> list[str]:
        """The languages the content folders have UI strings for."""
        return sorted({path.stem for path in self.every("ui")})

    @cached_property
    def font_families(self) -> dict[str, Family]:
        """Bundled font families from ``fonts/fonts.yaml``: family → style → file."""
        return bundled_families(self.layout_folders)

    @property
    def readable_roots(self) -> list[Path]:
        """The only folders (and files) a renderer may read from: layouts and content."""
        return [*self.layout_folders, *self.content_folders]
