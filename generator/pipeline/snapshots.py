"""A build's content carried to workers that have no copy of the project.

The coordinator packs what its documents are made from that a worker's journeykit does not
ship (the project's own ``content/`` and ``layouts/``; each client's logo; the font files of
families a brand takes from the coordinator's machine) into one archive,
stored once in Redis under its hash (:func:`publish`). A worker fetches the archive the
first time a task names the snapshot, checks it against its hash, unpacks it into its cache and
loads the project from there (:func:`fetch`); a worker that cannot get it refuses the task
rather than render from other content. A brand travels in its task with its folder and logo
named relative to the archive (:func:`portable`, :func:`local`): a brand with files outside
the project gets a folder of its own in the archive holding all of them (its logo and its
families' font files, named as a brand's own fonts are), so a worker finds the same files
whatever its machine has installed.
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
LOGO = "logo"
"""A carried logo's name in its brand's folder (its suffix kept)."""


class SnapshotMissing(Exception):
    """A worker cannot get a task's snapshot (it refuses the task)."""


def pack(root: Path, brands: list[Brand], bundled: dict[str, Family]) -> bytes:
    """The project's own content and layouts below ``root`` and the brands' files outside
    them (``bundled``: the families every worker has), as a tar archive (the same bytes for
    the same files)."""
    buffer = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=1, mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for folder in ("content", "layouts"):
            base = root / folder
            if base.is_dir():
                for path in sorted(p for p in base.rglob("*") if p.is_file()):
                    _add(archive, path, path.relative_to(root).as_posix())
        carried: dict[str, Path] = {}
        for brand in brands:
            if (found := _carried(brand, root, bundled)) is not None:
                folder, files = found
                carried.update((f"{folder}/{name}", path) for name, path in files.items())
        for name, path in sorted(carried.items()):
            _add(archive, path, name)
    data = buffer.getvalue()
    if len(data) > MAX_BYTES:
        raise ValueError(f"the project's files take {len(data) // 2**20} MiB packed")
    return data


def _add(archive: tarfile.TarFile, path: Path, name: str) -> None:
    info = tarfile.TarInfo(name)
    data = path.read_bytes()
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    archive.addfile(info, io.BytesIO(data))


def _carried(
    brand: Brand, root: Path, bundled: dict[str, Family]
) -> tuple[str, dict[str, Path]] | None:
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


def portable(brand: Brand, root: Path, bundled: dict[str, Family]) -> dict[str, object]:
    """The brand as a task carries it: its folder relative to the project, or its folder of
    carried files in the snapshot (its logo renamed there)."""
    data = brand.model_dump(mode="json")
    found = _carried(brand, root, bundled)
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
