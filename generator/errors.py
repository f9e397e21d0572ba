"""Errors in the user's content: where (file, line, field), what, and what would be valid.

Every stage of the flow raises :class:`ContentError`; loading gathers them into a
:class:`ContentErrors` so the user sees every problem at once. The CLI prints them and exits 2.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError(Exception):
    """One problem in one content file."""

    path: Path
    message: str
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        return self.format()

    def format(self, root: Path | None = None) -> str:
        """One line: ``file:line: field: message (hint)``."""
        path = self.path
        if root is not None:
            with contextlib.suppress(ValueError):
                path = self.path.resolve().relative_to(root.resolve())
        where = f"{path}:{self.line}" if self.line else str(path)
        field = f" {self.field}:" if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{field} {self.message}{hint}"


class ContentErrors(Exception):
    """Every content problem found, raised once loading or planning has looked at everything."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the content")
        self.errors = errors


class BuildError(Exception):
    """A document could not be rendered although its content was valid (exit code 1)."""
