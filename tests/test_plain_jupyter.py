"""Plain Jupyter tools give govkit render's page: papermill from the project root, then nbconvert --template govkit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from govkit.render.inputs import resolve_data_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "params/2020/北京市密云区穆家峪镇.yaml"


def test_default_data_file_is_found_from_the_notebooks_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # papermill from the project root: ../params is not there
    assert resolve_data_file("../params/2020/北京市密云区穆家峪镇.yaml") == (ROOT / EXAMPLE).resolve()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Exception, match="找不到数据文件"):
        resolve_data_file("../params/2020/无此机关.yaml")


@pytest.mark.slow
def test_papermill_and_nbconvert_give_the_published_page(tmp_path):
    # The checkout's template where an install puts it (a data folder of nbconvert's template path):
    # the wheel carries it to <prefix>/share/jupyter/nbconvert/templates/govkit, scripts/setup links it there.
    data = tmp_path / "jupyter"
    (data / "nbconvert" / "templates").mkdir(parents=True)
    (data / "nbconvert" / "templates" / "govkit").symlink_to(
        ROOT / "govkit" / "render" / "templates" / "nbconvert" / "govkit"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_PATH": str(data)}
    bin_dir = Path(sys.executable).parent
    out = tmp_path / "out.ipynb"
    run = subprocess.run(
        [
            str(bin_dir / "papermill"),
            "notebooks/report.ipynb",
            str(out),
            "-p",
            "data_file",
            EXAMPLE,
            "--no-progress-bar",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    run = subprocess.run(
        [str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--template", "govkit", str(out)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    plain = (tmp_path / "out.html").read_text(encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "govkit", "render", EXAMPLE, "--out", str(tmp_path / "build"), "--no-tujie", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    published = (tmp_path / "build" / "public" / "2020" / "北京市密云区穆家峪镇.html").read_text(encoding="utf-8")
    assert plain == published
