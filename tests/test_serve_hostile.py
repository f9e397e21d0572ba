"""``journeykit serve`` attacked as a server facing the internet: renders past their time,
PDFium from two threads, odd ids, another site's Host, a token of another form, hostile
file names in headers, slow and oversized bodies. Each test is a finding of the review of the
web front (issue 18) that failed before its fix."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from generator import api
from generator.web import Settings, create_app
from generator.web.prospect import _first_page_png
from generator.web.renders import PDFIUM, Busy, Renders
from tests.conftest import MINIMAL, ROOT, copy_project
from tests.conftest import form_token as token


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
        told, done = run_apart(scenario())
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


@pytest.mark.parametrize(
    ("host", "public", "status"),
    [
        ("127.0.0.1:8000", False, 200),
        ("localhost:8000", False, 200),
        ("[::1]:8000", False, 200),
        ("rebound.example:8000", False, 400),
        ("127.0.0.1.rebound.example", False, 400),
        ("rebound.example", True, 200),
    ],
)
def test_the_authors_server_answers_only_to_this_machines_names(
    host: str, public: bool, status: int
) -> None:
    """DNS rebinding: a web page the author visits can point its own name at 127.0.0.1 and
    read the author's view (unpublished guides, file listings, paths) unless the server
    refuses a Host that is not this machine's. A public server answers to any name."""
    with TestClient(create_app(Settings(MINIMAL, public=public))) as client:
        answer = client.get("/fill/default/en/funnel", headers={"host": host})
    assert answer.status_code == status
    if status == 400:
        assert "onboarding" not in answer.text and str(MINIMAL) not in answer.text


@pytest.fixture
def author() -> Iterator[TestClient]:
    """The minimal project's author's view (not public), in process."""
    with TestClient(create_app(Settings(MINIMAL)), base_url="http://127.0.0.1:8000") as client:
        yield client


def test_a_files_language_is_checked_before_anything_is_planned(author: TestClient) -> None:
    """``/files/<brand>/<lang>/…`` with languages the library lacks is 404 and keeps nothing
    (each one used to be planned on a thread and kept until the content changed)."""
    for number in range(20):
        assert author.get(f"/files/default/x{number}/onboarding.pdf").status_code == 404
    planned = author.app.state.author.planned  # type: ignore[attr-defined]
    assert all(lang == "en" for _, _, lang in planned)


@pytest.mark.parametrize("number", ["0", "4", "1000000000", "9" * 5000, "01", "+1", "١"])
def test_a_thumbnails_odd_number_is_404(author: TestClient, number: str) -> None:
    """A thumbnail's page number past the first three, or too long to be a number, is 404
    (5 000 digits used to be a 500: Python refuses to read such an int)."""
    answer = author.get(f"/thumb/default/en/onboarding/{number}.png")
    assert answer.status_code == 404


def test_a_token_is_good_only_for_the_form_it_came_with(public: TestClient) -> None:
    """A token is signed for its page's form: one taken from a worksheet's page is refused by
    the download form (and by another worksheet's), not just one made by another server."""
    fill = token(public.get("/fill/default/en/funnel").text)
    other = token(public.get("/fill/default/en/launch").text)
    get = token(public.get("/get/default/en/onboarding").text)
    assert public.post("/get/default/en/onboarding", data={"csrf": fill}).status_code == 403
    sent = {"csrf": other, "funnel.attract.goal": "x"}
    assert public.post("/fill/default/en/funnel", data=sent).status_code == 403
    assert public.post("/get/default/en/onboarding", data={"csrf": get}).status_code == 200
    with TestClient(create_app(Settings(MINIMAL, public=True))) as another:
        assert another.post("/get/default/en/onboarding", data={"csrf": get}).status_code == 403


def test_a_file_name_from_a_request_is_one_safe_header(public: TestClient) -> None:
    """The download's name from the reader's name and company: never a line break or quote in
    the header; a name in another script is kept as RFC 5987's ``filename*`` beside an ASCII
    ``filename``."""
    sent = {
        "csrf": token(public.get("/get/default/en/onboarding").text),
        "name": 'Łucja Żółć"\r\nSet-Cookie: a=1',
        "company": "Ærø; filename=x.exe",
    }
    answer = public.post("/get/default/en/onboarding", data=sent)
    assert answer.status_code == 200
    header = answer.headers["content-disposition"]
    assert "set-cookie" not in {name.lower() for name in answer.headers}
    assert re.fullmatch(r'attachment; filename="[a-z0-9.-]+"; filename\*=UTF-8\'\'[\w%.-]+', header)
    assert "%C5%81ucja-%C5%BB%C3%B3%C5%82%C4%87" in header and "%C3%86r%C3%B8" in header
    assert header.count("filename=") == 1 and header.count("filename*=") == 1
    assert all(part.endswith('.pdf"') or part.endswith(".pdf") for part in header.split("; ")[1:])


