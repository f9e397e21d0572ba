"""Hostile client lists and resources (issue 21, classes 7–9): ids and names longer than files
and headers hold, noncharacters, a list of 100 000 rows, ``--jobs 999``. Through the real
command line: exit codes, one line per bad row (file:line, field), the other clients built."""

from __future__ import annotations

import os
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from generator.model import ID_MAX, LINE_MAX, NAME_MAX
from generator.processes import workers_for
from tests.conftest import (
    CSV_HEADER,
    MINIMAL,
    add_brand,
    copy_project,
    first_file_then_ctrl_c,
    long_client_list,
    run_cli,
)

ONE_SHEET = ["--guide", "onboarding", "--lang", "en", "--variant", "blank", "--jobs", "1"]
"""One worksheet a client (as XLSX unless a test asks for more)."""
EXCEL_HEADER_MAX = 255


def batch(clients: Path, out: Path, *formats: str) -> tuple[int, list[str], str]:
    """``journeykit batch`` of the minimal project: exit code, stderr's lines, stdout."""
    chosen = [arg for fmt in formats or ("xlsx",) for arg in ("--format", fmt)]
    args = ["batch", str(clients), "--project", str(MINIMAL), "--out", str(out)]
    result = run_cli(*args, *ONE_SHEET, *chosen, timeout=300)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr.splitlines(), result.stdout


def built(out: Path) -> list[str]:
    """The clients with a folder of files in ``out``."""
    return sorted(path.name for path in out.iterdir() if path.is_dir()) if out.exists() else []


