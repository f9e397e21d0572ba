"""Past one machine: batches rendered by Celery workers through a real Redis.

The tests start Debian's ``redis-server`` on a free local port with its own data folder, and
two ``journeykit worker`` processes, each in an empty folder of its own (no project there: the
content comes through Redis); they stop them all at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import api
from generator.pipeline.manifest import Manifest
from generator.renderers.stamp.same import differences
from tests.conftest import (
    CLI_ENV,
    MINIMAL,
    ROOT,
    clients_with_logos,
    first_file_then_ctrl_c,
    form_token,
    free_port,
    long_client_list,
    start_cli,
)

pytestmark = pytest.mark.slow

CRASHER = "crasher"
"""The brand id the workers are told to crash on (``JOURNEYKIT_CRASH_BRAND``)."""


class Redis:
    """A redis-server of the test's own."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--dir", str(self.folder), "--appendonly", "yes", "--save", ""]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM: Redis writes its append-only file and ends
            self.process.wait(timeout=20)
            self.process = None


def worker(redis: Redis, folder: Path, log: Path) -> subprocess.Popen[bytes]:
    """A ``journeykit worker`` of one process in an empty folder of its own (what it says
    goes to ``log``)."""
    folder.mkdir(parents=True)
    env = {**CLI_ENV, "XDG_CACHE_HOME": str(folder / "cache"), "JOURNEYKIT_CRASH_BRAND": CRASHER}
    command = [sys.executable, "-m", "generator", "worker", "--broker", redis.url]
    command += ["--concurrency", "1", "--visibility-timeout", "15"]
    with log.open("wb") as said:
        return subprocess.Popen(command, cwd=folder, env=env, stdout=said, stderr=said)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Redis, list[Path]]]:
    """Redis and two workers, each in an empty folder (returned, to look into)."""
    base = tmp_path_factory.mktemp("cluster")
    redis = Redis(base / "redis")
    redis.start()
    folders = [base / "worker-1", base / "worker-2"]
    workers = [worker(redis, folder, folder.with_suffix(".log")) for folder in folders]
    _wait_for_workers(redis, len(workers))
    try:
        yield redis, folders
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.stop()


def _wait_for_workers(redis: Redis, count: int) -> None:
    """Until ``count`` workers answer a ping (at most a minute)."""
    from generator.pipeline.queue import make_app

    app = make_app(redis.url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=1)) >= count:
            return
    raise RuntimeError("the workers did not start")


NARROW = {"guide": ["onboarding"]}


def assert_same_as_local(out: Path, csv: Path, tmp_path: Path) -> None:
    """Every file has the bytes the local pool makes (and where not, what differs, by
    same.py)."""
    local = api.batch(csv, MINIMAL, out=tmp_path / "local", jobs=2, **NARROW)
    assert local.ok
    for written in local.written:
        name = written.path.relative_to(local.out)
        ours, theirs = (out / name).read_bytes(), written.path.read_bytes()
        assert ours == theirs, (name, differences(name.suffix[1:], ours, theirs))


