"""Benchmark of ``journeykit build`` for the Kundresan guide (a benchmark, not a test).

Prints the wall time of the whole command, the median render time of each output, one worksheet
built alone (the build step: hashing, rendering, writing) against the same worksheet rendered
alone (a document is never slower for being asked for alone: ratio ≤ 1.2), a language's full
set rendered together against the sum of its parts, and the ratio of our PDF step (layouts +
WeasyPrint with the project fetcher and error checks) to WeasyPrint's own ``write_pdf`` on the
same HTML. Compare ratios within one run: this machine is shared.

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

from generator import api
from generator.document import build_view
from generator.layouts import Layouts
from generator.loading import load_library
from generator.model import Job, Library
from generator.pipeline.build import build
from generator.pipeline.sink import FolderSink
from generator.pipeline.tasks import render_set
from generator.plan import Filters, plan
from generator.renderers import render_document
from generator.renderers.pdf import html_to_pdf, render_html

ROOT = Path(__file__).resolve().parent.parent


def timed(function, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    return timed_pair(function, None, repeat)[0]


def timed_pair(first, second, repeat: int) -> tuple[float, float]:
    """Median seconds of two functions, called in turn so that machine noise hits both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, bucket in ((first, samples[0]), (second, samples[1])):
            if function is not None:
                start = time.perf_counter()
                function()
                bucket.append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1] or [0.0])


def render(library: Library, layouts: Layouts, job: Job) -> bytes:
    """One document rendered on its own: its view, then its format's renderer."""
    return render_document(build_view(library, job), layouts)


GUIDES = ["kundresan", "customer-journey"]
"""The customer journey guide in Swedish and, written anew, in English: 16 files."""
GUIDE_ARGS = [arg for guide in GUIDES for arg in ("--guide", guide)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "generator", "build", *GUIDE_ARGS, "--out", out],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        command = time.perf_counter() - start
    print(f"journeykit build {' '.join(GUIDE_ARGS)} (whole command, cold): {command:.2f} s")

    library = load_library(ROOT)
    layouts = Layouts.for_project(ROOT)
    jobs = plan(library, Filters(guides=GUIDES))
    print(f"\nmedian of {args.repeat} renders per output:")
    total = 0.0
    for job in jobs:
        seconds = timed(lambda job=job: render(library, layouts, job), args.repeat)
        total += seconds
        print(f"  {job.relative_path()!s:48} {seconds * 1000:7.0f} ms")
    print(f"  {'all ' + str(len(jobs)) + ' outputs':48} {total * 1000:7.0f} ms")

    print("\none worksheet built alone (hash, render, write) vs the same worksheet rendered alone:")
    alone = [
        job
        for job in jobs
        if job.document == "worksheet" and job.variant == "blank" and job.format != "xlsx"
    ]
    with tempfile.TemporaryDirectory() as out:
        for job in alone:
            built, rendered = timed_pair(
                lambda j=job: build(library, layouts, [j], FolderSink(Path(out)), force=True),
                lambda j=job: render(library, layouts, j),
                args.repeat,
            )
            print(
                f"  {job.relative_path()!s:48} built {built:.3f} s, rendered {rendered:.3f} s,"
                f" ratio {built / rendered:.2f}"
            )

        options = {"guide": ["kundresan"], "lang": ["sv"], "format": ["pdf"], "variant": ["blank"]}
        whole, loading = timed_pair(
            lambda: api.build(ROOT, out=out, **options, jobs=1, force=True),
            lambda: load_library(ROOT),
            args.repeat,
        )
        print(
            f"  the same through api.build (loading the content included): {whole:.3f} s,"
            f" of which loading {loading:.3f} s"
        )

    print("\none language's full set rendered together (worksheet PDFs copied from the guide's")
    print("pages) vs the sum of its parts rendered one by one, in turn:")
    for language in ("sv", "en"):
        one_set = [job for job in jobs if job.language == language]
        together, apart = timed_pair(
            lambda s=one_set: render_set(library, layouts, s),
            lambda s=one_set: [render(library, layouts, job) for job in s],
            args.repeat,
        )
        print(
            f"  {language}: {len(one_set)} files, as a set {together:.2f} s, sum of parts "
            f"{apart:.2f} s, ratio {together / apart:.2f}"
        )

    print("\nour PDF step (Jinja layouts + WeasyPrint with our fetcher and checks) vs")
    print("WeasyPrint's own write_pdf on the same HTML with the same options (tagged PDF):")
    for job in (j for j in jobs if j.format == "pdf"):
        view = build_view(library, job)
        html = render_html(view, layouts)
        base = layouts.folders[0].as_uri() + "/"
        jinja = timed(lambda v=view: render_html(v, layouts), args.repeat)
        ours, bare = timed_pair(
            lambda v=view: html_to_pdf(render_html(v, layouts), layouts, "bench"),
            lambda h=html, b=base: HTML(string=h, base_url=b).write_pdf(pdf_tags=True),
            args.repeat,
        )
        print(
            f"  {job.relative_path()!s:48} Jinja {jinja * 1000:4.0f} ms, ours {ours:.3f} s,"
            f" WeasyPrint {bare:.3f} s, ratio {ours / bare:.2f}"
        )


if __name__ == "__main__":
    main()
