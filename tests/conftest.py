"""Shared fixtures: the shipped project, its library, a helper to render one job, and the
outputs read-back tests share (each made once per run, in the background)."""

from __future__ import annotations

import functools
import html
import logging
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from pypdf import PdfReader, PdfWriter

from generator import api
from generator.document import build_view
from generator.layouts import Layouts
from generator.loading import load_library
from generator.model import Library
from generator.paper import DEFAULT_PAPER
from generator.plan import documents_jobs
from generator.renderers import render_document

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "projects" / "minimal"
"""A small English project: the guide "onboarding" with a grid, a form and a checklist."""
DANISH = ROOT / "tests" / "projects" / "danish"
"""A language added by files alone: Danish, with the guide "kunderejsen" (one grid)."""
BRANDED = ROOT / "tests" / "projects" / "branded"
"""A project holding one brand, acme (Swedish, Lato, a logo, a footer line)."""
CSV_HEADER = "id,name,primary,accent,logo,website,email,phone,language\n"
SUMMARY = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def summary(pytestconfig: pytest.Config) -> list[str]:
    """Lines a test leaves for the run's summary (a generated test's seed and case count)."""
    return pytestconfig.stash.setdefault(SUMMARY, [])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A test process of pytest-xdist hands its summary lines to the main process."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["summary"] = session.config.stash.get(SUMMARY, [])


def pytest_testnodedown(node: Any, error: object) -> None:
    """The main process collects a finished test process's summary lines."""
    node.config.stash.setdefault(SUMMARY, []).extend(node.workeroutput.get("summary", []))


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    for line in config.stash.get(SUMMARY, []):
        terminalreporter.write_line(line)


FULL_BUILD = {"every_output", "serial_build", "converted", "recalculated"}
"""Shared outputs that wait for the whole library's build (or LibreOffice's reading of it)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test waiting for :data:`FULL_BUILD` must be marked slow, so that ``make test-quick``
    (``-m "not slow"``) never waits for the whole library."""
    unmarked = [
        item.nodeid
        for item in items
        if FULL_BUILD & set(getattr(item, "fixturenames", ()))
        and not item.get_closest_marker("slow")
    ]
    if unmarked:
        raise pytest.UsageError("mark slow (they wait for the whole build): " + ", ".join(unmarked))


@functools.cache
def loaded(project: Path) -> Library:
    """A project's content, loaded once per run (tests read it; none changes it)."""
    return load_library(project)


@pytest.fixture(scope="session")
def library() -> Library:
    return loaded(ROOT)


@pytest.fixture(scope="session")
def layouts() -> Layouts:
    return Layouts.for_project(ROOT)


RenderJob = Callable[..., bytes]


@pytest.fixture(scope="session")
def render_job(library: Library, layouts: Layouts) -> RenderJob:
    """Render one job of the shipped content, e.g. render_job("xlsx", "worksheet"): once per
    run, the bytes shared by the tests that read them; ``fresh=True`` renders it again (for the
    tests that compare two renderings)."""

    def render(
        fmt: str,
        document: str,
        variant: str = "blank",
        guide: str = "kundresan",
        language: str = "sv",
        brand: str = "default",
        worksheet: str | None = None,
    ) -> bytes:
        documents = [(document, worksheet, variant)]
        [job] = documents_jobs(guide, language, brand, documents, [fmt], DEFAULT_PAPER)
        return render_document(build_view(library, job), layouts)

    once = functools.cache(render)

    def render_job(*args: str, fresh: bool = False, **kwargs: str) -> bytes:
        return (render if fresh else once)(*args, **kwargs)

    return render_job


@pytest.fixture(autouse=True)
def fail_on_logged_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A test fails when a library (WeasyPrint above all) logs a warning or an error."""
    caplog.set_level(logging.WARNING)
    yield
    noisy = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    assert not noisy, "logged: " + "; ".join(r.getMessage() for r in noisy)


def squash(text: str) -> str:
    """Letters and digits only, lowercased: compares text across line breaks and hyphenation."""
    return re.sub(r"[\W_]+", "", text).lower()


def cli(*args: str, python_flags: tuple[str, ...] = ()) -> list[str]:
    """The real ``journeykit`` command line, as a subprocess runs it."""
    return [sys.executable, *python_flags, "-m", "generator", *args]


CLI_ENV = {**os.environ, "COLUMNS": "200"}
"""The command line's environment: wide enough that a message is not wrapped."""


