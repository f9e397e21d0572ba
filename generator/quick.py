"""The quick check: a repeated ``build`` or ``batch`` with nothing changed, answered in a blink.

The last complete run of a command records, beside its output, the time and size of every file
it read (content, layouts, the CSV, logos, journeykit's own code) and wrote. If none of them
changed, no file was added to the content or layouts, and the same command runs again, there is
nothing to do: this module says so without loading the content or importing any renderer, like
``make``. Anything it cannot vouch for goes to the full build, whose manifest of input hashes
decides file by file. Only the standard library is imported here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.paths import PACKAGE_DIR

STAMP_NAME = ".journeykit-stamp.json"
COMMANDS = ("build", "batch")
UNRELATED = {"--jobs", "-j", "--broker"}
"""Options that change how a build runs (and where), not what it makes: left out of the
command's key, with their values."""
TAKE_VALUE = {
    "--project",
    "-p",
    "--out",
    "--guide",
    "--lang",
    "--variant",
    "--brand",
    "--format",
    "--paper",
}
KEPT = 8
"""Commands remembered per output folder (e.g. a build and a batch into the same folder)."""

Signature = dict[str, list[int]]


def command_key(argv: Sequence[str], cwd: Path) -> str | None:
    """What identifies a command's output, or None if it is not one the check answers."""
    if not argv or argv[0] not in COMMANDS or {"--force", "--help", "-h"} & set(argv):
        return None
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in UNRELATED:
            skip = True
        elif not any(arg.startswith(f"{option}=") for option in UNRELATED):
            kept.append(arg)
    return json.dumps([str(cwd), __version__, kept])


def output_folder(argv: Sequence[str], cwd: Path) -> Path | None:
    """The output folder the command writes to, read from ``--out`` and ``--project``."""
    values: dict[str, str] = {}
    pending = ""
    for arg in argv[1:]:
        if pending:
            values[pending], pending = arg, ""
        elif arg in TAKE_VALUE:
            pending = arg
        elif arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
            values[name] = value
    if pending:
        return None
    project = cwd / values.get("--project", values.get("-p", "."))
    return (cwd / values["--out"]) if "--out" in values else project / "output"


def signature(paths: Iterable[str], base: str = "") -> Signature:
    """Time and size of each path, joined to ``base`` (-1 for a missing one).

    Plain strings and ``os.stat``: for thousands of outputs, pathlib would cost more than the
    file system does.
    """
    result: Signature = {}
    for path in paths:
        try:
            status = os.stat(os.path.join(base, path))
            result[path] = [status.st_mtime_ns, status.st_size]
        except OSError:
            result[path] = [-1, -1]
    return result


def tree(roots: Iterable[str]) -> list[str]:
    """Every folder and file below the roots (a folder's time changes when a file is added)."""
    found: list[str] = []
    for root in roots:
        for folder, folders, files in os.walk(root):
            folders[:] = sorted(f for f in folders if f != "__pycache__")
            found.append(folder)
            found += [os.path.join(folder, name) for name in sorted(files)]
    return found


def up_to_date(argv: Sequence[str], cwd: Path) -> dict[str, int] | None:
    """The recorded counts (files, brands) if the command has nothing to do, else None."""
    key = command_key(argv, cwd)
    out = output_folder(argv, cwd)
    if key is None or out is None:
        return None
    try:
        record = json.loads((out / STAMP_NAME).read_text(encoding="utf-8"))[key]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if signature([*tree(record["roots"]), *record["files"]]) != record["inputs"]:
        return None
    if signature(record["written"], str(out)) != record["written"]:
        return None
    return record["counts"]


@dataclass(frozen=True)
class Inputs:
    """What a command reads: folders walked whole and single files, with their signature as
    they were when the command started (a file edited during the build is then seen as changed
    next time)."""

    roots: list[str]
    files: list[str]
    signature: Signature

    @classmethod
    def now(cls, roots: list[Path], files: list[Path]) -> Inputs:
        root_names = [str(root) for root in [*roots, PACKAGE_DIR]]
        file_names = [str(path) for path in files]
        return cls(root_names, file_names, signature([*tree(root_names), *file_names]))

    def adding(self, files: list[Path]) -> Inputs:
        """These inputs and more files, as the files are now."""
        names = [str(path) for path in files]
        return Inputs(self.roots, [*self.files, *names], {**self.signature, **signature(names)})


def remember(
    argv: Sequence[str],
    cwd: Path,
    out: Path,
    inputs: Inputs,
    outputs: list[Path],
    counts: dict[str, int],
) -> None:
    """Record a complete run of the command: what it read and what it wrote."""
    from generator.output import write_atomic

    key = command_key(argv, cwd)
    if key is None:
        return
    stamp_path = out / STAMP_NAME
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = {}
    stamp.pop(key, None)
    stamp[key] = {
        "roots": inputs.roots,
        "files": inputs.files,
        "inputs": inputs.signature,
        "written": signature((str(path.relative_to(out)) for path in outputs), str(out)),
        "counts": counts,
    }
    kept = dict(list(stamp.items())[-KEPT:])
    write_atomic(stamp_path, json.dumps(kept, separators=(",", ":")).encode())
