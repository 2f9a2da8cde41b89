"""The publish gate, approvals, the publication ledger and the public/internal split."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from govkit import datafile
from govkit.approvals import approval_state, approve
from govkit.synthetic import synthetic_report

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "examples" / "synthetic"


def govkit(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "govkit", *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env
    )


def files_under(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture()
def synthetic(tmp_path):
    params = tmp_path / "syn"
    for year, names in (("2021", ["示例街道一", "示例局一"]), ("2022", ["示例街道一", "示例镇三", "示例局一"])):
        (params / year).mkdir(parents=True)
        for name in names:
            shutil.copy(SYNTHETIC / year / f"{name}.yaml", params / year)
    return params


def test_reports_with_errors_are_held_back_and_named(tmp_path, synthetic):
    proc = govkit(tmp_path, "render", "syn", "--out", "build", "-j", "2", "-q", "--no-tujie", "--district")
    assert proc.returncode == 1, proc.stderr
    assert "未发布（有错误） 2 份" in proc.stdout
    held = {line.split()[0]: line for line in proc.stderr.splitlines() if "未发布（有错误）" in line}
    assert set(held) == {"示例街道一", "示例镇三"}, proc.stderr
    assert "上年结转" in held["示例街道一"] and "应为 7" in held["示例街道一"] and "实为 9" in held["示例街道一"]
    assert "2019 版格式" in held["示例镇三"]
    public = tmp_path / "build" / "public"
    assert not (public / "2022" / "示例街道一.html").exists() and not (public / "2022" / "示例镇三.html").exists()
    assert (public / "2022" / "示例局一.html").is_file() and (public / "2021" / "示例街道一.html").is_file()
    index = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "lxml")
    rows = [tr.get_text(" ", strip=True) for tr in index.select("tr.govkit-report-row")]
    assert any("示例镇三" in r and "有错误" in r and "2019 版格式" in r for r in rows), rows
    # Nothing internal in the public folder: no notebook, no findings, no path of this machine.
    names = {p.name for p in public.rglob("*")}
    assert not any(n.endswith((".ipynb", ".claim", ".lock")) or n.startswith(".") for n in names), names
    assert (public / "district-2022.html").is_file() and (public / "ledger.jsonl").is_file()
    grep = subprocess.run(["grep", "-rl", str(tmp_path), str(public)], capture_output=True, text=True)
    assert grep.stdout == "", grep.stdout
    grep = subprocess.run(["grep", "-rl", "--include=*.ipynb", "", str(public)], capture_output=True, text=True)
    assert grep.stdout == ""
    data = json.loads((public / "2022" / "示例局一.json").read_text(encoding="utf-8"))
    assert set(data) == {"report"}
    assert (tmp_path / "build" / "internal" / "notebooks" / "publish" / "2022" / "示例局一.ipynb").is_file()
    findings = json.loads(
        (tmp_path / "build" / "internal" / "records" / "publish" / "2022" / "示例镇三.json").read_text(encoding="utf-8")
    )["findings"]
    assert any(f["severity"] == "error" for f in findings)

    # An unchanged rerun with --district rewrites no file at all.
    before = files_under(tmp_path / "build")
    start = time.perf_counter()
    rerun = govkit(tmp_path, "render", "syn", "--out", "build", "-j", "2", "-q", "--no-tujie", "--district")
    elapsed = time.perf_counter() - start
    assert rerun.returncode == 1 and "未重新生成" in rerun.stdout
    assert files_under(tmp_path / "build") == before
    print(f"unchanged rerun with --district: {elapsed:.2f} s")

    # Emergencies: --allow-errors publishes them, visibly stamped.
    forced = govkit(tmp_path, "render", "syn", "--out", "build", "-j", "2", "-q", "--no-tujie", "--allow-errors")
    assert forced.returncode == 0, forced.stderr
    page = BeautifulSoup((public / "2022" / "示例镇三.html").read_text(encoding="utf-8"), "lxml")
    assert "未通过检查" in page.select_one(".govkit-unchecked").get_text()
    ledger = [json.loads(line) for line in (public / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["agency"] for e in ledger if e["allow_errors"]} == {"示例街道一", "示例镇三"}


def test_approve_change_reapprove_and_correction(tmp_path):
    params = tmp_path / "params"
    data = datafile.save(synthetic_report("示例镇甲", 2021), params / "2021" / "示例镇甲.yaml")
    (params / "publish.json").write_text('{"require_approval": true}', encoding="utf-8")
    public = tmp_path / "build" / "public"

    def render(*extra):
        return govkit(tmp_path, "render", "params", "--out", "build", "-j", "1", "-q", "--no-tujie", *extra)

    proc = render()
    assert proc.returncode == 1 and "待审核 1 份" in proc.stdout and not (public / "2021" / "示例镇甲.html").exists()
    proc = govkit(tmp_path, "approve", "params/2021/示例镇甲.yaml", "--by", "张三", "--note", "已核对")
    assert proc.returncode == 0 and "张三" in proc.stdout, proc.stderr
    proc = render()
    assert proc.returncode == 0, proc.stderr
    first = (public / "2021" / "示例镇甲.html").read_bytes()

    datafile.save(synthetic_report("示例镇甲", 2021, seed=5), data)  # changed after approval
    assert approval_state(data, None).state == "modified"
    proc = render()
    assert proc.returncode == 1 and "审核后已修改 1 份" in proc.stdout
    assert (public / "2021" / "示例镇甲.html").read_bytes() == first
    assert "审核后已修改" in (public / "index.html").read_text(encoding="utf-8")

    approve(data, "李四")
    proc = render()  # approved, but the published content changed: refused without a 更正说明
    assert proc.returncode == 1 and "--correction" in proc.stderr
    assert (public / "2021" / "示例镇甲.html").read_bytes() == first
    proc = render("--correction", "更正表三数字")
    assert proc.returncode == 0, proc.stderr
    page = (public / "2021" / "示例镇甲.html").read_text(encoding="utf-8")
    assert "更正说明" in page and "更正表三数字" in page
    ledger = [json.loads(line) for line in (public / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["approved_by"], e["correction"]) for e in ledger] == [("张三", None), ("李四", "更正表三数字")]
    assert (public / ledger[0]["version"]).read_bytes() == first  # the earlier version stays available
    approvals = (params / "approvals.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["by"] for line in approvals] == ["张三", "李四"]
    before = files_under(tmp_path / "build")
    assert render().returncode == 0
    assert files_under(tmp_path / "build") == before  # unchanged: never rewritten
