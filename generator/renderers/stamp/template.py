"""A set's template: one guide's documents, in one language, for one template key, rendered
once for the placeholder brand; :meth:`SetTemplate.stamp` makes a brand's set from it.

The PDFs are kept laid out (repainted per brand: :mod:`generator.renderers.pdf.repaint`), the
office files as their bytes split around the placeholders
(:mod:`generator.renderers.stamp.office`). A set renders in the usual order: the workbooks
first, since the guide PDF carries the brand's own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.document import build_view, contact_href
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
    PLACEHOLDER_CONTACT,
    PLACEHOLDER_FOOTER,
    PLACEHOLDER_NAME,
    SENTINELS,
    colour_pairs,
    placeholder,
    string_pairs,
)
from generator.renderers.stamp.office import OfficeTemplate

PLACEHOLDERS = (
    PLACEHOLDER_NAME,
    PLACEHOLDER_FOOTER,
    PLACEHOLDER_CONTACT.website,
    PLACEHOLDER_CONTACT.email,
    PLACEHOLDER_CONTACT.phone,
)
"""Every string a template shows in a brand's place."""


class CannotStamp(Exception):
    """This brand's set cannot be stamped exactly (the caller renders it directly)."""


@dataclass
class SetTemplate:
    """A set rendered for a brand's placeholder: its PDFs laid out, its office files split."""

    jobs: list[Job]
    """The template's jobs, in the order of the sets stamped from it."""
    layouts: Layouts
    shown: int
    """How many of the files are the set's own: the others are only carried inside them."""
    carried: list[Job]
    """The files the set's files carry but the set does not ask for (a guide PDF's workbooks
    when only PDFs are built), after the set's own."""
    laid: dict[int, tuple[Laid, Spots]] = field(default_factory=dict)
    """Each PDF job's layout and where it shows the brand, by the job's place in :attr:`jobs`."""
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
        template = cls(list(jobs), layouts, shown=len(jobs), carried=[a.job for a in unique])
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
        links = {contact_href(held.contact, text) for text in PLACEHOLDERS[2:]}
        for i, (laid, spots) in template.laid.items():
            try:
                template.spliced[i] = SplicedPdf.of(
                    laid, spots, made, colour_pairs(brand), PLACEHOLDER_NAME, links - {""}
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
        every = [*self.jobs, *self.carried]  # as the template's views name what they carry
        for i, office in self.office.items():
            data = office.stamp(brand)
            if data is None:
                raise CannotStamp(f"{every[i].filename()}: {office.refusal(brand)}")
            files[i] = made[every[i]] = data
        if self.laid:
            first = next(iter(self.laid.values()))[0].document
            logo = _logo_maker(brand, self.layouts, first)
            strings = string_pairs(brand)
            for i, (laid, spots) in self.laid.items():
                swapped: dict[int, Box] = {}
                try:
                    document = repainted(laid.document, spots, strings, brand.name, logo, swapped)
                except NotRepaintable as exc:
                    raise CannotStamp(f"{every[i].filename()}: {exc}") from None
                files[i] = self._written(i, document, swapped, brand, made)
        return [files[i] for i in range(self.shown)]

    def _written(
        self, i: int, document: Document, swapped: dict[int, Box], brand: Brand, made: Made
    ) -> bytes:
        """A brand's PDF spliced into the template's written file, or else written from its
        repainted layout (``document``)."""
        laid = self.laid[i][0]
        colours = colour_pairs(brand)
        spliced = self.spliced.get(i)
        if spliced is not None:
            attachments = workbooks(laid.view, made)
            strings = string_pairs(brand)
            try:
                return spliced.stamp(document, swapped, colours, strings, brand.name, attachments)
            except NotSpliceable:
                pass
        with weasy.painting(colours):
            return laid.write(made, document)


def _logo_maker(brand: Brand, layouts: Layouts, document: Document) -> Callable[[], object] | None:
    """A maker of the brand's logo as WeasyPrint's image (read once, on first use)."""
    if not brand.logo:
        return None
    made: list[object] = []

    def logo() -> object:
        if not made:
            made.append(logo_image(brand, layouts, document))
        return made[0]

    return logo
