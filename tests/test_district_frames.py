"""The district notebook leaves its data as pandas DataFrames for analysts."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

from govkit.district import DistrictView

ROOT = Path(__file__).resolve().parents[1]


def test_frames_hold_findings_rollups_and_tidy_data():
    view = DistrictView.load(ROOT / "examples" / "synthetic")
    frames = view.frames()
    findings = frames["findings"]
    assert isinstance(findings, pd.DataFrame)
    errors = findings[findings["severity"] == "error"]
    assert set(errors["agency"]) == {"示例街道一", "示例镇三"}
    assert set(frames["rollup"]) == {"二", "三", "四"}
    assert all(isinstance(f, pd.DataFrame) and not f.empty for f in frames["rollup"].values())
    tidy = frames["tidy"]
    assert set(tidy["year"]) == {2020, 2021, 2022}
    received = tidy[
        (tidy["table"] == "三") & (tidy["row_id"] == "received") & (tidy["column_id"] == "applicants/total")
    ]
    pivot = received.pivot_table(index="agency", columns="year", values="number", aggfunc="sum")
    assert pivot.shape == (8, 3)
    assert len(frames["status"]) == len(view.status.agencies) * len(view.status.rules)


def test_district_notebook_names_the_frames_outside_the_page():
    nb = nbformat.read(ROOT / "notebooks" / "district.ipynb", as_version=4)
    analyst = [c for c in nb.cells if "view.frames()" in c.source or "pivot_table" in c.source]
    assert len(analyst) == 2 and all("remove" in c.metadata.get("tags", []) for c in analyst)
    source = "\n".join(c.source for c in analyst)
    for name in ("findings =", "rollup =", "tidy =", "status =", "pivot_table("):
        assert name in source
