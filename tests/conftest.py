"""Shared fixtures: the shipped project, its library, and a helper to render one job."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.document import build_view
from generator.layouts import Layouts
from generator.loading import load_library
from generator.model import Job, Library
from generator.renderers import FORMATS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(ROOT)


@pytest.fixture(scope="session")
def layouts() -> Layouts:
    return Layouts.for_project(ROOT)


RenderJob = Callable[..., bytes]


@pytest.fixture(scope="session")
def render_job(library: Library, layouts: Layouts) -> RenderJob:
    """Render one job of the shipped content, e.g. render_job("xlsx", "worksheet")."""

    def render(
        fmt: str,
        document: str,
        variant: str = "blank",
        guide: str = "kundresan",
        language: str = "sv",
        brand: str = "default",
    ) -> bytes:
        job = Job(
            guide=guide,
            language=language,
            brand=brand,
            document=document,
            variant=variant,
            format=fmt,
        )
        return FORMATS[fmt].render(build_view(library, job), layouts)

    return render


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


def run_cli(
    *args: str, cwd: Path = ROOT, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run the real ``journeykit`` command line in a subprocess."""
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )


@pytest.fixture(scope="session")
def every_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Everything the shipped content makes, built once by the real command."""
    out = tmp_path_factory.mktemp("output")
    result = run_cli("build", "--project", str(ROOT), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def built(every_output: Path) -> Path:
    """The Swedish documents of the default brand."""
    return every_output / "default" / "sv"


def pdf_text(path: Path, layout: bool = False) -> str:
    """The text of a PDF as pdftotext reads it: in drawing order, or laid out as on the page."""
    mode = "-layout" if layout else "-raw"
    return subprocess.run(
        ["pdftotext", mode, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
