"""The command line as a user meets it: help, list, validate, filters, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

SHIPPED_EXAMPLE = ROOT / "content/examples/kundresan/generell.sv.yaml"
SHIPPED_FRAMEWORK = ROOT / "content/frameworks/kundresan.sv.yaml"


def project_with(tmp_path: Path, relative: str, text: str) -> Path:
    """A user project that overrides one shipped content file with ``text``."""
    path = tmp_path / "project" / "content" / relative
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return tmp_path / "project"


def assert_invalid(result, file_name: str, line: int, out: Path) -> str:
    """Exit 2, one error line naming the file and line, and nothing written."""
    assert result.returncode == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, result.stderr
    assert f"{file_name}:{line}:" in errors[0], errors[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.rglob("*"))
    return errors[0]


def test_invalid_yaml_names_file_and_line_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    lines = SHIPPED_FRAMEWORK.read_text(encoding="utf-8").splitlines()
    lines[5] = '   name: "Målgrupp"'  # indented one space too little, on line 6
    project = project_with(tmp_path, "frameworks/kundresan.sv.yaml", "\n".join(lines))
    out = tmp_path / "out"
    result = run_cli("build", "--project", str(project), "--out", str(out))
    error = assert_invalid(result, "kundresan.sv.yaml", 6, out)
    assert "invalid YAML" in error


def test_unknown_stage_id_names_file_line_and_the_valid_stages(tmp_path: Path) -> None:
    text = SHIPPED_EXAMPLE.read_text(encoding="utf-8").replace("  konvertering:", "  konverting:")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == "  konverting:")
    project = project_with(tmp_path, "examples/kundresan/generell.sv.yaml", text)
    out = tmp_path / "out"
    result = run_cli("build", "--project", str(project), "--out", str(out))
    error = assert_invalid(result, "generell.sv.yaml", line, out)
    assert "unknown stage 'konverting'" in error
    assert "valid stages: malgrupp, intressenter" in error


def test_a_boolean_where_text_belongs_is_rejected_with_a_hint(tmp_path: Path) -> None:
    text = SHIPPED_FRAMEWORK.read_text(encoding="utf-8").replace(
        'subtitle: "Research"', "subtitle: false"
    )
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "subtitle: false" in row)
    project = project_with(tmp_path, "frameworks/kundresan.sv.yaml", text)
    result = run_cli("validate", "--project", str(project))
    error = assert_invalid(result, "kundresan.sv.yaml", line, tmp_path / "none")
    assert "stages.1.subtitle" in error and "quotes" in error


def test_validate_reports_every_problem_at_once(tmp_path: Path) -> None:
    text = SHIPPED_EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("  konvertering:", "  konverting:").replace("    kpi:", "    kpis:", 1)
    project = project_with(tmp_path, "examples/kundresan/generell.sv.yaml", text)
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2
    assert result.stderr.count("generell.sv.yaml:") == 2, result.stderr


def test_validate_and_list_on_the_shipped_content() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    listing = run_cli("list")
    assert listing.returncode == 0
    for word in ("kundresan", "intressetrappan", "lar-dig-programmera", "6 stages × 6 rows"):
        assert word in listing.stdout


def test_help_teaches_the_commands_and_filters() -> None:
    assert all(word in run_cli("--help").stdout for word in ("build", "list", "validate"))
    build_help = run_cli("build", "--help").stdout
    for option in ("--project", "--out", "--guide", "--lang", "--variant", "--format"):
        assert option in build_help


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--format", "xlsx"],
            {"kundresan-worksheet-blank.xlsx", "kundresan-worksheet-generell.xlsx"},
        ),
        (["--variant", "blank", "--format", "pdf"], {"kundresan-worksheet-blank.pdf"}),
        (["--format", "docx", "--variant", "generell"], {"kundresan-worksheet-generell.docx"}),
    ],
)
def test_filters_narrow_the_build(tmp_path: Path, args: list[str], expected: set[str]) -> None:
    result = run_cli("build", "--out", str(tmp_path), "--guide", "kundresan", "--lang", "sv", *args)
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (tmp_path / "default" / "sv").iterdir()} == expected
    assert "Files written" in result.stdout


def test_unknown_filter_value_lists_the_valid_ones(tmp_path: Path) -> None:
    result = run_cli("build", "--out", str(tmp_path), "--format", "pptx")
    assert result.returncode == 2
    assert "format: unknown format 'pptx' (valid: docx, pdf, xlsx)" in result.stderr
    assert not any(tmp_path.iterdir())


def test_a_user_project_adds_its_own_guide(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests/projects/minimal", project)
    result = run_cli("build", "--project", str(project), "--guide", "onboarding")
    assert result.returncode == 0, result.stderr
    out = project / "output" / "default" / "en"
    assert {p.name for p in out.iterdir()} >= {"onboarding.pdf", "onboarding-worksheet-blank.xlsx"}


@pytest.mark.parametrize("command", ["list", "validate"])
def test_list_and_validate_never_load_the_renderers(command: str) -> None:
    result = run_cli(command, python_flags=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()}
    assert not imported & {"weasyprint", "docx", "openpyxl"}


def test_a_section_explaining_an_unknown_stage_names_its_front_matter_line(tmp_path: Path) -> None:
    shipped = ROOT / "content/guides/kundresan/sections/malgrupp.sv.md"
    text = shipped.read_text(encoding="utf-8").replace('stage: "malgrupp"', 'stage: "malgrupper"')
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("stage:"))
    project = project_with(tmp_path, "guides/kundresan/sections/malgrupp.sv.md", text)
    result = run_cli("validate", "--project", str(project))
    error = assert_invalid(result, "malgrupp.sv.md", line, tmp_path / "none")
    assert "unknown stage 'malgrupper'" in error and "valid stages: malgrupp" in error


def test_a_missing_key_and_an_unknown_key_are_named(tmp_path: Path) -> None:
    text = SHIPPED_FRAMEWORK.read_text(encoding="utf-8").replace("    help:", "    hjälp:", 1)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "hjälp:" in row)
    project = project_with(tmp_path, "frameworks/kundresan.sv.yaml", text)
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2
    errors = [row for row in result.stderr.splitlines() if row.startswith("error")]
    assert any(f"kundresan.sv.yaml:{line}: rows.0.hjälp: unknown key" in e for e in errors), errors
    assert any("rows.0.help: required but missing" in e for e in errors), errors


def test_a_project_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    result = run_cli("build", "--project", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_lint_warns_on_many_kpis_and_empty_cells_and_strict_fails(tmp_path: Path) -> None:
    text = SHIPPED_EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('    kpi: ["Sign ups"]\n', "")  # an empty cell: Intressenter × KPI:er
    project = project_with(tmp_path, "examples/kundresan/generell.sv.yaml", text)
    kpi_line = next(n for n, row in enumerate(text.splitlines(), 1) if "Merförsäljning" in row)
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 0, result.stderr
    warnings = [row for row in result.stderr.splitlines() if row.startswith("warning")]
    assert any(
        f"generell.sv.yaml:{kpi_line}: cells.kundnojdhet.kpi: 3 KPIs in stage 'Kundnöjdhet'" in w
        for w in warnings
    ), warnings
    assert any("empty cell: Intressenter × KPI:er" in w for w in warnings), warnings
    strict = run_cli("validate", "--strict", "--project", str(project))
    assert strict.returncode == 2
    assert strict.stderr.count("error") >= 2


def test_a_missing_ui_translation_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    shipped = (ROOT / "content/i18n/nb.yaml").read_text(encoding="utf-8")
    text = "\n".join(row for row in shipped.splitlines() if not row.startswith("contents:"))
    project = project_with(tmp_path, "i18n/nb.yaml", text)
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2
    assert "nb.yaml:" in result.stderr and "contents: required but missing" in result.stderr
