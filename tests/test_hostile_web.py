"""``journeykit serve`` as a hostile client meets it over real sockets (issue 21, class 12): a
workbook small on disk and huge inside, multipart bodies without a boundary, never closed or
of 10 000 parts, a body of 100 MB, form values with control characters or 100 000 of them,
50 renders at once, and clients that send a byte at a time or nothing at all. Each gets one
clear answer (its status and a page saying what is wrong) in bounded time and memory, and the
server goes on answering others.

The server is the real one: ``journeykit serve`` in a process of its own, or, where a test
needs limits shorter than a user would want (seconds a slow client is given), the same
:func:`generator.web.run` with those limits.
"""

from __future__ import annotations

import json
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from generator import api
from tests.conftest import (
    CLI_ENV,
    MINIMAL,
    ROOT,
    Server,
    form_token,
    free_port,
    start_cli,
    stop,
)

FILL = "/fill/default/en/funnel"
UPLOAD = f"{FILL}/upload"
GET = "/get/default/en/onboarding"
ADDRESS_SPACE = 3 * 2**30
"""The server's address space in these tests: a bug that reads without bound fails its test
with a MemoryError instead of taking the machine's memory."""


def _listening(server: Server, log: Path) -> Server:
    port = int(server.url.rsplit(":", 1)[1])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(log.read_text())
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    raise AssertionError(f"the server did not listen on {port} within 30 s")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """``started()``: the real ``journeykit serve --public`` of the minimal project;
    ``started(request_seconds=2, …)``: the same server with those limits. Memory is capped
    (:data:`ADDRESS_SPACE`); each is stopped after the test."""
    servers: list[Server] = []

    def start(**limits: Any) -> Server:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        with log.open("w") as output:
            if limits:
                script = (
                    "import json, sys; from pathlib import Path; "
                    "from generator.web import Settings, run; "
                    "run(Settings(Path(sys.argv[1]), public=True, **json.loads(sys.argv[2])), "
                    "'127.0.0.1', int(sys.argv[3]))"
                )
                process = subprocess.Popen(
                    [sys.executable, "-c", script, str(MINIMAL), json.dumps(limits), str(port)],
                    cwd=ROOT,
                    env=CLI_ENV,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    text=True,
                    preexec_fn=_limit_memory,
                )
            else:
                process = start_cli(
                    *("serve", "--project", str(MINIMAL), "--port", str(port), "--public"),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_limit_memory,
                )
        server = Server(f"http://127.0.0.1:{port}", process)
        servers.append(server)
        return _listening(server, log)

    yield start
    for server in servers:
        stop(server.process)


def peak_mib(server: Server) -> float:
    """The most memory the server's process has held (its high-water resident set)."""
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert found, status
    return int(found[1]) / 1024


def detail(answer: httpx.Response) -> str:
    """What an error page says is wrong (its detail line), as text."""
    found = re.search(r'<p class="detail">(.*?)</p>', answer.text, re.S)
    assert found, answer.text[:500]
    return " ".join(found[1].split()).replace("&#39;", "'").replace("&#34;", '"')


def multipart(token: str, *parts: str, boundary: str = "B", closed: bool = True) -> bytes:
    """A multipart body: the form's token, then ``parts`` (each a part's headers and value)."""
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
    body += "".join(f"--{boundary}\r\n{part}\r\n" for part in parts)
    return (body + (f"--{boundary}--\r\n" if closed else "")).encode()


def post_multipart(web: httpx.Client, body: bytes, boundary: str | None = "B") -> httpx.Response:
    kind = "multipart/form-data" + (f"; boundary={boundary}" if boundary else "")
    return web.post(UPLOAD, content=body, headers={"content-type": kind})


# --- a workbook small on disk, huge inside -------------------------------------------------------


