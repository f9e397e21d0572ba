"""The renderers: one module per output format, listed in one table.

Adding a format is adding a module with a ``render(view, layouts) -> bytes`` function and a line
here (optionally also a ``render_many(views, layouts, made)`` that shares work between the
documents of one guide, language and brand).
Modules are imported only when a file of their format is rendered, so listing, validating and
planning never load WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from generator.document import DocumentView
from generator.layouts import Layouts
from generator.model import DocumentKind, Job

Made = Mapping[Job, bytes]
"""Documents already rendered in the same set, by job: what another format may carry inside."""


class RenderFunction(Protocol):
    def __call__(self, view: DocumentView, layouts: Layouts) -> bytes: ...


@dataclass(frozen=True)
class Format:
    """An output format: its file suffix, the documents it makes, and its renderer module."""

    name: str
    module: str
    documents: frozenset[DocumentKind]
    carries: frozenset[str] = frozenset()
    """Formats whose documents this one carries inside it (a guide PDF its workbooks): a set
    renders those first, so it need not render them again."""

    def render(self, view: DocumentView, layouts: Layouts) -> bytes:
        """Render one document to bytes."""
        render: RenderFunction = import_module(self.module).render
        return render(view, layouts)

    def render_many(
        self, views: list[DocumentView], layouts: Layouts, made: Made | None = None
    ) -> list[bytes]:
        """Render documents of one guide, language and brand, in order.

        A renderer module may define ``render_many(views, layouts, made)`` to share work between
        them (the PDF renderer copies worksheet pages from the guide, and carries the set's
        workbooks from ``made``); otherwise each is rendered on its own.
        """
        module = import_module(self.module)
        if hasattr(module, "render_many"):
            return module.render_many(views, layouts, made or {})
        return [module.render(view, layouts) for view in views]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("pdf", "generator.renderers.pdf", frozenset({"guide", "worksheet"}), {"xlsx"}),
        Format("docx", "generator.renderers.docx", frozenset({"guide", "worksheet"})),
        Format("xlsx", "generator.renderers.xlsx", frozenset({"worksheet"})),
    ]
}


def rendering_order(names: Iterable[str]) -> list[str]:
    """Formats in the order a set renders them: those another format carries first."""
    names = list(names)
    carried = {name for format_name in names for name in FORMATS[format_name].carries}
    return sorted(names, key=lambda name: name not in carried)
