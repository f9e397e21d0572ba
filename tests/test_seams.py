"""The seams other front ends build on: the import graph, rendering to bytes, filled worksheets
from any source, renders in threads, executors and sinks, and a manifest shared by builds."""

from __future__ import annotations

import ast
import threading
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from generator import api
from tests.conftest import MINIMAL, ROOT, copy_project

PACKAGE = ROOT / "generator"
LAYERS = [
    ["__main__", "launch", "cli"],
    ["web"],
    ["api"],
    ["pipeline", "importing"],
    ["renderers", "filled", "lint", "plan"],
    ["loading", "layouts", "document", "batch", "scaffold"],
    ["project", "formats", "entries", "untrusted", "text", "markdown", "syntax", "palette"],
    ["logo", "branding", "assets"],
    ["model", "quick"],
    [
        "errors",
        "paths",
        "paper",
        "colors",
        "typography",
        "reproducible",
        "output",
        "fonts",
        "processes",
        "__init__",
    ],
]
"""The package's modules from the top floor down: a module imports only from its floor or
below (``pipeline`` and ``renderers`` stand for every module inside them)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports, at the top or inside a
    function (a lazy import is an import all the same)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = [f"{node.module}.{alias.name}" for alias in node.names]
                named = [module for module in submodules if module in modules]
                targets = named or [node.module]  # `from generator import api` is api
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            found |= {target for target in targets if target in modules and target != name}
        graph[name] = found
    return graph


def floor(module: str) -> int:
    short = module.split(".")[1] if "." in module else "__init__"
    return next(n for n, names in enumerate(LAYERS) if short in names)


def test_the_import_graph_has_no_cycle_and_no_upward_import() -> None:
    graph = imports()
    assert "generator.renderers.pdf.weasy" in graph and "generator.entries" in graph
    upward = [
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if floor(target) < floor(module)
        and not target.startswith(module.rsplit(".", 1)[0] + ".")  # within one package
        and not module.startswith(target + ".")  # a package's own module uses its face
    ]
    assert upward == []
    cycles = []
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_front_ends_import_only_the_api_and_their_own_helpers() -> None:
    """The command line and the web server are front ends: they reach the generator through
    :mod:`generator.api` alone (the command line starts the server)."""
    graph = imports()
    assert graph["generator.cli"] <= {"generator.api", "generator.quick", "generator.web"}
    web = {
        module: targets for module, targets in graph.items() if module.startswith("generator.web")
    }
    assert web and all(
        target == "generator.api" or target.startswith("generator.web")
        for targets in web.values()
        for target in targets
    )


def files_below(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_render_returns_bytes_and_writes_nothing(tmp_path: Path) -> None:
    """A guide PDF and a worksheet XLSX as bytes: the project's folder is untouched and they
    are the files a build writes."""
    project = copy_project(MINIMAL, tmp_path / "project")
    before = files_below(tmp_path)
    guide = api.render(project, guide=["onboarding"], document=["guide"], format=["pdf"])
    sheets = api.render(project, guide=["onboarding"], variant=["blank"], format=["xlsx"])
    assert files_below(tmp_path) == before
    assert list(guide) == ["en/onboarding.pdf"]
    reader = PdfReader(BytesIO(guide["en/onboarding.pdf"]))
    assert len(reader.pages) > 2 and reader.attachments  # it carries its blank workbooks
    assert sorted(sheets) == [
        "en/onboarding-launch-blank.xlsx",
        "en/onboarding-profile-blank.xlsx",
        "en/onboarding-worksheet-blank.xlsx",
    ]
    workbook = load_workbook(BytesIO(sheets["en/onboarding-worksheet-blank.xlsx"]))
    assert "funnel.attract.goal" in workbook.defined_names
    built = api.build(project, out=tmp_path / "out", guide=["onboarding"], jobs=1)
    on_disk = {f"en/{w.path.name}": w.path.read_bytes() for w in built.written}
    assert on_disk["en/onboarding.pdf"] == guide["en/onboarding.pdf"]
    assert all(on_disk[name] == data for name, data in sheets.items())


def test_render_for_a_brand_made_on_the_spot() -> None:
    """A personalised download: a brand that is in no file."""
    brand = api.Brand(id="visitor", name="Visitor & Co")
    files = api.render(MINIMAL, brand, ["onboarding"], variant=["blank"], format=["docx"])
    assert sorted(files) == [
        "en/onboarding-launch-blank.docx",
        "en/onboarding-profile-blank.docx",
        "en/onboarding-worksheet-blank.docx",
    ]


def test_a_filled_worksheet_from_a_form_and_from_its_workbook_is_the_same() -> None:
    """The web form's fields → documents → the XLSX read back: the same ``Filled``, for a grid
    and for a checklist (ticks and notes)."""
    grid = {
        "funnel.attract.goal": "Be found by 1 000 new people\nin the first month",
        "funnel.convert.kpi": "Sign-ups a week",
        "unknown.field": "ignored",
    }
    checklist = {"launch.persona.done": "on", "launch.persona.note": "Eva, in March"}
    for values in (grid, checklist):
        filled = api.read_filled(values, MINIMAL)
        documents = api.documents_for(filled, name="Åkesson AB", project=MINIMAL)
        [workbook] = [name for name in documents if name.endswith(".xlsx")]
        assert sorted(Path(name).suffix for name in documents) == [
            ".docx",
            ".docx",
            ".pdf",
            ".pdf",
            ".xlsx",
        ]
        again = api.read_filled(documents[workbook], MINIMAL, name=workbook)
        assert again == filled
        assert any(filled.entries.values()) and not again.by_labels
    assert api.read_filled(checklist, MINIMAL).lines("persona", "done") == ["✓"]


def test_a_form_naming_no_worksheet_is_one_clear_problem() -> None:
    with pytest.raises(api.ContentErrors) as raised:
        api.read_filled({"nothing.here": "x"}, MINIMAL)
    assert "no worksheet of this project" in str(raised.value.errors[0])


def test_two_renders_in_two_threads_each_report_their_own_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """One project's layout override draws an image WeasyPrint cannot load (a logged error),
    the other is fine; rendered at the same time, only the broken one fails, with its own
    message."""
    broken = copy_project(MINIMAL, tmp_path / "broken")
    (broken / "layouts/pdf").mkdir(parents=True, exist_ok=True)
    (broken / "layouts/broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (broken / "layouts/pdf/worksheet-page.html.j2").write_text(
        '{% extends "shipped/pdf/worksheet-page.html.j2" %}'
        '{% block before_grid %}<img src="broken.png" alt="">{% endblock %}',
        encoding="utf-8",
    )
    rounds = 3
    start = threading.Barrier(2)
    results: dict[str, list[object]] = {"broken": [], "fine": []}

    def render(name: str, project: Path) -> None:
        start.wait()
        for _ in range(rounds):
            try:
                files = api.render(project, guide=["onboarding"], variant=["blank"], format=["pdf"])
                results[name].append(sorted(files))
            except api.RenderFailed as failed:
                results[name].append(failed)

    threads = [
        threading.Thread(target=render, args=("broken", broken)),
        threading.Thread(target=render, args=("fine", MINIMAL)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    caplog.clear()  # WeasyPrint logs the broken image too; the failure is what counts
    assert len(results["fine"]) == rounds and len(results["broken"]) == rounds
    assert all(isinstance(result, list) and len(result) == 3 for result in results["fine"])
    for failed in results["broken"]:
        assert isinstance(failed, api.RenderFailed)
        assert "Failed to load image" in str(failed) and "broken.png" in str(failed)
        assert {f.job.worksheet for f in failed.failures} == {None, "profile", "launch"}


@pytest.mark.slow
def test_a_thread_pool_and_a_memory_sink_make_the_default_builds_bytes(tmp_path: Path) -> None:
    """The executor and the sink are seams: a thread pool writing into memory makes exactly
    the files of the default build (local processes writing into the folder)."""
    sink = api.MemorySink()
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = api.build(MINIMAL, guide=["onboarding"], executor=pool, sink=sink)
    default = api.build(MINIMAL, guide=["onboarding"], out=tmp_path / "out", jobs=2)
    assert threaded.ok and default.ok and len(threaded.written) == len(default.written) > 10
    on_disk = {
        str(path.relative_to(tmp_path / "out")): path.read_bytes()
        for path in (tmp_path / "out").rglob("*.*")
        if not path.name.startswith(".")
    }
    assert sink.files == on_disk


@pytest.mark.slow
def test_two_builds_into_one_folder_leave_a_manifest_a_third_accepts(tmp_path: Path) -> None:
    """Two builds (of overlapping files, in two threads of this process, each with its own
    workers) write into one folder at once; a third build finds everything up to date."""
    out = tmp_path / "out"
    results: list[api.BuildResult] = []
    start = threading.Barrier(2)

    def build(variant: list[str]) -> None:
        start.wait()
        results.append(api.build(MINIMAL, out=out, guide=["onboarding"], variant=variant, jobs=2))

    threads = [
        threading.Thread(target=build, args=(variant,))
        for variant in (["blank"], ["blank", "sample"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and all(result.ok for result in results)
    third = api.build(MINIMAL, out=out, guide=["onboarding"], variant=["blank", "sample"], jobs=1)
    assert third.ok and third.written == [] and len(third.current) == len(third.jobs) > 5
    assert not list(out.rglob("*.tmp"))
