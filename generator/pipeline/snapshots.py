"""A build's content carried to workers that have no copy of the project.

The coordinator packs what its documents are made from that a worker's journeykit does not
ship (the project's own ``content/`` and ``layouts/``, and each client's logo) into one archive,
stored once in Redis under its hash (:func:`publish`). A worker fetches the archive the
first time a task names the snapshot, checks it against its hash, unpacks it into its cache and
loads the project from there (:func:`fetch`); a worker that cannot get it refuses the task
rather than render from other content. A brand travels in its task with its folder and logo
named relative to the archive (:func:`portable`, :func:`local`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tarfile
from functools import lru_cache
from pathlib import Path

from generator.layouts import Layouts
from generator.model import Brand, Library

KEY = "journeykit:snapshot:{}"
KEPT_SECONDS = 7 * 24 * 3600
"""How long Redis keeps a snapshot after it was last published."""
MAX_BYTES = 200 * 1024 * 1024
"""The largest snapshot a coordinator publishes or a worker unpacks."""
CLIENTS = ".clients"
"""Where a snapshot keeps client logos (by their content's hash)."""


class SnapshotMissing(Exception):
    """A worker cannot get a task's snapshot (it refuses the task)."""


def pack(root: Path, brands: list[Brand]) -> bytes:
    """The project's own content and layouts below ``root`` and the brands' logos outside
    them, as a tar archive (the same bytes for the same files)."""
    buffer = io.BytesIO()
    with tarfile.open(
        fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=1
    ) as archive:
        for folder in ("content", "layouts"):
            base = root / folder
            if base.is_dir():
                for path in sorted(p for p in base.rglob("*") if p.is_file()):
                    _add(archive, path, path.relative_to(root).as_posix())
        for path in sorted({p for brand in brands if (p := _outside_logo(brand, root))}):
            _add(archive, path, _client_name(path))
    data = buffer.getvalue()
    if len(data) > MAX_BYTES:
        raise ValueError(f"the project's files take {len(data) // 2**20} MiB packed")
    return data


def _add(archive: tarfile.TarFile, path: Path, name: str) -> None:
    info = tarfile.TarInfo(name)
    data = path.read_bytes()
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    archive.addfile(info, io.BytesIO(data))


def _outside_logo(brand: Brand, root: Path) -> Path | None:
    if not brand.logo or brand.folder is None:
        return None
    path = (brand.folder / brand.logo).resolve()
    return None if path.is_relative_to(root.resolve()) else path


def _client_name(path: Path) -> str:
    """A client's logo's name in the archive: by its content's hash."""
    stat = path.stat()
    return _named(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _named(path: Path, _mtime: int, _size: int) -> str:
    """:func:`_client_name`, the file read once (packing and each task name it)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    return f"{CLIENTS}/{digest}{path.suffix.lower()}"


def portable(brand: Brand, root: Path) -> dict[str, object]:
    """The brand as a task carries it: its folder relative to the project (a client's logo
    named by its place in the snapshot)."""
    data = brand.model_dump(mode="json")
    outside = _outside_logo(brand, root)
    if outside is not None:
        data["folder"], data["logo"] = ".", _client_name(outside)
    elif brand.folder is not None:
        folder, inside = brand.folder.resolve(), root.resolve()
        within = folder.is_relative_to(inside)
        data["folder"] = folder.relative_to(inside).as_posix() if within else None
    return data


def local(data: dict[str, object], root: Path) -> Brand:
    """A brand from a task, its folder in this worker's copy of the project at ``root``."""
    folder = data.get("folder")
    return Brand.model_validate({**data, "folder": None if folder is None else root / str(folder)})


def publish(redis: object, archive: bytes) -> str:
    """Store the archive under its hash (once; kept for a week from now); return the hash."""
    digest = hashlib.sha256(archive).hexdigest()
    key = KEY.format(digest)
    value = digest.encode() + b"\n" + archive
    redis.set(key, value, ex=KEPT_SECONDS, nx=True)  # type: ignore[attr-defined]
    redis.expire(key, KEPT_SECONDS)  # type: ignore[attr-defined]
    return digest


def fetch(redis: object, snapshot: str, cache: Path) -> tuple[Path, Library, Layouts]:
    """The archive ``snapshot`` (its hash) unpacked in ``cache`` and its project loaded;
    raises :class:`SnapshotMissing` when Redis does not have it or it does not match its
    hash."""
    from generator.loading import load_library
    from generator.project import Project

    root = cache / snapshot[:40]
    if not (root / ".complete").exists():
        value = redis.get(KEY.format(snapshot))  # type: ignore[attr-defined]
        if value is None:
            raise SnapshotMissing(f"no content snapshot {snapshot[:12]} in Redis")
        digest, _, archive = value.partition(b"\n")
        if hashlib.sha256(archive).hexdigest().encode() != digest or len(archive) > MAX_BYTES:
            raise SnapshotMissing(f"the content snapshot {snapshot[:12]} is damaged")
        _unpack(archive, root)
    project = Project.at(root)
    return root, load_library(project), Layouts(project)


def _unpack(archive: bytes, root: Path) -> None:
    """Unpack into ``root`` (regular files only, inside it), then mark it complete."""
    partial = root.with_name(root.name + f".{os.getpid()}.partial")
    partial.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        tar.extractall(partial, filter="data")
    (partial / ".complete").write_text("", encoding="utf-8")
    with contextlib.suppress(OSError):  # another process of this worker unpacked it first
        partial.rename(root)
