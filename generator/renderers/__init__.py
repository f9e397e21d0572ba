"""The renderers: one module per output format, listed in one table.

Adding a format is adding a module with a ``render(view, layouts) -> bytes`` function and a line
here. Modules are imported only when a file of their format is rendered, so listing, validating
and planning never load WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from generator.document import DocumentView
from generator.layouts import Layouts
from generator.model import DocumentKind


class RenderFunction(Protocol):
    def __call__(self, view: DocumentView, layouts: Layouts) -> bytes: ...


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


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("pdf", "generator.renderers.pdf", frozenset({"guide", "worksheet"}), "WeasyPrint"),
        Format("docx", "generator.renderers.docx", frozenset({"guide", "worksheet"}), "Word"),
        Format("xlsx", "generator.renderers.xlsx", frozenset({"worksheet"}), "Excel"),
    ]
}
