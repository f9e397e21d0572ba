"""Content lint: advice the guides give, checked against the examples and against worksheets
a user filled in (warnings, not errors).

The source material advises as few KPIs per stage as possible (preferably one) and a filled-in
grid leaves no cell empty. ``journeykit validate`` prints these; ``--strict`` makes them errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import ContentError
from generator.loading import Collector, line_of, load_yaml_file
from generator.model import Example, Framework, Library, Row, Stage

if TYPE_CHECKING:
    from generator.filled import Filled

MAX_KPIS = 2


def lint(library: Library, within: Path | None = None) -> list[ContentError]:
    """Every warning about the library's examples (those below ``within`` only, if given), in
    file order."""
    warnings: list[ContentError] = []
    for (framework_id, language, _), example in sorted(library.examples.items()):
        framework = library.frameworks[(framework_id, language)]
        path = example.path
        if not isinstance(framework, Framework) or path is None:
            continue
        if within is None or path.is_relative_to(within):
            conjunctions = library.ui[language].conjunctions if language in library.ui else []
            warnings += lint_grid_example(example, framework, path, conjunctions)
    return warnings


def lint_grid_example(
    example: Example,
    framework: Framework,
    path: Path,
    conjunctions: list[str] = (),  # type: ignore[assignment]
) -> list[ContentError]:
    """Too many KPIs in a stage, empty cells and KPI lines naming several figures, of one
    example (``conjunctions``: the words of its language that join two things)."""
    data = load_yaml_file(path, Collector())  # as loading read it (a cached parse)

    def where(stage_id: str, row_id: str, index: int | None = None) -> dict[str, Any]:
        loc = ("cells", stage_id, row_id) + (() if index is None else (index,))
        return {"line": line_of(data, loc), "field": ".".join(map(str, loc))}

    warnings = lint_grid(framework, path, example.entries, where)
    for stage in framework.stages:
        for row in framework.rows:
            if not row.kpi:
                continue
            for index, line in enumerate(example.entries(stage.id, row.id)):
                if several_figures(line, conjunctions):
                    warnings.append(
                        ContentError(
                            path,
                            f"several figures in one KPI line of stage {stage.name!r}: {line!r}",
                            hint="write each figure as an entry of its own (the count and the "
                            "amount as two), so that the KPI tracker can track it by its kind",
                            **where(stage.id, row.id, index),
                        )
                    )
    return warnings


LIST = re.compile(r"\w[^,;]*[,;]\s*\w|\w\s*(/|\+|&)\s*\w")
"""A list in a line: words between commas or semicolons, or joined by ``/``, ``+`` or ``&``."""


def several_figures(line: str, conjunctions: Sequence[str]) -> bool:
    """Whether a KPI line names more than one figure: a list, or two things joined by one of
    the language's ``conjunctions`` (``Försäljning (antal och/eller kr)``)."""
    words = {word.casefold() for word in re.findall(r"\w+", line)}
    joined = any(word.casefold() in words for word in conjunctions)
    return joined or LIST.search(re.sub(r"\d[\d\s.,]*\d", "0", line)) is not None


@dataclass(frozen=True)
class Finding:
    """A cell of a filled-in grid that does not follow the guide's advice."""

    stage: Stage
    row: Row
    entries: int
    """How many entries the cell holds: 0 (empty) or more KPIs than :data:`MAX_KPIS`."""

    @property
    def empty(self) -> bool:
        return self.entries == 0


def grid_findings(
    framework: Framework, entries_of: Callable[[str, str], list[str]]
) -> list[Finding]:
    """Empty cells, and KPI cells with more than :data:`MAX_KPIS` entries, in grid order."""
    findings = []
    for stage in framework.stages:
        for row in framework.rows:
            count = len(entries_of(stage.id, row.id))
            if count == 0 or (row.kpi and count > MAX_KPIS):
                findings.append(Finding(stage, row, count))
    return findings


def lint_grid(
    framework: Framework,
    path: Path,
    entries_of: Callable[[str, str], list[str]],
    where_of: Callable[[str, str], dict[str, Any]],
) -> list[ContentError]:
    """Too many KPIs in a stage, and empty cells, of a filled-in grid, wherever it is kept."""
    warnings = []
    for finding in grid_findings(framework, entries_of):
        stage, row = finding.stage, finding.row
        if finding.empty:
            message = f"empty cell: {stage.name} × {row.label}"
            hint = "fill it in, or the worksheet looks unfinished"
        else:
            message = f"{finding.entries} KPIs in stage {stage.name!r}"
            hint = "keep to one or two: the KPI that shows whether customers move on"
        warnings.append(ContentError(path, message, hint=hint, **where_of(stage.id, row.id)))
    return warnings


def lint_workbook(path: Path, library: Library) -> list[ContentError]:
    """The same advice for a worksheet a user filled in, a workbook or a fillable PDF (cells
    named ``Kundresan!C8``), opened with every check a client's file gets."""
    from generator.filled import read_client_file  # only when asked: validate stays light

    return lint_filled(read_client_file(path, library), path)


def lint_filled(filled: Filled, path: Path) -> list[ContentError]:
    """The grid advice for what a client filled in (nothing for a form or checklist)."""
    if not isinstance(filled.worksheet, Framework):
        return []
    where = {key: {"field": cell} for key, cell in filled.where.items()}
    return lint_grid(filled.worksheet, path, filled.lines, lambda s, r: where[(s, r)])
