"""Benchmark of ``journeykit batch`` (a benchmark, not a test): N generated brands' sets.

Prints per-brand cost, throughput, the peak memory of the largest worker, the speed-up of
``--jobs 2`` over ``--jobs 1`` and the time of a rebuild where nothing changed.

    .venv/bin/python bench/batch.py 20 [--guide kundresan]
"""

from __future__ import annotations

import argparse
import colorsys
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,name,primary,accent,logo,website,email,phone,language\n"


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


def run(csv: Path, out: Path, jobs: int, extra: list[str]) -> float:
    """Seconds one ``journeykit batch`` takes."""
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "batch",
            str(csv),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            *extra,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("brands", type=int)
    parser.add_argument("--guide", action="append", default=[])
    args = parser.parse_args()
    extra = [flag for guide in args.guide for flag in ("--guide", guide)]
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "clients.csv"
        csv.write_text(clients(args.brands), encoding="utf-8")
        one = run(csv, Path(folder) / "one", 1, extra)
        two = run(csv, Path(folder) / "two", 2, extra)
        noop = run(csv, Path(folder) / "two", 2, extra)
        files = sum(1 for _ in (Path(folder) / "two").rglob("*.*")) - 1
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{args.brands} brands, {files} files ({files // args.brands} per brand)")
    print(f"--jobs 1: {one:.1f} s ({one / args.brands:.2f} s per brand)")
    print(
        f"--jobs 2: {two:.1f} s ({two / args.brands:.2f} s per brand, "
        f"{args.brands / two * 60:.1f} brands a minute), speed-up {one / two:.2f}x"
    )
    print(f"no-op rebuild: {noop:.2f} s")
    print(f"peak memory of the largest process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
