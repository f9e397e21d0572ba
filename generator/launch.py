"""The ``journeykit`` command: the quick up-to-date check first, the full command line after.

A repeated build with nothing changed is answered here, before the content is loaded or any
library beyond Python's own is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.quick import up_to_date


def main() -> None:
    """Run ``journeykit``."""
    argv = sys.argv[1:]
    counts = up_to_date(argv, Path.cwd())
    if counts is None:
        from generator.cli import main as full

        full()
        return
    if argv[0] == "batch":
        print(f"{counts['brands']} brand(s), {counts['files']} file(s)")
    print(f"0 written, {counts['files']} up to date (use --force to rebuild them)")