async def _slow_post(app: object, path: str, body: bytes, pause: float) -> list[dict[str, object]]:
    """POST ``body`` to the app as a client that sends half of it, then waits ``pause`` s."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    half = len(body) // 2
    parts = [(body[:half], True), (body[half:], False)]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        if len(parts) == 1:
            await asyncio.sleep(pause)
        if not parts:
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}
        chunk, more = parts.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": more}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[operator]
    return sent


def _status(sent: list[dict[str, object]]) -> int:
    return int(sent[0]["status"])  # type: ignore[call-overload]


def test_a_body_sent_too_slowly_is_408() -> None:
    """A client trickling its form is answered 408 after ``body_seconds``, not waited for."""
    app = create_app(Settings(MINIMAL, public=True, body_seconds=0.5))
    csrf = app.state.tokens.new("get/default/en/onboarding")
    body = f"csrf={csrf}&name=Ada".encode()
    started = time.monotonic()
    sent = run_apart(_slow_post(app, "/get/default/en/onboarding", body, pause=30))
    assert _status(sent) == 408 and time.monotonic() - started < 5
    app.state.renders.close()


def test_bodies_read_at_once_are_bounded() -> None:
    """Each body being read is held in memory (up to ``upload_bytes``): beyond ``bodies`` of
    them at once a request is answered 503 with Retry-After, the others are served."""
    app = create_app(Settings(MINIMAL, public=True, bodies=2, body_seconds=10))
    csrf = app.state.tokens.new("get/default/en/onboarding")
    body = f"csrf={csrf}&name=Ada".encode()

    async def three() -> list[list[dict[str, object]]]:
        slow = [_slow_post(app, "/get/default/en/onboarding", body, pause=1.5) for _ in range(2)]
        tasks = [asyncio.ensure_future(one) for one in slow]
        await asyncio.sleep(0.3)
        late = await _slow_post(app, "/get/default/en/onboarding", body, pause=0)
        return [late, *await asyncio.gather(*tasks)]

    late, *served = run_apart(three())
    app.state.renders.close()
    assert _status(late) == 503
    assert [_status(one) for one in served] == [200, 200]


HOSTILE = '"><img src=x onerror=alert(1)></textarea><script>alert(1)</script>'
"""Text that would run or break out of an attribute or a text area if a page did not escape it."""


def test_hostile_content_is_text_in_every_page(tmp_path: Path) -> None:
    """A guide title, a worksheet's title, stage, label and help, and a section's text made of
    markup are shown as text by the author's, the client's and the prospect's pages, and a
    YAML error quoting it is too (the scripts add data with textContent only)."""
    project = copy_project(MINIMAL, tmp_path / "hostile")
    guide = project / "content/guides/onboarding/guide.en.yaml"
    guide.write_text(guide.read_text().replace('"Onboarding"', json.dumps(f"Onb {HOSTILE}")))
    sheet = project / "content/frameworks/funnel.en.yaml"
    text = sheet.read_text()
    for plain in ("Funnel", "Attract", "Goal", "What the stage must achieve."):
        text = text.replace(f'"{plain}"', json.dumps(f"{plain} {HOSTILE}"))
    sheet.write_text(text)
    section = project / "content/guides/onboarding/sections/intro.en.md"
    section.write_text(f"{section.read_text()}\n\n`{HOSTILE}`\n")
    with TestClient(create_app(Settings(project)), base_url="http://127.0.0.1:8000") as client:
        pages = ["/", "/guide/default/en/onboarding", "/fill/default/en/funnel"]
        pages.append("/get/default/en/onboarding")
        for path in pages:
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert "<script>alert" not in answer.text and "<img src=x" not in answer.text, path
            assert "&lt;script&gt;alert(1)" in answer.text, path
        guide.write_text(f"title: {json.dumps(HOSTILE)}\nframework: [\n")
        client.app.state.site.reload()  # type: ignore[attr-defined]
        home = client.get("/").text
        assert "The content does not load" in home and "<script>alert" not in home
    scripts = (ROOT / "layouts/web/static/author.js").read_text()
    scripts += (ROOT / "layouts/web/static/fill.js").read_text()
    assert "innerHTML" not in scripts and "insertAdjacentHTML" not in scripts


def test_a_public_server_logs_nothing_a_client_sent_and_shows_no_path(
    serve: Any, tmp_path: Path
) -> None:
    """The real ``journeykit serve --public``: the author's routes are 404, an error page
    names no path of the server's and no traceback, and its log holds nothing a client sent
    (names, values, a file's name), even when what was sent is refused."""
    import httpx

    server = serve(MINIMAL, "--public")
    secret = "Hemligsson"
    with httpx.Client(base_url=server.url, timeout=120) as web:
        page = web.get("/get/default/en/onboarding").text
        sent = {"csrf": token(page), "name": f"Zoë {secret}", "company": f"{secret} AB"}
        assert web.post("/get/default/en/onboarding", data=sent).status_code == 200
        fill = token(web.get("/fill/default/en/funnel").text)
        sent = {"csrf": fill, "funnel.attract.goal": f"{secret}\x01", "funnel.signed_by": secret}
        refused = [web.post("/fill/default/en/funnel", data=sent)]
        upload = {"file": (f"{secret}.xlsx", b"PK\x03\x04" + secret.encode())}
        refused.append(
            web.post("/fill/default/en/funnel/upload", data={"csrf": fill}, files=upload)
        )
        refused.append(web.post("/get/default/en/onboarding", data={"name": secret}))
        for path in ("/", "/guide/default/en/onboarding", "/events", "/image/0.png"):
            refused.append(web.get(path))
        refused.append(web.get("/files/default/en/onboarding.pdf"))
        refused.append(web.get(f"/thumb/default/en/onboarding/1.png?{secret}"))
        refused.append(web.get(f"/static/..%2f{secret}.css"))
    assert [answer.status_code for answer in refused] == [400, 400, 403] + [404] * 7
    for answer in refused:
        assert str(ROOT) not in answer.text and "Traceback" not in answer.text
        assert "/work" not in answer.text and ".yaml" not in answer.text
    server.process.terminate()
    server.process.wait(10)
    [log] = tmp_path.glob("serve-*.log")
    logged = log.read_text()
    assert "serving" in logged  # the log was written
    assert secret not in logged and "Zoë" not in logged, logged


def run_apart(coroutine: Any) -> Any:
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps an event
    loop running on this worker's main thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
