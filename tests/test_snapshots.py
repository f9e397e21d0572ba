"""What a worker without the project gets in a content snapshot and a brand's carried files
(no Redis needed here: the archives are packed and unpacked as a worker would)."""

from __future__ import annotations

import io
import shutil
import tarfile
import time
from pathlib import Path

import pytest

from generator.fonts import family_files, system_family
from generator.model import Brand
from generator.pipeline import snapshots
from generator.project import Project
from tests.conftest import MINIMAL

INSTALLED = "DejaVu Serif"
"""A family Debian installs (fonts-dejavu-core) that no project bundles."""


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    return root


def _unpacked(archive: bytes, into: Path) -> Path:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        tar.extractall(into, filter="data")
    return into


def _on_a_worker(brand: Brand, root: Path, worker: Path) -> Brand:
    """The brand as a worker has it: the snapshot and its carried files unpacked."""
    bundled = Project.at(root).font_families
    _unpacked(snapshots.pack(root), worker)
    found = snapshots.carried(brand, root, bundled)
    if found is not None:
        _unpacked(snapshots.pack_files(found[1]), worker / found[0])
    return snapshots.local(snapshots.portable(brand, root, found), worker)


def test_an_installed_family_travels_with_its_brand(tmp_path: Path) -> None:
    """A brand set in a family installed on the coordinator's machine finds the same font
    files among its carried files, whatever the worker's machine has installed."""
    if not system_family(INSTALLED):
        pytest.skip(f"{INSTALLED} is not installed")
    root = _project(tmp_path)
    bundled = Project.at(root).font_families
    brand = Brand.model_validate(
        {"id": "serif", "name": "Serif AB", "fonts": {"heading": INSTALLED, "body": INSTALLED}}
    )
    worker = tmp_path / "worker"
    carried = _on_a_worker(brand, root, worker)
    theirs = family_files(INSTALLED, bundled, brand.folder)
    ours = family_files(INSTALLED, bundled, carried.folder)
    assert ours.keys() == theirs.keys() and ours
    for style, path in ours.items():
        assert path.is_relative_to(worker), path  # not the worker's own installed file
        assert path.read_bytes() == theirs[style].read_bytes()


def test_a_client_logo_travels_and_the_project_brand_stays_in_place(tmp_path: Path) -> None:
    root = _project(tmp_path)
    bundled = Project.at(root).font_families
    clients = tmp_path / "clients"
    clients.mkdir()
    (clients / "k.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>')
    client = Brand.model_validate({"id": "k", "name": "K AB", "logo": "k.svg", "folder": clients})
    plain = Brand.model_validate({"id": "p", "name": "P AB"})
    worker = tmp_path / "worker"
    carried = _on_a_worker(client, root, worker)
    assert carried.folder is not None and carried.folder.is_relative_to(worker)
    assert (carried.folder / carried.logo).read_bytes() == (clients / "k.svg").read_bytes()
    assert snapshots.carried(plain, root, bundled) is None
    assert snapshots.portable(plain, root, None)["folder"] is None


def test_the_same_files_make_the_same_archive(tmp_path: Path) -> None:
    """No time in an archive: the same content is the same snapshot (one key in Redis)."""
    root = _project(tmp_path)
    first = snapshots.pack(root)
    time.sleep(1.1)  # a gzip header's time is in seconds
    assert snapshots.pack(root) == first
    with tarfile.open(fileobj=io.BytesIO(first)) as tar:
        names = tar.getnames()
    assert "content/frameworks/funnel.en.yaml" in names
    assert not [name for name in names if name.startswith(snapshots.CLIENTS)]
