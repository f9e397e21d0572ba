"""Benchmark of ``journeykit serve`` (a benchmark, not a test).

1. **Live preview**: the time from saving a section of the shipped Kundresan to the author's
   guide page showing it (median of 10 saves), in a headless Chromium driven by Playwright.
2. **Personalised downloads**: the latency of ``POST /get/default/sv/kundresan`` with a name
   and a company (the guide PDF rendered with "Prepared for …" on its cover), p50 and p95,
   with 1 and 8 clients at once on localhost.

    .venv/bin/python bench/serve.py [--saves 10] [--downloads 24]

Run it on a quiet machine; it prints ``uptime``'s load with the figures.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECTION = "content/guides/kundresan/sections/syfte.sv.md"
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(project: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``journeykit serve`` on a free port, once it listens."""
    port = free_port()
    command = [sys.executable, "-m", "generator", "serve", "--project", str(project)]
    process = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def live_preview(url: str, project: Path, saves: int) -> list[float]:
    """Seconds from each save of a section to its new text on the open guide page."""
    from playwright.sync_api import sync_playwright

    section = project / SECTION
    original = section.read_text(encoding="utf-8")
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{url}/guide/default/sv/kundresan")
        page.wait_for_load_state("networkidle")
        for number in range(saves):
            word = f"Mätpunkt{number:03d}"
            began = time.perf_counter()
            section.write_text(f"{original.rstrip()}\n\n{word} finns nu i texten.\n", "utf-8")
            page.get_by_text(word).first.wait_for(state="attached", timeout=30_000)
            times.append(time.perf_counter() - began)
            time.sleep(0.5)  # let the page settle before the next save
        browser.close()
    section.write_text(original, encoding="utf-8")
    return times


def download(url: str) -> float:
    """Seconds for one personalised download (its form's token fetched first, not timed)."""
    with httpx.Client(base_url=url, timeout=120) as client:
        form = client.get("/get/default/sv/kundresan").text
        token = re.search(r'name="csrf" value="([^"]+)"', form)[1]  # type: ignore[index]
        began = time.perf_counter()
        response = client.post(
            "/get/default/sv/kundresan",
            data={"csrf": token, "name": "Åsa Berg", "company": "Acme AB"},
        )
        took = time.perf_counter() - began
    if response.status_code != 200 or not response.content.startswith(b"%PDF"):
        raise SystemExit(f"download failed: {response.status_code}")
    return took


def downloads(url: str, count: int, clients: int) -> list[float]:
    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(lambda _: download(url), range(count)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--downloads", type=int, default=24)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary) / "project"
        shutil.copytree(ROOT / "content", project / "content")
        process, url = start(project)
        try:
            download(url)  # warm: fonts, templates, the first layout
            times = live_preview(url, project, args.saves)
            print(
                f"save → updated guide page: median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s ({len(times)} saves)"
            )
            for clients in (1, 8):
                took = downloads(url, args.downloads, clients)
                p50, p95 = percentile(took, 0.5), percentile(took, 0.95)
                print(
                    f"personalised download, {clients} client(s): p50 {p50:.2f} s, "
                    f"p95 {p95:.2f} s ({len(took)} downloads)"
                )
        finally:
            process.terminate()
            process.wait(10)
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
