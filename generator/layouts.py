"""Layouts: the ordered list of ``layouts/`` folders and the Jinja environment over them.

The project's folder comes first, then the shipped one, so a user overrides a template by putting
a file of the same name in ``<project>/layouts/``; ``{% extends "shipped/pdf/guide.html.j2" %}``
reaches the shipped template being overridden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from generator.paths import inside, shipped_dir
from generator.project import Project


@dataclass(frozen=True)
class Layouts:
    """The project's templates, stylesheets and fonts, looked up along its layouts folders."""

    project: Project

    def __getstate__(self) -> dict[str, object]:
        """What a worker process receives: the project, not the cached Jinja environment."""
        return {name: value for name, value in self.__dict__.items() if name != "jinja"}

    @classmethod
    def for_project(cls, root: Path) -> Layouts:
        return cls(Project.at(root))

    @property
    def folders(self) -> list[Path]:
        return self.project.layout_folders

    def find(self, name: str) -> Path:
        """The first ``layouts/<name>`` along the search path."""
        for folder in self.folders:
            if (candidate := folder / name).is_file() and inside(candidate, [folder]):
                return candidate
        raise FileNotFoundError(f"no layout file {name!r} in {', '.join(map(str, self.folders))}")

    @cached_property
    def jinja(self) -> SandboxedEnvironment:
        """Jinja over the layout folders: autoescaped HTML, undefined names are errors, and a
        sandbox, since a project's layouts may come from someone else: a template reaches the
        view it is given, never Python's internals (no ``__globals__``, no ``os``)."""
        loader = ChoiceLoader(
            [
                InsideLoader([str(f) for f in self.folders]),
                PrefixLoader({"shipped": InsideLoader(str(shipped_dir() / "layouts"))}),
            ]
        )
        return SandboxedEnvironment(
            loader=loader,
            undefined=StrictUndefined,
            autoescape=select_autoescape(["html", "j2", "xml"], default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )


class InsideLoader(FileSystemLoader):
    """Jinja's file loader that will not read a template linking out of its folder."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            candidate = Path(folder, *split_template_path(template))
            if candidate.is_file():
                if not inside(candidate, [Path(folder)]):
                    raise TemplateError(f"{template} links outside {folder}")
                break
        return super().get_source(environment, template)
