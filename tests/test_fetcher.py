"""WeasyPrint reads only the project's own files; anything else fails the build."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import api
from generator.errors import BuildError
from generator.layouts import Layouts
from generator.renderers.pdf import html_to_pdf
from tests.conftest import MINIMAL, ROOT, copy_project

FONT = (ROOT / "layouts/fonts/Inter-Regular.otf").as_uri()


@pytest.mark.parametrize(
    "html",
    [
        '<link rel="attachment" href="file:///etc/passwd"><p>x</p>',
        '<img src="file:///etc/hostname">',
        '<img src="http://127.0.0.1:9/logo.png">',
        '<img src="no-such-logo.png">',
        f'<img src="{FONT}/../../../../etc/passwd">',
    ],
)
def test_reading_outside_the_project_or_a_missing_file_fails_the_build(
    layouts: Layouts, html: str, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(BuildError):
        html_to_pdf(html, layouts, "test.pdf")
    caplog.clear()  # WeasyPrint logs the refused fetch too; the BuildError is what counts


def test_files_under_layouts_are_served(layouts: Layouts) -> None:
    style = (
        f'@font-face {{ font-family: Bundled; src: url("{FONT}") }} p {{ font-family: Bundled }}'
    )
    html = f'<html lang="sv"><style>{style}</style><p>Hej</p>'
    reader = PdfReader(BytesIO(html_to_pdf(html, layouts, "test.pdf")))
    fonts = [f["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts == ["/" + fonts[0][1:7] + "+Bundled"]  # embedded as a subset


def test_a_project_layout_overrides_and_extends_the_shipped_one(tmp_path: Path) -> None:
    """A project's worksheet page reaches every worksheet: in the guide and on its own."""
    project = copy_project(MINIMAL, tmp_path / "project")
    layout = project / "layouts" / "pdf" / "worksheet-page.html.j2"
    layout.parent.mkdir(parents=True)
    layout.write_text(
        '{% extends "shipped/pdf/worksheet-page.html.j2" %}'
        "{% block before_grid %}<p>Kund: ________</p>{% endblock %}",
        encoding="utf-8",
    )
    result = api.build(project, guide=["onboarding"], format=["pdf"], jobs=1)
    assert result.ok and len(result.written) == 7
    folder = project / "output" / "default" / "en"
    worksheet = PdfReader(folder / "onboarding-worksheet-blank.pdf")
    assert "Kund:" in worksheet.pages[0].extract_text()
    guide = [page.extract_text() for page in PdfReader(folder / "onboarding.pdf").pages]
    # every example and blank page (the grid's, the form's, the checklist's): one PDF each
    sheets = [job for job in result.jobs if job.document == "worksheet"]
    assert sum("Kund:" in text for text in guide) == len(sheets) == 6
    sheet_page = next(text for text in guide if "Kund:" in text and "Your template: Funnel" in text)
    assert "Attract" in sheet_page  # the shipped page kept below the block
