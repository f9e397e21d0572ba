"""Benchmark of ``journeykit batch`` (a benchmark, not a test): N generated brands' full sets.

Prints per-brand cost, throughput, the peak memory of each worker process, the speed-up of
``--jobs 2`` over ``--jobs 1``, stamped against direct renders (``--no-stamp``) in the same run,
how many brands were stamped and why any were not, and the time of a rebuild where nothing
changed; the machine's load before and after.

    .venv/bin/python bench/batch.py 100 [--guide kundresan] [--no-serial] [--no-direct]

Every brand has a logo of its own (PNG, every seventh a JPEG, every tenth an SVG) and a
website, e-mail address and phone number. A brand's full set is every document of the guides
in its language (sv): with ``--guide kundresan``, the guide PDF and DOCX and each worksheet
variant as PDF, DOCX and XLSX (8 files). ``--no-serial`` skips the ``--jobs 1`` run and
``--no-direct`` the ``--no-stamp`` one (for the long runs).
"""

from __future__ import annotations

import argparse
import colorsys
import os
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,name,primary,accent,logo,website,email,phone,language\n"
JOURNEYKIT = [sys.executable, "-m", "generator"]


def clients(count: int, folder: Path) -> str:
    """A CSV of ``count`` brands with distinct dark primaries and light accents, each with a
    logo of its own written into ``folder``."""
    rows = []
    for index in range(count):
        hue = index / max(count, 1)
        dark = colorsys.hls_to_rgb(hue, 0.18, 0.6)
        light = colorsys.hls_to_rgb((hue + 0.5) % 1, 0.82, 0.9)
        primary = "#" + "".join(f"{round(c * 255):02X}" for c in dark)
        accent = "#" + "".join(f"{round(c * 255):02X}" for c in light)
        logo = make_logo(folder, index, primary)
        contact = f"c{index}.example,hej@c{index}.example,+46 8 {index:04d}"
        rows.append(f"client-{index:04d},Client {index} AB,{primary},{accent},{logo},{contact},sv")
    return HEADER + "\n".join(rows) + "\n"