def run_cli(
    *args: str,
    cwd: Path = ROOT,
    python_flags: tuple[str, ...] = (),
    address_space: int | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``journeykit`` command line in a subprocess (with at most ``address_space``
    bytes of memory and ``timeout`` seconds, if given; ``env`` adds to its environment).

    Only for what needs a process of its own: exit codes, what is printed, what a fresh
    interpreter imports, the quick check, a build killed half way. Behaviour goes through
    :mod:`generator.api` in process.
    """

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return subprocess.run(
        cli(*args, python_flags=python_flags),
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**CLI_ENV, **(env or {})},
        check=False,
        timeout=timeout,
        preexec_fn=limit if address_space else None,
    )


def start_cli(*args: str, **popen: Any) -> subprocess.Popen[str]:
    """Start the real ``journeykit`` command line (for a test that signals or kills it); its
    output piped as text unless ``popen`` says otherwise."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, **popen}
    return subprocess.Popen(cli(*args), cwd=ROOT, env=CLI_ENV, **options)


def long_client_list(folder: Path, rows: int = 100_000) -> Path:
    """``clients.csv`` of ``rows`` clients (id, name, English) in ``folder``."""
    clients = folder / "clients.csv"
    with clients.open("w", encoding="utf-8") as csv:
        csv.write("id,name,language\n")
        csv.writelines(f"client-{n:06d},Client {n} AB,en\n" for n in range(rows))
    return clients


@dataclass
class Stopped:
    """A batch started, watched until its first file, then stopped with Ctrl-C."""

    first: float | None
    """Seconds until its first file (None: none within two minutes)."""
    peak_kib: int
    """The command's peak resident memory until then (its own process, not its workers)."""
    returncode: int | None
    stdout: str
    stderr: str


def first_file_then_ctrl_c(args: list[str], out: Path, suffix: str) -> Stopped:
    """Start ``journeykit`` with ``args``, wait for its first ``suffix`` file below ``out``
    (at most two minutes, following its peak memory), then Ctrl-C it; a command that does not
    stop within a minute is killed (it must not go on feeding other tests' workers)."""
    process = start_cli(*args)
    start, peak, first = time.monotonic(), 0, None
    while process.poll() is None and time.monotonic() - start < 120:
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak = max(peak, *(int(line.split()[1]) for line in status.splitlines() if "VmHWM" in line))
        if out.exists() and any(out.rglob(f"*{suffix}")):
            first = time.monotonic() - start
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return Stopped(first, peak, process.returncode, stdout, stderr)


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a fixture project to change or to build into (its default output folder)."""
    shutil.copytree(source, target)
    return target


def add_brand(project: Path, brand_id: str, text: str) -> Path:
    """A brand file ``text`` in ``project`` (made if need be): its path."""
    path = project / "content" / "brands" / brand_id / "brand.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


# Shared outputs: made once per run, by one background process started with the first test, on
# the core the test process leaves idle (the tests run one at a time); a fixture waits for its
# output only. Each maker calls generator.api, as a test would; none of them is the CLI.


def libreoffice(to: str, files: list[Path], out: Path, profile: Path) -> None:
    """``files`` converted (or saved again) by LibreOffice headless as ``to`` into ``out``, in
    one call (each start of soffice costs seconds), with its own user ``profile`` folder."""
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def make_acme(out: Path) -> None:
    """Kundresan (sv) for acme, the branded project's brand: the first part of
    ``acme_and_default``, in its folder."""
    result = api.build(BRANDED, out=out, guide=["kundresan"], lang=["sv"], brand="acme", jobs=1)
    assert result.ok and result.brands == ["acme"] and len(result.written) == 8


def make_acme_and_default(out: Path) -> None:
    """Kundresan (sv) for every brand of the branded project: the default brand's beside the
    ``acme`` made before it there (as a build of all brands renders acme's first)."""
    result = api.build(BRANDED, out=out, guide=["kundresan"], lang=["sv"], brand="all", jobs=1)
    assert result.ok and result.brands == ["acme", "default"]
    assert {done.job.brand for done in result.written} == {"default"} and len(result.written) == 8
    assert {job.brand for job in result.current} == {"acme"} and len(result.current) == 8


def make_acme_again(out: Path) -> None:
    """Kundresan (sv) for acme alone, built again: a second build to compare bytes with."""
    result = api.build(BRANDED, out=out, guide=["kundresan"], lang=["sv"], brand="acme", jobs=1)
    assert result.ok and result.brands == ["acme"] and len(result.written) == 8


def make_minimal_project(project: Path) -> None:
    """A copy of the minimal project, its onboarding guide built into its default output/."""
    copy_project(MINIMAL, project)
    result = api.build(project, guide=["onboarding"], jobs=1)
    assert result.ok and len(result.written) == len(result.jobs) == 20, result.failed


KEY_GUIDES = ["kundresan", "kundereisen", "engagement-ladder"]
"""One guide of each language (sv, nb, en), whose PDFs (``key_pdfs``) are made first."""


def make_key_pdfs(out: Path) -> None:
    """The PDFs of :data:`KEY_GUIDES` (with their worksheets, blank and filled in; default
    brand): the first part of ``every_output``, in its folder."""
    result = api.build(ROOT, out=out, guide=KEY_GUIDES, format=["pdf"], jobs=2)
    assert result.ok and len(result.written) == len(result.jobs), result.failed
    assert {job.language for job in result.jobs} == {"sv", "nb", "en"}


def make_every_output(out: Path) -> None:
    """Everything the shipped content makes: beside the ``key_pdfs`` made before it there."""
    result = api.build(ROOT, out=out, jobs=2)  # two workers: a waiting test process frees a core
    assert result.ok and len(result.written) + len(result.current) == len(result.jobs)
    key = {job for job in result.jobs if job.format == "pdf" and job.guide in KEY_GUIDES}
    assert set(result.current) == key, result.failed  # made once, never rewritten while read


def make_serial_build(out: Path) -> None:
    """Two guides' sets (Swedish) rendered in one process, to compare with ``every_output``,
    which two worker processes render."""
    result = api.build(ROOT, out=out, guide=["kpi-per-fas", "kundresan"], lang=["sv"], jobs=1)
    assert result.ok and len(result.written) == 16, result.failed


OFFICE_FILES = [
    "kundresan.docx",
    "kundresan-worksheet-blank.docx",
    "kundresan-worksheet-generell.docx",
    "kundresan-worksheet-blank.xlsx",
    "kundresan-worksheet-generell.xlsx",
]
"""The Swedish Kundresan's DOCX and XLSX: what LibreOffice is asked to open."""


def office_pdf_name(name: str) -> str:
    """What LibreOffice's PDF of an office file is called in ``converted``: a worksheet's DOCX
    and XLSX share a stem, so the format is kept in the name (``…-blank-xlsx.pdf``)."""
    return name.replace(".", "-") + ".pdf"


def convert_office_files(out: Path) -> None:
    """:data:`OFFICE_FILES` of the shared build beside ``out`` (``every_output``), and every
    worksheet DOCX of every language, blank and filled in (as :func:`worksheet_docx_pdf_name`
    names them), converted to PDF by LibreOffice headless in one call (each start of soffice
    costs seconds); see :func:`office_pdf_name`."""
    built = out.parent / "every_output" / "default"
    sources, profile = out.parent / "office-files", out.parent / "lo-profile"
    sources.mkdir()
    for name in OFFICE_FILES:
        staged = sources / (office_pdf_name(name).removesuffix(".pdf") + Path(name).suffix)
        shutil.copy(built / "sv" / name, staged)
    for path in worksheet_docx(built):
        shutil.copy(path, sources / worksheet_docx_pdf_name(path).replace(".pdf", ".docx"))
    for path in guide_docx(built):
        shutil.copy(path, sources / guide_docx_pdf_name(path).replace(".pdf", ".docx"))
    libreoffice("pdf", sorted(sources.iterdir()), out, profile)


def guide_docx(built: Path) -> list[Path]:
    """Every guide DOCX below a brand's output folder."""
    guides = {f"{guide_id}.docx" for guide_id, _ in loaded(ROOT).guides}
    return sorted(path for path in built.glob("*/*.docx") if path.name in guides)


def guide_docx_pdf_name(path: Path) -> str:
    """What LibreOffice's PDF of a guide DOCX is called in ``converted``."""
    return f"guide-{path.parent.name}-{path.stem}.pdf"


def misplaced_contents(docx: Path, pdf: Path) -> list[tuple[str, int, int | None]]:
    """The contents entries of a DOCX whose page number is not the page LibreOffice set the
    heading on (``pdf``, its conversion): each entry's title, its number and the real page."""
    entries = []
    for paragraph in Document(str(docx)).paragraphs:
        if paragraph.style.name in ("toc 1", "toc 2"):
            title, number = paragraph.text.rsplit("\t", 1)
            entries.append((" ".join(title.split()), int(number)))
    pages = [
        [" ".join(line.split()) for line in text.splitlines()]
        for text in pdf_text(pdf, "layout").split("\f")
    ]
    wrong, start = [], 2  # after the cover and the contents
    for title, number in entries:
        found = next((n for n in range(start, len(pages)) if _heads(title, pages[n])), None)
        if found is not None:
            start = found
        if found is None or found + 1 != number:
            wrong.append((title, number, found + 1 if found is not None else None))
    return wrong


def _heads(title: str, lines: list[str]) -> bool:
    """Whether a page's lines hold a heading: a line of its own, or its words run over two."""
    return title in lines or (len(title) > 24 and title in " ".join(lines))


def worksheet_docx(built: Path) -> list[Path]:
    """Every worksheet DOCX, blank and filled in, below a brand's output folder (all but the
    guides')."""
    guides = {f"{guide_id}.docx" for guide_id, _ in loaded(ROOT).guides}
    return sorted(path for path in built.glob("*/*.docx") if path.name not in guides)


def worksheet_docx_pdf_name(path: Path) -> str:
    """What LibreOffice's PDF of a worksheet DOCX is called in ``converted``."""
    return f"sheet-{path.parent.name}-{path.stem}.pdf"


RECALCULATED = [
    "sv/kundresan-worksheet-blank.xlsx",
    "sv/kundresan-worksheet-generell.xlsx",
    "sv/b2b-kundresan-worksheet-koordinatorn.xlsx",
    "nb/kundereisen-buyer-persona-salgsdirektor.xlsx",
    "nb/kundereisen-handlingsplan-blank.xlsx",
]
"""Workbooks of ``every_output`` (default brand) that LibreOffice recalculates and saves again:
grids blank and filled, a form and a checklist."""
WRONG_CACHE = "kundresan-worksheet-blank-wrong-cache.xlsx"
"""A copy of the blank grid whose cached values are all wrong: LibreOffice must correct them,
which shows that it recalculated rather than kept what it read."""
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
"""A LibreOffice profile setting: recalculate every formula of an XLSX when loading it."""


def recalculate_workbooks(out: Path) -> None:
    """:data:`RECALCULATED` of the shared build, opened by LibreOffice set to recalculate on
    load and saved again as XLSX (one soffice call), with :data:`WRONG_CACHE`."""
    from zipfile import ZipFile

    built = out.parent / "every_output" / "default"
    sources, profile = out.parent / "to-recalculate", out.parent / "lo-recalc-profile"
    sources.mkdir()
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    for name in RECALCULATED:
        shutil.copy(built / name, sources / Path(name).name)
    original = ZipFile(built / RECALCULATED[0])
    with ZipFile(sources / WRONG_CACHE, "w") as wrong:
        for info in original.infolist():
            data = original.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1<v>12345</v>", data)
            wrong.writestr(info, data)
    libreoffice("xlsx", sorted(sources.iterdir()), out, profile)


SHARED: dict[str, Callable[[Path], None]] = {
    "key_pdfs": make_key_pdfs,
    "minimal_project": make_minimal_project,
    "acme": make_acme,
    "every_output": make_every_output,
    "acme_and_default": make_acme_and_default,
    "acme_again": make_acme_again,
    "serial_build": make_serial_build,
    "converted": convert_office_files,
    "recalculated": recalculate_workbooks,
}
"""How each shared output is made, by its fixture's name, in this order (the small ones most
tests read first); all go into one folder."""
FOLDERS = {"key_pdfs": "every_output", "acme": "acme_and_default"}
"""Outputs made as the first part of another, into its folder: a test of that part alone need
not wait for the rest."""
NEEDS = {
    "every_output": "key_pdfs",
    "acme_and_default": "acme",
    "converted": "every_output",
    "recalculated": "every_output",
}
"""What each output is made from or after: made too, before it, whenever it is needed."""


def make_shared(folder: Path, names: list[str]) -> None:
    """Make the shared outputs ``names`` below ``folder``, marking each done, or failed with
    the reason (the background process)."""
    for name in names:
        try:
            SHARED[name](folder / FOLDERS.get(name, name))
        except BaseException:
            (folder / f"{name}.failed").write_text(traceback.format_exc())
            raise
        (folder / f"{name}.done").touch()


class SharedOutputs:
    """The shared outputs the selected tests use, made by one background process per run.

    With several test processes (pytest-xdist), the first to claim the run's shared folder
    starts the background process; the others wait for its outputs the same way.
    """

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder, self.names = folder, names
        self.log = folder / "background.log"
        self.process: subprocess.Popen[bytes] | None = None
        if names and self._claim():
            code = (
                "import os, sys; from pathlib import Path; from tests.conftest import make_shared; "
            )
            code += "os.nice(10); make_shared(Path(sys.argv[1]), sys.argv[2:])"  # tests go first
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-c", code, str(folder), *names],
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )

    def _claim(self) -> bool:
        """Whether this test process is the one to make the outputs."""
        try:
            (self.folder / "claimed").open("x").close()
        except FileExistsError:
            return False
        return True

    def get(self, name: str) -> Path:
        """The output, once made (made here if no selected test was seen to need it)."""
        if name not in self.names:
            make_shared(self.folder, [name])
        failed = self.folder / f"{name}.failed"
        while not (self.folder / f"{name}.done").exists():
            assert not failed.exists(), f"making {name} failed:\n{failed.read_text()}"
            assert self.process is None or self.process.poll() is None, (
                f"the background process did not make {name}:\n{self.log.read_text()}"
            )
            time.sleep(0.05)
        return self.folder / FOLDERS.get(name, name)

    def stop(self) -> None:
        """At the end of this test process: other test processes may still wait for outputs,
        so the background process is let finish; alone, what is left is not needed."""
        if self.process is None:
            return
        if os.environ.get("PYTEST_XDIST_WORKER"):
            self.process.wait(timeout=600)
        elif self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture(scope="session", autouse=True)
def shared_outputs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedOutputs]:
    """Starts making, in the background, the shared outputs the selected tests use."""
    needed = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    while more := {NEEDS[name] for name in needed if name in NEEDS} - needed:
        needed |= more
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the test processes of one run share the folder
        folder = tmp_path_factory.getbasetemp().parent / "shared"
        folder.mkdir(exist_ok=True)
    else:
        folder = tmp_path_factory.mktemp("shared")
    shared = SharedOutputs(folder, [n for n in SHARED if n in needed])
    yield shared
    shared.stop()


