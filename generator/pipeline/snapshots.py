"""A build's content carried to workers that have no copy of the project.

The coordinator packs what its documents are made from that a worker's journeykit does not
ship into archives stored in Redis under their hash (:func:`publish`): the project's own
``content/`` and ``layouts/`` once a build (:func:`pack`), and each brand's files outside the
project (its logo, the font files of families it takes from the coordinator's machine) once
a brand, as its sets are sent (:func:`carried`, :func:`pack_files`), so a list of 100 000
clients is never packed whole. A worker fetches an archive the first time a task names it,
checks it against its hash, unpacks it into its cache and loads the project from there
(:func:`fetch`, :func:`fetch_files`); a worker that cannot get it refuses the task rather than
render from other content. A brand travels in its task with its folder and logo named
relative to the snapshot (:func:`portable`, :func:`local`): a brand with files outside the
project gets a folder of its own there holding all of them (its logo, and its families' font
files named as a brand's own fonts are), so a worker finds the same files whatever its
machine has installed.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import tarfile
from functools import lru_cache
from pathlib import Path

from generator.fonts import Family, family_files
from generator.layouts import Layouts
from generator.model import Brand, Library

KEY = "journeykit:snapshot:{}"
KEPT_SECONDS = 7 * 24 * 3600
"""How long Redis keeps a snapshot after it was last published."""
MAX_BYTES = 200 * 1024 * 1024
"""The largest snapshot a coordinator publishes or a worker unpacks."""
CLIENTS = ".clients"
"""Where a snapshot keeps the folders of brands with files outside the project (each by its
files' hash)."""
COMPLETE = ".complete"
"""The file marking an archive wholly unpacked."""
LOGO = "logo"
"""A carried logo's name in its brand's folder (its suffix kept)."""


Carried = tuple[str, dict[str, Path]] | None
"""A brand's folder in the snapshot and its files by name there (:func:`carried`), or None."""


class SnapshotMissing(Exception):
    """A worker cannot get a task's snapshot (it refuses the task)."""


def pack(root: Path) -> bytes:
    """The project's own content and layouts below ``root`` as an archive (the same bytes for
    the same files)."""
    entries = [
        (path.relative_to(root).as_posix(), path)
        for folder in ("content", "layouts")
        if (root / folder).is_dir()
        for path in sorted(p for p in (root / folder).rglob("*") if p.is_file())
    ]
    data = _archive(entries)
    if len(data) > MAX_BYTES:
        raise ValueError(f"the project's files take {len(data) // 2**20} MiB packed")
    return data


def pack_files(files: dict[str, Path]) -> bytes:
    """A brand's carried files (:func:`carried`) as an archive, by their names."""
    return _archive(sorted(files.items()))


def _archive(entries: list[tuple[str, Path]]) -> bytes:
    """A gzipped tar of the files by name, with no time or owner in it."""
    buffer = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=1, mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for name, path in entries:
            _add(archive, path, name)
    return buffer.getvalue()


def _add(archive: tarfile.TarFile, path: Path, name: str) -> None:
    info = tarfile.TarInfo(name)
    data = path.read_bytes()
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    archive.addfile(info, io.BytesIO(data))


def carried(brand: Brand, root: Path, bundled: dict[str, Family]) -> Carried:
    """The brand's folder in the archive and the files it holds (by name there), when a file
    its documents read lies outside the project: None when the project holds them all."""
    inside = root.resolve()
    files: dict[str, Path] = {}
    if brand.logo and brand.folder is not None:
        logo = (brand.folder / brand.logo).resolve()
        files[LOGO + logo.suffix.lower()] = logo
    for family in dict.fromkeys((brand.fonts.heading, brand.fonts.body)):
        if family not in bundled:
            for style, path in family_files(family, bundled, brand.folder).items():
                files[f"{family}-{style}{path.suffix.lower()}"] = path.resolve()
    if all(path.is_relative_to(inside) for path in files.values()):
        return None
    named = sorted(f"{name}={_digest(path)}" for name, path in files.items())
    return f"{CLIENTS}/{hashlib.sha256(chr(10).join(named).encode()).hexdigest()[:32]}", files


def _digest(path: Path) -> str:
    stat = path.stat()
    return _file_digest(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _file_digest(path: Path, _mtime: int, _size: int) -> str:
    """A file's SHA-256, read once while it is unchanged (packing and each task ask)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def portable(brand: Brand, root: Path, found: Carried) -> dict[str, object]:
    """The brand as a task carries it (``found``: its :func:`carried` files): its folder
    relative to the project, or its folder of carried files in the snapshot (its logo renamed
    there)."""
    data = brand.model_dump(mode="json")
    if found is not None:
        data["folder"] = found[0]
        data["logo"] = next((name for name in found[1] if name.startswith(LOGO + ".")), "")
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
    if not (root / COMPLETE).exists():
        _unpack(_stored(redis, snapshot, "content snapshot"), root)
    project = Project.at(root)
    return root, load_library(project), Layouts(project)


def fetch_files(redis: object, archive: str, folder: Path) -> None:
    """A brand's carried files (the archive ``archive`` names) unpacked into its ``folder``
    of the snapshot, once; :class:`SnapshotMissing` as :func:`fetch`."""
    if not (folder / COMPLETE).exists():
        _unpack(_stored(redis, archive, "brand's files"), folder)


def _stored(redis: object, digest: str, what: str) -> bytes:
    """The archive stored under its hash ``digest``, checked against it."""
    value = redis.get(KEY.format(digest))  # type: ignore[attr-defined]
    if value is None:
        raise SnapshotMissing(f"no {what} {digest[:12]} in Redis")
    named, _, archive = value.partition(b"\n")
    if hashlib.sha256(archive).hexdigest().encode() != named or len(archive) > MAX_BYTES:
        raise SnapshotMissing(f"the {what} {digest[:12]} is damaged")
    return archive


def _unpack(archive: bytes, root: Path) -> None:
    """Unpack into ``root`` (regular files only, inside it), then mark it complete."""
    partial = root.with_name(root.name + f".{os.getpid()}.partial")
    partial.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        tar.extractall(partial, filter="data")
    (partial / COMPLETE).write_text("", encoding="utf-8")
    with contextlib.suppress(OSError):  # another process of this worker unpacked it first
        partial.rename(root)
