"""A set's template: one guide's documents, in one language, for one template key, rendered
once for the placeholder brand; :meth:`SetTemplate.stamp` makes a brand's set from it.

The PDFs are kept laid out (repainted per brand: :mod:`generator.renderers.pdf.repaint`), the
office files as their bytes split around the placeholders
(:mod:`generator.renderers.stamp.office`). A set renders in the usual order: the workbooks
first, since the guide PDF carries the brand's own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache, partial

from generator.document import build_view
from generator.formats import rendering_order
from generator.layouts import Layouts
from generator.model import Brand, Job, Library
from generator.renderers import Made, render_documents
from generator.renderers.notices import collected
from generator.renderers.pdf import Laid, lay_out_many, logo_image, weasy, workbooks
from generator.renderers.pdf.repaint import NotRepaintable, Spots, find_spots, repainted
from generator.renderers.pdf.splice import NotSpliceable, SplicedPdf
from generator.renderers.pdf.weasy import Box, Document
from generator.renderers.stamp.brandless import (
    PLACEHOLDER_LINKS,
    PLACEHOLDER_NAME,
    PLACEHOLDERS,
    SENTINEL_COLOURS,
    SENTINELS,
    colour_pairs,
    placeholder,
    string_pairs,
)
from generator.renderers.stamp.office import OfficeTemplate, Refused


class CannotStamp(Exception):
    """This brand's set cannot be stamped exactly (the caller renders it directly)."""


@dataclass
class SetTemplate:
    """A set rendered for a brand's placeholder: its PDFs laid out, its office files split."""

    jobs: list[Job]
    """The template's files: the set's own, in the order of the sets stamped from it, then
    those they carry that the set does not ask for (a guide PDF's workbooks when only PDFs
    are built). Named as the template's views name what they carry."""
    layouts: Layouts
    shown: int
    """How many of :attr:`jobs` are the set's own."""
    laid: dict[int, tuple[Laid, Spots]] = field(default_factory=dict)
    """Each PDF's layout and where it shows the brand, by its place in :attr:`jobs`."""
    spliced: dict[int, SplicedPdf | None] = field(default_factory=dict)
    """Each PDF written once to splice brands into (None: written for each brand)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    """A template is stamped for one brand at a time (its PDFs are kept open and changed)."""
    office: dict[int, OfficeTemplate] = field(default_factory=dict)
    notices: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """What the renderers noticed in each file (the same for every brand: same layout)."""

    @classmethod
    def make(cls, library: Library, layouts: Layouts, jobs: list[Job], brand: Brand) -> SetTemplate:
        """Render the set of ``jobs`` for ``brand``'s placeholder."""
        held = placeholder(brand)
        library = library.model_copy(update={"brands": {**library.brands, brand.id: held}})
        views = [build_view(library, job, SENTINELS) for job in jobs]
        carried = [a for view in views for a in view.attachments if a.job not in jobs]
        unique = list({a.job: a for a in carried}.values())
        every = [*views, *unique]  # what the set's files carry, made whether asked or not
        template = cls([view.job for view in every], layouts, shown=len(jobs))
        made: dict[Job, bytes] = {}
        for name in rendering_order(dict.fromkeys(view.job.format for view in every)):
            places = [i for i, view in enumerate(every) if view.job.format == name]
            with collected() as seen:
                if name == "pdf":
                    laid = lay_out_many([every[i] for i in places], layouts)
                    for i, one in zip(places, laid, strict=True):
                        spots = find_spots(one.document, PLACEHOLDERS, PLACEHOLDER_NAME)
                        template.laid[i] = (one, spots)
                else:
                    data = render_documents([every[i] for i in places], layouts, made)
                    for i, blob in zip(places, data, strict=True):
                        made[every[i].job] = blob
                        template.office[i] = OfficeTemplate.of(blob, every[i], layouts)
            for i in places:
                about = str(every[i].job.relative_path())
                template.notices[i] = tuple(m for what, m in seen if what == about)
        for i, (laid, spots) in template.laid.items():
            try:
                template.spliced[i] = SplicedPdf.of(
                    laid, spots, made, SENTINEL_COLOURS, PLACEHOLDER_NAME, PLACEHOLDER_LINKS
                )
            except NotSpliceable:
                template.spliced[i] = None
        return template

    def stamp(self, brand: Brand) -> list[bytes]:
        """The brand's files, in the order of the template's jobs; raises
        :class:`CannotStamp` when one of them cannot be made exactly."""
        with self.lock:
            return self._stamped(brand)

    def _stamped(self, brand: Brand) -> list[bytes]:
        files: dict[int, bytes] = {}
        made: dict[Job, bytes] = {}
        for i, office in self.office.items():
            try:
                files[i] = made[self.jobs[i]] = office.stamped(brand)
            except Refused as refused:
                raise CannotStamp(f"{self.jobs[i].filename()}: {refused}") from None
        if self.laid:
            first = next(iter(self.laid.values()))[0].document
            logo = cache(partial(logo_image, brand, self.layouts, first)) if brand.logo else None
            strings = string_pairs(brand)
            for i, (laid, spots) in self.laid.items():
                swapped: dict[int, Box] = {}
                try:
                    document = repainted(laid.document, spots, strings, brand.name, logo, swapped)
                except NotRepaintable as exc:
                    raise CannotStamp(f"{self.jobs[i].filename()}: {exc}") from None
                spliced = self.spliced.get(i)
                files[i] = self._written(laid, spliced, document, swapped, brand, made)
        return [files[i] for i in range(self.shown)]

    @staticmethod
    def _written(
        laid: Laid,
        spliced: SplicedPdf | None,
        document: Document,
        swapped: dict[int, Box],
        brand: Brand,
        made: Made,
    ) -> bytes:
        """A brand's PDF spliced into the template's written file, or else written from its
        repainted layout (``document``)."""
        colours = colour_pairs(brand)
        if spliced is not None:
            try:
                return spliced.stamp(
                    document,
                    swapped,
                    colours,
                    string_pairs(brand),
                    brand.name,
                    workbooks(laid.view, made),
                )
            except NotSpliceable:
                pass
        with weasy.painting(colours):
            return laid.write(made, document)
