"""Benchmark of a long client list (a benchmark, not a test): ``journeykit batch`` of a CSV of
N clients (100 000 by default), stopped with Ctrl-C once its first few files are written.

Prints how long the command took to write its first file (from its start: loading the
project, opening the list, planning and rendering the first brand), and the peak memory of
the main process (the coordinator; the pool's workers are not counted) until it was stopped;
then how it stopped (exit 130 and the "interrupted" line). The target of issue 21: the first
file within 10 s and the main process under 300 MiB, whatever the number of rows.

    .venv/bin/python bench/big_csv.py [--rows 100000] [--files 5] [--jobs 2] [--guide ID]
        [--no-stamp] [--memory]

The clients share a few logos (every eleventh has none), each has its own colours and contact
details, and every client's set is the guide's documents in its language (sv). ``--memory``
reads the list and plans every client in this process instead (no rendering), printing where
the memory goes (tracemalloc's largest lines) and the peak (ru_maxrss).
"""

from __future__ import annotations

import argparse
import colorsys
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,name,primary,accent,logo,website,email,phone,language\n"
JOURNEYKIT = [sys.executable, "-m", "generator"]
LOGOS = 6
"""Logo files the clients share (writing 100 000 logos would be the benchmark's own cost)."""
OUTPUTS = (".pdf", ".docx", ".xlsx")


def write_clients(rows: int, folder: Path) -> Path:
    """A CSV of ``rows`` clients with distinct dark primaries and light accents, sharing
    :data:`LOGOS` logos, written row by row (never the whole text in memory)."""
    from PIL import Image, ImageDraw

    for index in range(LOGOS):
        image = Image.new("RGB", (240 + 40 * index, 100), "white")
        ImageDraw.Draw(image).rectangle((8, 8, 200 + 40 * index, 92), fill=(20 * index, 60, 120))
        image.save(folder / f"logo-{index}.png")
    path = folder / "clients.csv"
    with path.open("w", encoding="utf-8", newline="") as csv:
        csv.write(HEADER)
        for index in range(rows):
            hue = (index * 0.618034) % 1
            dark = colorsys.hls_to_rgb(hue, 0.18, 0.6)
            light = colorsys.hls_to_rgb((hue + 0.5) % 1, 0.82, 0.9)
            primary = "#" + "".join(f"{round(c * 255):02X}" for c in dark)
            accent = "#" + "".join(f"{round(c * 255):02X}" for c in light)
            logo = "" if index % 11 == 10 else f"logo-{index % LOGOS}.png"
            contact = f"c{index}.example,hej@c{index}.example,+46 8 {index % 10000:04d}"
            csv.write(
                f"client-{index:06d},Client {index} AB,{primary},{accent},{logo},{contact},sv\n"
            )
    return path


def rss(pid: int) -> tuple[int, int]:
    """A process's resident memory now and at its peak (VmRSS, VmHWM), in bytes."""
    now = peak = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return now, peak


def written(out: Path) -> int:
    """Finished files in the output folder (temporary ones are not)."""
    return sum(
        1
        for _, _, files in os.walk(out)
        for name in files
        if name.endswith(OUTPUTS) and not name.startswith(".")
    )


def run_batch(csv: Path, out: Path, args: argparse.Namespace) -> None:
    """The real command, until ``args.files`` files are written (or ``args.timeout``)."""
    command = [*JOURNEYKIT, "batch", str(csv), "--project", str(ROOT), "--out", str(out)]
    command += ["--jobs", str(args.jobs)] + (["--guide", args.guide] if args.guide else [])
    command += ["--no-stamp"] if args.no_stamp else []
    start = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = None
    peak = 0
    while process.poll() is None and time.monotonic() - start < args.timeout:
        now, high = rss(process.pid)
        peak = max(peak, now, high)
        count = written(out) if out.exists() else 0
        if count and first is None:
            first = time.monotonic() - start
        if count >= args.files:
            break
        time.sleep(0.05)
    count = written(out) if out.exists() else 0
    peak = max(peak, *rss(process.pid))
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    took = f"{first:.1f} s" if first is not None else f"none within {args.timeout:.0f} s"
    print(f"first file written after {took}; {count} file(s) when stopped")
    print(f"main process peak {peak / 1024**2:.0f} MiB (target: first file < 10 s, < 300 MiB)")
    print(f"exit {process.returncode}; last lines:")
    for line in (stdout + stderr).strip().splitlines()[-3:]:
        print(f"  {line}")


def plan_in_process(csv: Path, args: argparse.Namespace) -> None:
    """Read and plan every client here (no rendering): time, peak and tracemalloc's top."""
    import tracemalloc

    sys.path.insert(0, str(ROOT))
    from generator.batch import ClientList
    from generator.loading import language_names, load_library
    from generator.plan import Filters, Planner
    from generator.project import Project

    project = Project.at(ROOT)
    library = load_library(project)
    tracemalloc.start()
    start = time.monotonic()
    clients = ClientList(csv, project.font_families, language_names(library.ui))
    planner = Planner(library, Filters(guides=[args.guide] if args.guide else [], brands=[]))
    brands = jobs = 0
    for _, read in clients.rows():
        if not isinstance(read, list):
            brands += 1
            jobs += len(planner.jobs(read))
    took = time.monotonic() - start
    snapshot = tracemalloc.take_snapshot()
    current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{brands} clients, {jobs} jobs planned in {took:.1f} s (tracemalloc slows it)")
    print(f"traced now {current / 1024**2:.1f} MiB, traced peak {traced_peak / 1024**2:.1f} MiB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ru_maxrss {peak:.0f} MiB")
    for stat in snapshot.statistics("lineno")[:8]:
        print(f"  {stat.size / 1024**2:7.2f} MiB  {stat.traceback}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=5, help="stop once this many are written")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--guide", default="kundresan")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--no-stamp", action="store_true", help="render every brand directly")
    parser.add_argument("--memory", action="store_true", help="plan in this process instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="big-csv-") as folder:
        start = time.monotonic()
        csv = write_clients(args.rows, Path(folder))
        size = csv.stat().st_size / 1024**2
        print(f"{args.rows} rows, {size:.1f} MB, written in {time.monotonic() - start:.1f} s")
        if args.memory:
            plan_in_process(csv, args)
        else:
            run_batch(csv, Path(folder) / "out", args)


if __name__ == "__main__":
    main()
