"""A worksheet's entries and their names: the contract between every format that can be filled
in (the workbook's cell names, the PDF's fields, the Word check boxes) and everything that
reads a filled worksheet back (import, lint, the web form).

An entry is named by its worksheet and its key: a grid cell ``kundresan.konvertering.kpi``
(worksheet, stage, row), a form field ``persona.name``, a checklist item's tick
``handlingsplan.svar.done`` and note ``handlingsplan.svar.note``.
"""

from __future__ import annotations

from generator.model import Checklist, ChecklistItem, Form, Framework, Worksheet

Key = tuple[str, ...]
"""A grid cell (stage id, row id), a form field (field id,), a checklist item's tick
(item id, ``"done"``) or note (item id, ``"note"``)."""
TICK = "✓"
"""The mark of a ticked checklist item, written and read back."""
DONE, NOTE = "done", "note"
"""The two parts of a checklist item."""
SIGNED_BY, SIGNED_ON = "signed_by", "signed_on"
SIGN_OFF: tuple[Key, ...] = ((SIGNED_BY,), (SIGNED_ON,))
"""A worksheet's sign-off: who filled it in, and the date (``kundresan.signed_by``). No id
holds ``_``, so these never clash with an entry of the worksheet."""
FRAMEWORK_PROPERTY, LANGUAGE_PROPERTY = "journeykit.framework", "journeykit.language"
"""A workbook's custom properties naming the worksheet it was made for, and its language."""


def keys(worksheet: Worksheet) -> list[Key]:
    """Every entry of a worksheet, in reading order."""
    if isinstance(worksheet, Framework):
        return [(s.id, r.id) for s in worksheet.stages for r in worksheet.rows]
    if isinstance(worksheet, Form):
        return [(f.id,) for f in worksheet.fields]
    assert isinstance(worksheet, Checklist)
    return [key for i in worksheet.items for key in ((i.id, DONE), (i.id, NOTE))]


def field_path(worksheet_id: str, *ids: str) -> str:
    """The name of an entry, the same in every format that can be filled in: worksheet, then
    its key, e.g. ``kundresan.konvertering.kpi``."""
    return ".".join((worksheet_id, *ids))


def defined_name(*ids: str) -> str:
    """A workbook name for an entry (:func:`field_path` of its ids): Excel allows letters,
    digits, ``.`` and ``_`` (so ``-`` becomes ``_``), never a leading digit."""
    name = field_path(*ids).replace("-", "_")
    return f"_{name}" if name[:1].isdigit() else name


def item_label(number: int, item: ChecklistItem) -> str:
    """A checklist item as its row is labelled, and found again by: ``3. Lag innhold …``."""
    return f"{number}. {item.text}"


def is_tick(key: Key) -> bool:
    """Whether an entry is a checklist item's tick (ticked or not, no text)."""
    return key[-1] == DONE and len(key) == 2


# --- the KPI tracker's inputs ----------------------------------------------------------------

TRACKER = "tracker"
"""The part of a grid's entry names under which its KPI tracker's inputs are named."""
KIND, TARGET = "kind", "target"
MONTH_PARTS = tuple(f"month{number}" for number in range(1, 13))
"""A tracked KPI's twelve months, ``month1`` … ``month12``."""
TRACKER_PARTS = (KIND, TARGET, *MONTH_PARTS)
"""What a client fills in on a stage's row of the KPI tracker, in its columns' order."""


def tracker_name(framework_id: str, stage_id: str, part: str) -> str:
    """The workbook name of an input of the KPI tracker (:data:`TRACKER_PARTS`), e.g.
    ``kundresan.tracker.malgrupp.target``; four parts, so never a grid cell's name."""
    return defined_name(framework_id, TRACKER, stage_id, part)
