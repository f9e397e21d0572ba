"""Content lint: advice the guides give, checked against the examples (warnings, not errors).

The source material advises as few KPIs per stage as possible (preferably one) and a filled-in
grid leaves no cell empty. ``journeykit validate`` prints these; ``--strict`` makes them errors.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from generator.errors import ContentError
from generator.loading import line_of
from generator.model import Example, Framework, Library

MAX_KPIS = 2


def lint(library: Library) -> list[ContentError]:
    """Every warning about the library's examples, in file order."""
    warnings: list[ContentError] = []
    for (framework_id, language, _), example in sorted(library.examples.items()):
        framework = library.frameworks[(framework_id, language)]
        if isinstance(framework, Framework) and example.path is not None:
            warnings += lint_grid_example(example, framework, example.path)
    return warnings


def lint_grid_example(example: Example, framework: Framework, path: Path) -> list[ContentError]:
    """Too many KPIs in a stage, and empty cells, of one filled-in grid."""
    data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    warnings = []
    for stage in framework.stages:
        for row in framework.rows:
            entries = example.entries(stage.id, row.id)
            where = {
                "line": line_of(data, ("cells", stage.id, row.id)),
                "field": f"cells.{stage.id}.{row.id}",
            }
            if not entries:
                warnings.append(
                    ContentError(
                        path,
                        f"empty cell: {stage.name} × {row.label}",
                        hint="fill it in, or the worksheet looks unfinished",
                        **where,
                    )
                )
            elif row.kpi and len(entries) > MAX_KPIS:
                warnings.append(
                    ContentError(
                        path,
                        f"{len(entries)} KPIs in stage {stage.name!r}",
                        hint="keep to one or two: the KPI that shows whether customers move on",
                        **where,
                    )
                )
    return warnings
