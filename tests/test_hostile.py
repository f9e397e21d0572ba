"""Hostile input: files someone else wrote cannot run code, plant formulas, exhaust memory,
reach outside the project or leave a broken output (issue 9). Through the real
command where exit codes, messages or processes are what is tested; through the API where the
files made are."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import suppress
from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from generator import api
from generator.errors import ContentErrors
from generator.pipeline.manifest import Manifest
from generator.typography import typeset
from tests.conftest import (
    DANISH,
    MINIMAL,
    ROOT,
    add_brand,
    copy_project,
    poppler,
    run_cli,
    start_cli,
)

ONE_SHEET = ["--guide", "onboarding", "--variant", "blank", "--jobs", "1"]


def test_a_layout_override_cannot_run_code(tmp_path: Path) -> None:
    """Jinja's sandbox: a template reaching for Python's internals fails its build, names the
    template and its line, and runs nothing."""
    project = copy_project(MINIMAL, tmp_path / "project")
    marker = tmp_path / "pwned"
    override = project / "layouts/pdf/worksheet-page.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "shipped/pdf/worksheet-page.html.j2" %}\n'
        "{% block before_grid %}"
        f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    result = run_cli("build", "--project", str(project), "--format", "pdf", *ONE_SHEET)
    assert result.returncode == 1
    assert not marker.exists()
    assert "Traceback" not in result.stderr
    assert "worksheet-page.html.j2:2: refused by the layouts' sandbox" in " ".join(
        result.stderr.split()
    )


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    """Example cells starting with =, +, -, @ or whitespace and = are text in the workbook; the
    only formula is our own count, whose UI string may hold a quote; & in the brand's name is
    printed, not read as a header code."""
    project = copy_project(MINIMAL, tmp_path / "project")
    hostile = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2", "@SUM(A1)", " =1+1"]
    example = project / "content/examples/funnel/sample.en.yaml"
    example.write_text(
        'title: "A sample funnel"\ncells:\n'
        f"  attract: {{goal: [{hostile[0]!r}], kpi: [{hostile[1]!r}]}}\n"
        f"  convert: {{goal: [{hostile[2]!r}], kpi: [{hostile[3]!r}, {hostile[4]!r}]}}\n",
        encoding="utf-8",
    )
    strings = project / "content/i18n/en.yaml"
    shipped = (Path(__file__).parent.parent / "content/i18n/en.yaml").read_text(encoding="utf-8")
    strings.parent.mkdir(parents=True)
    strings.write_text(
        shipped.replace('progress: "Cells filled in"', 'progress: "Cells \\"done\\""')
    )
    add_brand(project, "default", 'name: "AT&T R&D"\ncontact: {website: "att.example"}\n')
    narrow = {"guide": ["onboarding"], "variant": ["sample"], "format": ["xlsx"], "jobs": 1}
    assert api.build(project, **narrow).ok  # the workbook is the same whoever calls
    path = project / "output/default/en/onboarding-worksheet-sample.xlsx"
    sheet = load_workbook(path).worksheets[1]
    cells = [sheet.cell(row, column) for row in (3, 4) for column in (2, 3)]
    assert [cell.value for cell in cells] == [
        typeset(hostile[0]),  # text, so its quotes are typographic like any other text
        hostile[2],
        hostile[1],
        f"{hostile[3]}\n{hostile[4].strip()}",
    ]
    assert all(cell.data_type == "s" for cell in cells)
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) == 1 and "Cells “done”: " in formulas[0].value  # typeset, still text
    assert sheet.oddHeader.right.text == "AT&&T R&&D"


def test_written_files_follow_the_users_umask(tmp_path: Path) -> None:
    """Not the temporary file's 0600: a web server or a colleague can read what was built."""
    previous = os.umask(0o022)
    try:
        result = api.build(MINIMAL, out=tmp_path, guide=["onboarding"], format=["xlsx"], jobs=1)
    finally:
        os.umask(previous)
    files = [written.path for written in result.written]
    assert files and all(stat.S_IMODE(path.stat().st_mode) == 0o644 for path in files)


