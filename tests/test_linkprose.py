"""`govkit link-prose`: typed numbers that state exactly one cell become references; nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit import datafile
from govkit.linkprose import plan
from govkit.references import resolve
from govkit.render import render_page

TYPED = "本年共收到申请0件，上年结转1件，行政复议1件，其中结果纠正1件。无法提供1件。办结1件。"


@pytest.fixture(scope="module")
def cli():
    from govkit.cli import _register, app

    _register()
    return app


def _run(cli, *args: str):
    result = CliRunner().invoke(cli, ["link-prose", *args])
    assert "Traceback" not in result.output
    return result


def test_acceptance_bundled_example_leaves_183_alone_and_renders_identically(cli, params_copy):
    path = next(params_copy.rglob("*.yaml"))
    before_html = render_page(datafile.load(path))
    before_bytes = path.read_bytes()
    result = _run(cli, str(params_copy), "--write")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "183" in line and "主动公开" in line)
    assert "没有等于 183 的单元格" in line
    assert "替换 0 处" in result.output
    assert path.read_bytes() == before_bytes  # nothing to link: the file is untouched
    assert render_page(datafile.load(path)) == before_html


def test_acceptance_replaces_only_single_cell_matches_and_renders_identically(cli, params_copy):
    path = next(params_copy.rglob("*.yaml"))
    report = datafile.load(path)
    report.sections["三"] = TYPED
    datafile.save(report, path)
    before_html = render_page(datafile.load(path))
    dry = _run(cli, str(path))
    assert "未写入（加 --write" in dry.output
    assert datafile.load(path).sections["三"] == TYPED
    result = _run(cli, str(path), "--write")
    assert result.exit_code == 0, result.output
    after = datafile.load(path)
    assert after.sections["三"] == (
        "本年共收到申请{{表三 一 总计}}件，上年结转{{表三 二 总计}}件，行政复议{{表四 行政复议 总计}}件，"
        "其中结果纠正1件。无法提供{{表三 三（四） 总计}}件。办结{{表三 三（七） 总计}}件。"
    )
    assert render_page(after) == before_html
    # 183 and the other section-一 numbers are untouched; the file's other sections are kept exactly
    assert after.sections["一"] == report.sections["一"]
    assert "183" in result.output and "没有等于 183 的单元格" in result.output
    # 结果纠正1件 is in a clause without 行政复议: many cells hold 1, so it is left alone, with the reason
    assert "不作猜测" in result.output
    # every reference written names one cell and prints the number that was typed
    for change in plan(report).changes:
        assert resolve(report, change.reference).display == change.number


def test_never_guesses_between_two_cells(example_report):
    report = example_report
    fmt = report.format
    # 行政许可 and 行政处罚 both 3 in a clause that names both: two candidates, no change
    for row_id in (("art20_5", "licensing"), ("art20_6", "penalty")):
        row = fmt.row("二", *row_id)
        report.set("二", row, fmt.column("二", "decisions", part=row_id[0]), 3)
    report.sections["二"] = "全年作出行政许可和行政处罚处理决定数量3件。"
    found = plan(report)
    assert not found.changes
    (left,) = [item for item in found.left if item.number == "3"]
    assert "有 2 个单元格都可能是它" in left.reason
    report.sections["二"] = "全年作出行政处罚处理决定数量3件。"
    (change,) = plan(report).changes
    assert change.reference == "{{表二 第二十条第（六）项 行政处罚 处理决定数量}}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("本年共收到申请０件。", "全角"),
        ("本年共收到申请零件。", "中文数字"),
        ("收到申请比上年增加1件。", "比较"),
        ("本年共收到申请5件。", "表中为 0，与 5 不一致"),
        ("办理时限为15个工作日。", "没有等于 15"),
    ],
)
def test_numbers_left_alone_say_why(example_report, text, reason):
    example_report.sections["三"] = text
    found = plan(example_report)
    assert not found.changes
    assert any(reason in item.reason for item in found.left if item.section == "三"), found.left


def test_existing_references_are_kept(example_report):
    example_report.sections["三"] = "本年共收到申请{{表三 一 总计}}件，上年结转1件。"
    found = plan(example_report)
    assert [c.number for c in found.changes] == ["1"]
    new = found.apply(example_report)
    assert new.sections["三"] == "本年共收到申请{{表三 一 总计}}件，上年结转{{表三 二 总计}}件。"


def test_missing_path_is_one_line(cli, tmp_path: Path):
    result = _run(cli, str(tmp_path / "nope"))
    assert result.exit_code != 0
