"""The project a server shows: its content loaded once and again after a change, the pages'
templates, and what a request may name (ids checked against the library, never paths)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException

from generator import api

WEB_FOLDER = "web"
"""Where, in each layouts folder, the pages' templates and static files are (a project's own
``layouts/web/`` overrides the shipped one file by file)."""


@dataclass
class Site:
    """The project, its library as last loaded (or the problem that stopped it loading)."""

    root: Path
    library: api.Library | None = None
    problems: list[api.ContentError] = field(default_factory=list)
    generation: int = 0
    """Counts loads: a page asks whether what it shows is still current."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.project = api.open_project(self.root)
        self.reload()

    def reload(self) -> None:
        """Load the content again (after a file changed); keep the problems if it fails."""
        with self.lock:
            try:
                self.library, self.problems = api.load(self.root), []
            except api.ContentErrors as exc:
                self.problems = exc.errors
            self.generation += 1

    def current(self) -> api.Library:
        """The library, or 503 while the content does not load (the author's view says why)."""
        if self.library is None:
            raise HTTPException(503, "the content does not load yet")
        return self.library

    def guide(self, guide_id: str, lang: str) -> api.Guide:
        """A guide named in a URL, or 404."""
        guide = self.current().guides.get((guide_id, lang))
        if guide is None:
            raise HTTPException(404)
        return guide

    def brand(self, brand_id: str) -> api.Brand:
        """A brand named in a URL, or 404."""
        brand = self.current().brands.get(brand_id)
        if brand is None:
            raise HTTPException(404)
        return brand

    def worksheet(self, worksheet_id: str, lang: str) -> api.Worksheet:
        """A worksheet named in a URL, or 404."""
        worksheet = self.current().frameworks.get((worksheet_id, lang))
        if worksheet is None:
            raise HTTPException(404)
        return worksheet

    def folders(self, name: str) -> list[Path]:
        """``layouts/web/<name>`` along the project's layouts search path."""
        return [folder / WEB_FOLDER / name for folder in self.project.layout_folders]

    def templates(self) -> Environment:
        """The pages' Jinja environment: autoescaped, undefined names are errors."""
        loader = FileSystemLoader([str(f) for f in self.folders("")])  # the first folder wins
        return Environment(
            loader=loader, autoescape=select_autoescape(default=True), undefined=StrictUndefined
        )