def shared_fixture(name: str) -> Callable[..., Path]:
    """A session fixture giving the shared output ``name`` (described by its maker)."""

    def fixture(shared_outputs: SharedOutputs) -> Path:
        return shared_outputs.get(name)

    fixture.__doc__ = SHARED[name].__doc__
    return pytest.fixture(scope="session", name=name)(fixture)


key_pdfs = shared_fixture("key_pdfs")
every_output = shared_fixture("every_output")
minimal_project = shared_fixture("minimal_project")
acme = shared_fixture("acme")
acme_and_default = shared_fixture("acme_and_default")
acme_again = shared_fixture("acme_again")
serial_build = shared_fixture("serial_build")
converted = shared_fixture("converted")
recalculated = shared_fixture("recalculated")


@pytest.fixture(scope="session")
def minimal_output(minimal_project: Path) -> Path:
    return minimal_project / "output"


@pytest.fixture(scope="session")
def built(key_pdfs: Path) -> Path:
    """Kundresan's PDFs (sv, default brand): the guide and its worksheet, blank and filled."""
    return key_pdfs / "default" / "sv"


def poppler(tool: str, *args: str | Path) -> str:
    """What a poppler tool (pdftotext, pdfinfo, pdffonts, pdfimages) prints."""
    return subprocess.run(
        [tool, *map(str, args)], capture_output=True, text=True, check=True
    ).stdout


