"""Figures in prose drawn from the tables: grammar, filling, the check, and the prose checks."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit import datafile
from govkit.checks import run_checks
from govkit.model import Report
from govkit.references import ReferenceError, cells, fill, mask, problems, reference_for, resolve
from govkit.render import render_page

SENTENCE = "本年共收到申请{{表三 一 总计}}件，结转{{表三 二 总计}}件。"


@pytest.fixture(scope="module")
def cli():
    from govkit.cli import _register, app

    _register()
    return app


def _check_json(cli, path: Path) -> list[dict]:
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert "Traceback" not in result.output
    return json.loads(result.output)


def _append(path: Path, sid: str, text: str) -> Report:
    report = datafile.load(path)
    report.sections[sid] = report.sections[sid] + "\n" + text
    datafile.save(report, path)
    return report


def _key(record: dict) -> tuple:
    return tuple(record[k] for k in ("rule", "severity", "table", "row", "column", "section", "message"))


def test_acceptance_reference_sentence_adds_no_finding_and_renders_numbers(cli, params_copy):
    path = next(params_copy.rglob("*.yaml"))
    before = _check_json(cli, params_copy)
    _append(path, "一", SENTENCE)
    assert SENTENCE in path.read_text(encoding="utf-8")  # the data file keeps the references
    after = _check_json(cli, params_copy)
    assert sorted(map(_key, after)) == sorted(map(_key, before))
    html = render_page(datafile.load(path))
    assert "本年共收到申请0件，结转1件。" in html
    assert "{{" not in html


def test_acceptance_unknown_reference_is_an_error_naming_it_and_its_section(cli, params_copy):
    path = next(params_copy.rglob("*.yaml"))
    _append(path, "一", "本年共收到申请{{表三 九 总计}}件。")
    records = [r for r in _check_json(cli, params_copy) if r["rule"] == "prose-reference"]
    assert len(records) == 1
    record = records[0]
    assert record["severity"] == "error"
    assert record["section"] == "一"
    assert "{{表三 九 总计}}" in record["message"]
    assert "一、总体情况" in record["message"]
    assert "本年共收到申请{{表三 九 总计}}件。" in record["message"]
    # an unresolvable reference is never filled with a guess
    assert "{{表三 九 总计}}" in render_page(datafile.load(path))


@pytest.mark.parametrize(
    ("text", "value", "places"),
    [
        ("{{表三 一 总计}}", 0, ["一、本年新收政府信息公开申请数量"]),
        ("{{表三 三（四）1 自然人}}", 1, ["1.本机关不掌握相关政府信息"]),
        ("{{表三　三（四）１ 自然人}}", None, None),  # full-width digits are not the printed numbering
        ("{{表四 行政复议 总计}}", 1, ["行政复议"]),
        ("{{表四 行政复议 结果纠正}}", 1, ["结果纠正"]),
        ("{{表二 第二十条第（一）项 规范性文件 本年新制作数量}}", 10, ["规范性文件"]),
        ("{{表二 规范性文件 对外公开总数量}}", 21, ["规范性文件"]),
        ("{{表三 （四） 总计}}", 1, ["（四）无法提供"]),  # a group without subtotal row: the sum of its rows
        ("{{表三 二 总计 + 表四 行政复议 总计}}", 2, ["二、上年结转政府信息公开申请数量", "行政复议"]),
        ("{{ 表三 予以公开 总计 ＋ 表三 部分公开 总计 }}", 0, ["（一）予以公开", "（二）部分公开"]),
        ("{{表二 行政检查 处理决定数量}}", 0, ["行政检查"]),  # a local sub-row by its name
    ],
)
def test_grammar_on_the_bundled_example(example_report, text, value, places):
    if value is None:
        with pytest.raises(ReferenceError):
            resolve(example_report, text)
        return
    resolved = resolve(example_report, text)
    assert resolved.value == value
    assert len(resolved.cells) == len(places)
    for cell, label in zip(resolved.cells, places, strict=True):
        assert any(part.startswith(label) for part in (*cell.row, *cell.column))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{{表三 九 总计}}", "找不到"),
        ("{{表四 总计}}", "可指 3 个单元格"),
        ("{{表三 1 总计}}", "可指 3 个单元格"),
        ("{{表三 三 总计}}", "找不到"),  # 三、本年度办理结果 holds （七）总计: not summable
        ("{{表五 一 总计}}", "应以表名开头"),
        ("{{表三 一 总计 + }}", "空的一项"),
        ("{{表三 一}}", "请写明列"),
        ("{{表二 第二十条第（一）项 规章 本年制发件数}}", "找不到"),  # a 2021 label in a 2019 report
        ("{{表三 一 总计 + 表二 第二十条第（九）项 政府集中采购 采购总金额}}", "金额与件数"),
    ],
)
def test_unknown_or_ambiguous_references_are_refused(example_report, text, reason):
    with pytest.raises(ReferenceError) as caught:
        resolve(example_report, text)
    assert reason in caught.value.reason
    assert text in caught.value.reason


def test_2021_labels_and_amount_decimals(consistent_report):
    report = consistent_report
    fmt = report.format
    row = fmt.row("二", "art20_1", "rules")
    col = fmt.column("二", "issued", part="art20_1")
    report.set("二", row, col, 3)
    assert resolve(report, "{{表二 第二十条第（一）项 规章 本年制发件数}}").value == 3
    fee_row = fmt.row("二", "art20_8", "fees")
    fee_col = next(path for part in fmt.table("二").parts if part.id == "art20_8" for path, _ in part.leaf_columns())
    report.set("二", fee_row, fee_col, Decimal("1.50"))
    ref = reference_for(report, "二", fee_row, fee_col)
    assert resolve(report, ref).display == "1.50"
    # 2021: （六）其他处理 is a group of three rows, so it can be summed
    assert resolve(report, "{{表三 三（六） 总计}}").value == report.sum_rows(
        "三", fmt.row("三", "outcomes", "other_handling"), fmt.column("三", "total")
    )


def test_blank_cell_is_refused_not_filled(example_report):
    report = example_report
    row = report.format.row("三", "received")
    report.set("三", row, report.format.column("三", "total"), None)
    with pytest.raises(ReferenceError, match="空白"):
        resolve(report, "{{表三 一 总计}}")
    assert fill(report, "收到{{表三 一 总计}}件") == "收到{{表三 一 总计}}件"
    # the blank cell is reported by the cell checks, not once more per reference
    report.sections["三"] = "收到{{表三 一 总计}}件。"
    assert not list(problems(report))


@pytest.mark.parametrize("year", [2020, 2022])
def test_every_cell_has_a_reference_that_names_it_alone(year):
    from govkit.synthetic import synthetic_report

    report = synthetic_report("示例镇一", year)
    for table_id in report.format.tables:
        for cell in cells(report, table_id):
            text = reference_for(report, table_id, cell.row, cell.column)
            assert REF_SHAPE.fullmatch(text), text
            assert resolve(report, text).cells == (cell,)


REF_SHAPE = re.compile(r"\{\{表[二三四]( \S+)+\}\}")


def test_reference_for_uses_printed_numbering(example_report):
    fmt = example_report.format
    assert (
        reference_for(
            example_report, "三", fmt.row("三", "outcomes", "withheld", "state_secret"), fmt.column("三", "natural")
        )
        == "{{表三 三（三）1 自然人}}"
    )
    assert reference_for(example_report, "四", (), fmt.column("四", "review", "total")) == "{{表四 行政复议 总计}}"
    assert (
        reference_for(example_report, "二", fmt.row("二", "art20_1", "rules"), fmt.column("二", "made", part="art20_1"))
        == "{{表二 第二十条第（一）项 规章 本年新制作数量}}"
    )


def test_stray_braces_and_line_breaks_are_reported(example_report):
    report = example_report
    report.sections["五"] = "存在问题{{表三 一\n总计}}件。另有}}。"
    found = list(problems(report))
    assert [p.text for p in found] == ["{{", "}}", "}}"]
    assert all(p.section == "五" for p in found)
    findings = [f for f in run_checks(report) if f.rule == "prose-reference"]
    assert len(findings) == 3 and all(f.severity == "error" for f in findings)


def test_prose_checks_skip_references_and_keep_checking_typed_numbers(example_report):
    report = example_report
    report.sections["一"] = "本年度工作情况良好。"
    # a reference to a cell that is not the quantity the sentence talks about is not second-guessed
    report.sections["三"] = "本年共收到申请{{表三 二 总计}}件。"
    assert not [f for f in run_checks(report) if f.rule.startswith("prose")]
    report.sections["三"] = "本年共收到申请{{表三 一 总计}}件，办结5件。"
    found = [f for f in run_checks(report) if f.rule == "prose-numbers"]
    assert len(found) == 1 and "办结5件" in found[0].message and found[0].expected == "5"
    # a reference as the total of a breakdown is not replaced by an earlier typed number
    report.sections["三"] = "共有7条。主动公开{{表二 规范性文件 本年新公开数量}}条，其中，工作动态3条，其他5条。"
    assert not [f for f in run_checks(report) if f.rule == "prose-sum"]
    assert "〔引用〕" in mask("{{表三 一 总计}}")
