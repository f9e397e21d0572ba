"""Errors in what the user gave: where (file, line, field), what, and what would be valid.

Every stage of the flow raises :class:`ContentError`; loading gathers them into a
:class:`ContentErrors` so the user sees every problem at once. The API raises
:class:`ContentErrors`; the CLI prints each problem on a line of its own and exits 2.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

MAX_MESSAGE = 300
"""Characters of a message, a hint or a field name at most."""


@dataclass(frozen=True)
class ContentError(Exception):
    """One problem in one file (or, without a path, in an option the user gave)."""

    path: Path | None
    message: str
    line: int | None = None
    field: str | None = None
    hint: str | None = None
    column: int | None = None
    """The 1-based column, for a syntax error (with its line)."""

    def __post_init__(self) -> None:
        # A message may quote what the user wrote: it stays one line and never grows with
        # hostile input.
        for name in ("message", "hint", "field"):
            text = getattr(self, name)
            if text is None:
                continue
            text = " ".join(text.split())
            if len(text) > MAX_MESSAGE:
                text = text[: MAX_MESSAGE - 1] + "…"
            object.__setattr__(self, name, text)

    def __str__(self) -> str:
        return self.format()

    def format(self, root: Path | None = None) -> str:
        """One line: ``file:line[:column]: field: message (hint)``."""
        path = self.path
        if root is not None and path is not None:
            with contextlib.suppress(ValueError):
                path = path.resolve().relative_to(root.resolve())
        parts = []
        if path is not None:
            where = f":{self.line}" if self.line else ""
            where += f":{self.column}" if self.line and self.column else ""
            parts.append(f"{path}{where}:")
        if self.field:
            parts.append(f"{self.field}:")
        parts.append(self.message + (f" ({self.hint})" if self.hint else ""))
        return " ".join(parts)


class ContentErrors(Exception):
    """Every problem found, raised once loading or planning has looked at everything."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the content")
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(error.format() for error in self.errors)


class BuildError(Exception):
    """A document could not be rendered although its content was valid (exit code 1)."""
