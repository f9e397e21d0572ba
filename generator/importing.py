"""A client's filled-in workbook or fillable PDF back as the consultant's documents
(``journeykit import``).

The file is someone else's and is read as untrusted (:mod:`generator.untrusted`); its entries,
read by their names (or a workbook's labels; :mod:`generator.filled`) and never evaluated,
become an example of the worksheet; a small guide made for the client (their filled worksheet,
then what to review) renders it through the usual renderers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from generator.errors import ContentError, ContentErrors
from generator.filled import Filled
from generator.lint import Finding, grid_findings
from generator.model import (
    ContentItem,
    Example,
    Form,
    Framework,
    Guide,
    Library,
    Section,
    field_problems,
)

FILLED = "filled"
"""The variant id of an imported worksheet: ``<guide>-<client>-worksheet-filled.xlsx``."""


@dataclass(frozen=True)
class Imported:
    """What a workbook held, as the content to render."""

    library: Library
    guide: Guide
    """The client's guide: their filled worksheet, then what to review."""
    example: Example
    """Their filled worksheet as an example of its worksheet."""
    filled: Filled


def import_filled(filled: Filled, library: Library, name: str, path: Path) -> Imported:
    """A filled worksheet as an example of its worksheet and a guide for the client (``path``:
    where it was read, for messages and the client's id when there is no ``name``).

    Raises :class:`ContentErrors` for a worksheet no guide uses or entries no document can hold.
    """
    worksheet = filled.worksheet
    guide = _guide_of(path, library, worksheet.id, filled.language)
    client = client_id(name or path.stem)
    title = f"{worksheet.title}: {name}" if name else worksheet.title
    try:
        example = Example.model_validate(
            {
                "id": FILLED,
                "framework": worksheet.id,
                "language": filled.language,
                "title": title,
                "own": True,
                "path": path,
                **filled.example_data(),
            }
        )
    except ValidationError as exc:
        raise ContentErrors(
            [
                ContentError(
                    path, problem.message, field=_cell_of(filled, problem.loc), hint=problem.hint
                )
                for problem in field_problems(exc, Example)
            ]
        ) from None
    ui = library.ui[filled.language]
    review = Section(
        id="review",
        title=ui.workbook.review,
        body=_review(filled, library),
        path=path,
    )
    contents = [ContentItem(example=FILLED), ContentItem(section="review")]
    client_guide = guide.model_copy(
        update={
            "id": f"{guide.id}-{client}",
            "title": title,
            "subtitle": guide.title,
            "framework": worksheet.id,
            "worksheets": [],
            "contents": contents,
            "sections": {"review": review},
        }
    )
    key = (client_guide.id, filled.language)
    updated = library.model_copy(
        update={
            "examples": {**library.examples, (worksheet.id, filled.language, FILLED): example},
            "guides": {**library.guides, key: client_guide},
        }
    )
    return Imported(updated, client_guide, example, filled)


def client_id(text: str) -> str:
    """A file-name-safe id from a client's name or a file's name: ``Åkesson & Söner AB`` →
    ``akesson-soner-ab``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].strip("-") or "client"


def _guide_of(path: Path, library: Library, worksheet_id: str, language: str) -> Guide:
    """The guide a worksheet belongs to (its framework first, then its further worksheets)."""
    guides = [g for (_, lang), g in sorted(library.guides.items()) if lang == language]
    for guide in sorted(guides, key=lambda g: g.framework != worksheet_id):
        if worksheet_id in (guide.framework, *guide.worksheets):
            return guide
    raise ContentErrors(
        [ContentError(path, f"no guide in {language!r} uses the worksheet {worksheet_id!r}")]
    )


def _cell_of(filled: Filled, loc: tuple[str | int, ...]) -> str | None:
    """Where a bad entry was read (``Kundresan!C8``), from its place in the example (a grid
    cell's stage and row; a KPI tracker's ``tracker``, stage and part)."""
    if loc[:1] == ("tracker",):  # each month its own cell
        return filled.where.get(tuple(map(str, loc))) or ".".join(map(str, loc))
    keys = [str(part) for part in loc if not isinstance(part, int)]
    return filled.where.get(tuple(keys[1:])) or ".".join(map(str, loc))


def _review(filled: Filled, library: Library) -> str:
    """Markdown: the cells left empty and the stages with too many KPIs, each with the
    guide's advice for its row; or that nothing needs review."""
    words = library.ui[filled.language].workbook
    worksheet = filled.worksheet
    groups: list[tuple[str, list[str]]] = []
    if isinstance(worksheet, Framework):
        findings = grid_findings(worksheet, filled.lines)

        def advice(finding: Finding) -> str:
            return f"**{finding.stage.name} × {finding.row.label}**: {finding.row.help}"

        groups = [
            (words.empty, [advice(f) for f in findings if f.empty]),
            (words.too_many, [advice(f) for f in findings if not f.empty]),
        ]
    elif isinstance(worksheet, Form):
        empty = [f for f in worksheet.fields if not filled.lines(f.id)]
        groups = [(words.empty, [f"**{f.label}**: {f.help}".rstrip(": ") for f in empty])]
    parts = []
    for heading, lines in groups:
        if lines:
            parts += [f"## {heading}", "", *(f"- {line}" for line in lines), ""]
    return "\n".join(parts) if parts else f"{words.complete}\n"
