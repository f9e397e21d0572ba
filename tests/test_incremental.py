"""Incremental builds: unchanged files are not rebuilt, a changed input rebuilds exactly what
depends on it, and a build killed half way finishes on the next run with every file valid."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from generator.manifest import JOURNAL_NAME, MANIFEST_NAME, Manifest
from tests.conftest import ROOT, run_cli

ARGS = ("--guide", "kundresan", "--lang", "sv")


def build(project: Path, out: Path, *extra: str) -> str:
    result = run_cli("build", "--project", str(project), "--out", str(out), *ARGS, *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout


def mtimes(out: Path) -> dict[str, int]:
    return {
        str(p.relative_to(out)): p.stat().st_mtime_ns
        for p in out.rglob("*.*")
        if not p.name.startswith(".journeykit")
    }


def test_a_second_build_rebuilds_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert "8 written, 0 up to date" in build(ROOT, out)
    before = mtimes(out)
    assert "0 written, 8 up to date" in build(ROOT, out)
    assert mtimes(out) == before
    assert "8 written, 0 up to date" in build(ROOT, out, "--force")


def test_a_changed_section_rebuilds_only_its_guide_documents(tmp_path: Path) -> None:
    project = tmp_path / "project"
    section = project / "content/guides/kundresan/sections/syfte.sv.md"
    section.parent.mkdir(parents=True)
    shipped = ROOT / "content/guides/kundresan/sections/syfte.sv.md"
    shutil.copy(shipped, section)
    out = tmp_path / "out"
    build(project, out)
    before = mtimes(out)
    section.write_text(shipped.read_text(encoding="utf-8") + "\nEn mening till.\n", "utf-8")
    assert "2 written, 6 up to date" in build(project, out)
    changed = {name for name, mtime in mtimes(out).items() if before[name] != mtime}
    assert changed == {"default/sv/kundresan.pdf", "default/sv/kundresan.docx"}


def test_a_build_killed_half_way_finishes_on_the_next_run(tmp_path: Path) -> None:
    """Two languages, one worker: 16 files in two sets, killed once the first set is written."""
    out = tmp_path / "out"
    both = ("--guide", "kundresan", "--lang", "sv", "--lang", "en", "--jobs", "1")
    command = [sys.executable, "-m", "generator", "build", "--out", str(out), *both]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(Manifest(out).entries) >= 2:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(Manifest(out).entries)
    assert 0 < done_before < 16, "the build should have been stopped half way"

    result = run_cli("build", "--out", str(out), *both)
    assert f"{16 - done_before} written, {done_before} up to date" in result.stdout
    files = sorted(out.rglob("*.*"))
    assert not [f for f in files if f.name.endswith(".tmp")]  # nothing half-written left
    for pdf in (f for f in files if f.suffix == ".pdf"):
        assert len(PdfReader(pdf).pages) >= 1
    assert len(json.loads((out / MANIFEST_NAME).read_text())) == 16
    assert not (out / JOURNAL_NAME).exists()  # folded into the manifest


def test_parallel_and_serial_builds_give_the_same_bytes(tmp_path: Path, built: Path) -> None:
    """The shared fixture builds with one worker per core; here one process does it all."""
    out = tmp_path / "out"
    build(ROOT, out, "--jobs", "1")
    for path in (out / "default" / "sv").iterdir():
        assert path.read_bytes() == (built / path.name).read_bytes(), path.name


def imported(stderr: str) -> set[str]:
    """The modules a run imported, from ``python -X importtime``'s report."""
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if "|" in line}


def test_a_repeated_build_is_answered_without_loading_anything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(ROOT, out)
    args = ("build", "--project", str(ROOT), "--out", str(out), *ARGS, "--jobs", "1")
    again = run_cli(*args, python_flags=("-X", "importtime"))
    assert "0 written, 8 up to date" in again.stdout
    modules = imported(again.stderr)
    assert "generator.quick" in modules
    assert not {"generator.loading", "pydantic", "weasyprint", "typer"} & modules

    (out / "default/sv/kundresan-worksheet-blank.xlsx").unlink()
    assert "1 written, 7 up to date" in build(ROOT, out)  # a missing output: the full check
    assert "0 written, 8 up to date" in build(ROOT, out)


def test_a_new_content_file_sends_a_repeated_build_to_the_full_check(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    out = tmp_path / "out"
    build(project, out)
    brand = project / "content/brands/nytt/brand.yaml"
    brand.parent.mkdir(parents=True)
    brand.write_text('name: "Nytt AB"\n', encoding="utf-8")
    again = run_cli(
        "build",
        "--project",
        str(project),
        "--out",
        str(out),
        *ARGS,
        python_flags=("-X", "importtime"),
    )
    assert "0 written, 8 up to date" in again.stdout
    assert "generator.loading" in imported(again.stderr)
