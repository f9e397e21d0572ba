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

from docx import Document as DocxDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from generator.manifest import JOURNAL_NAME, MANIFEST_NAME, Manifest
from generator.quick import Inputs, remember, up_to_date
from tests.conftest import ROOT, run_cli

ARGS = ("--guide", "kundresan", "--lang", "sv")
CSV_HEADER = "id,name,primary,accent,logo,website,email,phone,language\n"


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


def kill_half_way(args: list[str], out: Path) -> int:
    """Start ``journeykit <args>``, SIGKILL it and its workers once two files are done, and
    return how many files were finished by then."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
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
    return len(Manifest(out).entries)


def assert_every_file_is_valid(out: Path, count: int) -> None:
    """``count`` files, none half-written, each opened by the reader of its format."""
    files = [f for f in out.rglob("*.*") if not f.name.startswith(".journeykit")]
    assert not [f for f in files if f.name.endswith(".tmp")]  # nothing half-written left
    assert len(files) == count
    for path in files:
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1
        elif path.suffix == ".docx":
            assert DocxDocument(str(path)).paragraphs
        else:
            assert load_workbook(path).active.max_row > 1
    assert len(json.loads((out / MANIFEST_NAME).read_text())) == count
    assert not (out / JOURNAL_NAME).exists()  # folded into the manifest


def test_a_build_killed_half_way_finishes_on_the_next_run(tmp_path: Path) -> None:
    """Two languages, one worker: 16 files in two sets, killed once the first files are done."""
    out = tmp_path / "out"
    args = ["build", "--out", str(out), "--guide", "kundresan", "--lang", "sv", "--lang", "en"]
    args += ["--jobs", "1"]
    done_before = kill_half_way(args, out)
    assert 0 < done_before < 16, "the build should have been stopped half way"
    result = run_cli(*args)
    assert f"{16 - done_before} written, {done_before} up to date" in result.stdout
    assert_every_file_is_valid(out, 16)


def test_a_batch_killed_half_way_finishes_on_the_next_run(tmp_path: Path) -> None:
    """Four clients on two workers (32 files), killed with its workers, then run again."""
    clients = tmp_path / "clients.csv"
    rows = [f"k{n},Kund {n} AB,#1F4E79,#F2A900,,k{n}.example,,,sv" for n in range(4)]
    clients.write_text(CSV_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(clients), "--guide", "kundresan", "--out", str(out), "--jobs", "2"]
    done_before = kill_half_way(args, out)
    assert 0 < done_before < 32, "the batch should have been stopped half way"
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert f"{32 - done_before} written, {done_before} up to date" in result.stdout
    assert "4 of 4 brand(s) complete" in result.stdout
    assert_every_file_is_valid(out, 32)


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


def test_a_file_edited_during_a_build_is_not_trusted_next_time(tmp_path: Path) -> None:
    """The quick check records the inputs as they were when the command started."""
    content = tmp_path / "content"
    content.mkdir()
    section = content / "intro.sv.md"
    section.write_text("Före\n", encoding="utf-8")
    out = tmp_path / "out"
    written = out / "default" / "sv" / "guide.pdf"
    written.parent.mkdir(parents=True)
    argv = ["build", "--out", str(out)]
    inputs = Inputs.now([content], [])
    section.write_text("Efter, längre\n", encoding="utf-8")  # edited while the build runs
    written.write_bytes(b"%PDF")
    remember(argv, tmp_path, out, inputs, [written], {"files": 1, "brands": 1})
    assert up_to_date(argv, tmp_path) is None

    remember(argv, tmp_path, out, Inputs.now([content], []), [written], {"files": 1, "brands": 1})
    assert up_to_date(argv, tmp_path) == {"files": 1, "brands": 1}
    assert up_to_date([*argv, "--force"], tmp_path) is None