PDFTOTEXT_MODES = {"raw": ["-raw"], "layout": ["-layout"], "reading": [], "bbox": ["-bbox"]}


def pdf_text(
    path: Path,
    mode: str = "raw",
    *,
    pages: tuple[int, int] | None = None,
    crop: tuple[float, float, float, float] | None = None,
) -> str:
    """The text of a PDF as pdftotext reads it: in drawing order (``raw``), laid out as on the
    page (``layout``), in pdftotext's own reading order (``reading``), or each word with its box
    as XHTML (``bbox``, see :func:`pdf_words`); of the pages ``first, last`` only (from 1); of
    the area ``x, y, width, height`` only (points from the page's top left)."""
    args = [*PDFTOTEXT_MODES[mode]]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[1])]
    if crop:
        x, y, width, height = (str(int(value)) for value in crop)
        args += ["-r", "72", "-x", x, "-y", y, "-W", width, "-H", height]
    return poppler("pdftotext", *args, path, "-")


@dataclass(frozen=True)
class PdfWord:
    """A word as ``pdftotext -bbox`` places it: points from the page's top left."""

    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class PdfPage:
    width: float
    height: float
    words: list[PdfWord]


def pdf_words(path: Path, pages: tuple[int, int] | None = None) -> list[PdfPage]:
    """Each page (of ``pages``, as :func:`pdf_text` takes them) with its size and words."""
    found = []
    xhtml = pdf_text(path, "bbox", pages=pages)
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S):
        words = [
            PdfWord(html.unescape(text), *map(float, box))
            for *box, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"([^<]*)</word>",
                page[3],
            )
        ]
        found.append(PdfPage(float(page[1]), float(page[2]), words))
    return found


