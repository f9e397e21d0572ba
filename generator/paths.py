"""Where content and layouts are found: the user's project folder first, then what ships.

Like a theme's ``custom_dir``: a file in the project overrides the shipped file at the same
relative path, and new files add to what ships.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_dir() -> Path:
    """The folder holding the shipped ``content/`` and ``layouts/``.

    In a wheel they are copied into the package as ``_shipped``; in a source checkout (editable
    install) they are the repository's own top-level folders.
    """
    bundled = PACKAGE_DIR / "_shipped"
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent


def search_path(project: Path, name: str) -> list[Path]:
    """``project/name`` then the shipped ``name``, existing folders only, without repeats."""
    folders: list[Path] = []
    for base in (project, shipped_dir()):
        folder = (base / name).resolve()
        if folder.is_dir() and folder not in folders:
            folders.append(folder)
    return folders


def inside(path: Path, folders: Iterable[Path]) -> bool:
    """Whether ``path``, its links followed, lies in one of ``folders`` (theirs followed too):
    the rule for every file journeykit reads from a project, a brand or beside a client list
    (a link in a loop, or one that cannot be followed, is not inside)."""
    try:
        target = path.resolve()
        return any(target.is_relative_to(folder.resolve()) for folder in folders)
    except (OSError, RuntimeError):
        return False


def collect(folders: list[Path], pattern: str) -> dict[Path, Path]:
    """Files matching ``pattern`` by path relative to their folder; earlier folders win."""
    found: dict[Path, Path] = {}
    for folder in reversed(folders):
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                found[path.relative_to(folder)] = path
    return dict(sorted(found.items()))
