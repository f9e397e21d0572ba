"""Incremental builds: unchanged files are not rebuilt, a changed input rebuilds exactly what
depends on it, a build killed half way finishes on the next run with every file valid, and a
repeated command is answered by the quick check before anything is loaded.

Builds go through :mod:`generator.api` in process; the command line runs in a real process only
where it is what is tested: a process killed with its workers, and the quick check (which the
command line records, and which must answer in a fresh interpreter that imports nothing).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from generator import api
from generator.pipeline.manifest import Manifest
from generator.quick import Inputs, remember, up_to_date
from tests.conftest import (
    BRANDED,
    CSV_HEADER,
    DANISH,
    MINIMAL,
    ROOT,
    add_brand,
    copy_project,
    run_cli,
    start_cli,
)


def mtimes(out: Path) -> dict[str, int]:
    return {
        str(p.relative_to(out)): p.stat().st_mtime_ns
        for p in out.rglob("*.*")
        if not p.name.startswith(".journeykit")
    }


ONBOARDING = {"guide": ["onboarding"], "jobs": 1}


def test_a_second_build_rebuilds_nothing(tmp_path: Path) -> None:
    """The minimal guide's blank worksheets (a grid, a form, a checklist) as DOCX and XLSX are
    left untouched, and rewritten with force (every format found current: tests/test_api.py)."""
    out = tmp_path / "out"
    narrow = {"variant": ["blank"], "format": ["docx", "xlsx"], **ONBOARDING}
    first = api.build(MINIMAL, out=out, **narrow)
    assert len(first.written) == 6 and not first.current
    before = mtimes(out)
    again = api.build(MINIMAL, out=out, **narrow)
    assert not again.written and len(again.current) == 6
    assert mtimes(out) == before
    forced = api.build(MINIMAL, out=out, force=True, **narrow)
    assert len(forced.written) == 6 and not forced.current
    assert all(mtime != before[name] for name, mtime in mtimes(out).items())


def test_a_changed_section_rebuilds_only_its_guide_documents(tmp_path: Path) -> None:
    """The Danish fixture's guide: its worksheet PDFs are copies of the guide's pages, yet a
    changed section leaves them (and the worksheet DOCX) alone."""
    project = copy_project(DANISH, tmp_path / "project")
    section = project / "content/guides/kunderejsen/sections/intro.da.md"
    out = tmp_path / "out"
    narrow = {"guide": ["kunderejsen"], "format": ["pdf", "docx"], "jobs": 1}
    assert len(api.build(project, out=out, **narrow).written) == 6
    before = mtimes(out)
    section.write_text(section.read_text(encoding="utf-8") + "\nEn sætning mere.\n", "utf-8")
    again = api.build(project, out=out, **narrow)
    assert (len(again.written), len(again.current)) == (2, 4)
    changed = {name for name, mtime in mtimes(out).items() if before[name] != mtime}
    assert changed == {"default/da/kunderejsen.pdf", "default/da/kunderejsen.docx"}


def kill_half_way(args: list[str], out: Path) -> int:
    """Start ``journeykit <args>``, SIGKILL it and its workers once two files are done, and
    return how many files were finished by then."""
    process = start_cli(
        *args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(Manifest(out).entries) >= 2:
            break
        time.sleep(0.01)
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
    assert len(Manifest(out).entries) == count


@pytest.mark.slow
def test_a_build_killed_half_way_finishes_on_the_next_run(tmp_path: Path) -> None:
    """Two guides, one worker: two sets of five files, killed once the first files are done;
    the next run (in process) builds what is missing."""
    out = tmp_path / "out"
    args = ["build", "--out", str(out), "--guide", "kundresan", "--guide", "customer-journey"]
    args += ["--format", "docx", "--format", "xlsx", "--jobs", "1"]
    done_before = kill_half_way(args, out)
    assert 0 < done_before < 10, "the build should have been stopped half way"
    guides = ["kundresan", "customer-journey"]
    narrow = {"guide": guides, "format": ["docx", "xlsx"], "jobs": 1}
    again = api.build(ROOT, out=out, **narrow)
    assert again.ok
    assert (len(again.written), len(again.current)) == (10 - done_before, done_before)
    assert_every_file_is_valid(out, 10)


@pytest.mark.slow
def test_a_batch_killed_half_way_finishes_on_the_next_run(tmp_path: Path) -> None:
    """Five clients sharing a layout (so stamped from a template) on two workers (5 sets of 3
    PDFs), killed with its workers, then run again (in process): the files equal a clean
    batch's."""
    clients = tmp_path / "clients.csv"
    rows = [f"k{n},Kund {n} AB,#1F4E79,#F2A900,,k{n}.example,,,en" for n in range(5)]
    clients.write_text(CSV_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(clients), "--project", str(MINIMAL), "--guide", "onboarding"]
    args += ["--format", "pdf", "--variant", "blank", "--out", str(out), "--jobs", "2"]
    done_before = kill_half_way(args, out)
    assert 0 < done_before < 15, "the batch should have been stopped half way"
    narrow = {"guide": ["onboarding"], "format": ["pdf"], "variant": ["blank"], "jobs": 1}
    again = api.batch(clients, MINIMAL, out=out, **narrow)
    assert again.ok and again.brands == [f"k{n}" for n in range(5)]
    assert (len(again.written), len(again.current)) == (15 - done_before, done_before)
    assert_every_file_is_valid(out, 15)
    clean = api.batch(clients, MINIMAL, out=tmp_path / "clean", **narrow)
    assert clean.stamped == {f"k{n}" for n in range(5)}
    for written in clean.written:  # resumed after a kill, as a clean batch makes them
        assert (out / written.path.relative_to(clean.out)).read_bytes() == written.path.read_bytes()
    assert len(clean.written) == 15


