"""Province scale: `govkit render --scheduler` on a real `dask scheduler` + `dask worker` pair, against the local engine.

Generates N synthetic agencies (govkit.synthetic, named 示例…, plainly not real) in a temp dir,
starts `dask scheduler` and `dask worker --nworkers W --nthreads 1` as separate processes on
127.0.0.1 (as a user would, see README), and runs `python -m govkit render --scheduler tcp://…`
on all N. For comparison it runs the local engine (`govkit render --workers W`) on the first
--local-n agencies. Both without 图解 (--no-tujie), which screenshots every page in Chromium.
Each engine gets its own new, empty parse cache (GOVKIT_CACHE_DIR in the temp dir): both start cold.

Prints: wall time, time per agency per core for both engines and their throughput ratio (target
>= 0.8); for every Dask worker (the worker process and its kernel; the nanny is the `dask worker`
process shared by all of them and printed apart) the peak RSS over the run and the peak RSS in the
5% of the run's time before 10%, 50% and 100% of it, with last/first as the flatness figure (target
<= 1.15); whether the progress bar was shown; the load average before and after.

Usage: python benchmarks/dask_scale.py [--n 5000] [--workers 2] [--local-n 1000] [--keep DIR]
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

# A sibling script: `python benchmarks/dask_scale.py` puts this folder first on sys.path.
from localdask import dask_cluster

from govkit import datafile
from govkit.kernels import RECYCLE_AFTER
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


def rss(proc: psutil.Process) -> int:
    try:
        return int(proc.memory_info().rss)
    except psutil.NoSuchProcess:
        return 0


def render(args: list[str]) -> tuple[float, str]:
    """Run `govkit render`; return (seconds, its stderr)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "govkit", "render", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"govkit render failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    return elapsed, done.stderr


def cache_entries(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*") if _.is_file()) if folder.is_dir() else 0


Sample = tuple[float, int, int, int]  # (seconds into the run, worker pid, worker RSS, its kernels' RSS)


def report_memory(samples: list[Sample], took: float, nanny: tuple[int, int]) -> None:
    """Peak RSS per worker process tree over the run, and over the last 5% of time before 10%, 50%, 100% of it."""
    mib = 2**20
    windows = ((0.05, 0.1), (0.45, 0.5), (0.95, 1.0))  # 5% each: after the start-up, which the first 5% holds
    for pid in sorted({s[1] for s in samples}):
        mine = [(t, w, k) for t, p, w, k in samples if p == pid]

        def peak(lo: float, hi: float, part: int, mine: list[tuple[float, int, int]] = mine) -> float:
            chosen = [(w, k, w + k)[part] for t, w, k in mine if lo * took <= t <= hi * took]
            return max(chosen, default=0) / mib

        tree = [peak(lo, hi, 2) for lo, hi in windows]
        alone = [peak(lo, hi, 0) for lo, hi in windows]
        kernel = [peak(lo, hi, 1) for lo, hi in windows]
        print(
            f"worker {pid}: peak RSS (worker + kernel) {peak(0, 1, 2):.0f} MiB; at 10% / 50% / 100% of the run "
            f"{tree[0]:.0f} / {tree[1]:.0f} / {tree[2]:.0f} MiB, last/first {tree[2] / tree[0]:.2f} (target <= 1.15)"
        )
        print(
            f"  of which the worker process {alone[0]:.0f} / {alone[1]:.0f} / {alone[2]:.0f} MiB, "
            f"its kernel {kernel[0]:.0f} / {kernel[1]:.0f} / {kernel[2]:.0f} MiB "
            f"(peak in the 5% before each point; the kernel is replaced every {RECYCLE_AFTER} notebooks)"
        )
    print(f"nanny (`dask worker` process, shared): {nanny[0] / mib:.0f} MiB before, {nanny[1] / mib:.0f} MiB after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--local-n", type=int, default=None, help="agencies for the local engine (default min(N, 1000))"
    )
    parser.add_argument("--keep", type=Path, default=None, help="generate into (and keep) this folder")
    args = parser.parse_args()
    local_n = args.local_n or min(args.n, 1000)
    root = args.keep or Path(tempfile.mkdtemp(prefix="govkit-dask-"))
    os.environ["GOVKIT_CACHE_DIR"] = "off"  # generating parses nothing worth caching; each engine gets its own below
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
        local_cache = root / "cache-local"
        os.environ["GOVKIT_CACHE_DIR"] = str(local_cache)
        local, _ = render(
            [str(local_dir), "--out", str(root / "out-local"), "--workers", str(args.workers)] + ["--no-tujie", "-q"]
        )
        local_per_core = local * args.workers / local_n
        print(
            f"local engine: {local_n} agencies (the first {local_n} of the {args.n}) in {local:.1f} s "
            f"= {local_per_core:.3f} s per agency per core; parse cache cold (new folder, {cache_entries(local_cache)} "
            "entries after)"
        )

        dask_cache = root / "cache-dask"
        os.environ["GOVKIT_CACHE_DIR"] = str(dask_cache)  # inherited by the scheduler, the workers and their kernels
        with dask_cluster(nworkers=args.workers, nthreads=1, log_dir=root / "dask-logs") as (address, _s, worker):
            main_proc = psutil.Process(worker.pid)
            nanny_before = rss(main_proc)
            samples: list[Sample] = []
            stop = threading.Event()
            t0 = time.perf_counter()

            def sample() -> None:
                while not stop.is_set():
                    for w in dask_workers(main_proc):
                        try:
                            kernels = w.children(recursive=True)
                        except psutil.NoSuchProcess:
                            continue
                        samples.append((time.perf_counter() - t0, w.pid, rss(w), sum(rss(k) for k in kernels)))
                    stop.wait(0.5)

            thread = threading.Thread(target=sample, daemon=True)
            thread.start()
            took, stderr = render([str(folder), "--out", str(root / "out-dask"), "--scheduler", address, "--no-tujie"])
            stop.set()
            thread.join()
            nanny_after = rss(main_proc)
        per_core = took * args.workers / args.n
        print(
            f"dask (real scheduler + {args.workers} worker processes): {args.n} agencies in {took:.1f} s "
            f"= {per_core:.3f} s per agency per core; parse cache cold (new folder, {cache_entries(dask_cache)} "
            "entries after)"
        )
        print(f"progress bar shown by govkit render --scheduler: {'yes' if '生成报告' in stderr else 'NO'}")
        print(
            f"throughput per core, dask / local: {local_per_core / per_core:.2f}x (target >= 0.8x; local reference "
            f"on {local_n} agencies)"
        )
        report_memory(samples, took, (nanny_before, nanny_after))
        print(f"load average after: {os.getloadavg()}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
