"""Load once or twice per render: the worker hands its loaded report to the kernel, or the notebook loads again.

A batch worker loads each data file (and last year's) and runs the checks itself: it needs the
agency's name for the output file, the counts for the index and the 图解. The notebook then needs the
same objects. This compares, in one warm worker, rendering with the worker's result primed into the
kernel (what govkit does) against the notebook loading and checking the files again, and checks
that both pages are byte-identical.

Usage: python benchmarks/load_once.py [--n 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from govkit import datafile
from govkit.batch import runner
from govkit.batch.worker import init_worker
from govkit.render import inputs
from govkit.synthetic import synthetic_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="govkit-load-once-"))
    files = [
        datafile.save(
            synthetic_report(f"示例镇{i:04d}", 2021, seed=i), root / "params" / "2021" / f"示例镇{i:04d}.yaml"
        )
        for i in range(args.n)
    ]
    init_worker()
    primed = inputs.load_and_prime_code

    def unprimed(path):  # noqa: ANN001, ANN202 - same loading, but nothing handed to the kernel
        loaded, _code = primed(path)
        return loaded, "pass"

    times: dict[str, list[float]] = {"primed": [], "loaded twice": []}
    for rnd in range(args.rounds):
        for label, loader in (("primed", primed), ("loaded twice", unprimed)):
            inputs.load_and_prime_code = loader
            out = root / f"out-{label}-{rnd}"
            start = time.perf_counter()
            for f in files:
                result = runner.render_one(f, out, runner.Options(tujie=False))
                assert result.ok, result.error
            times[label].append((time.perf_counter() - start) / len(files))
    inputs.load_and_prime_code = primed
    same = all(
        (root / "out-primed-0" / "2021" / f"{f.stem}.html").read_bytes()
        == (root / "out-loaded twice-0" / "2021" / f"{f.stem}.html").read_bytes()
        for f in files
    )
    for label, values in times.items():
        print(
            f"{label}: {min(values) * 1000:.0f} ms/agency (best of {args.rounds}; all {[round(v, 3) for v in values]})"
        )
    print(f"pages identical: {same}")


if __name__ == "__main__":
    main()
