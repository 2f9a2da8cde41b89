"""Province scale: `govkit render --scheduler` on a real `dask scheduler` + `dask worker` pair, against the local engine.

Generates N synthetic agencies (govkit.synthetic, named 示例…, plainly not real) in a temp dir,
starts `dask scheduler` and `dask worker --nworkers W --nthreads 1` as separate processes on
127.0.0.1 (as a user would, see README), and runs `python -m govkit render --scheduler tcp://…`
on all N. For comparison it runs the local engine (`govkit render --workers W`) on the first
--local-n agencies. Both without 图解 (--no-tujie), which screenshots every page in Chromium.

Prints: wall time, time per agency per core for both engines and their throughput ratio; peak RSS
of every Dask worker (worker process + its kernel) over the whole run and over its first quarter
(flat memory: the two are close); the load average before and after.

Usage: python benchmarks/dask_scale.py [--n 5000] [--workers 2] [--local-n 500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from batch import tree_rss  # sibling scripts: `python benchmarks/dask_scale.py` puts this folder first on sys.path
from localdask import dask_cluster

from govkit import datafile
from govkit.synthetic import synthetic_report


def make_params(root: Path, n: int) -> Path:
    folder = root / "params" / "2021"
    for i in range(n):
        name = f"示例镇{i:05d}"
        datafile.save(synthetic_report(name, 2021, seed=i), folder / f"{name}.yaml")
    return folder


def dask_workers(main: psutil.Process) -> list[psutil.Process]:
    """The worker processes under `dask worker` (each has its kernel as a child)."""
    found = []
    for child in main.children(recursive=True):
        try:
            cmd = " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            continue
        if "multiprocessing" in cmd and "resource_tracker" not in cmd and "ipykernel" not in cmd:
            found.append(child)
    return found


def render(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "govkit", "render", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"govkit render failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--local-n", type=int, default=None, help="agencies for the local engine (default min(N, 500))")
    parser.add_argument("--keep", type=Path, default=None, help="generate into (and keep) this folder")
    args = parser.parse_args()
    local_n = args.local_n or min(args.n, 500)
    root = args.keep or Path(tempfile.mkdtemp(prefix="govkit-dask-"))
    print(f"load average before: {os.getloadavg()}; cpu: {os.cpu_count()}; workers: {args.workers} x 1 thread")
    start = time.perf_counter()
    folder = make_params(root, args.n)
    print(f"generated {args.n} synthetic agencies in {time.perf_counter() - start:.0f} s")
    try:
        local_files = sorted(folder.glob("*.yaml"))[:local_n]
        local_dir = root / "local-params" / "2021"
        local_dir.mkdir(parents=True, exist_ok=True)
        for f in local_files:
            shutil.copy(f, local_dir / f.name)
        local = render(
            [str(local_dir), "--out", str(root / "out-local"), "--workers", str(args.workers)] + ["--no-tujie", "-q"]
        )
        local_per_core = local * args.workers / local_n
        print(f"local engine: {local_n} agencies in {local:.1f} s = {local_per_core:.3f} s per agency per core")

        with dask_cluster(nworkers=args.workers, nthreads=1, log_dir=root / "dask-logs") as (address, _s, worker):
            main_proc = psutil.Process(worker.pid)
            samples: list[tuple[float, int, int]] = []  # (time, worker pid, RSS of worker + kernel)
            stop = threading.Event()
            t0 = time.perf_counter()

            def sample() -> None:
                while not stop.is_set():
                    for w in dask_workers(main_proc):
                        samples.append((time.perf_counter() - t0, w.pid, tree_rss(w)))
                    stop.wait(0.5)

            thread = threading.Thread(target=sample, daemon=True)
            thread.start()
            took = render([str(folder), "--out", str(root / "out-dask"), "--scheduler", address, "--no-tujie", "-q"])
            stop.set()
            thread.join()
        per_core = took * args.workers / args.n
        print(
            f"dask (real scheduler + {args.workers} worker processes): {args.n} agencies in {took:.1f} s "
            f"= {per_core:.3f} s per agency per core"
        )
        print(f"throughput per core, dask / local: {local_per_core / per_core:.2f}x (target >= 0.8x)")
        for pid in sorted({pid for _, pid, _ in samples}):
            mine = [(t, rss) for t, p, rss in samples if p == pid]

            def peak(lo: float, hi: float, mine: list[tuple[float, int]] = mine) -> float:
                return max((rss for t, rss in mine if lo * took <= t <= hi * took), default=0) / 2**20

            print(
                f"worker {pid}: peak RSS (worker + kernel) {peak(0, 1):.0f} MiB; by quarter of the run "
                f"{peak(0, 0.25):.0f} / {peak(0.25, 0.5):.0f} / {peak(0.5, 0.75):.0f} / {peak(0.75, 1):.0f} MiB"
            )
        print(f"load average after: {os.getloadavg()}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
