"""The command line as a user meets it: help, list, validate, filters, and bad input.

What only the command line does (exit codes, what it prints, what a fresh interpreter imports)
runs it in a real process; what it reports about the content and the filters comes from
:mod:`generator.api`, which the command line prints line by line, and is checked in process.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator import api
from generator.cli import app
from tests.conftest import MINIMAL, ROOT, loaded, run_cli

SHIPPED_EXAMPLE = ROOT / "content/examples/kundresan/generell.sv.yaml"
SHIPPED_FRAMEWORK = ROOT / "content/frameworks/kundresan.sv.yaml"


def project_with(tmp_path: Path, relative: str, text: str) -> Path:
    """A user project that overrides one shipped content file with ``text``."""
    path = tmp_path / "project" / "content" / relative
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return tmp_path / "project"


def problems(project: Path) -> list[str]:
    """Every problem ``validate`` finds in a project, each as the line the command prints."""
    with pytest.raises(api.ContentErrors) as raised:
        api.validate(project)
    return [error.format(project) for error in raised.value.errors]


def the_problem(project: Path, relative: str, line: int) -> str:
    """The one problem of a project, which names the file (from the project) and line."""
    [error] = problems(project)
    assert error.startswith(f"content/{relative}:{line}: "), error
    return error


def test_invalid_yaml_names_file_and_line_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """The command line's side of a problem: one ``error`` line on stderr, exit code 2."""
    lines = SHIPPED_FRAMEWORK.read_text(encoding="utf-8").splitlines()
    lines[5] = '   name: "Målgrupp"'  # indented one space too little, on line 6
    project = project_with(tmp_path, "frameworks/kundresan.sv.yaml", "\n".join(lines))
    out = tmp_path / "out"
    result = run_cli("build", "--project", str(project), "--out", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error content/frameworks/kundresan.sv.yaml:6:4: "), errors[0]
    assert "a key is indented less than the one above it" in errors[0]  # not the parser's words
    assert "<block end>" not in errors[0]
    assert "1 problem(s); nothing built." in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_unknown_stage_id_names_file_line_and_the_valid_stages(tmp_path: Path) -> None:
    text = SHIPPED_EXAMPLE.read_text(encoding="utf-8").replace("  konvertering:", "  konverting:")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == "  konverting:")
    project = project_with(tmp_path, "examples/kundresan/generell.sv.yaml", text)
    out = tmp_path / "out"
    with pytest.raises(api.ContentErrors) as raised:
        api.build(project, out=out, jobs=1)
    [error] = [error.format(project) for error in raised.value.errors]
    assert error.startswith(f"content/examples/kundresan/generell.sv.yaml:{line}: "), error
    assert "unknown stage 'konverting'" in error
    assert "valid stages: malgrupp, intressenter" in error
    assert not out.exists()


def test_a_boolean_where_text_belongs_is_rejected_with_a_hint(tmp_path: Path) -> None:
    text = SHIPPED_FRAMEWORK.read_text(encoding="utf-8").replace(
        'subtitle: "Research"', "subtitle: false"
    )
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "subtitle: false" in row)
    project = project_with(tmp_path, "frameworks/kundresan.sv.yaml", text)
    error = the_problem(project, "frameworks/kundresan.sv.yaml", line)
    assert "stages.1.subtitle" in error and "quotes" in error


def test_validate_reports_every_problem_at_once(tmp_path: Path) -> None:
    text = SHIPPED_EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("  konvertering:", "  konverting:").replace("    kpi:", "    kpis:", 1)
    project = project_with(tmp_path, "examples/kundresan/generell.sv.yaml", text)
    found = problems(project)
    assert len(found) == 2, found
    assert all(e.startswith("content/examples/kundresan/generell.sv.yaml:") for e in found), found


def top_level_imports(stderr: str) -> set[str]:
    """The packages a run imported, from ``python -X importtime``'s report on stderr."""
    imported = {
        row.split("|")[-1].strip().split(".")[0] for row in stderr.splitlines() if "|" in row
    }
    assert "generator" in imported  # the report is there, or the callers would prove nothing
    return imported