def fill_colours(pdf: Path) -> set[str]:
    """The RGB fill colours a PDF's first page draws with, as RRGGBB."""
    data = PdfReader(pdf).pages[0].get_contents().get_data().decode("latin-1")
    return {
        "".join(f"{round(float(v) * 255):02X}" for v in match.split())
        for match in re.findall(r"([0-9.]+ [0-9.]+ [0-9.]+) rg", data)
    }


def fill_pdf_form(source: Path, values: dict[str, str], target: Path) -> None:
    """``source`` with the fields of its first page filled in as a PDF program would (no new
    appearances), saved as ``target``."""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.update_page_form_field_values(writer.pages[0], values, auto_regenerate=False)
    writer.write(target)


def named(workbook: Workbook, name: str) -> Cell:
    """The cell a workbook name points to."""
    [(title, coordinate)] = list(workbook.defined_names[name].destinations)
    return workbook[title][coordinate.replace("$", "")]


def read_back(path: Path) -> str:
    """All text of an output file, through pdftotext, python-docx or openpyxl."""
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".docx":
        document = Document(BytesIO(path.read_bytes()))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    workbook = load_workbook(path)
    return "\n".join(
        str(cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


# --- journeykit serve -------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium, which Playwright drives (no browser download)."""


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running ``journeykit serve``: its address and its process."""

    url: str
    process: subprocess.Popen[str]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start the real ``journeykit serve`` on a free port (``serve(project, "--public")``);
    every server started is stopped after the test."""
    started: list[Server] = []

    def start(project: Path, *options: str) -> Server:
        port = free_port()
        with (tmp_path / f"serve-{port}.log").open("w") as log:  # the process keeps its own
            process = start_cli(
                "serve",
                "--project",
                str(project),
                "--port",
                str(port),
                *options,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Server(f"http://127.0.0.1:{port}", process)
        started.append(server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError((tmp_path / f"serve-{port}.log").read_text())
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return server
            time.sleep(0.1)
        raise AssertionError(f"journeykit serve did not listen on {port} within 30 s")

    yield start
    for server in started:
        stop(server.process)


def stop(process: subprocess.Popen[Any]) -> None:
    """End a process the test started: asked first, killed after 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def form_token(page: str) -> str:
    """A served form's CSRF token, from its page."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found[1]


def clients_with_logos(folder: Path, ids: list[str]) -> Path:
    """A client list (``clients.csv`` in ``folder``) with a logo of its own for each client,
    beside it, and every contact detail; the clients share a layout (one template)."""
    from PIL import Image, ImageDraw

    rows = []
    for n, client in enumerate(ids):
        logo = Image.new("RGB", (160 + 30 * n, 80), "white")
        ImageDraw.Draw(logo).rectangle([4, 4, 150 + 30 * n, 76], fill="#1F4E79")
        logo.save(folder / f"{client}.png")
        contact = f"{client}.example,hej@{client}.example,+46 8 {n}"
        rows.append(f"{client},Kund {n} AB,#1F4E79,#F2A900,{client}.png,{contact},en")
    path = folder / "clients.csv"
    path.write_text(CSV_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path
