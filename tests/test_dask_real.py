"""`govkit render --scheduler` against real `dask scheduler` and `dask worker` processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from govkit import datafile
from govkit.synthetic import synthetic_report

pytestmark = pytest.mark.slow
pytest.importorskip("distributed")


def test_render_on_a_real_scheduler_isolates_the_broken_file(tmp_path: Path) -> None:
    from benchmarks.localdask import dask_cluster

    params = tmp_path / "params" / "2021"
    for i, name in enumerate(("示例镇甲", "示例镇乙", "示例镇丙")):
        datafile.save(synthetic_report(name, 2021, seed=i), params / f"{name}.yaml")
    (params / "损坏.yaml").write_text("meta:\n  agency: 示例镇丁\n  year: 2021\ntables: [\n", encoding="utf-8")
    out = tmp_path / "out"
    with dask_cluster(nworkers=2, nthreads=1, log_dir=tmp_path / "logs") as (address, _scheduler, _worker):
        done = subprocess.run(
            [sys.executable, "-m", "govkit", "render", str(params), "--out", str(out), "--no-tujie"]
            + ["--scheduler", address],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "生成报告" in done.stderr  # the progress bar
    failures = [line for line in done.stderr.splitlines() if line.startswith("失败：")]
    assert len(failures) == 1 and "损坏.yaml" in failures[0]
    assert "已发布 3 份报告，失败 1 份" in done.stdout
    manifest = json.loads((out / "internal" / "manifest-publish.json").read_text(encoding="utf-8"))
    rendered = {r["agency"]: r for r in manifest["reports"] if r["status"] == "ok"}
    assert set(rendered) == {"示例镇甲", "示例镇乙", "示例镇丙"}
    for record in rendered.values():
        html = (out / "public" / record["html"]).read_text(encoding="utf-8")
        assert record["agency"] in html and "<table" in html


def test_a_batch_pauses_the_workers_profiler_and_resumes_it_after(tmp_path: Path) -> None:
    """The profiler's per-second history grew every worker by ~0.3 MB/s over a batch (issue 16)."""
    from distributed import Client

    from benchmarks.localdask import dask_cluster
    from govkit.batch.cluster import dask_executor

    def _profiling(dask_worker) -> list[bool]:  # noqa: ANN001 - a distributed.Worker; local: pickled by value
        return [dask_worker.periodic_callbacks[name].is_running() for name in ("profile", "profile-cycle")]

    with dask_cluster(nworkers=2, nthreads=1, log_dir=tmp_path / "logs") as (address, _scheduler, _worker):
        with Client(address, timeout=30) as client:
            before = client.run(_profiling)
            assert len(before) == 2 and all(all(running) for running in before.values())
            with dask_executor(address) as executor:
                assert not any(any(running) for running in client.run(_profiling).values())
                with dask_executor(address):  # a second batch on the same cluster ends first
                    pass
                assert not any(any(running) for running in client.run(_profiling).values())
                assert executor.submit(sum, [1, 2]).result(timeout=60) == 3
            assert all(all(running) for running in client.run(_profiling).values())