def test_an_id_longer_than_a_file_name_is_its_rows_problem_alone(tmp_path: Path) -> None:
    """A 260-letter id stopped the whole batch ("File name too long"); now its row is refused
    on its line and the others build."""
    clients = tmp_path / "clients.csv"
    rows = [f"{'a' * 260},Long AB", "kund,Kund AB", f"{'b' * ID_MAX},Just AB"]
    clients.write_text("id,name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, errors, _ = batch(clients, tmp_path / "out")
    assert code == 2
    line = f"error {clients}:2: id: is 260 characters long (at most {ID_MAX}: an id names"
    assert [e for e in errors if e.startswith("error ")] == [f"{line} folders and files)"]
    assert built(tmp_path / "out") == sorted(["b" * ID_MAX, "kund"])


def test_names_and_lines_over_their_limits_are_refused_per_row(tmp_path: Path) -> None:
    """A name over 255 characters failed every DOCX ("unexpected ValueError", 60 KB of
    stderr): each over-long value is one line naming its row and field."""
    clients = tmp_path / "clients.csv"
    clients.write_text(
        CSV_HEADER
        + f"long,{'N' * 300},,,,,,,en\n"
        + f"site,Site AB,,,,{'w' * LINE_MAX}.example,,,en\n"
        + f"phone,Phone AB,,,,,,{'1' * (LINE_MAX + 1)},en\n"
        + "kund,Kund AB,,,,,,,en\n",
        encoding="utf-8",
    )
    code, errors, _ = batch(clients, tmp_path / "out", "docx")
    assert code == 2
    problems = [e for e in errors if e.startswith("error ")]
    assert problems == [
        f"error {clients}:2: name: is 300 characters long (at most {NAME_MAX}: the name as the "
        "documents show it)",
        f"error {clients}:3: contact.website: is {LINE_MAX + 8} characters long (at most "
        f"{LINE_MAX}: one line on the cover)",
        f"error {clients}:4: contact.phone: is {LINE_MAX + 1} characters long (at most "
        f"{LINE_MAX}: one line on the cover)",
    ]
    assert sum(len(e) for e in errors) < 2000
    assert built(tmp_path / "out") == ["kund"]


def test_a_brand_files_long_name_is_refused_by_validate_with_its_line(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "project")
    brand = add_brand(project, "lang", f'# a brand\nname: "{"N" * 256}"\nlanguage: en\n')
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    expected = f"{brand.relative_to(project)}:2: name: is 256 characters long (at most {NAME_MAX}"
    assert expected in " ".join(result.stderr.split())


def test_the_longest_names_fit_the_office_files(tmp_path: Path) -> None:
    """A name, footer line and website at their limits, full of ``&`` (doubled in a print
    header): the XLSX print header and footer stay within Excel's 255 characters, codes
    included, and the DOCX is made with the name as its author."""
    name = ("Berg & Co " * 10)[: NAME_MAX - 1] + "."
    website = "w" * (LINE_MAX - 8) + ".example"
    clients = tmp_path / "clients.csv"
    clients.write_text(f"id,name,website\nkund,{name},{website}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, errors, _ = batch(clients, out, "xlsx", "docx")
    assert code == 0, errors
    for workbook in (out / "kund/en").glob("*.xlsx"):
        for sheet in load_workbook(workbook).worksheets:
            for header in (sheet.oddHeader, sheet.oddFooter):
                assert len(str(header)) <= EXCEL_HEADER_MAX, (workbook.name, sheet.title)
        assert name.replace("&", "&&") in load_workbook(workbook).worksheets[1].oddHeader.right.text
    documents = list((out / "kund/en").glob("*.docx"))
    assert documents and all(Document(str(d)).core_properties.author == name for d in documents)


def test_noncharacters_are_refused_wherever_text_is_read(tmp_path: Path) -> None:
    """U+FFFE, U+FFFF and U+FDD0 passed validation and failed the build: a client's name, a
    brand file's footer and a section's text each get one line naming the character."""
    clients = tmp_path / "clients.csv"
    clients.write_text("id,name\nodd,Odd\ufffe AB\nkund,Kund AB\n", encoding="utf-8")
    code, errors, _ = batch(clients, tmp_path / "out")
    assert code == 2
    assert f"error {clients}:2: name: contains the noncharacter U+FFFE at character 4" in errors[0]
    assert built(tmp_path / "out") == ["kund"]

    project = copy_project(MINIMAL, tmp_path / "project")
    add_brand(project, "udda", 'name: "Udda"\nfooter: "Udda \ufdd0 AB"\n')
    section = project / "content/guides/onboarding/sections/intro.en.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nA word\uffff.\n", "utf-8")
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    text = " ".join(result.stderr.split())
    assert "brand.yaml:2: footer: contains the noncharacter U+FDD0 at character 6" in text
    assert "intro.en.md" in text and "U+FFFF" in text


def test_a_list_of_100_000_clients_starts_at_once_in_little_memory(tmp_path: Path) -> None:
    """The list is read as it is built: the first client's file is written within seconds,
    while the main process stays far below what holding 100 000 brands and their jobs took
    (1.7 GB, 190 s); Ctrl-C then stops it, counting every client of the list."""
    clients = long_client_list(tmp_path)
    out = tmp_path / "out"
    args = ["batch", str(clients), "--project", str(MINIMAL), "--out", str(out), *ONE_SHEET]
    stopped = first_file_then_ctrl_c([*args, "--format", "xlsx"], out, ".xlsx")
    assert stopped.first is not None and stopped.first < 60, "no file within a minute"
    assert stopped.peak_kib < 300 * 1024, f"main process peaked at {stopped.peak_kib} KiB"
    assert stopped.returncode == 130 and "Traceback" not in stopped.stderr
    assert "of 100000 brand(s) complete" in stopped.stdout


def test_jobs_are_capped_by_the_cores_and_memory_and_it_is_said(tmp_path: Path) -> None:
    """--jobs 999 started 1000 processes: now at most one per core, in one line."""
    cores = len(os.sched_getaffinity(0))
    usable, why = workers_for(999)
    assert 1 <= usable <= cores and why.startswith(f"--jobs 999: using {usable} ({cores} core")
    assert workers_for(1) == (1, "")
    clients = tmp_path / "clients.csv"
    clients.write_text("id,name\nkund,Kund AB\n", encoding="utf-8")
    args = ["batch", str(clients), "--project", str(MINIMAL), "--out", str(tmp_path / "out")]
    result = run_cli(*args, *ONE_SHEET[:-2], "--format", "xlsx", "--jobs", "999", timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "--jobs" in line]
    assert line.startswith(f"--jobs 999: using {usable} ({cores} core") and "GB free)" in line
    assert built(tmp_path / "out") == ["kund"]
