"""Province scale without rendering: `govkit check` and the district page over thousands of agencies.

Generates N synthetic agencies (govkit.synthetic, named 示例…, plainly not real) for two years in a
temp dir (or uses --params), then measures, each as its own process (start-up included), with
its peak RSS:

  * `govkit check <params>/<year>` for the first N/10 agencies and for all N, with an empty parse
    cache (every file parsed: last year's files too) and again with the cache filled (what a
    batch leaves behind): time per file at both sizes and their ratio (linear time: ~1.0);
  * the district page (`govkit.district.render_district` over both years, as `govkit render
    --district` builds it after a batch), with the cache filled and with an empty one: seconds,
    page size, status-matrix pages.

The parse cache is a private temp folder (GOVKIT_CACHE_DIR), never the user's own.

Usage: python benchmarks/province.py [--n 5000] [--params DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from multiprocessing import Pool
from pathlib import Path

from batch import run_measured  # sibling scripts: `python benchmarks/province.py` puts this folder first on sys.path

YEARS = (2020, 2021)


def _make(args: tuple[str, int]) -> None:
    from govkit import datafile
    from govkit.synthetic import synthetic_report

    root, i = args
    for year in YEARS:
        name = f"示例镇{i:05d}"
        datafile.save(synthetic_report(name, year, seed=i), Path(root) / str(year) / f"{name}.yaml")


def make_params(root: Path, n: int) -> Path:
    with Pool(os.cpu_count() or 1) as pool:
        pool.map(_make, [(str(root), i) for i in range(n)], chunksize=50)
    return root


def subset(params: Path, root: Path, n: int) -> Path:
    for year in YEARS:
        folder = root / str(year)
        folder.mkdir(parents=True)
        for path in sorted((params / str(year)).glob("*.yaml"))[:n]:
            os.link(path, folder / path.name)
    return root


def check(params: Path, cache: Path, cold: bool) -> tuple[float, int]:
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    os.environ["GOVKIT_CACHE_DIR"] = str(cache)
    return run_measured(
        [sys.executable, "-m", "govkit", "check", str(params / str(YEARS[-1])), "--format", "json"], ok=(0, 1)
    )


DISTRICT = """
import sys
from pathlib import Path
from govkit.district import render_district
page = render_district([Path(sys.argv[1])], Path(sys.argv[2]))
print(page)
"""


def district(params: Path, site: Path, cache: Path, cold: bool) -> tuple[float, int, Path]:
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    os.environ["GOVKIT_CACHE_DIR"] = str(cache)
    site.mkdir(parents=True, exist_ok=True)
    seconds, peak = run_measured([sys.executable, "-c", DISTRICT, str(params), str(site)])
    return seconds, peak, site / f"district-{YEARS[-1]}.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument(
        "--params", type=Path, help="an existing params folder with 2020/ and 2021/ (default: generate)"
    )
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="govkit-province-"))
    cache = root / "cache"
    print(f"cpu: {os.cpu_count()}  agencies: {args.n} × {len(YEARS)} years  load average: {os.getloadavg()[0]:.2f}")
    try:
        params = args.params or make_params(root / "params", args.n)
        n = len(list((params / str(YEARS[-1])).glob("*.yaml")))
        small = subset(params, root / "small", max(1, n // 10))
        rows = {}
        for label, folder, count in (("N/10", small, max(1, n // 10)), ("N", params, n)):
            cold, cold_peak = check(folder, cache, cold=True)
            warm, warm_peak = check(folder, cache, cold=False)
            rows[label] = (cold / count, warm / count)
            print(
                f"govkit check, {count} files (+ last year's): empty cache {cold:.1f} s = {cold / count * 1000:.1f} ms/file, "
                f"peak RSS {cold_peak / 2**20:.0f} MiB; filled cache {warm:.1f} s = {warm / count * 1000:.1f} ms/file, "
                f"peak RSS {warm_peak / 2**20:.0f} MiB"
            )
        print(
            f"linear time: ms/file at N over N/10 = {rows['N'][0] / rows['N/10'][0]:.2f} (empty cache), "
            f"{rows['N'][1] / rows['N/10'][1]:.2f} (filled cache); 1.00 is linear"
        )
        warm, warm_peak, page = district(params, root / "site", cache, cold=False)
        size = page.stat().st_size
        pages = len(re.findall(r'class="gk-status-page"', page.read_text(encoding="utf-8")))
        print(
            f"district page, {n} agencies × {len(YEARS)} years, cache filled (after a batch): {warm:.1f} s "
            f"(target <= 60 s), peak RSS {warm_peak / 2**20:.0f} MiB, page {size / 2**20:.1f} MiB, "
            f"status matrix in {pages or 1} pages"
        )
        cold, cold_peak, _ = district(params, root / "site2", cache, cold=True)
        print(f"district page, empty cache (every file parsed): {cold:.1f} s, peak RSS {cold_peak / 2**20:.0f} MiB")
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