def make_logo(folder: Path, index: int, colour: str) -> str:
    """A logo of its own for client ``index`` (its shape varies): its file name."""
    from PIL import Image, ImageDraw

    width = 200 + (index * 37) % 400
    if index % 10 == 9:
        name = f"logo-{index:04d}.svg"
        (folder / name).write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="100">'
            f'<rect x="4" y="4" width="{width - 8}" height="92" rx="12" fill="{colour}"/>'
            f'<circle cx="50" cy="50" r="{20 + index % 20}" fill="#F0C040"/></svg>',
            encoding="utf-8",
        )
        return name
    image = Image.new("RGB", (width, 100), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([6, 6, width - 6, 94], fill=colour)
    draw.ellipse([20, 20, 80, 80], fill="#F0C040")
    name = f"logo-{index:04d}." + ("jpg" if index % 7 == 6 else "png")
    image.save(folder / name)
    return name


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
    """Every process below ``pid`` (the pool's workers are children of its fork server)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            direct = [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in direct:
            found += [child, *children(child)]
    return found


def run(csv: Path, out: Path, jobs: int, extra: list[str]) -> tuple[float, int, int, str]:
    """Seconds one ``journeykit batch`` takes, the main process's and the largest worker's
    peak memory (KiB), sampled every 0.1 s, and what it printed about stamping."""
    command = [*JOURNEYKIT, "batch", str(csv), "--out", str(out), "--jobs", str(jobs), *extra]
    start = time.perf_counter()
    wide = {**os.environ, "COLUMNS": "200"}
    with tempfile.TemporaryFile() as printed:
        process = subprocess.Popen(command, cwd=ROOT, stdout=printed, env=wide)
        main_peak = worker_peak = 0
        while process.poll() is None:
            main_peak = max(main_peak, peak_kib(process.pid))
            for child in children(process.pid):
                worker_peak = max(worker_peak, peak_kib(child))
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        if process.returncode:
            raise SystemExit(f"journeykit batch failed with exit code {process.returncode}")
        printed.seek(0)
        lines = printed.read().decode().splitlines()
    stamping = [line for line in lines if "stamped" in line or "×" in line]
    return seconds, main_peak, worker_peak, "\n".join(stamping)


def per_set(csv: Path, guides: list[str], direct_sets: int = 5) -> tuple[float, float, int]:
    """Median CPU seconds of one brand's set stamped and rendered directly, in this process
    (after the template is made and checked), and how many sets were stamped."""
    from statistics import median

    from generator import api
    from generator.batch import load_brands_csv
    from generator.loading import language_names
    from generator.pipeline.tasks import render_set
    from generator.plan import Filters, plan
    from generator.renderers.stamp import stamped

    project, layouts, library = api._open(ROOT)
    brands = load_brands_csv(csv, project.font_families, language_names(library.ui))[0]
    stamped_times, direct_times = [], []
    for number, brand in enumerate(brands.values()):
        own = library.model_copy(update={"brands": {**library.brands, brand.id: brand}})
        jobs = plan(own, Filters(guides, [], brands=[brand.id]))
        start = time.process_time()
        if number < direct_sets:
            render_set(own, layouts, jobs)
            direct_times.append(time.process_time() - start)
            continue
        direct = partial(render_set, own, layouts, jobs)
        _, why = stamped(own, layouts, jobs, brand, direct, "bench")
        if why is None and number > direct_sets:  # the first is the template's and its check
            stamped_times.append(time.process_time() - start)
    return median(stamped_times), median(direct_times), len(stamped_times)


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes), as ``uptime`` gives them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("brands", type=int)
    parser.add_argument("--guide", action="append", default=[])
    parser.add_argument("--no-serial", action="store_true", help="skip the --jobs 1 run")
    parser.add_argument("--no-direct", action="store_true", help="skip the --no-stamp run")
    args = parser.parse_args()
    extra = [flag for guide in args.guide for flag in ("--guide", guide)]
    print(f"load before: {load()}")
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "clients.csv"
        csv.write_text(clients(args.brands, Path(folder)), encoding="utf-8")
        one = None if args.no_serial else run(csv, Path(folder) / "one", 1, extra)[0]
        two, main_kib, worker_kib, stamping = run(csv, Path(folder) / "two", 2, extra)
        noop = min(run(csv, Path(folder) / "two", 2, extra)[0] for _ in range(5))
        files = sum(1 for path in (Path(folder) / "two").rglob("*.*") if path.name[0] != ".")
        direct = None
        if not args.no_direct:
            direct = run(csv, Path(folder) / "direct", 2, [*extra, "--no-stamp"])[0]
            one_stamped, one_direct, counted = per_set(csv, args.guide)
    print(f"load after: {load()}")
    per = args.brands
    print(f"{per} brands, {files} files ({files // per} per brand)")
    print(stamping or "nothing stamped")
    if one is not None:
        print(f"--jobs 1: {one:.1f} s ({one / per:.2f} s per brand)")
    print(
        f"--jobs 2: {two:.1f} s ({two / per:.2f} s per brand, {per / two * 60:.1f} brands a minute)"
    )
    if one is not None:
        print(f"speed-up of --jobs 2 over --jobs 1: {one / two:.2f}x")
    if direct is not None:
        print(f"--jobs 2 --no-stamp: {direct:.1f} s ({direct / per:.2f} s per brand)")
        print(f"whole batch, stamped against direct: {direct / two:.1f}x faster")
        print(
            f"one set's CPU in one process (median): stamped {one_stamped * 1000:.0f} ms "
            f"({counted} sets), direct {one_direct * 1000:.0f} ms: "
            f"{one_direct / one_stamped:.1f}x"
        )
    print(f"no-op rebuild (best of 5): {noop:.3f} s")
    worker_mib, main_mib = worker_kib / 1024, main_kib / 1024
    print(f"peak memory: largest worker {worker_mib:.0f} MiB, main process {main_mib:.0f} MiB")


if __name__ == "__main__":
    main()
