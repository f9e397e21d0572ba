"""The author's view: every guide × language × brand, and a guide's pages as images that
update by themselves when a content, brand or layout file is saved."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []


async def start_watching(app: Starlette) -> None:
    """Watch the project's files for the pages to update."""


async def stop_watching(app: Starlette) -> None:
    """Stop watching."""
