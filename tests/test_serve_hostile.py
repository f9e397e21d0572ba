"""``journeykit serve`` attacked as a server facing the internet: renders past their time,
PDFium from two threads, odd ids, another site's Host, a token of another form, hostile
file names in headers, slow and oversized bodies. Each test is a finding of the review of the
web front (issue 18) that failed before its fix."""

from __future__ import annotations

import asyncio
import re
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import api
from generator.web import Settings, create_app
from generator.web.prospect import _first_page_png
from generator.web.renders import PDFIUM, Busy, Renders
from tests.conftest import MINIMAL

with warnings.catch_warnings():  # Starlette 1.10 would rather have httpx2, which is not packaged
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def token(page: str) -> str:
    """A form's CSRF token, from its page."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found[1]


@pytest.fixture
def public() -> Iterator[TestClient]:
    """The minimal project served with ``--public``."""
    with TestClient(create_app(Settings(MINIMAL, public=True))) as client:
        yield client


def test_a_render_past_its_time_keeps_its_place_until_it_ends() -> None:
    """A thread cannot be stopped: the render a request stopped waiting for still runs, so its
    place is not given to another (which would wait behind it, past the queue's bound)."""
    renders = Renders(Settings(MINIMAL, renders=1, queue=0, render_seconds=0.5))

    async def scenario() -> tuple[float, int]:
        with pytest.raises(Busy):
            await renders.run(lambda: time.sleep(3))  # given up on after 0.5 s, runs 3 s
        started = time.monotonic()
        with pytest.raises(Busy):  # told at once: the one thread is still busy
            await renders.run(lambda: 1)
        told = time.monotonic() - started
        await asyncio.sleep(3)
        return told, await renders.run(lambda: 2)

    try:
        told, done = asyncio.run(scenario())
    finally:
        renders.close()
    assert told < 0.3 and done == 2
    assert renders.taken == 0


def test_a_cover_waits_for_pdfium(tmp_path: Path) -> None:
    """PDFium is not thread-safe: a prospect's cover is made while no other thread uses it
    (the author's previews hold the same lock)."""
    files = api.render(MINIMAL, "default", guide="onboarding", lang="en", format="pdf")
    pdf = files["en/onboarding.pdf"]
    made: list[bytes] = []
    with PDFIUM:
        cover = threading.Thread(target=lambda: made.append(_first_page_png(pdf)))
        cover.start()
        cover.join(2)
        assert cover.is_alive() and not made
    cover.join(30)
    assert made and made[0].startswith(b"\x89PNG")
