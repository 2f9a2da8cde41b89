"""Incremental batches (unchanged agencies are skipped) and batches on a Dask cluster."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from govkit import datafile, kernels
from govkit.batch.cluster import dask_executor
from govkit.batch.runner import Options, render_all
from govkit.errors import GovkitError
from govkit.synthetic import synthetic_report

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executor():
    # One thread: the warm kernel lives in this process and serves every batch of the module.
    with ThreadPoolExecutor(1) as pool:
        yield pool
    kernels.shutdown_kernels()


def stamps(out, results):
    site = out / ("internal/review" if "审阅稿" in results[0].html else "public")
    return {r.agency: os.stat(site / r.html).st_mtime_ns for r in results}


def test_unchanged_agencies_are_skipped_and_changes_rebuild(tmp_path, executor):
    params = tmp_path / "params"
    a = datafile.save(synthetic_report("示例镇甲", 2021), params / "2021" / "示例镇甲.yaml")
    b = datafile.save(synthetic_report("示例镇乙", 2021, seed=1), params / "2021" / "示例镇乙.yaml")
    out = tmp_path / "out"

    def batch(options=None, force=False):
        return render_all([a, b], out, options or Options(), executor=executor, progress=False, force=force)

    first = batch()
    assert all(r.ok and not r.reused for r in first)
    before = stamps(out, first)
    second = batch()
    assert [r.reused for r in second] == [True, True]
    assert stamps(out, second) == before
    assert [r.as_dict() for r in second] == [r.as_dict() for r in first]
    index = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert "示例镇甲" in index and "示例镇乙" in index
    manifest = json.loads((out / "internal" / "manifest-publish.json").read_text(encoding="utf-8"))
    assert manifest["total"] == 2 and "reused" not in manifest["reports"][0]

    datafile.save(synthetic_report("示例镇甲", 2021, seed=7), a)  # corrected numbers
    held = {r.agency: r for r in batch()}  # published content changed: a 更正说明 is required
    assert held["示例镇甲"].publication == "correction" and held["示例镇乙"].reused
    third = {r.agency: r for r in batch(Options(correction="更正表三数字"))}
    assert not third["示例镇甲"].reused and third["示例镇乙"].reused
    # Last year's file appears: the cross-year checks now have something to compare with.
    datafile.save(synthetic_report("示例镇乙", 2020), params / "2020" / "示例镇乙.yaml")
    fourth = {r.agency: r for r in batch()}
    assert fourth["示例镇甲"].reused and not fourth["示例镇乙"].reused
    assert all(not r.reused for r in batch(Options(mode="review")))  # options changed
    assert all(r.reused for r in batch(Options(mode="review")))
    assert all(not r.reused for r in batch(Options(mode="review"), force=True))
    (out / "internal" / "review" / "2021" / "示例镇甲-审阅稿.html").unlink()  # an output went missing
    assert {r.agency: r.reused for r in batch(Options(mode="review"))} == {"示例镇甲": False, "示例镇乙": True}


def test_a_failed_agency_is_tried_again_and_a_new_duplicate_is_refused_with_its_twin(tmp_path, executor):
    params = tmp_path / "params" / "2021"
    a = datafile.save(synthetic_report("示例镇丙", 2021), params / "示例镇丙.yaml")
    broken = params / "坏.yaml"
    broken.write_text("meta: [\n", encoding="utf-8")
    out = tmp_path / "out"
    first = render_all([a, broken], out, Options(), executor=executor, progress=False)
    assert sorted(r.ok for r in first) == [False, True]
    again = render_all([a, broken], out, Options(), executor=executor, progress=False)
    assert {r.data_file: r.reused for r in again} == {str(a): True, str(broken): False}
    dup = datafile.save(synthetic_report("示例镇丙", 2021, seed=3), params / "副本.yaml")
    third = render_all([a, dup], out, Options(), executor=executor, progress=False)
    by_file = {r.data_file: r for r in third}
    # Two files of one agency and year: both refused as a conflict naming the other, neither published over it.
    assert {f: (r.ok, r.stage) for f, r in by_file.items()} == {
        str(a): (False, "conflict"),
        str(dup): (False, "conflict"),
    }
    assert str(dup) in by_file[str(a)].error and str(a) in by_file[str(dup)].error


def test_dask_cluster_renders_a_batch(tmp_path):
    distributed = pytest.importorskip("distributed")
    files = [
        datafile.save(synthetic_report(name, 2021, seed=i), tmp_path / "p" / "2021" / f"{name}.yaml")
        for i, name in enumerate(("示例镇戊", "示例镇己"))
    ]
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        with dask_executor(cluster.scheduler_address) as executor:
            results = render_all(files, tmp_path / "out", Options(), executor=executor, progress=False)
    assert all(r.ok for r in results), [r.error for r in results]
    assert all((tmp_path / "out" / "public" / r.html).is_file() for r in results)


def test_unreachable_scheduler_is_one_chinese_error():
    pytest.importorskip("distributed")
    with pytest.raises(GovkitError, match="无法连接 Dask 调度器"):
        with dask_executor("tcp://127.0.0.1:9", timeout=2):
            pass
