"""The renderers: one module (or package) per output format, listed in
:mod:`generator.formats`, each turning a :class:`~generator.document.DocumentView` into bytes.

Modules are imported only when a file of their format is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module

from generator.document import DocumentView
from generator.formats import FORMATS
from generator.layouts import Layouts
from generator.model import Job

Outcome = tuple[bytes | None, str | None, tuple[str, ...]]
"""A rendered file's bytes, or why it failed; and the renderer's notices about it."""

Made = Mapping[Job, bytes]
"""Documents already rendered in the same set, by job: what another format carries inside."""


def render_documents(
    views: list[DocumentView], layouts: Layouts, made: Made | None = None
) -> list[bytes]:
    """Render documents of one format, guide, language and brand, in order.

    What a document carries (a guide PDF its blank workbooks) is taken from ``made`` where the
    set rendered it already, else rendered first. A renderer module may define
    ``render_many(views, layouts, made)`` to share work between the documents (the PDF renderer
    copies worksheet pages from the guide); otherwise each is rendered on its own.
    """
    carried = dict(made or {})
    for view in views:
        for attached in view.attachments:
            if attached.job not in carried:
                carried[attached.job] = render_documents([attached], layouts, carried)[0]
    module = import_module(FORMATS[views[0].job.format].module)
    if hasattr(module, "render_many"):
        return module.render_many(views, layouts, carried)
    return [module.render(view, layouts, carried) for view in views]


def render_document(view: DocumentView, layouts: Layouts) -> bytes:
    """Render one document to bytes."""
    return render_documents([view], layouts)[0]