WAITING_APT = Path(__file__).resolve().parent.parent / ".ci" / "apt-get-waiting"


def fake_apt_get(folder: Path, failures: int, message: str) -> dict[str, str]:
    """An ``apt-get`` on PATH that fails ``failures`` times with ``message``, then succeeds, and
    counts its calls in ``calls``; the environment that puts it first."""
    folder.mkdir()
    script = folder / "apt-get"
    script.write_text(
        "#!/bin/sh\n"
        f'echo x >> "{folder}/calls"\n'
        f'[ "$(wc -l < "{folder}/calls")" -gt {failures} ] && {{ echo done; exit 0; }}\n'
        f'echo "{message}" >&2; exit 100\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}", "APT_LOCK_POLL": "0.1"}


def test_setup_waits_for_apts_lock_and_stops_at_any_other_failure(tmp_path: Path) -> None:
    locked = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)"
    env = fake_apt_get(tmp_path / "locked", 2, locked)
    waited = subprocess.run([WAITING_APT, "update"], env=env, capture_output=True, text=True)
    assert waited.returncode == 0 and waited.stdout == "done\n"
    assert waited.stderr.count("waiting for another program") == 2
    env = fake_apt_get(tmp_path / "broken", 5, "E: Unable to locate package nonesuch")
    failed = subprocess.run(
        [WAITING_APT, "install", "nonesuch"], env=env, capture_output=True, text=True
    )
    assert failed.returncode == 1 and "Unable to locate package" in failed.stderr
    assert (tmp_path / "broken/calls").read_text().count("x") == 1


def test_control_characters_and_other_schemes_are_refused_with_their_line(tmp_path: Path) -> None:
    """A NUL in a title (written as YAML's "\\0"), a control code in an example's entry and a
    website on file:// are refused by validate, each on its file and line, before any build."""
    project = copy_project(MINIMAL, tmp_path / "project")
    framework = project / "content/frameworks/funnel.en.yaml"
    framework.write_text(framework.read_text().replace('"Funnel"', '"Fun\\0nel"'))
    example = project / "content/examples/funnel/sample.en.yaml"
    example.write_text(example.read_text().replace("Sales", "Sa\\u0007les"))
    add_brand(project, "default", 'name: "Kund"\ncontact: {website: "file:///etc/passwd"}\n')
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = " ".join(result.stderr.split())
    assert "funnel.en.yaml:1: title: contains the control character U+0000 at character 4" in lines
    assert "sample.en.yaml:4: cells.convert.kpi.0: contains the control character U+0007" in lines
    assert "brand.yaml:2: contact.website: 'file:///etc/passwd' is not a web address" in lines


