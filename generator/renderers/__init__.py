"""The renderers: one module per output format, listed in one table.

Adding a format is adding a module with a ``render(view, layouts) -> bytes`` function and a line
here (optionally also a ``render_many`` that shares work between documents of one guide).
Modules are imported only when a file of their format is rendered, so listing, validating and
planning never load WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from generator.document import DocumentView
from generator.layouts import Layouts
from generator.model import DocumentKind, Job


class RenderFunction(Protocol):
    def __call__(self, view: DocumentView, layouts: Layouts) -> bytes: ...


ViewOf = Callable[[Job], DocumentView]
"""Builds the view of any job: how a renderer reaches a document it was not asked for."""


@dataclass(frozen=True)
class Format:
    """An output format: its file suffix, the documents it makes, and its renderer module."""

    name: str
    module: str
    documents: frozenset[DocumentKind]
    description: str

    def render(self, view: DocumentView, layouts: Layouts) -> bytes:
        """Render one document to bytes."""
        render: RenderFunction = import_module(self.module).render
        return render(view, layouts)

    def render_many(
        self, views: list[DocumentView], layouts: Layouts, view_of: ViewOf
    ) -> list[bytes]:
        """Render documents of one guide, language and brand, in order.

        A renderer module may define ``render_many(views, layouts, view_of)`` to share work
        between them (the PDF renderer copies worksheet pages from the guide); otherwise each
        is rendered on its own.
        """
        module = import_module(self.module)
        if hasattr(module, "render_many"):
            return module.render_many(views, layouts, view_of)
        return [module.render(view, layouts) for view in views]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("pdf", "generator.renderers.pdf", frozenset({"guide", "worksheet"}), "WeasyPrint"),
        Format("docx", "generator.renderers.docx", frozenset({"guide", "worksheet"}), "Word"),
        Format("xlsx", "generator.renderers.xlsx", frozenset({"worksheet"}), "Excel"),
    ]
}
