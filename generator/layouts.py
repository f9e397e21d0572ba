"""Layouts: the ordered list of ``layouts/`` folders and the Jinja environment over them.

The project's folder comes first, then the shipped one, so a user overrides a template by putting
a file of the same name in ``<project>/layouts/``; ``{% extends "shipped/guide.html.j2" %}`` reaches
the shipped template being overridden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from ruamel.yaml import YAML

from generator.paths import search_path, shipped_dir


@dataclass(frozen=True)
class Layouts:
    """Where templates, stylesheets and fonts are looked up, and which files may be read."""

    project: Path
    folders: list[Path] = field(default_factory=list)
    content_folders: list[Path] = field(default_factory=list)

    @classmethod
    def for_project(cls, project: Path) -> Layouts:
        return cls(
            project.resolve(),
            search_path(project, "layouts"),
            search_path(project, "content"),
        )

    def find(self, name: str) -> Path:
        """The first ``layouts/<name>`` along the search path."""
        for folder in self.folders:
            if (candidate := folder / name).is_file():
                return candidate
        raise FileNotFoundError(f"no layout file {name!r} in {', '.join(map(str, self.folders))}")

    @property
    def readable_roots(self) -> list[Path]:
        """The only folders a renderer may read files from (layouts and content)."""
        return [*self.folders, *self.content_folders]

    @cached_property
    def font_families(self) -> dict[str, dict[str, Path]]:
        """Bundled font families from ``fonts/fonts.yaml``: family → style → file."""
        families: dict[str, dict[str, Path]] = {}
        for folder in reversed(self.folders):
            manifest = folder / "fonts" / "fonts.yaml"
            if manifest.is_file():
                data = YAML(typ="safe").load(manifest.read_text(encoding="utf-8")) or {}
                for family, styles in data.items():
                    families[str(family)] = {
                        style: folder / "fonts" / name for style, name in styles.items()
                    }
        return families

    @cached_property
    def jinja(self) -> Environment:
        """Jinja over the layout folders: autoescaped HTML, undefined names are errors."""
        loader = ChoiceLoader(
            [
                FileSystemLoader([str(f) for f in self.folders]),
                PrefixLoader({"shipped": FileSystemLoader(str(shipped_dir() / "layouts"))}),
            ]
        )
        return Environment(
            loader=loader,
            undefined=StrictUndefined,
            autoescape=select_autoescape(["html", "j2", "xml"], default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )


FONT_STYLES = {
    "regular": (400, "normal"),
    "italic": (400, "italic"),
    "semibold": (600, "normal"),
    "bold": (700, "normal"),
    "variable": ("200 900", "normal"),
    "variable-italic": ("200 900", "italic"),
}
"""The styles a font family may provide, as CSS weight (a range for a variable font) and style."""


def brand_font_files(folder: Path, family: str) -> dict[str, Path]:
    """A family's files in a brand's folder: ``<Family>-Regular.ttf``, ``-Bold``, … (or .otf)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob(f"{family}-*.[ot]tf")):
        style = path.stem.removeprefix(f"{family}-").lower()
        if style in FONT_STYLES:
            found[style] = path
    return found