def limited_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command under 1.5 GiB of address space and 60 s: a bomb cannot take the
    machine down, and a test that hits either limit fails."""
    return run_cli(*args, address_space=1536 * 1024 * 1024, timeout=60)


def test_bombs_and_oversized_values_get_one_short_line(tmp_path: Path) -> None:
    """An alias bomb in an id, a 3 MB section, a list where a kind belongs and an id of 100 000
    characters: each is one line naming its file (and line), no expansion, no traceback."""
    project = copy_project(MINIMAL, tmp_path / "project")
    layers = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    layers += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    example = project / "content/examples/funnel/sample.en.yaml"
    example.write_text("\n".join(layers) + "\nid: *a9\n", encoding="utf-8")
    section = project / "content/guides/onboarding/sections/intro.en.md"
    section.write_text(section.read_text() + "word " * 640_000, encoding="utf-8")
    framework = project / "content/frameworks/launch.en.yaml"
    framework.write_text(framework.read_text().replace("kind: checklist", "kind: [checklist]"))
    profile = project / "content/frameworks/profile.en.yaml"
    profile.write_text(profile.read_text() + "id: " + "x" * 100_000 + "-\n")
    result = limited_cli("validate", "--project", str(project))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr) < 3000, result.stderr[:3000]
    lines = " ".join(result.stderr.split())
    assert "sample.en.yaml:2: invalid YAML: YAML aliases (*name) are not allowed" not in lines
    assert "sample.en.yaml:2:10: YAML aliases (*name) are not allowed" in lines
    assert "intro.en.md: is 3.1 MB (content files may be at most 2 MB)" in lines
    assert "launch.en.yaml:1: kind: kind is a list (valid kinds: grid, form, checklist)" in lines
    assert "profile.en.yaml:" in lines and "xxx…" in lines


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 100 KiB file system of its own (tmpfs; mounting needs root, as CI and set-up have)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def no_partial_files(folder: Path) -> None:
    """No temporary file left, and every PDF there whole (it opens)."""
    assert not list(folder.rglob("*.tmp"))
    for pdf in folder.rglob("*.pdf"):
        assert PdfReader(pdf).pages


@pytest.mark.slow
def test_a_full_disk_and_a_read_only_folder_get_one_line_and_no_partial_file(
    small_disk: Path,
) -> None:
    args = ["--project", str(MINIMAL), "--guide", "onboarding", "--format", "pdf"]
    full = run_cli("build", *args, "--jobs", "2", "--out", str(small_disk / "out"))
    assert full.returncode == 1 and "Traceback" not in full.stderr
    [line] = full.stderr.splitlines()
    assert line.startswith(f"error {small_disk}/out/default/en/") and line.endswith(
        ".pdf: cannot write: No space left on device"
    )
    no_partial_files(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    again = [*args[:-2], "--format", "xlsx", "--variant", "blank", "--jobs", "1", "--force"]
    locked = run_cli("build", *again, "--out", str(small_disk / "out"))
    assert locked.returncode == 1 and "Traceback" not in locked.stderr
    assert locked.stderr.rstrip().endswith("cannot write: Read-only file system")
    assert len(locked.stderr.splitlines()) == 1


def test_out_naming_a_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    a_file = tmp_path / "report.pdf"
    a_file.write_bytes(b"%PDF-1.7 kept as it is")
    result = run_cli("build", "--project", str(MINIMAL), "--out", str(a_file))
    assert result.returncode == 1 and a_file.read_bytes() == b"%PDF-1.7 kept as it is"
    assert result.stderr.splitlines() == [
        f"error {a_file}: cannot write: it is a file, not a folder (give --out a folder)"
    ]


def test_an_oversized_client_list_is_one_line_and_nothing_is_read(tmp_path: Path) -> None:
    """A client CSV has the size limit of every client file (a sparse file: nothing is read)."""
    clients = tmp_path / "clients.csv"
    with clients.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    result = run_cli("batch", str(clients), "--project", str(MINIMAL), "--out", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "clients.csv: is 21.0 MB (at most 20 MB)\n1 problem(s)" in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["clients.csv"]


def test_a_client_list_as_excel_saves_it(tmp_path: Path) -> None:
    """Semicolons, Windows-1252, only some columns, a short row and a row with one value too
    many: the good clients build, the bad row is named by its line (exit 2)."""
    clients = tmp_path / "kunder.csv"
    clients.write_bytes(
        "id;name;language;website\r\n"
        "akesson;Åkesson & Söner AB;en;akesson.example\r\n"
        'lang;"Lång; AB";en;lang.example;extra\r\n'
        "kort;Kort AB\r\n".encode("cp1252")
    )
    out = tmp_path / "out"
    args = ["--project", str(MINIMAL), "--guide", "onboarding", "--lang", "en"]
    args += ["--format", "xlsx", "--variant", "blank", "--jobs", "1", "--out", str(out)]
    result = run_cli("batch", str(clients), *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "kunder.csv:3: 5 values, but the first line names 4 columns" in result.stderr
    assert sorted(path.name for path in out.iterdir() if path.is_dir()) == ["akesson", "kort"]
    sheet = load_workbook(out / "akesson/en/onboarding-worksheet-blank.xlsx").worksheets[1]
    assert sheet.oddHeader.right.text == "Åkesson && Söner AB"
    assert sheet.oddFooter.center.text == "akesson.example"


def start_batch(folder: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """``journeykit batch`` of twelve clients' Word files on two workers, once its first set is
    written; with the worker processes' ids."""
    folder.mkdir()
    rows = [f"k{n:02d},Kund {n} AB" for n in range(12)]
    (folder / "clients.csv").write_text("id,name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = folder / "out"
    args = ["batch", str(folder / "clients.csv"), "--project", str(MINIMAL), "--out", str(out)]
    process = start_cli(*args, "--format", "docx", "--jobs", "2")
    deadline = time.monotonic() + 60
    while not Manifest(out).entries and time.monotonic() < deadline:
        time.sleep(0.02)
    return process, descendants(process.pid)


def descendants(pid: int) -> list[int]:
    """A process's children, their children and so on (the local pool's workers are the
    children of its fork server)."""
    found: list[int] = []
    parents = [pid]
    while parents:
        listed = subprocess.run(
            ["pgrep", "-P", ",".join(map(str, parents))], capture_output=True, text=True
        )
        parents = [int(child) for child in listed.stdout.split()]
        found += parents
    return found


def running(pids: list[int]) -> list[int]:
    """Those of the processes that still run (an ended one may linger as a zombie)."""
    alive = []
    for pid in pids:
        with suppress(OSError):
            if Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
                alive.append(pid)
    return alive


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_workers_end_with_their_parent(tmp_path: Path) -> None:
    """Ctrl-C: exit 130, a summary of what is kept, no traceback, nothing half-written, no
    worker left. SIGKILL of the main process (a CI timeout, the OOM killer): its workers end by
    themselves within a second or two."""
    process, workers = start_batch(tmp_path / "interrupted")
    assert len(workers) >= 2, "the build should run on two workers"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "Traceback" not in stderr
    assert "of 12 brand(s) complete" in stdout
    assert "interrupted: the " in stderr and "are complete and kept" in stderr
    assert not list((tmp_path / "interrupted").rglob("*.tmp"))
    deadline = time.monotonic() + 10
    while running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(workers)
    process, workers = start_batch(tmp_path / "killed")
    process.kill()
    process.communicate()
    deadline = time.monotonic() + 10
    while running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and not running(workers), "workers outlived their killed parent"


@pytest.mark.slow
def test_ctrl_c_while_the_content_loads_exits_130_with_one_line(tmp_path: Path) -> None:
    """Before anything is built (a project of 3 000 frameworks takes seconds to load, so the
    signal lands while it loads even on a busy machine): one line, exit 130, no traceback."""
    project = copy_project(MINIMAL, tmp_path / "project")
    funnel = (project / "content/frameworks/funnel.en.yaml").read_text()
    for n in range(3000):  # each text different: a parse is not reused
        (project / f"content/frameworks/f{n}.en.yaml").write_text(f"{funnel}# {n}\n")
    process = start_cli("build", "--project", str(project))
    time.sleep(2.0)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.startswith("interrupted") and len(stderr.splitlines()) == 1, stderr
    assert not (project / "output").exists()


def test_a_content_file_linking_outside_the_project_is_not_read(tmp_path: Path) -> None:
    """The loader agrees with the fetcher: a symlink out of the content folders is refused."""
    secret = tmp_path / "secret.md"
    secret.write_text("---\nid: intro\ntitle: Secret\n---\nThe password is hunter2.\n")
    project = copy_project(MINIMAL, tmp_path / "project")
    section = project / "content/guides/onboarding/sections/intro.en.md"
    section.unlink()
    section.symlink_to(secret)
    result = run_cli("build", "--project", str(project), "--format", "pdf", "--jobs", "1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"intro.en.md: links to {secret}, outside the content folders" in " ".join(
        result.stderr.split()
    )
    assert "hunter2" not in result.stderr + result.stdout
    assert not (project / "output").exists()


def test_a_client_logo_cannot_pull_in_other_files_beside_the_csv(tmp_path: Path) -> None:
    """WeasyPrint may read exactly the logo files the CSV names, not the rest of its folder:
    a logo referring to another file is refused when the row is read (issue 21)."""
    shutil.copy(ROOT / "layouts/fonts/Lato-Regular.ttf", tmp_path / "private.ttf")
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<style>@font-face { font-family: P; src: url("private.ttf"); }</style>'
        '<text x="0" y="15" font-family="P">Kund</text></svg>',
        encoding="utf-8",
    )
    clients = tmp_path / "clients.csv"
    clients.write_text("id,name,logo,language\nkund,Kund AB,logo.svg,en\n", encoding="utf-8")
    narrow = {"format": ["pdf"], "variant": ["blank"], "jobs": 1}
    with pytest.raises(ContentErrors) as refused:
        api.batch(clients, MINIMAL, out=tmp_path / "out", **narrow)
    assert "clients.csv:2: logo: 'logo.svg' cannot be read as an image: it refers to " in str(
        refused.value
    )
    assert "'private.ttf' outside the file" in str(refused.value)
    assert not (tmp_path / "out").exists()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb's
    header costs nothing to make)."""
    buffer = BytesIO()
    Image.new("RGB", (1, 1), "white").save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.slow
def test_a_logo_has_a_pixel_limit_and_a_large_one_is_scaled_down_once(tmp_path: Path) -> None:
    """Two headers claiming 144 and 400 megapixels are refused by validation (no decoding); a
    3000-pixel logo is accepted and embedded at most 1200 pixels wide in the PDF and DOCX."""
    for name, size in (("huge", 12_000), ("bomb", 20_000)):
        (tmp_path / f"{name}.png").write_bytes(png_claiming(size, size))
    Image.new("RGB", (3000, 1500), "#7A1F3D").save(tmp_path / "big.png")
    clients = tmp_path / "clients.csv"
    rows = ["huge,Huge AB,huge.png,da", "bomb,Bomb AB,bomb.png,da", "big,Big AB,big.png,da"]
    clients.write_text("id,name,logo,language\n" + "\n".join(rows) + "\n", encoding="utf-8")
    args = ["--project", str(DANISH), "--format", "pdf", "--format", "docx"]
    args += ["--variant", "blank", "--jobs", "1", "--out", str(tmp_path / "out")]
    result = limited_cli("batch", str(clients), *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = " ".join(result.stderr.split())
    assert (
        "clients.csv:2: logo: 'huge.png' cannot be read as an image: it is 12000 × 12000" in lines
    )
    assert (
        "clients.csv:3: logo: 'bomb.png' cannot be read as an image: it is far larger than 25 "
        "megapixels" in lines
    )
    built = tmp_path / "out/big/da"
    listing = poppler("pdfimages", "-list", built / "kunderejsen-worksheet-blank.pdf")
    listing = listing.splitlines()[2:]
    assert listing and all(int(line.split()[3]) <= 1200 for line in listing), listing
    with ZipFile(built / "kunderejsen-worksheet-blank.docx") as docx:
        media = [name for name in docx.namelist() if name.startswith("word/media/")]
        assert media and all(Image.open(BytesIO(docx.read(n))).width <= 1200 for n in media)


SWALLOWED = """
import gc, os, signal, weakref
from generator.processes import check_interrupted, remember_interrupts
class Thing: pass
remember_interrupts()
thing = Thing()
weakref.finalize(thing, os.kill, os.getpid(), signal.SIGINT)
del thing  # the finaliser sends Ctrl-C inside a callback: Python ignores what it raises
gc.collect()
print("went on")
try:
    check_interrupted()
except KeyboardInterrupt:
    print("stopped")
"""


def test_a_ctrl_c_python_swallowed_still_stops_a_build() -> None:
    """Ctrl-C landing in a weak reference's callback is ignored by Python (which prints a
    traceback for it): the command remembers it, silently, and a build's loop stops at its
    next check."""
    result = subprocess.run(
        [sys.executable, "-c", SWALLOWED], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stdout.split() == ["went", "on", "stopped"], result.stderr
    assert result.stderr == ""  # Python swallowed it without its "Exception ignored" report
