"""Lay out once, stamp per brand: a batch's sets made from a template per guide, language and
:class:`~generator.renderers.stamp.brandless.TemplateKey`, each brand only painting what it
changes (:mod:`~generator.renderers.stamp.brandless` says what that is).

A process keeps the templates it made (:data:`TEMPLATES_KEPT`). The first brand stamped from a
template is also rendered directly and the two compared file by file
(:mod:`~generator.renderers.stamp.same`): a template whose stamp differs (a layout override that
paints a brand's value where the template cannot see it) is not trusted, and its brands are
rendered directly. So is a brand the template cannot take exactly (a name that would wrap, a
character outside the template's fonts): :func:`stamped` says why.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from generator.errors import BuildError
from generator.fonts import family_files
from generator.layouts import Layouts
from generator.model import Brand, Job, Library
from generator.renderers import Outcome
from generator.renderers.stamp.brandless import template_key
from generator.renderers.stamp.same import differences
from generator.renderers.stamp.template import CannotStamp, SetTemplate

TEMPLATES_KEPT = 4
"""Templates a process keeps (a batch's brands mostly share one or two)."""


@dataclass
class _Kept:
    template: SetTemplate | None
    distrusted: str | None = None
    """Why the template's brands are rendered directly (it differed, or could not be made)."""
    checked: bool = False


_kept: OrderedDict[Hashable, _Kept] = OrderedDict()
_keeping = threading.Lock()


def set_key(brand: Brand, jobs: list[Job], layouts: Layouts) -> Hashable:
    """What a brand's set shares a template by: its jobs but for the brand, and its
    template key."""
    fonts = layouts.project.font_families
    files = tuple(
        path
        for family in dict.fromkeys([brand.fonts.heading, brand.fonts.body])
        for path in family_files(family, fonts, brand.folder).values()
    )
    planned = tuple(tuple(job.model_dump(exclude={"brand"}).items()) for job in jobs)
    return (template_key(brand, files), planned)


def stamped(
    library: Library,
    layouts: Layouts,
    jobs: list[Job],
    brand: Brand,
    direct: Callable[[], list[Outcome]],
    snapshot: str,
) -> tuple[list[Outcome], str | None]:
    """The brand's set of ``jobs`` stamped from this process's template for the content
    ``snapshot``, and None; or rendered by ``direct`` and why it was not stamped."""
    key = (snapshot, set_key(brand, jobs, layouts))
    with _keeping:
        kept = _kept.get(key)
        if kept is None:
            kept = _kept[key] = _made(library, layouts, jobs, brand)
            while len(_kept) > TEMPLATES_KEPT:
                _kept.popitem(last=False)
        _kept.move_to_end(key)
    if kept.distrusted is not None or kept.template is None:
        return direct(), kept.distrusted
    if not kept.checked:
        return _checked(kept, kept.template, brand, jobs, direct)
    try:
        files = kept.template.stamp(brand)
    except (CannotStamp, BuildError) as exc:
        return direct(), str(exc)
    except Exception as exc:  # a stamp that breaks is a bug: the brand is rendered directly
        return direct(), f"stamping failed: {type(exc).__name__}: {exc}"
    return [(data, None, kept.template.notices[i]) for i, data in enumerate(files)], None


def _made(library: Library, layouts: Layouts, jobs: list[Job], brand: Brand) -> _Kept:
    """A template for the set, or why there is none."""
    try:
        return _Kept(SetTemplate.make(library, layouts, jobs, brand))
    except (CannotStamp, BuildError) as exc:
        return _Kept(None, f"no template: {exc}")
    except Exception as exc:  # a template that cannot be made is a bug: render directly
        return _Kept(None, f"no template: {type(exc).__name__}: {exc}")


def _checked(
    kept: _Kept,
    template: SetTemplate,
    brand: Brand,
    jobs: list[Job],
    direct: Callable[[], list[Outcome]],
) -> tuple[list[Outcome], str | None]:
    """The brand's set rendered directly, and stamped to compare: the template is trusted
    when every file is the same, and the stamped files are the brand's (so that a brand's
    files do not depend on whether it was the one checked). A brand that cannot be stamped,
    or fails, leaves the check to the next."""
    outcomes = direct()
    if any(data is None for data, _, _ in outcomes):
        return outcomes, "failed"
    try:
        files = template.stamp(brand)
    except (CannotStamp, BuildError) as exc:
        return outcomes, str(exc)
    except Exception as exc:  # a stamp that breaks is a bug: its template is not used
        kept.distrusted = f"stamping failed: {type(exc).__name__}: {exc}"
        return outcomes, kept.distrusted
    kept.checked = True
    for job, own, (data, _, _) in zip(jobs, files, outcomes, strict=True):
        found = differences(job.format, own, data or b"")
        if found:
            kept.distrusted = (
                f"a stamped {job.filename()} differs from its direct render: {found[0]}"
            )
            return outcomes, kept.distrusted
    return [(data, None, template.notices[i]) for i, data in enumerate(files)], None