RENDERERS = {"weasyprint", "docx", "openpyxl"}


def test_list_shows_the_shipped_content_without_loading_the_renderers() -> None:
    result = run_cli("list", python_flags=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    for word in ("kundresan", "intressetrappan", "lar-dig-programmera", "6 stages × 6 rows"):
        assert word in result.stdout
    assert not top_level_imports(result.stderr) & RENDERERS


def test_validate_passes_the_shipped_content_with_warnings_without_loading_the_renderers() -> None:
    """The shipped Kundresan example keeps three KPIs in one stage: a warning line, exit 0."""
    result = run_cli("validate", python_flags=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    assert "ok 10 guide(s)" in result.stdout
    warnings = [row for row in result.stderr.splitlines() if row.startswith("warning ")]
    assert any(
        row.startswith("warning content/examples/kundresan/generell.sv.yaml:") and "3 KPIs" in row
        for row in warnings
    ), result.stderr
    assert not top_level_imports(result.stderr) & RENDERERS


def test_help_teaches_the_commands_and_filters() -> None:
    """The command's own help in a real process; a command's help in process."""
    main_help = run_cli("--help").stdout
    assert all(word in main_help for word in ("build", "list", "validate"))
    build_help = CliRunner().invoke(app, ["build", "--help"], env={"COLUMNS": "200"}).stdout
    for option in ("--project", "--out", "--guide", "--lang", "--variant", "--format"):
        assert option in build_help


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {"format": ["xlsx"]},
            {
                "onboarding-worksheet-blank.xlsx",
                "onboarding-worksheet-sample.xlsx",
                "onboarding-profile-blank.xlsx",
                "onboarding-profile-sample-profile.xlsx",
                "onboarding-launch-blank.xlsx",
                "onboarding-launch-sample-launch.xlsx",
            },
        ),
        (
            {"variant": ["blank"], "format": ["pdf"]},
            {
                "onboarding-worksheet-blank.pdf",
                "onboarding-profile-blank.pdf",
                "onboarding-launch-blank.pdf",
            },
        ),
        ({"format": ["docx"], "variant": ["sample"]}, {"onboarding-worksheet-sample.docx"}),
    ],
)
def test_filters_narrow_the_build(
    tmp_path: Path, filters: dict[str, list[str]], expected: set[str]
) -> None:
    result = api.build(MINIMAL, out=tmp_path, guide=["onboarding"], lang=["en"], jobs=1, **filters)
    assert result.ok
    assert {written.path.name for written in result.written} == expected
    assert {p.name for p in (tmp_path / "default" / "en").iterdir()} == expected


def test_unknown_filter_value_lists_the_valid_ones_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(api.ContentErrors) as raised:
        api.build(MINIMAL, out=tmp_path, format=["pptx"], jobs=1)
    assert [str(error) for error in raised.value.errors] == [
        "format: unknown format 'pptx' (valid: docx, pdf, xlsx)"
    ]
    assert not any(tmp_path.iterdir())


def test_a_user_project_adds_its_own_guide(minimal_project: Path) -> None:
    """The shared build of a copy of the minimal project, into its default output folder."""
    out = minimal_project / "output" / "default" / "en"
    assert {p.name for p in out.iterdir()} >= {"onboarding.pdf", "onboarding-worksheet-blank.xlsx"}


def test_a_section_explaining_an_unknown_stage_names_its_front_matter_line(tmp_path: Path) -> None:
    shipped = ROOT / "content/guides/kundresan/sections/malgrupp.sv.md"
    text = shipped.read_text(encoding="utf-8").replace('stage: "malgrupp"', 'stage: "malgrupper"')
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("stage:"))
    project = project_with(tmp_path, "guides/kundresan/sections/malgrupp.sv.md", text)
    error = the_problem(project, "guides/kundresan/sections/malgrupp.sv.md", line)
    assert "unknown stage 'malgrupper'" in error and "valid stages: malgrupp" in error


