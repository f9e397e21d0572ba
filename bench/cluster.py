"""Benchmark of batches on Celery against the local pool (a benchmark, not a test).

Starts a redis-server of its own on a free port and one ``journeykit worker`` with as many
processes as the pool has (``--concurrency 2`` against ``--jobs 2``), runs the same batch of N
generated clients (each with a logo of its own, as ``bench/batch.py`` makes them) both ways in
turn (pool, Celery, pool, Celery … ``--rounds`` times, each into a new folder, so a drift of
the machine's speed touches both alike), and prints each time, Celery's throughput as a share
of the pool's (the median of the rounds' ratios) and what a set costs beyond its work;
the machine's load before and after.

    .venv/bin/python bench/cluster.py 200 [--guide kundresan] [--rounds 3]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch import JOURNEYKIT, ROOT, clients, load


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("brands", type=int)
    parser.add_argument("--guide", action="append", default=[])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    guides = [flag for guide in args.guide for flag in ("--guide", guide)]
    print(f"load before: {load()}")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        csv = base / "clients.csv"
        csv.write_text(clients(args.brands, base), encoding="utf-8")
        port = free_port()
        broker = f"redis://127.0.0.1:{port}/0"
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--dir", folder, "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        (base / "worker").mkdir()
        worker = subprocess.Popen(
            [*JOURNEYKIT, "worker", "--broker", broker, "--concurrency", "2"],
            cwd=base / "worker",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(3)  # the worker connects
            batch = [*JOURNEYKIT, "batch", str(csv), *guides]
            pools, celeries = [], []
            for n in range(args.rounds):
                pools.append(timed([*batch, "--out", str(base / f"pool{n}"), "--jobs", "2"]))
                out = str(base / f"celery{n}")
                celeries.append(timed([*batch, "--out", out, "--broker", broker]))
                print(f"round {n + 1}: pool {pools[-1]:.1f} s, Celery {celeries[-1]:.1f} s")
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            redis.terminate()
            redis.wait(timeout=30)
    print(f"load after: {load()}")
    pool, celery = statistics.median(pools), statistics.median(celeries)
    ratio = statistics.median(p / c for p, c in zip(pools, celeries, strict=True))
    print(f"{args.brands} brands: local pool (--jobs 2) {pool:.1f} s (median)")
    print(f"{args.brands} brands: Celery (one worker of 2 processes) {celery:.1f} s (median)")
    print(f"Celery's throughput: {ratio:.2f} of the pool's (median of {args.rounds} rounds)")
    print(  # later rounds find the worker's processes holding the content and its templates
        f"first round, the worker's processes new: {pools[0] / celeries[0]:.2f} of the pool's"
    )
    print(f"beyond the work: {(celery - pool) / args.brands * 1000:.1f} ms a set")


if __name__ == "__main__":
    main()
