"""Shared fixtures: the shipped project, its library, and a helper to render one job."""

from __future__ import annotations

import logging
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
    """Render one job of the shipped content to bytes, e.g. render_job("xlsx", "worksheet", "blank")."""

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
