"""Batch time per agency of `govkit render` against a plain loop of papermill + nbconvert CLI calls.

Usage: python benchmarks/render_vs_cli.py [--agencies 6] [--sample 3] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from govkit import datafile
from govkit.batch.runner import default_notebook
from govkit.render import render_page
from govkit.synthetic import synthetic_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agencies", type=int, default=6)
    parser.add_argument("--sample", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="govkit-bench-"))
    try:
        params = root / "params"
        files = [
            datafile.save(synthetic_report(f"示例镇{i:03d}", 2021, seed=i), params / "2021" / f"示例镇{i:03d}.yaml")
            for i in range(args.agencies)
        ]
        papermill = shutil.which("papermill") or "papermill"
        jupyter = shutil.which("jupyter") or "jupyter"

        start = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "from govkit.cli import main; main()",
                "render",
                str(params),
                "--out",
                str(root / "out"),
                "--workers",
                str(args.workers),
                "-q",
            ],
            capture_output=True,
            text=True,
        )
        batch = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"govkit render failed: {proc.stderr}")

        sample = files[: args.sample]
        cli_dir = root / "cli"
        cli_dir.mkdir()
        start = time.perf_counter()
        for f in sample:
            executed = cli_dir / f"{f.stem}.ipynb"
            subprocess.run(
                [
                    papermill,
                    str(default_notebook()),
                    str(executed),
                    "-p",
                    "data_file",
                    str(f),
                    "-p",
                    "mode",
                    "publish",
                    "--no-progress-bar",
                ],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [jupyter, "nbconvert", "--to", "html", "--no-input", str(executed)], check=True, capture_output=True
            )
        cli = time.perf_counter() - start

        reports = [datafile.load(f) for f in files]
        start = time.perf_counter()
        for report in reports:
            render_page(report)
        floor = time.perf_counter() - start

        per_batch = batch / len(files)
        per_cli = cli / len(sample)
        print(f"agencies: {len(files)}  workers: {args.workers}  cpu: {os.cpu_count()}")
        print(f"govkit render (whole batch, incl. start-up): {batch:.2f} s total, {per_batch:.2f} s per agency")
        print(
            f"papermill CLI + nbconvert CLI loop ({len(sample)} agencies): {cli:.2f} s total, {per_cli:.2f} s per agency"
        )
        print(f"ratio CLI loop / govkit render per agency: {per_cli / per_batch:.2f}x")
        print(f"no-kernel floor (render_page in-process): {floor / len(files) * 1000:.1f} ms per agency")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
