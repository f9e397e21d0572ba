"""The ``journeykit`` command: the quick up-to-date check first, the full command line after.

A repeated build with nothing changed is answered here, before the content is loaded or any
library beyond Python's own is imported.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run ``journeykit``; Ctrl-C while it starts ends it with one line and exit code 130."""
    try:
        _run(sys.argv[1:])
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)


def _run(argv: list[str]) -> None:
    from pathlib import Path  # imported here, so that Ctrl-C while importing is caught too

    from generator.quick import up_to_date

    counts = up_to_date(argv, Path.cwd())
    if counts is None:
        from generator.cli import main as full

        full()
        return
    if argv[0] == "batch":
        print(f"{counts['brands']} brand(s), {counts['files']} file(s)")
    print(f"0 written, {counts['files']} up to date (use --force to rebuild them)")
