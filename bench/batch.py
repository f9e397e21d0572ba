"""Benchmark of ``journeykit batch`` (a benchmark, not a test): N generated brands' full sets.

Prints per-brand cost, throughput, the peak memory of each worker process, the speed-up of
``--jobs 2`` over ``--jobs 1`` and the time of a rebuild where nothing changed.

    .venv/bin/python bench/batch.py 100 [--guide kundresan] [--no-serial]

A brand's full set is every document of the guides in its language (sv): with
``--guide kundresan``, the guide PDF and DOCX and each worksheet variant as PDF, DOCX and XLSX
(8 files). ``--no-serial`` skips the ``--jobs 1`` run (for the long runs).
"""

from __future__ import annotations

import argparse
import colorsys
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,name,primary,accent,logo,website,email,phone,language\n"
JOURNEYKIT = [sys.executable, "-m", "generator"]


def clients(count: int) -> str:
    """A CSV of ``count`` brands with distinct dark primaries and light accents."""
    rows = []
    for index in range(count):
        hue = index / max(count, 1)
        dark = colorsys.hls_to_rgb(hue, 0.18, 0.6)
        light = colorsys.hls_to_rgb((hue + 0.5) % 1, 0.82, 0.9)
        primary = "#" + "".join(f"{round(c * 255):02X}" for c in dark)
        accent = "#" + "".join(f"{round(c * 255):02X}" for c in light)
        rows.append(
            f"client-{index:04d},Client {index} AB,{primary},{accent},,c{index}.example,,,sv"
        )
    return HEADER + "\n".join(rows) + "\n"


def peak_kib(pid: int) -> int:
    """The highest resident memory a live process has had (VmHWM), in KiB; 0 if gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0
    )


def children(pid: int) -> list[int]:
    """The direct child processes of ``pid``."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def run(csv: Path, out: Path, jobs: int, extra: list[str]) -> tuple[float, int, int]:
    """Seconds one ``journeykit batch`` takes, the main process's and the largest worker's
    peak memory (KiB), sampled every 0.1 s."""
    command = [*JOURNEYKIT, "batch", str(csv), "--out", str(out), "--jobs", str(jobs), *extra]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    main_peak = worker_peak = 0
    while process.poll() is None:
        main_peak = max(main_peak, peak_kib(process.pid))
        for child in children(process.pid):
            worker_peak = max(worker_peak, peak_kib(child))
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"journeykit batch failed with exit code {process.returncode}")
    return seconds, main_peak, worker_peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("brands", type=int)
    parser.add_argument("--guide", action="append", default=[])
    parser.add_argument("--no-serial", action="store_true", help="skip the --jobs 1 run")
    args = parser.parse_args()
    extra = [flag for guide in args.guide for flag in ("--guide", guide)]
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "clients.csv"
        csv.write_text(clients(args.brands), encoding="utf-8")
        one = None if args.no_serial else run(csv, Path(folder) / "one", 1, extra)[0]
        two, main_kib, worker_kib = run(csv, Path(folder) / "two", 2, extra)
        noop = min(run(csv, Path(folder) / "two", 2, extra)[0] for _ in range(5))
        files = sum(1 for path in (Path(folder) / "two").rglob("*.*") if path.name[0] != ".")
    per = args.brands
    print(f"{per} brands, {files} files ({files // per} per brand)")
    if one is not None:
        print(f"--jobs 1: {one:.1f} s ({one / per:.2f} s per brand)")
    print(
        f"--jobs 2: {two:.1f} s ({two / per:.2f} s per brand, {per / two * 60:.1f} brands a minute)"
    )
    if one is not None:
        print(f"speed-up of --jobs 2 over --jobs 1: {one / two:.2f}x")
    print(f"no-op rebuild (best of 5): {noop:.3f} s")
    worker_mib, main_mib = worker_kib / 1024, main_kib / 1024
    print(f"peak memory: largest worker {worker_mib:.0f} MiB, main process {main_mib:.0f} MiB")


if __name__ == "__main__":
    main()
