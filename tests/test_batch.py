"""Whole batches through papermill and nbconvert: failures isolated, outputs deterministic."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest
from bs4 import BeautifulSoup

from govkit import datafile
from govkit.batch.runner import LOCK_FILE, Options, render_all
from govkit.synthetic import synthetic_report
from tests.conftest import EXAMPLE
from tests.test_render import assert_official_layout

pytestmark = pytest.mark.slow


def govkit_cli(*args: str) -> subprocess.CompletedProcess:
    code = "from govkit.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    params = root / "params"
    (params / "2020").mkdir(parents=True)
    shutil.copy(EXAMPLE, params / "2020" / EXAMPLE.name)
    datafile.save(synthetic_report("示例镇甲", 2021), params / "2021" / "示例镇甲.yaml")
    datafile.save(synthetic_report("示例镇乙", 2020, seed=1), params / "2020" / "示例镇乙.yaml")
    broken = params / "2021" / "损坏的文件.yaml"
    broken.write_text("meta:\n  agency: 示例镇丙\n  year: 2021\ntables: [\n", encoding="utf-8")
    out = root / "out"
    proc = govkit_cli("render", str(params), "--out", str(out), "--workers", "2", "--mode", "review", "-q")
    return params, out, proc


def test_batch_renders_all_but_the_broken_file(batch):
    params, out, proc = batch
    assert proc.returncode == 1, proc.stderr
    assert "损坏的文件.yaml" in proc.stderr and "YAML 语法错误" in proc.stderr
    review = out / "internal" / "review"
    for year, name in (("2020", "北京市密云区穆家峪镇"), ("2021", "示例镇甲"), ("2020", "示例镇乙")):
        for suffix in (".html", ".json"):
            assert (review / year / f"{name}-审阅稿{suffix}").is_file(), (name, suffix)
        assert (out / "internal" / "notebooks" / "review" / year / f"{name}-审阅稿.ipynb").is_file()
    assert not (out / "public").exists()  # review copies are never public
    index = BeautifulSoup((review / "index.html").read_text(encoding="utf-8"), "lxml")
    rows = {tr.select_one(".govkit-agency").get_text(strip=True): tr for tr in index.select("tr.govkit-report-row")}
    assert set(rows) == {"北京市密云区穆家峪镇", "示例镇甲", "示例镇乙", "损坏的文件.yaml"}
    failed = rows["损坏的文件.yaml"]
    assert "生成失败" in failed.get_text() and "YAML 语法错误" in failed.get_text()
    link = rows["示例镇甲"].find("a", string="HTML")["href"]
    assert (review / unquote(link)) == review / "2021" / "示例镇甲-审阅稿.html"
    manifest = json.loads((out / "internal" / "manifest-review.json").read_text(encoding="utf-8"))
    assert manifest["total"] == 4 and manifest["failed"] == 1
    data = json.loads((review / "2021" / "示例镇甲-审阅稿.json").read_text(encoding="utf-8"))
    assert data["report"]["meta"]["agency"] == "示例镇甲"
    assert isinstance(data["findings"], list)
    assert [p.name for p in out.rglob(".*")] == [LOCK_FILE]  # no temporary or claim files left
    assert sorted(p.name for p in (out / "internal").iterdir()) == [
        "build-review.json",
        "manifest-review.json",
        "notebooks",
        "records",
        "review",
    ]


def test_exported_html_is_the_official_layout_and_offline(batch):
    _, out, _ = batch
    html = (out / "internal" / "review" / "2020" / "北京市密云区穆家峪镇-审阅稿.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "lxml")
    assert_official_layout(soup, datafile.load(EXAMPLE))
    assert soup.title.get_text() == "北京市密云区穆家峪镇2020年政府信息公开工作年度报告（审阅稿）"
    assert "审阅稿" in soup.select_one(".govkit-review-banner").get_text() and "不得公开发布" in html
    assert soup.find("script") is None and soup.find("link") is None
    assert "http" not in html
    assert soup.select(".jp-InputArea") == [] and "load_for_render" not in html
    assert soup.select(".govkit-findings")  # review mode
    nb = nbformat.read(
        out / "internal" / "notebooks" / "review" / "2020" / "北京市密云区穆家峪镇-审阅稿.ipynb", as_version=4
    )
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'mode = "review"' in injected[0].source


def test_rendering_twice_gives_identical_html(batch, tmp_path):
    params, out, _ = batch
    files = [params / "2020" / EXAMPLE.name, params / "2021" / "示例镇甲.yaml"]
    results = render_all(files, tmp_path / "again", Options(mode="review"), workers=2, progress=False)
    assert all(r.ok for r in results)
    for r in results:
        site = Path("internal") / "review" / r.html
        assert (tmp_path / "again" / site).read_bytes() == (out / site).read_bytes()


def test_execution_failure_and_timeout_are_isolated(tmp_path):
    nb = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "report.ipynb", as_version=4)
    nb.cells.insert(
        2,
        nbformat.v4.new_code_cell(
            "import time\nif '慢' in data_file:\n    time.sleep(60)\nif '坏' in data_file:\n    raise ValueError('故意的错误')"
        ),
    )
    notebook = tmp_path / "report.ipynb"
    nbformat.write(nb, notebook)
    params = tmp_path / "params" / "2021"
    files = []
    for name in ("示例镇坏", "示例镇慢", "示例镇好"):
        files.append(datafile.save(synthetic_report(name, 2021), params / f"{name}.yaml"))
    out = tmp_path / "out"
    results = render_all(files, out, Options(notebook=str(notebook), timeout=4), workers=2, progress=False)
    by_name = {r.agency: r for r in results}
    assert by_name["示例镇好"].ok and (out / "public" / by_name["示例镇好"].html).is_file()
    bad = by_name["示例镇坏"]
    assert bad.stage == "execute" and "故意的错误" in bad.error and bad.html is None
    partial = nbformat.read(out / "internal" / bad.notebook, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in partial.cells for o in c.get("outputs", []))
    slow = by_name["示例镇慢"]
    assert slow.stage == "timeout" and "超时" in slow.error
    index = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert "故意的错误" in index and "超时" in index


def test_duplicate_agency_is_reported(tmp_path):
    a = datafile.save(synthetic_report("示例镇丁", 2021), tmp_path / "p" / "2021" / "a.yaml")
    b = datafile.save(synthetic_report("示例镇丁", 2021, seed=2), tmp_path / "p" / "2021" / "b.yaml")
    results = render_all([a, b], tmp_path / "out", Options(), workers=2, progress=False)
    # One identity, two files: both are refused, neither is published in place of the other.
    assert [r.status for r in results] == ["failed", "failed"]
    for r, other in zip(results, (b, a), strict=True):
        assert r.stage == "conflict" and str(other) in r.error and "均未处理" in r.error
    assert [p.name for p in (tmp_path / "out").rglob("*.html")] == ["index.html"]


def test_cli_errors_are_one_chinese_line(tmp_path):
    proc = govkit_cli("render", str(tmp_path / "无此文件夹"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "不存在" in proc.stderr and "Traceback" not in proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = govkit_cli("render", str(empty), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "没有找到数据文件" in proc.stderr
    proc = govkit_cli("render", str(EXAMPLE), "--out", str(tmp_path / "out"), "--mode", "draft")
    assert proc.returncode == 2 and "未知的模式" in proc.stderr
