"""Batch speed of `govkit render` against a plain CLI loop and the no-kernel floor (synthetic agencies).

Measures, in one process tree, per agency:
  * the plain loop: `python -m papermill` + `python -m jupyter nbconvert --to html --no-input` per agency
    (on a sample of agencies);
  * `govkit render` cold (fresh output folder), for each N;
  * `govkit render` again with nothing changed (incremental: everything reused);
  * the no-kernel floor: `govkit.render.render_page` in this process for the same reports (and, for
    reference, the floor including loading the data file and running the checks);
  * peak memory of the whole `govkit render` process tree (sum of RSS of the process and all its
    descendants, kernels included, sampled every 0.1 s with psutil);
  * one agency end to end (`govkit render` of one file into a fresh folder, process start included);
  * the fixed cost of a batch: the intercept of cold time against N over the two batch sizes
    (worker start, kernel warm-up, exporter set-up: what does not grow with N).

Cold runs are repeated (--repeat, default 3) and the median is taken: on 2 cores one run varies by
±0.3 s. Every repetition renders into a fresh output folder, and the data files get a new comment
line first, so that no repetition finds its files in the parse cache. Before timing, one agency is
rendered once, untimed, as on any machine where govkit has rendered before: that first render
fills govkit's cache of compiled page templates (~0.15 s per worker, once per installation).

`govkit render` runs with --no-tujie unless --tujie is given: the plain loop makes no 图解 (which
screenshots every page in Chromium), so this compares the same work. The load average is printed
at start and end: on a shared machine, compare ratios from one run, not absolute times.

Usage: python benchmarks/batch.py [--n 20 200] [--sample 5] [--workers N] [--repeat 3] [--quick]
All data is generated with govkit.synthetic.synthetic_report (agencies named 示例…) in a temp dir.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from govkit import datafile
from govkit.batch.runner import default_notebook
from govkit.render import load_for_render, render_page
from govkit.synthetic import synthetic_report


def make_params(root: Path, n: int) -> list[Path]:
    params = root / "params"
    files = []
    for i in range(n):
        name = f"示例镇{i:04d}"
        files.append(datafile.save(synthetic_report(name, 2021, seed=i), params / "2021" / f"{name}.yaml"))
    return files


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_measured(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Run ``cmd``; return (seconds, peak RSS of its process tree in bytes); stop unless it exits with one of ``ok``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(ps))
            done.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    if proc.returncode not in ok:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd[:4])}…\n{out}\n{err}")
    return elapsed, peak


TUJIE = ["--no-tujie"]


def govkit_render(params: Path, out: Path, workers: int) -> tuple[float, int]:
    return run_measured(
        [sys.executable, "-m", "govkit", "render", str(params), "--out", str(out), "--workers", str(workers), "-q"]
        + TUJIE
    )


def cold_runs(
    cases: dict[int, list[Path]], root: Path, workers: int, repeat: int
) -> dict[int, list[tuple[float, int]]]:
    """``repeat`` cold renders of every size, sizes interleaved: (seconds, peak RSS) per run and size.

    Each run renders into a fresh output folder; before every run after the first, each data file
    gets a comment line (new bytes, same report), so that no run finds its files in the parse cache.
    Interleaving the sizes means a machine that slows down during the benchmark slows all alike.
    """
    runs: dict[int, list[tuple[float, int]]] = {n: [] for n in cases}
    for run in range(repeat):
        for n, files in cases.items():
            if run:
                for f in files:
                    with f.open("a", encoding="utf-8") as handle:
                        handle.write(f"# 第 {run + 1} 次\n")
            runs[n].append(govkit_render(root / f"n{n}" / "params", root / f"n{n}" / f"out{run}", workers))
    return runs


def cli_loop(files: list[Path], work: Path) -> float:
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for f in files:
        executed = work / f"{f.stem}.ipynb"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "papermill",
                str(default_notebook()),
                str(executed),
                "-k",
                "python3",
                "-p",
                "data_file",
                str(f.resolve()),
                "-p",
                "mode",
                "publish",
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )
    return (time.perf_counter() - start) / len(files)


def floors(files: list[Path]) -> tuple[float, float]:
    loaded = [load_for_render(f) for f in files]  # warm-up and inputs
    start = time.perf_counter()
    for report, _previous, findings in loaded:
        render_page(report, findings)
    page = (time.perf_counter() - start) / len(files)
    start = time.perf_counter()
    for f in files:
        report, _previous, findings = load_for_render(f)
        render_page(report, findings)
    full = (time.perf_counter() - start) / len(files)
    return page, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=None, help="batch sizes (default 20 200)")
    parser.add_argument("--sample", type=int, default=None, help="agencies in the CLI loop (default 5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=None, help="cold runs per size, median taken (default 3)")
    parser.add_argument("--quick", action="store_true", help="small run: N = 10 40, CLI sample 2, one cold run")
    parser.add_argument(
        "--tujie", action="store_true", help="also make every report's 图解 (not done by the plain loop)"
    )
    args = parser.parse_args()
    if args.tujie:
        TUJIE.clear()
    sizes = args.n or ([10, 40] if args.quick else [20, 200])
    sample = args.sample or (2 if args.quick else 5)
    repeat = args.repeat or (1 if args.quick else 3)
    root = Path(tempfile.mkdtemp(prefix="govkit-bench-"))
    # A private parse cache for this run (never the user's own); every batch size has new files, so
    # each cold run starts with nothing cached, as a district's first batch does.
    os.environ["GOVKIT_CACHE_DIR"] = str(root / "parse-cache")
    print(
        f"cpu: {os.cpu_count()}  workers: {args.workers}  sizes: {sizes}  CLI sample: {sample}  "
        f"cold runs per size: {repeat} (median)  (synthetic data)"
    )
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    try:
        warm = root / "warm-up"
        govkit_render(make_params(warm, 1)[0], warm / "out", args.workers)  # untimed: fills the template cache
        cases = {n: make_params(root / f"n{n}", n) for n in sizes}
        runs = cold_runs(cases, root, args.workers, repeat)
        rows = {}
        for n, files in cases.items():
            cold, cold_peak = statistics.median(t for t, _ in runs[n]), max(p for _, p in runs[n])
            # Unchanged since the last cold run: everything is reused.
            again, again_peak = govkit_render(
                root / f"n{n}" / "params", root / f"n{n}" / f"out{repeat - 1}", args.workers
            )
            page, full = floors(files)
            rows[n] = (files, cold, cold_peak, again, page, full)
            print(
                f"N={n}: govkit render cold {cold:.2f} s = {cold / n:.3f} s/agency "
                f"(runs: {', '.join(f'{t:.2f}' for t, _ in runs[n])}), peak RSS {cold_peak / 2**20:.0f} MiB; "
                f"unchanged rerun {again:.2f} s ({again / cold:.1%} of cold), peak RSS {again_peak / 2**20:.0f} MiB"
            )
        first = rows[sizes[0]][0][:sample]
        cli = cli_loop(first, root / "cli")
        print(f"plain CLI loop (papermill + nbconvert, {sample} agencies): {cli:.2f} s/agency")
        for n, (_files, cold, _peak, again, page, full) in rows.items():
            per = cold / n
            print(
                f"N={n}: floor render_page {page * 1000:.1f} ms/agency (with load + checks {full * 1000:.1f} ms); "
                f"CLI loop / govkit = {cli / per:.1f}x (target >= 20x); govkit / floor = {per / page:.0f}x "
                f"(vs floor with load + checks {per / full:.1f}x; target <= 4x); rerun / cold = {again / cold:.1%} "
                f"(target < 5%)"
            )
        if len(sizes) > 1:
            lo, hi = sizes[0], sizes[-1]
            ratio = rows[hi][2] / rows[lo][2]
            print(f"peak RSS N={hi} / N={lo}: {ratio:.2f}x (target <= 1.5x)")
            per = (rows[hi][1] - rows[lo][1]) / (hi - lo)
            fixed = rows[lo][1] - lo * per
            each = [runs[lo][i][0] - lo * (runs[hi][i][0] - runs[lo][i][0]) / (hi - lo) for i in range(repeat)]
            print(
                f"fixed cost of a batch (intercept of median cold time over N={lo}..{hi}): {fixed:.2f} s "
                f"(target <= 3 s); marginal {per:.3f} s/agency; intercept of each run: "
                f"{', '.join(f'{x:.2f}' for x in each)} s"
            )
        one_case = root / "one"
        one_file = make_params(one_case, 1)
        one, _ = govkit_render(one_file[0], one_case / "out", args.workers)
        print(f"one agency end to end (govkit render of one file, process start included): {one:.2f} s (target <= 3 s)")
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