def workbook_bomb() -> bytes:
    """The minimal project's blank funnel workbook, its cell names deleted (so it is read by
    its labels) and 20 sheets added whose used range reaches the last cell a sheet has
    (XFD1048576): some 20 KB that a reader going by the sheets' dimensions takes gigabytes
    and minutes over."""
    files = api.render(MINIMAL, guide="onboarding", lang="en", variant="blank", format="xlsx")
    workbook = load_workbook(BytesIO(files["en/onboarding-worksheet-blank.xlsx"]))
    for name in list(workbook.defined_names):
        del workbook.defined_names[name]
    for number in range(20):
        padding = workbook.create_sheet(f"Padding {number}", 0)
        padding["A1"] = "Attract"
        padding["XFD1048576"] = "x"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_workbook_bomb_upload_is_one_answer_in_bounded_time_and_memory(
    started: Callable[..., Server],
) -> None:
    """A 20 KB workbook whose sheets claim 17 billion cells each, uploaded: within 30 s either
    its documents (read by what journeykit needs, not by the sheets' size) or a 400 naming the
    file and what is wrong; the server's memory under 600 MiB; a page asked for meanwhile is
    served within 2 s. (The reading itself is bounded in :mod:`generator.untrusted`.)"""
    bomb = workbook_bomb()
    assert len(bomb) < 40_000
    server = started()
    with (
        httpx.Client(base_url=server.url, timeout=60) as web,
        ThreadPoolExecutor(1) as sending,
    ):
        token = form_token(web.get(FILL).text)
        began = time.monotonic()
        files = {"file": ("bomb.xlsx", bomb)}
        upload = sending.submit(web.post, UPLOAD, data={"csrf": token}, files=files)
        time.sleep(1)
        with httpx.Client(base_url=server.url, timeout=30) as other:
            asked = time.monotonic()
            assert other.get(GET).status_code == 200
            assert time.monotonic() - asked < 2
        try:
            answer = upload.result()
        except httpx.TimeoutException:
            pytest.fail("no answer to the workbook bomb within 60 s")
        took = time.monotonic() - began
    assert answer.status_code in (200, 400), (answer.status_code, answer.text[:300])
    if answer.status_code == 400:
        assert detail(answer).startswith("bomb.xlsx: ") and "Traceback" not in answer.text
    else:
        names = zipfile.ZipFile(BytesIO(answer.content)).namelist()
        assert any(name.endswith(".pdf") for name in names)
    assert took < 30, took
    assert peak_mib(server) < 600
    assert server.process.poll() is None


# --- malformed and oversized bodies ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One ``journeykit serve --public`` for the tests that only send it bad requests."""
    folder = tmp_path_factory.mktemp("served")
    port = free_port()
    log = folder / "serve.log"
    with log.open("w") as output:
        process = start_cli(
            *("serve", "--project", str(MINIMAL), "--port", str(port), "--public"),
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=_limit_memory,
        )
    server = _listening(Server(f"http://127.0.0.1:{port}", process), log)
    yield server
    process.terminate()
    process.wait(10)
    assert "Traceback" not in log.read_text()


FILE_PART = 'Content-Disposition: form-data; name="file"; filename="filled.xlsx"\r\n\r\nPK\x03\x04'


@pytest.mark.parametrize(
    ("body", "boundary", "status", "said"),
    [
        (lambda t: multipart(t, FILE_PART), None, 400, "its parts are not marked"),
        (lambda t: multipart(t, FILE_PART, closed=False), "B", 400, "the form arrived incomplete"),
        (
            lambda t: multipart(
                t, *(f'Content-Disposition: form-data; name="f{n}"\r\n\r\nx' for n in range(10_000))
            ),
            "B",
            400,
            "the form has more than 400 fields",
        ),
        (
            lambda t: multipart(
                t,
                *(
                    f'Content-Disposition: form-data; name="file"; filename="{n}.xlsx"\r\n\r\nPK'
                    for n in range(10_000)
                ),
            ),
            "B",
            400,
            "send one file at a time",
        ),
        (
            lambda t: multipart(
                t, f'Content-Disposition: form-data; name="file"; filename="{"a" * 2**20}"\r\n\r\nx'
            ),
            "B",
            400,
            "the form could not be read",
        ),
        (lambda t: multipart(t, FILE_PART, boundary="C"), "B", 400, "arrived incomplete"),
        (lambda t: b"\xff\xfe\x00" * 1000, "B" * 5000, 400, "the form"),
    ],
    ids=[
        "no-boundary",
        "never-closed",
        "10000-parts",
        "10000-files",
        "1-MB-part-header",
        "another-boundary",
        "garbage",
    ],
)
def test_a_malformed_multipart_body_is_one_clear_answer(
    shared: Server, body: Callable[[str], bytes], boundary: str | None, status: int, said: str
) -> None:
    """Each body is answered with its status and a page saying what is wrong, at once."""
    with httpx.Client(base_url=shared.url, timeout=60) as web:
        token = form_token(web.get(FILL).text)
        began = time.monotonic()
        answer = post_multipart(web, body(token), boundary)
        assert time.monotonic() - began < 10
        assert answer.status_code == status
        assert said in detail(answer)
        assert web.get(FILL).status_code == 200


