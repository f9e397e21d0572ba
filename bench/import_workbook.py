"""Benchmark of ``journeykit import`` (a benchmark, not a test).

Makes the blank Kundresan workbook, fills every cell as a client would, then times, in turn,
importing it to PDF and DOCX (the filled worksheet and the client's short guide: 4 files)
against building the same worksheet filled with the shipped example from content (PDF and
DOCX: 2 files). Both go through ``generator.api``, loading the content included. Medians;
compare within one run, this machine is shared.

    .venv/bin/python bench/import_workbook.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import ROOT, timed_pair

from generator import api
from generator.entries import defined_name
from generator.model import Framework


def filled_workbook(folder: Path) -> Path:
    """The blank Kundresan workbook, every cell filled in by its name."""
    api.build(ROOT, out=folder, guide=["kundresan"], variant=["blank"], format=["xlsx"], jobs=1)
    workbook = load_workbook(folder / "default/sv/kundresan-worksheet-blank.xlsx")
    framework = api.load(ROOT).frameworks[("kundresan", "sv")]
    assert isinstance(framework, Framework)
    for stage in framework.stages:
        for row in framework.rows:
            name = defined_name(framework.id, stage.id, row.id)
            [(title, cell)] = workbook.defined_names[name].destinations
            workbook[title][cell.replace("$", "")].value = f"{stage.name}: {row.label}\nen rad till"
    path = folder / "kundens-kundresa.xlsx"
    workbook.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = filled_workbook(Path(folder))
        out = Path(folder) / "out"
        formats = ["pdf", "docx"]
        imported, built = timed_pair(
            lambda: api.import_workbook(path, ROOT, name="Acme AB", format=formats, out=out),
            lambda: api.build(
                ROOT,
                out=out,
                guide=["kundresan"],
                variant=["generell"],
                format=formats,
                force=True,
                jobs=1,
            ),
            args.repeat,
        )
    print(f"import of a filled workbook to PDF + DOCX (4 files): {imported:.2f} s")
    print(f"build of the same worksheet, filled from content (2 files): {built:.2f} s")
    print(f"ratio: {imported / built:.2f}")


if __name__ == "__main__":
    main()