def test_a_batch_missing_a_few_files_remakes_them_as_the_whole_batch_did(
    tmp_path: Path,
) -> None:
    """Five clients sharing a layout are stamped; with two clients' files gone, the rerun
    makes only theirs, stamped as before (the clients whose files are current still count
    towards sharing the layout), so the bytes are those of the whole batch."""
    clients = tmp_path / "clients.csv"
    rows = [f"k{n},Kund {n} AB,#1F4E79,#F2A900,,k{n}.example,,,en" for n in range(5)]
    clients.write_text(CSV_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    narrow = {"guide": ["onboarding"], "format": ["pdf"], "variant": ["blank"], "jobs": 1}
    out = tmp_path / "out"
    whole = api.batch(clients, MINIMAL, out=out, **narrow)
    assert whole.stamped == {f"k{n}" for n in range(5)}
    before = {w.path: w.path.read_bytes() for w in whole.written}
    for brand in ("k3", "k4"):
        shutil.rmtree(out / brand)
    again = api.batch(clients, MINIMAL, out=out, **narrow)
    assert again.stamped == {"k3", "k4"} and len(again.written) == 6
    for path, data in before.items():
        assert path.read_bytes() == data, path


def test_editing_an_example_rebuilds_only_what_shows_it(tmp_path: Path) -> None:
    """The blank worksheet's PDF and DOCX do not show the example (only the workbook has it
    beside the blank sheet): editing the example rebuilds its own files, the blank workbook
    and the guide, nothing else."""
    project = copy_project(MINIMAL, tmp_path / "project")
    out = tmp_path / "out"
    narrow = {"guide": ["onboarding"], "jobs": 1}
    api.build(project, out=out, **narrow)
    before = mtimes(out)
    example = project / "content/examples/funnel/sample.en.yaml"
    example.write_text(example.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    again = api.build(project, out=out, **narrow)
    changed = {name for name, mtime in mtimes(out).items() if before[name] != mtime}
    assert changed == {
        "default/en/onboarding.pdf",
        "default/en/onboarding.docx",
        "default/en/onboarding-worksheet-blank.xlsx",
        "default/en/onboarding-worksheet-sample.pdf",
        "default/en/onboarding-worksheet-sample.docx",
        "default/en/onboarding-worksheet-sample.xlsx",
    }
    assert len(again.written) == len(changed)


@pytest.mark.slow
def test_parallel_and_serial_builds_give_the_same_bytes(
    serial_build: Path, every_output: Path
) -> None:
    """Two guides' sets rendered by one process, and the shared build, made by two workers."""
    files = sorted((serial_build / "default" / "sv").iterdir())
    assert len(files) == 16
    for path in files:
        assert path.read_bytes() == (every_output / "default/sv" / path.name).read_bytes(), path


def imported(stderr: str) -> set[str]:
    """The modules a run imported, from ``python -X importtime``'s report."""
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if "|" in line}


QUICK = ("--guide", "onboarding", "--format", "xlsx")
"""A small build (6 files) for the quick check's tests."""
IMPORTTIME = ("-X", "importtime")


def cli_build(
    project: Path, out: Path, *extra: str, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    args = ("build", "--project", str(project), "--out", str(out), *QUICK, *extra)
    result = run_cli(*args, python_flags=python_flags)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.slow
def test_a_repeated_build_is_answered_without_loading_anything(tmp_path: Path) -> None:
    """Nothing changed: answered before anything is loaded. A deleted output or a new content
    file: the full check."""
    project = copy_project(MINIMAL, tmp_path / "project")
    out = tmp_path / "out"
    first = cli_build(project, out)
    assert "Files written" in first.stdout and "6 written, 0 up to date" in first.stdout
    again = cli_build(project, out, "--jobs", "1", python_flags=IMPORTTIME)
    assert "0 written, 6 up to date" in again.stdout
    modules = imported(again.stderr)
    assert "generator.quick" in modules
    assert not {"generator.loading", "pydantic", "weasyprint", "typer"} & modules

    (out / "default/en/onboarding-worksheet-blank.xlsx").unlink()
    full = cli_build(project, out, python_flags=IMPORTTIME)
    assert "1 written, 5 up to date" in full.stdout  # a missing output: the full check
    assert "generator.loading" in imported(full.stderr)
    quick = cli_build(project, out, python_flags=IMPORTTIME)
    assert "0 written, 6 up to date" in quick.stdout  # which recorded the run anew
    assert "generator.loading" not in imported(quick.stderr)

    add_brand(project, "nytt", 'name: "Nytt AB"\n')  # a new content file: the full check
    added = cli_build(project, out, python_flags=IMPORTTIME)
    assert "0 written, 6 up to date" in added.stdout
    assert "generator.loading" in imported(added.stderr)


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


@pytest.mark.slow
def test_a_repeated_batch_is_answered_by_the_quick_check_until_a_logo_changes(
    tmp_path: Path,
) -> None:
    """A batch from the command line: exit 0, then the same batch answered at once; a client's
    logo is among what it read, so a changed logo sends the next run to the full check."""
    shutil.copy(BRANDED / "content/brands/acme/logo.svg", tmp_path / "acme.svg")
    clients = tmp_path / "clients.csv"
    rows = "acme,Acme AB,#7A1F3D,#F4B942,acme.svg,,,,en\nnord,Nord AS,,,,,,,en\n"
    clients.write_text(CSV_HEADER + rows, encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(clients), "--project", str(MINIMAL), "--out", str(out), *QUICK]
    first = run_cli(*args)
    assert first.returncode == 0 and "Traceback" not in first.stderr, first.stderr
    assert "12 written, 0 up to date" in first.stdout
    again = run_cli(*args, python_flags=IMPORTTIME)
    assert again.returncode == 0 and "0 written, 12 up to date" in again.stdout
    assert "generator.loading" not in imported(again.stderr)  # answered by the quick check
    logo = tmp_path / "acme.svg"
    logo.write_text(logo.read_text(encoding="utf-8").replace("</svg>", "<!-- v2 --></svg>"))
    changed = run_cli(*args, python_flags=IMPORTTIME)
    assert changed.returncode == 0 and "generator.loading" in imported(changed.stderr)