def _hundred_megabytes() -> Iterator[bytes]:
    for _ in range(100):
        yield b"\0" * 2**20


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "chunked"])
def test_a_body_of_100_mb_is_413_before_it_is_read(
    started: Callable[..., Server], declared: bool
) -> None:
    """A 100 MB upload, its length declared or not: 413 saying the limit, answered within
    seconds, with the server's memory under 200 MiB (nothing past the 20 MB is held)."""
    server = started()
    with httpx.Client(base_url=server.url, timeout=60) as web:
        headers = {"content-type": "multipart/form-data; boundary=B"}
        if declared:
            headers["content-length"] = str(100 * 2**20)
        began = time.monotonic()
        answer = web.post(UPLOAD, content=_hundred_megabytes(), headers=headers)
        took = time.monotonic() - began
        assert answer.status_code == 413 and detail(answer) == "the request is over 20 MB"
        assert took < 15
        assert web.get(FILL).status_code == 200
    assert peak_mib(server) < 200


def test_uploads_at_once_are_bounded_in_memory(started: Callable[..., Server]) -> None:
    """12 uploads of 20 MB at once: at most ``bodies`` (8) are read, the others 503 with
    Retry-After; each read one is answered; the server holds under 700 MiB at its peak."""
    server = started()
    upload = b"PK\x03\x04" + bytes(range(256)) * (20 * 4096 - 100)
    with httpx.Client(base_url=server.url, timeout=120) as web:
        token = form_token(web.get(FILL).text)

    def send(_: int) -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=120) as web:
            files = {"file": ("big.xlsx", upload)}
            return web.post(UPLOAD, data={"csrf": token}, files=files)

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(send, range(12)))
    for answer in answers:
        assert answer.status_code in (400, 503), answer.status_code
        if answer.status_code == 503:
            assert answer.headers["retry-after"].isdigit()
        else:
            assert detail(answer).startswith("big.xlsx: ")
    assert sum(answer.status_code == 400 for answer in answers) >= 4
    assert peak_mib(server) < 700


# --- form values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status", "said"),
    [
        ("Goal\x00one", 400, "funnel.attract.goal: contains the control character U+0000"),
        ("Goal \x1b[31mred", 400, "contains the control character U+001B at character 6"),
        ("x" * 100_000, 413, "funnel.attract.goal: 100,000 characters; at most 5,000"),
    ],
    ids=["nul", "escape", "100000"],
)
def test_a_form_value_that_no_document_holds_is_named(
    shared: Server, value: str, status: int, said: str
) -> None:
    """A worksheet's value with a control character or 100 000 characters: its field, what is
    wrong and what would do, never a document with it cut or dropped."""
    with httpx.Client(base_url=shared.url, timeout=60) as web:
        token = form_token(web.get(FILL).text)
        answer = web.post(FILL, data={"csrf": token, "funnel.attract.goal": value})
    assert answer.status_code == status
    assert said in detail(answer)


def test_a_prospects_name_with_control_characters_is_printed_without_them(
    shared: Server,
) -> None:
    """The download form's name: control characters become spaces (a name is one line), a
    name of 100 000 characters is refused saying the request's limit."""
    with httpx.Client(base_url=shared.url, timeout=120) as web:
        token = form_token(web.get(GET).text)
        sent = {"csrf": token, "name": "Ada\x00Lovelace\x1b", "company": "Analytical\u202e AB"}
        answer = web.post(GET, data=sent)
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
        cover = PdfReader(BytesIO(answer.content)).pages[0].extract_text()
        assert "Ada Lovelace" in cover and "Analytical AB" in cover
        assert "\x00" not in cover and "\x1b" not in cover and "\u202e" not in cover
        long = web.post(GET, data={"csrf": token, "name": "x" * 100_000})
        assert long.status_code == 413 and detail(long) == "the request is over 64 KB"


# --- many at once ------------------------------------------------------------------------------


def test_50_renders_at_once_are_served_or_told_to_come_back(
    started: Callable[..., Server],
) -> None:
    """50 filled forms sent at once: those past the render bound (2 running, 8 waiting) are
    answered 503 with Retry-After at once, the others with their documents; a page asked for
    meanwhile is served within 2 s."""
    server = started()
    with httpx.Client(base_url=server.url, timeout=120) as web:
        token = form_token(web.get(FILL).text)

    def send(number: int) -> tuple[httpx.Response, float]:
        with httpx.Client(base_url=server.url, timeout=120) as web:
            began = time.monotonic()
            sent = {"csrf": token, "funnel.attract.goal": f"Goal {number}"}
            return web.post(FILL, data=sent), time.monotonic() - began

    with ThreadPoolExecutor(50) as pool:
        answers = pool.map(send, range(50))
        time.sleep(1)
        with httpx.Client(base_url=server.url, timeout=30) as other:
            asked = time.monotonic()
            assert other.get(GET).status_code == 200
            assert time.monotonic() - asked < 2
        answered = list(answers)
    busy = [(a, took) for a, took in answered if a.status_code == 503]
    done = [a for a, _ in answered if a.status_code == 200]
    assert len(busy) + len(done) == 50
    assert len(busy) >= 30 and len(done) >= 10
    for answer, took in busy:
        assert answer.headers["retry-after"] == "10" and "busy" in answer.text.lower()
        assert took < 10
    for answer in done:
        names = zipfile.ZipFile(BytesIO(answer.content)).namelist()
        assert any(name.endswith(".pdf") for name in names)
    assert server.process.poll() is None


