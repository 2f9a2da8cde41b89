"""`govkit check` on folders: grouping, last year's file, JSON output, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit import datafile
from govkit.checks.files import check_paths
from govkit.findings import FINDING_COLUMNS

CHECKS = Path(__file__).resolve().parent / "fixtures" / "checks"


@pytest.fixture(scope="module")
def cli():
    from govkit.cli import _register, app

    if not any(c.name == "check" for c in app.registered_commands):
        _register()
    return app


def run(cli, *args: str):
    result = CliRunner().invoke(cli, ["check", *args])
    assert "Traceback" not in result.output
    return result


def test_bundled_example_has_no_errors(cli, params_copy):
    result = run(cli, str(params_copy))
    assert result.exit_code == 0, result.output
    assert "北京市密云区穆家峪镇" in result.output
    assert "共检查 1 个文件：错误 0 个，警告 1 个" in result.output
    assert "prose-sum" in result.output


def test_json_output_has_finding_fields_and_file(cli, params_copy):
    result = run(cli, str(params_copy), "--format", "json")
    records = json.loads(result.output)
    assert len(records) == 1
    assert set(records[0]) == {*FINDING_COLUMNS, "file"}
    assert records[0]["file"].endswith("北京市密云区穆家峪镇.yaml")


def test_previous_year_is_found_in_the_sibling_year_folder(cli, tmp_path):
    params = tmp_path / "params"
    shutil.copytree(CHECKS / "carryover_mismatch", params)
    current = params / "2021" / "示例镇甲.yaml"
    renamed = params / "2020" / "另一个文件名.yaml"  # found by meta.agency, not by file name
    (params / "2020" / "示例镇甲.yaml").rename(renamed)
    result = run(cli, str(current), "--format", "json")
    assert result.exit_code == 1
    records = json.loads(result.output)
    assert [(r["rule"], r["place"], r["row"], r["column"], r["expected"], r["actual"]) for r in records] == [
        (
            "carryover",
            "表三 / 二、上年结转政府信息公开申请数量 / 申请人情况 / 自然人",
            ["二、上年结转政府信息公开申请数量"],
            ["申请人情况", "自然人"],
            "0",
            "1",
        ),
        (
            "carryover",
            "表三 / 二、上年结转政府信息公开申请数量 / 申请人情况 / 总计",
            ["二、上年结转政府信息公开申请数量"],
            ["申请人情况", "总计"],
            "2",
            "3",
        ),
    ]
    (result_2021,) = check_paths([current])
    assert result_2021.previous == renamed


def test_table_output_groups_by_agency_and_exits_1_on_errors(cli):
    result = run(cli, str(CHECKS))
    assert result.exit_code == 1
    out = result.output
    assert out.index("示例镇甲") < out.index("carryover") < out.index("示例镇乙") < out.index("format-year")
    assert "共检查 3 个文件：错误 3 个，警告 0 个" in out


def test_unreadable_file_among_good_ones(cli, params_copy):
    (params_copy / "2020" / "坏文件.yaml").write_text("meta: [\n", encoding="utf-8")
    result = run(cli, str(params_copy))
    assert result.exit_code == 1
    assert "坏文件.yaml" in result.output and "无法读取" in result.output


def test_bad_format_option_and_empty_folder(cli, tmp_path):
    assert run(cli, str(tmp_path), "--format", "xml").exit_code == 2
    result = run(cli, str(tmp_path))
    assert result.exit_code == 2 and "没有找到数据文件" in result.output


def test_saved_report_checks_the_same_as_in_memory(tmp_path, example_report):
    path = datafile.save(example_report, datafile.default_path(tmp_path, example_report.meta))
    (result,) = check_paths([path])
    assert [f.rule for f in result.findings] == ["prose-sum"]
