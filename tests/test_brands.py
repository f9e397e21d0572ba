"""Brands: one small file restyles every format; bad brands are refused with the reason."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import ROOT, pdf_text, run_cli

BRANDED = ROOT / "tests" / "projects" / "branded"
ACME = "7A1F3D"


@pytest.fixture(scope="module")
def acme_and_default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kundresan (sv) built for every brand of the branded project."""
    out = tmp_path_factory.mktemp("brands")
    result = run_cli(
        "build",
        "--project",
        str(BRANDED),
        "--brand",
        "all",
        "--guide",
        "kundresan",
        "--lang",
        "sv",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    return out


def fill_colours(pdf: Path) -> set[str]:
    """The RGB fill colours a PDF page draws with, as RRGGBB."""
    data = PdfReader(pdf).pages[0].get_contents().get_data().decode("latin-1")
    return {
        "".join(f"{round(float(v) * 255):02X}" for v in match.split())
        for match in re.findall(r"([0-9.]+ [0-9.]+ [0-9.]+) rg", data)
    }


def test_pdf_shows_the_brand_name_colour_font_and_logo(acme_and_default: Path) -> None:
    sheet = acme_and_default / "acme" / "sv" / "kundresan-worksheet-generell.pdf"
    assert ACME in fill_colours(sheet)
    guide = acme_and_default / "acme" / "sv" / "kundresan.pdf"
    assert "Acme Rådgivning AB" in pdf_text(guide)
    reader = PdfReader(guide)
    fonts = {f["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("Lato" in name for name in fonts)
    assert reader.pages[0]["/Resources"].get("/XObject")  # the logo on the cover


def test_docx_and_xlsx_carry_the_brand(acme_and_default: Path) -> None:
    folder = acme_and_default / "acme" / "sv"
    with ZipFile(folder / "kundresan.docx") as docx:
        styles = docx.read("word/styles.xml").decode()
        assert ACME in styles and "Lato" in styles
        assert any(name.startswith("word/media/") for name in docx.namelist())  # logo
        assert "Acme Rådgivning AB" in docx.read("docProps/core.xml").decode()
    workbook = load_workbook(folder / "kundresan-worksheet-blank.xlsx")
    sheet = workbook.active
    assert sheet["B2"].fill.fgColor.rgb.endswith(ACME)
    assert sheet._images  # the logo in the title row
    assert workbook.properties.creator == "Acme Rådgivning AB"
    assert sheet.oddFooter.left.text == "© Acme Rådgivning AB"  # the brand's footer line
    assert sheet.oddFooter.center.text == "acme.example"
    assert sheet.oddHeader.right.text == "Acme Rådgivning AB"
    assert sheet.oddHeader.right.color == ACME
    with ZipFile(folder / "kundresan.docx") as docx:
        footers = [docx.read(n).decode() for n in docx.namelist() if "footer" in n]
        assert any("© Acme Rådgivning AB" in footer for footer in footers)


def test_two_brands_differ_and_a_rebuild_is_identical(
    acme_and_default: Path, tmp_path: Path
) -> None:
    names = [p.name for p in (acme_and_default / "default" / "sv").iterdir()]
    for name in names:
        assert (acme_and_default / "acme" / "sv" / name).read_bytes() != (
            acme_and_default / "default" / "sv" / name
        ).read_bytes(), name
    again = run_cli(
        "build",
        "--project",
        str(BRANDED),
        "--brand",
        "acme",
        "--guide",
        "kundresan",
        "--lang",
        "sv",
        "--out",
        str(tmp_path),
    )
    assert again.returncode == 0, again.stderr
    for name in names:
        first = (acme_and_default / "acme" / "sv" / name).read_bytes()
        assert (tmp_path / "acme" / "sv" / name).read_bytes() == first, name


def broken_brand(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the branded project with one line of the brand file changed."""
    project = tmp_path / "project"
    shutil.copytree(BRANDED, project)
    brand = project / "content" / "brands" / "acme" / "brand.yaml"
    text = brand.read_text(encoding="utf-8").replace(old, new)
    brand.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if new.split(":")[0] in row)
    return project, line


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('primary: "#7A1F3D"', 'primary: "#F2C94C"', "contrast 1."),
        ("logo: logo.svg", "logo: ../../../../README.md", "outside the brand's folder"),
        ("logo: logo.svg", "logo: https://example.com/logo.png", "not a URL"),
        ("logo: logo.svg", "logo: missing.png", "no file 'missing.png'"),
        ("heading: Lato", "heading: Comic Sans", "unknown font 'Comic Sans'"),
        ('primary: "#7A1F3D"', 'primary: "red"', "is not a colour"),
        ("language: sv", "language: de", "no documents can be made in 'de'"),
    ],
)
def test_a_bad_brand_is_refused_naming_the_file_and_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    project, line = broken_brand(tmp_path, old, new)
    result = run_cli("validate", "--project", str(project))
    assert result.returncode == 2
    errors = [row for row in result.stderr.splitlines() if row.startswith("error")]
    assert any("brand.yaml:" in e and message in e for e in errors), errors
    assert any(f"brand.yaml:{line}:" in e for e in errors), (line, errors)


def test_a_brand_builds_in_its_own_language_unless_told_otherwise(tmp_path: Path) -> None:
    args = ("build", "--project", str(BRANDED), "--brand", "acme", "--guide", "kundresan")
    own = run_cli(*args, "--format", "xlsx", "--out", str(tmp_path / "own"))
    assert own.returncode == 0, own.stderr
    assert {p.parent.name for p in (tmp_path / "own").rglob("*.xlsx")} == {"sv"}
    told = run_cli(*args, "--format", "xlsx", "--lang", "en", "--out", str(tmp_path / "told"))
    assert told.returncode == 0, told.stderr
    assert {p.parent.name for p in (tmp_path / "told").rglob("*.xlsx")} == {"en"}


ISSUE_BRAND = """\
name: Example Agency AB
colors: {primary: "#1F4E79", accent: "#F2A900", text: "#222222", background: "#FFFFFF"}
fonts: {heading: Inter, body: Source Sans 3}
contact: {website: example.se, email: hej@example.se, phone: "+46 70 000 00 00"}
language: sv
footer: "© Example Agency AB"
"""


def test_a_bundled_variable_font_is_embedded_in_every_weight(tmp_path: Path) -> None:
    brand = tmp_path / "content/brands/example/brand.yaml"
    brand.parent.mkdir(parents=True)
    brand.write_text(ISSUE_BRAND, encoding="utf-8")
    args = ("--brand", "example", "--guide", "kundresan", "--format", "pdf", "--variant", "blank")
    result = run_cli("build", "--project", str(tmp_path), *args)
    assert result.returncode == 0, result.stderr
    sheet = PdfReader(tmp_path / "output/example/sv/kundresan-worksheet-blank.pdf")
    fonts = {f["/BaseFont"].split("+")[1] for f in sheet.pages[0]["/Resources"]["/Font"].values()}
    assert {"Source-Sans-3,", "Source-Sans-3-Bold"} <= fonts, fonts  # body text and row labels
    assert "Inter-Bold" in fonts  # the heading family


def test_a_brand_with_nothing_in_its_language_is_warned_about(tmp_path: Path) -> None:
    brand = tmp_path / "content/brands/norsk/brand.yaml"
    brand.parent.mkdir(parents=True)
    brand.write_text('name: "Norsk AS"\nlanguage: nb\n', encoding="utf-8")
    args = ("--project", str(tmp_path), "--brand", "all", "--guide", "kundresan")
    result = run_cli("build", *args, "--format", "xlsx")
    assert result.returncode == 0, result.stderr
    assert "brand 'norsk': no selected guide is written in 'nb'" in result.stderr
    assert "1 of 1 brand(s) complete" in result.stdout  # the default brand, in sv and en
    assert not (tmp_path / "output" / "norsk").exists()


def test_brand_new_scaffolds_a_valid_brand_and_refuses_to_overwrite(tmp_path: Path) -> None:
    created = run_cli("brand", "new", "kund-ab", "--project", str(tmp_path), "--name", "Kund AB")
    assert created.returncode == 0, created.stderr
    brand = tmp_path / "content" / "brands" / "kund-ab" / "brand.yaml"
    assert 'name: "Kund AB"' in brand.read_text(encoding="utf-8")
    assert run_cli("validate", "--project", str(tmp_path)).returncode == 0
    again = run_cli("brand", "new", "kund-ab", "--project", str(tmp_path))
    assert again.returncode == 2 and "exists already" in again.stderr
    assert run_cli("brand", "new", "Kund AB", "--project", str(tmp_path)).returncode == 2


CLIENTS = """id,name,primary,accent,logo,website,email,phone,language
acme,Acme AB,#7A1F3D,#F4B942,acme.svg,acme.example,hej@acme.example,+46 70 000 00 00,sv
nord,Nord Konsult AS,#14532D,#FACC15,,nord.example,post@nord.example,,nb
"""


def test_batch_builds_every_client_and_rebuilds_only_a_changed_one(tmp_path: Path) -> None:
    shutil.copy(BRANDED / "content/brands/acme/logo.svg", tmp_path / "acme.svg")
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS, encoding="utf-8")
    out = tmp_path / "out"
    args = ("batch", str(clients), "--guide", "kundresan", "--lang", "sv", "--out", str(out))
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert "2 brand(s), 16 file(s)" in first.stdout and "16 written" in first.stdout
    assert "Nord Konsult AS" in pdf_text(out / "nord/sv/kundresan.pdf")
    assert "14532D" in fill_colours(out / "nord/sv/kundresan-worksheet-blank.pdf")
    clients.write_text(CLIENTS.replace("#14532D", "#1E3A8A"), encoding="utf-8")
    second = run_cli(*args)
    assert "8 written, 8 up to date" in second.stdout, second.stdout


EXTERNAL_LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
    '<image href="https://example.com/logo.png" width="40" height="10"/></svg>'
)


def test_one_clients_failure_is_reported_and_the_others_still_build(tmp_path: Path) -> None:
    """A bad row is skipped (exit 2); a logo that fails only when drawn fails its brand alone."""
    shutil.copy(BRANDED / "content/brands/acme/logo.svg", tmp_path / "acme.svg")
    (tmp_path / "external.svg").write_text(EXTERNAL_LOGO, encoding="utf-8")
    rows = CLIENTS.replace("#14532D", "#FFFF00")  # nord: yellow on white, unreadable
    rows += "fjarr,Fjärr AB,#1E3A8A,#FACC15,external.svg,fjarr.example,,,sv\n"
    clients = tmp_path / "clients.csv"
    clients.write_text(rows, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "batch", str(clients), "--guide", "kundresan", "--lang", "sv", "--out", str(out)
    )
    assert result.returncode == 2
    assert "clients.csv:3: colors.primary: contrast" in result.stderr
    assert not (out / "nord").exists()
    assert "failed brand 'fjarr': kundresan.pdf:" in result.stderr
    assert "1 of 2 brand(s) complete" in result.stdout
    assert len(list((out / "acme" / "sv").iterdir())) == 8
    for pdf in (out / "acme" / "sv").glob("*.pdf"):
        assert PdfReader(pdf).pages
    assert not list((out / "fjarr").rglob("*.pdf"))  # nothing half-written


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect', "cannot be read as an image: "),
        (b"\x89PNG\r\n\x1a\nnot really", "cannot be read as an image: "),
    ],
)
def test_a_client_logo_that_cannot_be_read_is_refused(
    tmp_path: Path, content: bytes, message: str
) -> None:
    name = "logo.svg" if content.startswith(b"<svg") else "logo.png"
    (tmp_path / name).write_bytes(content)
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS.replace("acme.svg", name), encoding="utf-8")
    result = run_cli("batch", str(clients), "--lang", "nb", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"clients.csv:2: logo: '{name}' {message}" in result.stderr
