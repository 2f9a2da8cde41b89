"""`govkit new` and the carry-over from last year's report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govkit import datafile
from govkit.checks import run_checks
from govkit.model import Report
from govkit.newreport import NewReportError, create_next, new_from_previous
from govkit.synthetic import synthetic_report

AGENCY = "北京市密云区穆家峪镇"


def run_new(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govkit", "new", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def with_carried_over(example_path: Path, params: Path) -> dict:
    """Give the example a non-zero 结转下年度继续办理 (and a consistent table) so the carry-over shows."""
    report = datafile.load(params / "2020" / example_path.name)
    fmt = report.format
    over, received = fmt.row("三", "carried_over"), fmt.row("三", "received")
    values = {fmt.column("三", "natural"): 3, fmt.column("三", "commercial"): 2, fmt.column("三", "total"): 5}
    for col, n in values.items():
        report.set("三", over, col, n)
        report.set("三", received, col, n)
    datafile.save(report)
    return values


def test_cli_carries_2020_example_into_2021_format(tmp_path: Path, example_path: Path, params_copy: Path) -> None:
    values = with_carried_over(example_path, params_copy)
    result = run_new(AGENCY, "--year", "2021", "--params", str(params_copy), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    target = params_copy / "2021" / f"{AGENCY}.yaml"
    assert str(target) in result.stdout and "已新建" in result.stdout
    new = datafile.load(target)
    assert new.format.version == "2021" and new.meta.year == 2021
    fmt = new.format
    carried_in = fmt.row("三", "carried_in")
    for col in new.columns("三", carried_in):
        assert new.get("三", carried_in, col) == values.get(col, 0)
    assert "上年结转" in result.stdout and "自然人：3" in result.stdout
    m = new.meta
    assert (m.agency, m.short_name, m.level, m.district, m.published) == (
        AGENCY,
        "穆家峪镇",
        "乡镇",
        "北京市密云区",
        None,
    )
    assert all(not new.sections.get(s) for s in ("一", "二", "三", "四", "五", "六"))
    # 2019 → 2021: the local sub-rows of 其他对外管理服务事项 have no place in the new format
    assert not new.subrows["二"]
    # the carry-over rule agrees (t3-balance does not, until this year's outcomes are filled in)
    previous = datafile.load(params_copy / "2020" / example_path.name)
    assert not [f for f in run_checks(new, previous) if f.rule == "carryover"]


def test_cli_with_the_bundled_example_unchanged(tmp_path: Path, params_copy: Path) -> None:
    result = run_new(AGENCY, "--year", "2021", "--params", str(params_copy), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    new = datafile.load(params_copy / "2021" / f"{AGENCY}.yaml")
    carried_in = new.format.row("三", "carried_in")
    assert {new.get("三", carried_in, c) for c in new.columns("三", carried_in)} == {0}


def test_cli_refuses_to_overwrite(tmp_path: Path, params_copy: Path) -> None:
    assert run_new(AGENCY, "--year", "2021", "--params", str(params_copy), cwd=tmp_path).returncode == 0
    target = params_copy / "2021" / f"{AGENCY}.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("short_name: 穆家峪镇", "short_name: 已改"), encoding="utf-8"
    )
    before = target.read_bytes()
    result = run_new(AGENCY, "--year", "2021", "--params", str(params_copy), cwd=tmp_path)
    assert result.returncode == 2
    assert "文件已存在" in result.stderr and "Traceback" not in result.stderr
    assert target.read_bytes() == before
    assert not [
        p for p in target.parent.iterdir() if p.name.endswith(".tmp")
    ]  # no temporary file left (lock files stay)


def test_cli_missing_previous_and_blank(tmp_path: Path, params_copy: Path) -> None:
    result = run_new("北京市密云区不存在镇", "--year", "2021", "--params", str(params_copy), cwd=tmp_path)
    assert result.returncode == 2 and "找不到" in result.stderr and "Traceback" not in result.stderr
    result = run_new("北京市密云区新设镇", "--year", "2021", "--params", str(params_copy), "--blank", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert datafile.load(params_copy / "2021" / "北京市密云区新设镇.yaml").meta.year == 2021


def test_cli_accepts_last_years_file_and_default_params(tmp_path: Path, example_path: Path) -> None:
    shutil.copytree(example_path.parents[1], tmp_path / "params")
    result = run_new(str(tmp_path / "params" / "2020" / example_path.name), "--year", "2021", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "params" / "2021" / f"{AGENCY}.yaml").is_file()


def chain(year: int, seed: int) -> tuple[Report, Report]:
    previous = synthetic_report("示例镇丙", year, seed=seed)
    return previous, new_from_previous(previous, year + 1)


def test_2021_stock_carries_so_the_identity_holds() -> None:
    previous, new = chain(2021, 3)
    fmt = new.format
    in_force = fmt.column("二", "in_force", part="art20_1")
    for row_id in ("rules", "normative"):
        row = fmt.row("二", "art20_1", row_id)
        assert new.get("二", row, in_force) == previous.get("二", row, in_force)
        assert new.get("二", row, fmt.column("二", "issued", part="art20_1")) is None  # to fill: blank, not 0
    assert not [f for f in run_checks(new, previous) if f.rule in ("t2-stock", "carryover")]


def test_2019_stock_starts_blank_in_2021() -> None:
    previous, new = chain(2020, 4)
    in_force = new.format.column("二", "in_force", part="art20_1")
    assert {new.get("二", row, in_force) for row in new.rows("二") if row[0] == "第二十条第（一）项"} == {None}


def test_2019_items_and_local_subrows_carry(example_report: Report) -> None:
    fmt = example_report.format
    split = fmt.row("二", "art20_5", "other_services")
    items, change = (
        fmt.column("二", "items_last_year", part="art20_5"),
        fmt.column("二", "items_change", part="art20_5"),
    )
    example_report.meta.year = 2019
    example_report.set("二", (*split, "行政检查"), items, 4)
    example_report.set("二", (*split, "行政检查"), change, -1)
    penalty = fmt.row("二", "art20_6", "penalty")
    items6, change6 = (
        fmt.column("二", "items_last_year", part="art20_6"),
        fmt.column("二", "items_change", part="art20_6"),
    )
    example_report.set("二", penalty, items6, 10)
    example_report.set("二", penalty, change6, 2)
    new = new_from_previous(example_report, 2020)
    assert new.format.version == "2019"
    assert new.subrows["二"] == example_report.subrows["二"]
    assert new.cells["二"][((*split, "行政检查"), items)] == 3
    assert new.cells["二"][((*split, "行政检查"), change)] is None
    assert new.get("二", penalty, items6) == 12
    total = fmt.column("二", "published_total", part="art20_1")
    normative = fmt.row("二", "art20_1", "normative")
    assert new.get("二", normative, total) == 21
    assert not [f for f in run_checks(new, example_report) if f.rule == "t2-items"]
    # round trip through the data file
    assert datafile.loads(datafile.dumps(new)).cells == new.cells


def test_blank_carries_as_blank_and_year_must_advance(example_report: Report) -> None:
    fmt = example_report.format
    over, natural = fmt.row("三", "carried_over"), fmt.column("三", "natural")
    example_report.set("三", over, natural, None)
    new = new_from_previous(example_report, 2021)
    assert new.get("三", new.format.row("三", "carried_in"), natural) is None
    with pytest.raises(NewReportError):
        new_from_previous(example_report, 2020)


def test_create_next_library(tmp_path: Path, params_copy: Path) -> None:
    path = create_next(AGENCY, 2021, params_copy)
    assert path == params_copy / "2021" / f"{AGENCY}.yaml"
    with pytest.raises(NewReportError, match="文件已存在"):
        create_next(AGENCY, 2021, params_copy)
