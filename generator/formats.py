"""The output formats, listed in one table: what each makes, carries and needs.

Adding a format is adding a renderer module (``render(view, layouts, made) -> bytes``, and
optionally ``render_many(views, layouts, made)``) and a line here. The table names modules
only: listing, validating and planning never load WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import DocumentKind

COMPANION = "companion"
"""What a blank worksheet may show beside it: the guide's first example of it."""


@dataclass(frozen=True)
class Format:
    """An output format: its name (and file suffix), its renderer module, the documents it
    makes, the formats whose documents it carries inside a guide, and what it needs of a view
    beyond its blocks."""

    name: str
    module: str
    documents: frozenset[DocumentKind]
    carries: frozenset[str] = frozenset()
    """Formats whose blank worksheets a guide of this format carries inside it (a guide PDF its
    workbooks): a set renders those first, so they need not be rendered again."""
    needs: frozenset[str] = frozenset()
    """:data:`COMPANION` when a blank worksheet shows its example beside it."""


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format(
            "pdf", "generator.renderers.pdf", frozenset({"guide", "worksheet"}), frozenset({"xlsx"})
        ),
        Format("docx", "generator.renderers.docx", frozenset({"guide", "worksheet"})),
        Format(
            "xlsx",
            "generator.renderers.xlsx",
            frozenset({"worksheet"}),
            needs=frozenset({COMPANION}),
        ),
    ]
}


def rendering_order(names: Iterable[str]) -> list[str]:
    """Formats in the order a set renders them: those another format carries first."""
    names = list(names)
    carried = {name for format_name in names for name in FORMATS[format_name].carries}
    return sorted(names, key=lambda name: name not in carried)
