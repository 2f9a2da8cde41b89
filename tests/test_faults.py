"""Batch resilience and parameter safety, with the real `govkit render` and papermill.

* a notebook that hangs for one agency is timed out, one whose kernel dies is reported, the others finish;
* `govkit render` killed (SIGKILL, whole process group) mid-batch leaves only complete files, and a
  rerun completes the set;
* papermill parameters are data, never code: a data-file path made of Python code runs nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

from govkit import datafile
from govkit.synthetic import synthetic_report

pytestmark = pytest.mark.slow

REPORT_NB = ROOT / "notebooks" / "report.ipynb"


def govkit(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govkit", *args], capture_output=True, text=True, timeout=timeout)


def agencies(folder: Path, names: list[str], year: int = 2021) -> list[Path]:
    paths = []
    for n, name in enumerate(names):
        path = folder / str(year) / f"{name}.yaml"
        datafile.save(synthetic_report(name, year, seed=n + 1), path)
        paths.append(path)
    return paths


def faulty_notebook(path: Path, code: str) -> Path:
    """The report notebook with one extra cell, run after the parameters, before the report."""
    nb = nbformat.read(REPORT_NB, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(code))
    nbformat.write(nb, path)
    return path


def report_pages(folder: Path) -> list[Path]:
    """The report pages of a year folder (each report also has a ``.图解.html`` page beside it)."""
    return sorted(p for p in folder.glob("*.html") if not p.name.endswith(".图解.html"))


def assert_outputs_complete(out: Path) -> None:
    """Every file visible in ``out`` is whole: pages end with </html> and parse, JSON loads."""
    for path in out.rglob("*"):
        if path.is_dir() or path.name.startswith("."):
            continue
        assert not path.name.endswith(".tmp"), f"temporary file visible: {path}"
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert text.rstrip().endswith("</html>"), f"cut-off page: {path}"
            assert BeautifulSoup(text, "lxml").find("body") is not None
        elif path.suffix in (".json", ".ipynb"):
            json.loads(path.read_text(encoding="utf-8"))
    site = out / "public"
    if (site / "index.html").exists():
        index = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml")
        for a in index.find_all("a"):
            from urllib.parse import unquote

            assert (site / unquote(a["href"])).is_file(), f"index links a missing file: {a['href']}"


def test_hanging_and_dying_agencies_fail_alone(tmp_path):
    names = ["正常镇", "挂起镇", "崩溃镇"]
    agencies(tmp_path / "params", names)
    notebook = faulty_notebook(
        tmp_path / "faulty.ipynb",
        (
            "import os, time\n"
            "if '挂起镇' in data_file:\n    time.sleep(3600)\n"
            "if '崩溃镇' in data_file:\n    os._exit(1)\n"
        ),
    )
    out = tmp_path / "out"
    start = time.monotonic()
    proc = govkit(
        "render",
        str(tmp_path / "params"),
        "--out",
        str(out),
        "--notebook",
        str(notebook),
        "--timeout",
        "10",
        "-j",
        "2",
        "-q",
        timeout=300,
    )
    elapsed = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr
    assert elapsed < 200, f"batch took {elapsed:.0f} s"
    # ... and the rerun, alone on the output folder, removed them and the killed run's staged pages.
    assert not list(out.glob("internal/claims/*")) and not list(out.glob("internal/staging/*"))
    assert not [p for p in out.rglob("*.tmp")]
    manifest = json.loads((out / "internal" / "manifest-publish.json").read_text(encoding="utf-8"))
    by_agency = {r["agency"]: r for r in manifest["reports"]}
    assert by_agency["正常镇"]["status"] == "ok" and (out / "public" / by_agency["正常镇"]["html"]).is_file()
    assert by_agency["挂起镇"]["status"] == "failed" and by_agency["挂起镇"]["stage"] == "timeout"
    assert "超时" in by_agency["挂起镇"]["error"]
    assert by_agency["崩溃镇"]["status"] == "failed" and by_agency["崩溃镇"]["html"] is None
    assert "崩溃镇" in by_agency["崩溃镇"]["error"]
    for name in ("挂起镇", "崩溃镇"):
        assert not (out / "public" / "2021" / f"{name}.html").exists()
        assert name in proc.stderr  # each failure is reported by agency
    index = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in names) and index.count("生成失败") >= 2
    assert_outputs_complete(out)


def test_killed_batch_leaves_only_complete_files_and_rerun_completes(tmp_path):
    names = [f"示例镇{n}" for n in range(6)]
    agencies(tmp_path / "params", names)
    out = tmp_path / "out"
    args = [sys.executable, "-m", "govkit", "render", str(tmp_path / "params"), "--out", str(out), "-j", "1", "-q"]
    proc = subprocess.Popen(args, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while (
            time.monotonic() < deadline
            and proc.poll() is None
            and not [p for p in out.glob("internal/staging/*/2021/*.html") if ".图解" not in p.name]
        ):
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be killed"
        time.sleep(0.3)  # kill somewhere inside the next agency
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    # Pages wait in the batch's staging folder until the whole batch is checked: nothing half-published.
    done = sorted(p.stem for p in out.glob("internal/staging/*/2021/*.html") if ".图解" not in p.name)
    assert 1 <= len(done) < len(names), done
    assert list(out.glob("internal/claims/*/*"))  # the killed run's claim markers are still there ...
    assert_outputs_complete(out)
    assert not list(out.glob("public/2021/*.html"))
    assert not (out / "public" / "index.html").exists()
    rerun = govkit("render", str(tmp_path / "params"), "--out", str(out), "-j", "2", "-q")
    assert rerun.returncode == 0, rerun.stderr
    reports = (p for p in (out / "public" / "2021").glob("*.html") if ".图解" not in p.name)
    assert sorted(p.stem for p in reports) == sorted(names)
    assert_outputs_complete(out)
    # ... and the rerun, alone on the output folder, removed them and the killed run's staged pages.
    assert not list(out.glob("internal/claims/*")) and not list(out.glob("internal/staging/*"))
    assert not [p for p in out.rglob("*.tmp")]
    manifest = json.loads((out / "internal" / "manifest-publish.json").read_text(encoding="utf-8"))
    assert manifest["total"] == len(names) and manifest["failed"] == 0


def test_render_passes_file_names_made_of_code_as_data(tmp_path):
    folder = tmp_path / "params" / "2021"
    folder.mkdir(parents=True)
    # Each name would run code if govkit pasted it into the notebook's source instead of passing it as data.
    names = [
        'a"; open("PWNED_D", "w").write("x"); "',
        "b\nopen('PWNED_E','w').write('x')\n#",
        "c'''; __import__('os').system('touch PWNED_F'); '''",
    ]
    for n, name in enumerate(names):
        datafile.save(synthetic_report(f"代码镇{n}", 2021, seed=n), folder / f"{name}.yaml")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "govkit", "render", str(tmp_path / "params"), "--out", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert len([p for p in (out / "public" / "2021").glob("*.html") if ".图解" not in p.name]) == len(names)
    assert not list(tmp_path.rglob("PWNED*")) and not list(ROOT.glob("PWNED*"))