def test_a_batch_on_two_workers_makes_the_files_the_local_pool_makes(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    redis, folders = cluster
    csv = clients_with_logos(tmp_path, [f"k{n}" for n in range(12)])
    out = tmp_path / "out"
    result = api.batch(csv, MINIMAL, out=out, broker=redis.url, **NARROW)
    assert result.ok and len(result.written) == len(result.jobs)
    assert result.stamped == {f"k{n}" for n in range(12)}
    assert len(Manifest(out).entries) == len(result.jobs)
    assert_same_as_local(out, csv, tmp_path)
    for folder in folders:  # the workers had no project: only what they cached
        assert {p.name for p in folder.iterdir()} <= {"cache"}
    again = api.batch(csv, MINIMAL, out=out, broker=redis.url, **NARROW)
    assert not again.written and len(again.current) == len(result.jobs)  # the manifest holds


def test_a_family_installed_on_the_coordinator_travels_to_the_workers(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """A brand set in a family installed on the coordinator's machine: the workers set it in
    the same font files, carried in the snapshot (not their own machine's)."""
    redis, folders = cluster
    project = tmp_path / "project"
    shutil.copytree(MINIMAL, project)
    brand = project / "content" / "brands" / "serif"
    brand.mkdir(parents=True)
    fonts = '{heading: "DejaVu Serif", body: "DejaVu Serif"}'
    (brand / "brand.yaml").write_text(f"name: Serif AB\nfonts: {fonts}\n", encoding="utf-8")
    options = {"brand": "serif", "stamp": False, **NARROW}
    queued = api.build(project, out=tmp_path / "queued", broker=redis.url, **options)
    local = api.build(project, out=tmp_path / "local", **options)
    assert queued.ok and local.ok and len(queued.written) == len(local.written) > 0
    for written in local.written:
        name = written.path.relative_to(local.out)
        ours, theirs = (queued.out / name).read_bytes(), written.path.read_bytes()
        assert ours == theirs, (name, differences(name.suffix[1:], ours, theirs))
    cached = [p.name for folder in folders for p in folder.rglob("DejaVu Serif-*")]
    assert "DejaVu Serif-regular.ttf" in cached


def test_a_brand_that_crashes_its_worker_fails_alone(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """Its worker process dies each time it renders that brand: the set is tried a bounded
    number of times, marked failed, and the other clients complete."""
    redis, _ = cluster
    csv = clients_with_logos(tmp_path, ["a1", CRASHER, "a2"])
    started = time.monotonic()
    result = api.batch(csv, MINIMAL, out=tmp_path / "out", broker=redis.url, **NARROW)
    assert time.monotonic() - started < 240
    failed = {failure.job.brand for failure in result.failed}
    assert failed == {CRASHER}
    assert all("died each of the 3 times" in f.reason for f in result.failed)
    assert {w.job.brand for w in result.written} == {"a1", "a2"}


def test_a_worker_killed_mid_task_leaves_every_file_whole_and_once(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """SIGKILL to a worker process rendering a set: its message goes back to the queue and
    the batch completes, every file valid and recorded once."""
    redis, _ = cluster
    csv = clients_with_logos(tmp_path, [f"m{n}" for n in range(10)])
    out = tmp_path / "out"
    killed: list[int] = []

    def kill_a_busy_process() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            for pid in _rendering_processes():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_a_busy_process)
    killer.start()
    result = api.batch(csv, MINIMAL, out=out, broker=redis.url, **NARROW)
    killer.join()
    assert killed, "no worker process was seen rendering"
    assert result.ok, result.failed[:2]
    assert len(Manifest(out).entries) == len(result.jobs)
    assert not list(out.rglob("*.tmp"))
    assert_same_as_local(out, csv, tmp_path)


def _rendering_processes() -> list[int]:
    """Worker pool processes (children of a ``journeykit worker``) using CPU right now."""
    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().split(") ")[1].split()
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if WORKER in command and fields[0] == "R" and _parent_is_worker(int(fields[1])):
            found.append(int(status.parent.name))
    return found


WORKER = b"generator\x00worker\x00"
"""How a ``journeykit worker`` process's command line reads (``python -m generator worker``)."""


def _parent_is_worker(pid: int) -> bool:
    try:
        return WORKER in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_redis_restarted_during_a_batch(cluster: tuple[Redis, list[Path]], tmp_path: Path) -> None:
    """Redis stops and comes back (its append-only file keeps the queue): the batch goes on
    and completes."""
    redis, _ = cluster
    csv = clients_with_logos(tmp_path, [f"r{n}" for n in range(10)])
    out = tmp_path / "out"

    def restart_once_files_come() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(out.rglob("*.pdf")):
            time.sleep(0.05)
        redis.stop()
        time.sleep(1)
        redis.start()

    restarter = threading.Thread(target=restart_once_files_come)
    restarter.start()
    result = api.batch(csv, MINIMAL, out=out, broker=redis.url, **NARROW)
    restarter.join()
    assert result.ok, result.failed[:2]
    assert len(Manifest(out).entries) == len(result.jobs)
    assert_same_as_local(out, csv, tmp_path)


def test_ctrl_c_stops_the_coordinator_and_the_queued_sets(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """Ctrl-C: exit 130, what finished is recorded, and the sets still queued are dropped
    (no file appears after the coordinator is gone)."""
    redis, _ = cluster
    csv = clients_with_logos(tmp_path, [f"c{n}" for n in range(24)])
    out = tmp_path / "out"
    command = ["batch", str(csv), "--project", str(MINIMAL), "--guide", "onboarding"]
    process = start_cli(*command, "--out", str(out), "--broker", redis.url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(Manifest(out).entries) < 4:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 130, errors
    recorded = {Path(name).parts[0] for name in Manifest(out).entries}
    time.sleep(8)  # a set a worker had started may finish; nothing queued starts
    made = {p.relative_to(out).parts[0] for p in out.rglob("*.*") if not p.name.startswith(".")}
    assert recorded <= made
    assert len(made) <= len(recorded) + 3  # a set in each worker's hands, one on its way back
    assert len(made) < 24


def test_a_list_of_100_000_clients_streams_to_the_workers(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """The coordinator hands the workers each client as it reads the list (never the whole
    list held, nor all its sets queued): the first file comes within a minute, the
    coordinator stays small, Ctrl-C stops it."""
    redis, _ = cluster
    clients = long_client_list(tmp_path)
    out = tmp_path / "out"
    args = ["batch", str(clients), "--project", str(MINIMAL), "--out", str(out)]
    args += ["--guide", "onboarding", "--variant", "blank", "--format", "xlsx"]
    stopped = first_file_then_ctrl_c([*args, "--broker", redis.url], out, ".xlsx")
    assert stopped.first is not None and stopped.first < 60, stopped.stderr
    assert stopped.peak_kib < 300 * 1024, f"the coordinator peaked at {stopped.peak_kib} KiB"
    assert stopped.returncode == 130 and "Traceback" not in stopped.stderr
    assert "of 100000 brand(s) complete" in stopped.stdout


def test_the_worker_command_explains_itself() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "generator", "worker", "--help"],
        cwd=ROOT,
        env=CLI_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--broker" in shown.stdout and "--concurrency" in shown.stdout


def test_serve_renders_downloads_on_the_workers(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """``journeykit serve --broker``: a prospect's download is rendered by the workers (their
    answer comes back through Redis), read from the shared folder, which is left empty, and
    equals the download rendered in process."""
    from starlette.testclient import TestClient

    from generator.web import Settings, create_app

    redis, _ = cluster
    shared = tmp_path / "shared"
    before = _answers(redis)
    settings = Settings(MINIMAL, public=True, broker=redis.url, shared=shared)
    with TestClient(create_app(settings)) as client:
        page = client.get("/get/default/en/onboarding")
        values = {"csrf": form_token(page.text), "name": "Åsa Berg", "company": "Acme"}
        response = client.post("/get/default/en/onboarding", data=values)
    assert response.status_code == 200, response.text
    assert _answers(redis) > before
    assert not list(shared.iterdir())
    local = api.render(
        MINIMAL,
        guide="onboarding",
        lang="en",
        document="guide",
        format="pdf",
        prepared_for="Åsa Berg, Acme",
    )
    assert not differences("pdf", response.content, local["en/onboarding.pdf"])


def _answers(redis: Redis) -> int:
    """How many sets workers have started (each counts its tries in Redis)."""
    keys = subprocess.run(
        ["redis-cli", "-p", str(redis.port), "--scan", "--pattern", "journeykit:tries:*"],
        capture_output=True,
        text=True,
        check=True,
    )
    return len(keys.stdout.split())


def test_serve_renders_a_clients_form_on_the_workers(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """``journeykit serve --broker``: a filled form's documents are rendered by the workers
    (the entries travel in the tasks, not as files) and equal those rendered in process."""
    import io
    import zipfile

    from starlette.testclient import TestClient

    from generator.web import Settings, create_app

    redis, _ = cluster
    shared = tmp_path / "shared"
    before = _answers(redis)
    values = {"funnel.attract.goal": "Be found by 1 000 new people", "funnel.signed_by": "Åsa Berg"}
    settings = Settings(MINIMAL, public=True, broker=redis.url, shared=shared)
    with TestClient(create_app(settings)) as client:
        page = client.get("/fill/default/en/funnel")
        response = client.post(
            "/fill/default/en/funnel", data={"csrf": form_token(page.text), **values}
        )
    assert response.status_code == 200, response.text
    assert _answers(redis) > before
    assert not list(shared.iterdir())
    with zipfile.ZipFile(io.BytesIO(response.content)) as zipped:
        ours = {name: zipped.read(name) for name in zipped.namelist()}
    local = api.documents_for(api.read_filled(values, MINIMAL), name="Åsa Berg", project=MINIMAL)
    assert sorted(ours) == sorted(local) and len(ours) == 5
    for name, data in local.items():
        assert ours[name] == data, (name, differences(Path(name).suffix[1:], ours[name], data))


def test_a_worker_refuses_sets_whose_content_it_cannot_get(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """A message naming a snapshot Redis does not hold, or one whose bytes do not match its
    hash: each set comes back failed, saying why, and nothing is written."""
    import hashlib
    import json

    import redis as redis_py

    from generator.pipeline import queue, snapshots

    cluster_redis, _ = cluster
    client = redis_py.Redis.from_url(cluster_redis.url)
    missing = "0" * 64
    damaged = hashlib.sha256(b"the real archive").hexdigest()
    client.set(snapshots.KEY.format(damaged), damaged.encode() + b"\nsomething else")
    job = api.planned(MINIMAL, guide="onboarding")[0]
    out = tmp_path / "out"
    app = queue.make_app(cluster_redis.url)
    for archive, said in ((missing, "no content snapshot"), (damaged, "is damaged")):
        build = uuid.uuid4().hex
        message = {
            "build": build,
            "snapshot": archive,
            "archive": archive,
            "out": str(out),
            "sets": [
                {
                    "id": uuid.uuid4().hex,
                    "brand": {"id": "default", "name": "Default"},
                    "jobs": [[queue._job(job), "digest"]],
                    "stamp": False,
                }
            ],
        }
        app.send_task("journeykit.render_sets", args=[message], queue=queue.QUEUE)
        answer = client.blpop(queue.RESULTS.format(build), timeout=60)
        assert answer is not None
        [done] = json.loads(answer[1])["done"]
        assert said in done["error"] and "the worker refused it" in done["error"]
    assert not out.exists()


def test_a_clients_logo_gone_before_its_set_is_sent_fails_that_set_alone(
    cluster: tuple[Redis, list[Path]], tmp_path: Path
) -> None:
    """A logo deleted while a long batch runs: its set fails saying which file, at once (not
    after the build's patience runs out), and the executor goes on."""
    from generator.model import Brand
    from generator.pipeline.queue import CeleryExecutor
    from generator.pipeline.sink import FolderSink
    from generator.pipeline.tasks import Task, run

    redis, _ = cluster
    logo = tmp_path / "gone.png"
    clients_with_logos(tmp_path, ["gone"])
    brand = Brand.model_validate(
        {"id": "gone", "name": "Gone AB", "logo": "gone.png", "folder": tmp_path}
    )
    logo.unlink()
    jobs = [(job, "digest") for job in api.planned(MINIMAL, guide="onboarding")[:1]]
    executor = CeleryExecutor(redis.url, MINIMAL)
    try:
        future = executor.submit(run, Task("snapshot", brand, jobs), FolderSink(tmp_path / "out"))
        [done] = future.result(timeout=30)
    finally:
        executor.shutdown()
    assert done.error is not None and "cannot read" in done.error and "gone.png" in done.error
