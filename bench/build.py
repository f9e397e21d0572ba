"""Benchmark of ``journeykit build`` for the Kundresan guide (a benchmark, not a test).

Prints the wall time of the whole command, the median render time of each output, and the ratio
of our PDF step (layouts + WeasyPrint with the project fetcher and error checks) to WeasyPrint's
own ``write_pdf`` on the same HTML. Compare ratios within one run: this machine is shared.

    .venv/bin/python bench/build.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from weasyprint import HTML

from generator.build import render
from generator.document import build_view
from generator.layouts import Layouts
from generator.loading import load_library
from generator.plan import Filters, plan
from generator.renderers.pdf import html_to_pdf, render_html

ROOT = Path(__file__).resolve().parent.parent


def timed(function, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "generator", "build", "--guide", "kundresan", "--out", out],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        command = time.perf_counter() - start
    print(f"journeykit build --guide kundresan (whole command, cold): {command:.2f} s")

    library = load_library(ROOT)
    layouts = Layouts.for_project(ROOT)
    jobs = plan(library, Filters(guides=["kundresan"]))
    print(f"\nmedian of {args.repeat} renders per output:")
    total = 0.0
    for job in jobs:
        seconds = timed(lambda job=job: render(library, layouts, job), args.repeat)
        total += seconds
        print(f"  {job.filename():42} {seconds * 1000:7.0f} ms")
    print(f"  {'all ' + str(len(jobs)) + ' outputs':42} {total * 1000:7.0f} ms")

    print("\nour PDF step vs WeasyPrint's own write_pdf on the same HTML:")
    for job in (j for j in jobs if j.format == "pdf"):
        view = build_view(library, job)
        html = render_html(view, layouts)
        base = layouts.folders[0].as_uri() + "/"
        ours = timed(
            lambda v=view: html_to_pdf(render_html(v, layouts), layouts, "bench"), args.repeat
        )
        bare = timed(lambda h=html, b=base: HTML(string=h, base_url=b).write_pdf(), args.repeat)
        print(
            f"  {job.filename():42} ours {ours:.3f} s, WeasyPrint {bare:.3f} s, "
            f"ratio {ours / bare:.2f}"
        )


if __name__ == "__main__":
    main()
