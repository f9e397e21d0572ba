"""The terminal as an unusual machine offers it (issue 21, class 11): a standard output on a
full disk, a terminal whose encoding lacks the content's letters, a damaged client PDF whose
reader complains in its own words, a log that is not 80 columns wide. Each runs the real
command line in a process of its own: what it prints, and its exit code."""

from __future__ import annotations

import os
import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from generator import api
from tests.conftest import CLI_ENV, MINIMAL, ROOT, cli, copy_project

SWEDISH = "Kundresan – å ä ö"
"""A title with letters Latin-1 has (å ä ö) and one it lacks (the en dash)."""
FULL_DISK = "error: the standard output cannot be written: No space left on device"
NARROW = ("--guide", "onboarding", "--lang", "en", "--variant", "blank", "--format", "pdf")
"""The smallest build of the minimal project: three one-page worksheets."""


def journeykit(
    *args: str, env: dict[str, str | None] | None = None, stdout: object = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    """The real command line, its output as bytes; ``env`` adds to its environment (None
    removes a variable)."""
    environment = {**CLI_ENV}
    for name, value in (env or {}).items():
        environment.pop(name, None)
        if value is not None:
            environment[name] = value
    return subprocess.run(
        cli(*args),
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=environment,
        check=False,
        timeout=300,
    )


def swedish_project(folder: Path) -> Path:
    """The minimal project, its guide titled :data:`SWEDISH`."""
    project = copy_project(MINIMAL, folder / "project")
    guide = project / "content/guides/onboarding/guide.en.yaml"
    guide.write_text(guide.read_text().replace('"Onboarding"', f'"{SWEDISH}"'), encoding="utf-8")
    return project


@pytest.mark.parametrize(
    "command",
    [
        ["list", "--project", str(MINIMAL)],
        ["--help"],
        ["build", "--project", str(MINIMAL), *NARROW, "--jobs", "1", "--out", "{out}"],
    ],
    ids=["list", "help", "build"],
)
def test_a_full_standard_output_is_one_line_and_exit_1(command: list[str], tmp_path: Path) -> None:
    """``journeykit list > /dev/full``: no traceback but one line on stderr saying why, and
    exit code 1; a build still writes its files (only its report is lost)."""
    args = [part.format(out=tmp_path / "out") for part in command]
    with open("/dev/full", "wb") as full:
        result = journeykit(*args, stdout=full)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert stderr.splitlines() == [FULL_DISK]
    if command[0] == "build":
        built = sorted(path.name for path in (tmp_path / "out/default/en").iterdir())
        assert built == [f"onboarding-{s}-blank.pdf" for s in ("launch", "profile", "worksheet")]


def test_the_quick_answer_to_a_full_standard_output_is_one_line(tmp_path: Path) -> None:
    """A repeated build is answered before the full command line is loaded: its line to a
    full disk is refused the same way."""
    project = copy_project(MINIMAL, tmp_path / "project")
    build = ("build", "--project", str(project), *NARROW, "--jobs", "1")
    first = journeykit(*build)
    assert first.returncode == 0, first.stderr.decode()
    with open("/dev/full", "wb") as full:
        again = journeykit(*build, stdout=full)
    assert again.returncode == 1
    assert again.stderr.decode().splitlines() == [FULL_DISK]
    answered = journeykit(*build)  # the quick check, printing to a pipe
    assert b"0 written, 3 up to date" in answered.stdout


LATIN_1 = {"PYTHONIOENCODING": "latin-1"}
ASCII = {  # LANG=C without Python's UTF-8 mode and locale coercion: a terminal of 7 bits
    "PYTHONIOENCODING": None,
    "LANG": "C",
    "LC_ALL": "C",
    "PYTHONUTF8": "0",
    "PYTHONCOERCECLOCALE": "0",
}


@pytest.mark.parametrize(
    ("env", "encoding", "shown"),
    [(LATIN_1, "latin-1", "Kundresan ? å ä ö"), (ASCII, "ascii", "Kundresan ? ? ? ?")],
    ids=["latin-1", "ascii"],
)
def test_a_terminal_lacking_letters_shows_them_replaced(
    env: dict[str, str | None], encoding: str, shown: str, tmp_path: Path
) -> None:
    """``list`` on a Latin-1 (or 7-bit) terminal prints what it can and ``?`` for the rest,
    exit 0; a content error quoting a Swedish value is still its one line and exit 2."""
    project = swedish_project(tmp_path)
    listed = journeykit("list", "--project", str(project), env=env)
    assert listed.returncode == 0, listed.stderr.decode(encoding, "replace")
    assert listed.stderr == b""
    text = listed.stdout.decode(encoding)  # nothing but what the terminal's encoding holds
    assert shown in text and "onboarding" in text and "Traceback" not in text
    guide = project / "content/guides/onboarding/guide.en.yaml"
    guide.write_text(guide.read_text().replace("framework: funnel", f'framework: "{SWEDISH}"'))
    refused = journeykit("validate", "--project", str(project), env=env)
    lines = refused.stderr.decode(encoding).splitlines()
    assert refused.returncode == 2
    assert len(lines) == 2 and lines[1] == "1 problem(s)."
    assert lines[0].startswith("error content/guides/onboarding/guide.en.yaml:2: framework: ")
    assert f"'{shown}' is not a valid id" in lines[0]


def pdf_with_a_dangling_reference(tmp_path: Path) -> Path:
    """The minimal project's blank worksheet PDF, its language a reference to an object the
    file does not hold (pypdf logs "Object 999 0 not defined." when it reads it)."""
    files = api.render(MINIMAL, guide="onboarding", lang="en", variant="blank", format="pdf")
    writer = PdfWriter(clone_from=PdfReader(BytesIO(files["en/onboarding-worksheet-blank.pdf"])))
    written = BytesIO()  # written out again: its objects in plain sight, not in streams
    writer.write(written)
    data, count = re.subn(rb"/Lang \([a-z]+\)", b"/Lang 999 0 R", written.getvalue(), count=1)
    assert count == 1
    path = tmp_path / "filled.pdf"
    path.write_bytes(data)
    return path


def test_a_damaged_pdf_gets_only_journeykits_lines(tmp_path: Path) -> None:
    """A client's PDF that pypdf reads past a damage: pypdf's own log line ("Object 999 0 not
    defined.") does not reach the terminal, only journeykit's lines do."""
    pdf = pdf_with_a_dangling_reference(tmp_path)
    result = journeykit(
        "import", str(pdf), "--project", str(MINIMAL), "--out", str(tmp_path / "out")
    )
    stderr = result.stderr.decode()
    assert "not defined" not in stderr and "Traceback" not in stderr
    ours = ("error ", "advice ", "warning ", "failed ")
    lines = stderr.splitlines()
    assert lines and all(line.startswith(ours) or "problem(s)" in line for line in lines), stderr


def test_failed_lines_are_one_line_each_in_a_log(tmp_path: Path) -> None:
    """With stderr a file (no terminal, no COLUMNS), each ``failed`` line of the summary is one
    line however long, not wrapped at 80 columns."""
    project = copy_project(MINIMAL, tmp_path / "project")
    layout = project / "layouts/pdf/worksheet.html.j2"
    layout.parent.mkdir(parents=True)
    name = "a_variable_no_layout_defines_named_long_enough_to_run_past_eighty_columns"
    layout.write_text(f"{{{{ {name}.x }}}}\n", encoding="utf-8")
    log = tmp_path / "build.log"
    with log.open("wb") as errors:
        result = subprocess.run(
            cli("build", "--project", str(project), *NARROW, "--jobs", "1"),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")},
            check=False,
            timeout=300,
        )
    assert result.returncode == 1
    lines = log.read_text().splitlines()
    assert len(lines) == 3, lines
    for line in lines:
        assert re.fullmatch(
            rf"failed default/en/onboarding-\w+-blank\.pdf: \S+worksheet\.html\.j2:1: "
            rf"UndefinedError: '{name}' is undefined",
            line,
        ), line