# --- slow clients ------------------------------------------------------------------------------

SLOW = {"request_seconds": 2, "body_seconds": 3}
"""Limits short enough to wait for in a test (a user's server gives 20 s and 60 s)."""


def _connect(server: Server) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1])
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    return connection


def _answer(connection: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed it."""
    received = b""
    while True:
        try:
            chunk = connection.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        received += chunk
    return received, time.monotonic()


def _trickle(connection: socket.socket, data: bytes, pause: float) -> None:
    """Send ``data`` a byte at a time, until the server closes the connection."""
    for byte in data:
        try:
            connection.send(bytes([byte]))
        except OSError:
            return
        time.sleep(pause)


def test_a_client_trickling_its_headers_is_dropped_and_others_are_served(
    started: Callable[..., Server],
) -> None:
    """Ten clients sending their request's headers a byte every 0.3 s: each is answered 408
    and its connection closed within ``request_seconds`` (2 s) of connecting; meanwhile
    others are served at once."""
    server = started(**SLOW)
    request = b"GET /fill/default/en/funnel HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    slow = [_connect(server) for _ in range(10)]
    began = time.monotonic()
    senders = [threading.Thread(target=_trickle, args=(c, request, 0.3)) for c in slow]
    for sender in senders:
        sender.start()
    with httpx.Client(base_url=server.url, timeout=30) as web:
        for _ in range(3):
            asked = time.monotonic()
            assert web.get(FILL).status_code == 200
            assert time.monotonic() - asked < 1
    for connection in slow:
        received, closed = _answer(connection)
        assert received.startswith(b"HTTP/1.1 408 ")
        assert received.endswith(b"That took too long to arrive. Please send it again.")
        assert closed - began < 5
        connection.close()
    for sender in senders:
        sender.join(10)
    assert server.process.poll() is None


def test_a_connection_that_sends_nothing_is_closed(started: Callable[..., Server]) -> None:
    """A client that connects and says nothing is closed, unanswered, after ``request_seconds``
    (uvicorn alone kept it for ever); so is a kept-alive one that starts no next request."""
    server = started(**SLOW)
    with _connect(server) as idle:
        began = time.monotonic()
        received, closed = _answer(idle)
    assert received == b"" and 1.5 < closed - began < 5
    with _connect(server) as kept:
        kept.sendall(b"GET /fill/default/en/funnel HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        began = time.monotonic()
        received, closed = _answer(kept)
    assert received.startswith(b"HTTP/1.1 200 ") and closed - began < 7


def test_a_body_trickled_is_408_and_its_connection_closed(started: Callable[..., Server]) -> None:
    """A form whose body comes a byte every 0.2 s: 408 with the site's page after
    ``body_seconds`` (3 s), and the connection closed soon after, though the client still
    sends."""
    server = started(**SLOW)
    with httpx.Client(base_url=server.url, timeout=30) as web:
        token = form_token(web.get(FILL).text)
    body = f"csrf={token}&funnel.attract.goal={'x' * 500}".encode()
    connection = _connect(server)
    connection.sendall(
        b"POST /fill/default/en/funnel HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    began = time.monotonic()
    sender = threading.Thread(target=_trickle, args=(connection, body, 0.2))
    sender.start()
    received, closed = _answer(connection)
    assert received.startswith(b"HTTP/1.1 408 ")
    assert b"That took too long to arrive" in received
    assert 2.5 < closed - began < 8
    sender.join(10)
    connection.close()


def test_more_connections_than_allowed_are_503_then_served(
    started: Callable[..., Server],
) -> None:
    """With every connection the server allows held by clients that send nothing, another
    is told 503 (not left waiting); once those are closed (``request_seconds``), it is
    served."""
    server = started(connections=10, **SLOW)
    idle = [_connect(server) for _ in range(12)]
    time.sleep(0.3)
    with httpx.Client(base_url=server.url, timeout=30) as web:
        assert web.get(FILL).status_code == 503
    time.sleep(SLOW["request_seconds"] + 1)
    with httpx.Client(base_url=server.url, timeout=30) as web:
        assert web.get(FILL).status_code == 200
    for connection in idle:
        assert _answer(connection)[0] == b""
        connection.close()
