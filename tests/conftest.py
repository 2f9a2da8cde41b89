"""Shared fixtures: the bundled example and synthetic reports."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from govkit import datafile
from govkit.model import Report
from govkit.synthetic import synthetic_report

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = ROOT / "params" / "2020" / "北京市密云区穆家峪镇.yaml"
SEED_TEXT = FIXTURES / "seed_mujiayu_2020.txt"
from govkit.render.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401 - shared with the product

# Tests run as `.venv/bin/python -m pytest` without the venv on PATH: let subprocesses find the
# venv's own `govkit`, `jupyter` and `papermill` first.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
# The parsed-file cache of this test run (also for the kernels and workers tests start): private,
# fresh, and never the user's own.
os.environ["GOVKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="govkit-test-cache-")


@pytest.fixture
def example_path() -> Path:
    """The bundled example data file (read-only: copy it before changing it)."""
    return EXAMPLE


@pytest.fixture
def example_report() -> Report:
    return datafile.load(EXAMPLE)


@pytest.fixture
def params_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled params/ folder."""
    target = tmp_path / "params"
    shutil.copytree(ROOT / "params", target)
    return target


@pytest.fixture
def consistent_report() -> Report:
    """A synthetic 2021-format report that satisfies every arithmetic rule."""
    return synthetic_report("示例镇一", 2022)


@pytest.fixture
def browser_page() -> Iterator:
    """A 1600×1000 page of headless Debian Chromium (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(120_000)
            yield page
        finally:
            browser.close()