def test_a_missing_key_and_an_unknown_key_are_named(tmp_path: Path) -> None:
    text = SHIPPED_FRAMEWORK.read_text(encoding="utf-8").replace("    help:", "    hjälp:", 1)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "hjälp:" in row)
    project = project_with(tmp_path, "frameworks/kundresan.sv.yaml", text)
    errors = problems(project)
    assert any(f"kundresan.sv.yaml:{line}: rows.0.hjälp: unknown key" in e for e in errors), errors
    assert any("rows.0.help: required but missing" in e for e in errors), errors


def test_a_project_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    """By the command line's option check (exit 2), and by the API for its callers."""
    nowhere = str(tmp_path / "nowhere")
    result = CliRunner().invoke(app, ["build", "--project", nowhere], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    with pytest.raises(api.ContentErrors) as raised:
        api.build(tmp_path / "nowhere", out=tmp_path / "out", jobs=1)
    [error] = raised.value.errors
    assert (error.field, error.message) == ("project", "no such folder")
    assert not (tmp_path / "out").exists()


def test_lint_warns_on_many_kpis_and_empty_cells_and_strict_fails(tmp_path: Path) -> None:
    text = SHIPPED_EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('    kpi: ["Sign ups"]\n', "")  # an empty cell: Intressenter × KPI:er
    project = project_with(tmp_path, "examples/kundresan/generell.sv.yaml", text)
    kpi_line = next(n for n, row in enumerate(text.splitlines(), 1) if "Merförsäljning" in row)
    result = api.validate(project)
    warnings = [warning.format(project) for warning in result.warnings]
    assert any(
        f"generell.sv.yaml:{kpi_line}: cells.kundnojdhet.kpi: 3 KPIs in stage 'Kundnöjdhet'" in w
        for w in warnings
    ), warnings
    assert any("empty cell: Intressenter × KPI:er" in w for w in warnings), warnings
    with pytest.raises(api.ContentErrors) as strict:
        api.validate(project, strict=True)
    assert strict.value.errors == result.warnings and len(result.warnings) >= 2


def test_a_missing_ui_translation_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    shipped = (ROOT / "content/i18n/nb.yaml").read_text(encoding="utf-8")
    text = "\n".join(row for row in shipped.splitlines() if not row.startswith("contents:"))
    project = project_with(tmp_path, "i18n/nb.yaml", text)
    errors = problems(project)
    assert any(
        e.startswith("content/i18n/nb.yaml:") and "contents: required but missing" in e
        for e in errors
    ), errors


BROKEN_BRANDS = {
    # brand id: (brand.yaml, the line the command prints for it, from the file's name on)
    "deeper": (
        'name: "Deeper"\ncolors:\n  primary: "#1F4E79"\n    accent: "#E8A317"\n',
        "4:5: a key is indented more than the one above it (indent it with spaces exactly as "
        "far as the keys it sits with)",
    ),
    "shallower": (
        'name: "Shallower"\ncolors:\n  primary: "#1F4E79"\n accent: "#E8A317"\n',
        "4:2: a key is indented less than the one above it, but not as little as the keys it "
        "belongs with (indent it with spaces exactly as far as the keys it sits with)",
    ),
    "colon": (
        "name: Step 1: listen\n",
        "1:13: a value holds ': ', which YAML reads as the start of another key (put the value "
        'in quotes, e.g. title: "Step 1: listen")',
    ),
    "open-quote": (
        'name: "Open\nlanguage: en\n',
        "1:7: a quote opened here is never closed (end the value with the same quote mark it "
        "starts with)",
    ),
    "tab": ("name: Tab\ncolors:\n\tprimary: '#1F4E79'\n", "3:1: a tab where YAML allows only"),
    "twice": ("name: One\nname: Two\n", "2:1: the key 'name' appears twice (first on line 1)"),
    "at-sign": (
        "name: @acme\n",
        "1:7: a value cannot start with '@' (put the value in quotes, e.g. \"@acme\")",
    ),
    "hash": (
        'name: "Hash"\ncolors:\n  primary: #1a4d8f\n  accent: "#E8A317"\n',
        "3:12: primary: the colour #1a4d8f is not in quotes, so YAML reads it as a comment and "
        'the value as empty (write primary: "#1a4d8f")',
    ),
    "hash-flow": (
        'name: "Hash"\ncolors: {primary: #1a4d8f, accent: "#E8A317"}\n',
        "2:19: primary: the colour #1a4d8f is not in quotes",
    ),
}


def test_yaml_syntax_errors_are_said_in_plain_words_at_line_and_column(tmp_path: Path) -> None:
    """Each kind of slip a person makes in a brand file gets one line of plain words with its
    file, line and column, never the parser's "expected <block end>, but found …"; an unquoted
    colour is that line alone (not also an empty value)."""
    project = tmp_path / "project"
    for brand_id, (text, _) in BROKEN_BRANDS.items():
        folder = project / "content" / "brands" / brand_id
        folder.mkdir(parents=True)
        (folder / "brand.yaml").write_text(text, encoding="utf-8")
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(lines) == len(BROKEN_BRANDS), result.stderr
    for brand_id, (_, expected) in BROKEN_BRANDS.items():
        said = f"error content/brands/{brand_id}/brand.yaml:{expected}"
        assert any(line.startswith(said) for line in lines), (said, lines)
    for parser_words in ("<block end>", "expected", "scanning", "while parsing", "NoneType"):
        assert parser_words not in result.stderr, result.stderr


NOTHING_TO_BUILD = [
    (
        ["--guide", "kpi-per-fas", "--lang", "en"],
        "error lang: kpi-per-fas is written in sv; --lang en has nothing to build (use --lang sv,"
        " or leave --lang out)",
    ),
    (
        ["--guide", "kundresan", "--variant", "general"],
        "error variant: kundresan (sv) has the worksheet variants blank, generell; --variant "
        "general has nothing to build (choose one of those, or leave --variant out)",
    ),
    (
        ["--guide", "kundresan", "--brand", "norsk"],
        "error brand: brand 'norsk' has language: nb in its brand.yaml, and the guides selected "
        "are written in sv (add --lang sv to build them for it anyway, or choose guides in its "
        "language with --guide)",
    ),
    (["--brand", "nope"], "error brand: unknown brand 'nope' (valid: default, norsk)"),
    (["--variant", "nope"], "error variant: unknown variant 'nope' (valid: analytics-tool,"),
]


@pytest.mark.parametrize(("options", "said"), NOTHING_TO_BUILD, ids=lambda v: " ".join(v)[:30])
def test_filters_that_select_nothing_say_why_and_exit_2(
    tmp_path: Path, options: list[str], said: str
) -> None:
    """Filters that each exist but together select no file are an error (exit 2) saying what
    there is, never "written in None" with exit 0."""
    project = tmp_path / "project"
    brand = project / "content/brands/norsk/brand.yaml"
    brand.parent.mkdir(parents=True)
    brand.write_text('name: "Norsk AS"\nlanguage: nb\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--project", str(project), "--out", str(out), *options)
    assert result.returncode == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and errors[0].startswith(said), result.stderr
    assert "None" not in result.stderr and "nothing built" in result.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_list_shows_five_guides_in_english_with_their_worksheets_variants() -> None:
    """``journeykit list`` on the shipped content: every seed guide has an English edition
    (issue 17), each listed with its worksheets and their variants, no word split in two at
    a terminal's 80 columns."""
    result = run_cli("list", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    english = re.findall(r"^│ ([a-z0-9-]+)\s+│ en\s+│", result.stdout, re.M)
    assert english == [
        "b2b-journey",
        "buyer-journey",
        "customer-journey",
        "engagement-ladder",
        "kpi-per-stage",
    ]
    variants = {example_id for _, _, example_id in loaded(ROOT).examples}
    assert {v for v in variants if v not in result.stdout} == set()  # none split in two
