"""Standard paragraphs: written with references, in both formats, consistent with the tables by construction."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from govkit import datafile
from govkit.checks import run_checks
from govkit.references import REFERENCE, fill, problems, resolve
from govkit.standard import add_standard_paragraphs, standard_paragraphs
from govkit.synthetic import synthetic_report

AGENCY = "北京市密云区穆家峪镇"


def _reports():
    return [datafile.load(Path(__file__).resolve().parents[1] / "params" / "2020" / f"{AGENCY}.yaml")] + [
        synthetic_report("示例镇一", year) for year in (2020, 2022)
    ]


@pytest.mark.parametrize("report", _reports(), ids=lambda r: f"{r.format.version}-{r.meta.year}")
def test_paragraphs_resolve_and_add_no_finding(report):
    before = {(f.rule, f.message) for f in run_checks(report)}
    paragraphs = standard_paragraphs(report)
    assert set(paragraphs) == {"二", "三", "四"}
    for text in paragraphs.values():
        refs = REFERENCE.findall(text)
        assert len(refs) >= 5
        filled = fill(report, text)
        assert "{{" not in filled and not re.search(r"[A-Za-z]", filled)
        assert not re.search(r"\d", REFERENCE.sub("", text))  # no typed number: every figure is a reference
    report.sections.update({sid: "" for sid in paragraphs})
    assert add_standard_paragraphs(report) == ["二", "三", "四"]
    assert not list(problems(report))
    after = {(f.rule, f.message) for f in run_checks(report)}
    assert after <= before


def test_numbers_are_the_tables(example_report):
    text = fill(example_report, standard_paragraphs(example_report)["三"])
    assert "共收到政府信息公开申请0件，上年结转政府信息公开申请1件" in text
    assert "无法提供1件" in text and "结转下年度继续办理0件" in text
    four = fill(example_report, standard_paragraphs(example_report)["四"])
    assert "被申请行政复议1件，其中结果维持0件，结果纠正1件" in four
    two = fill(example_report, standard_paragraphs(example_report)["二"])
    assert "规范性文件10件" in two and "采购总金额0.0000万元" in two


def test_existing_text_is_kept(example_report):
    example_report.sections["三"] = "本机关自行撰写的内容。"
    changed = add_standard_paragraphs(example_report)
    assert "三" not in changed and example_report.sections["三"] == "本机关自行撰写的内容。"
    add_standard_paragraphs(example_report, only_empty=False)
    assert example_report.sections["三"].startswith("本机关自行撰写的内容。\n本年度")


def test_cli_new_standard_text(tmp_path: Path, params_copy: Path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "govkit",
            "new",
            AGENCY,
            "--year",
            "2021",
            "--params",
            str(params_copy),
            "--standard-text",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "标准段落" in result.stdout
    new = datafile.load(params_copy / "2021" / f"{AGENCY}.yaml")
    assert "{{表二 第二十条第（一）项 规章 本年制发件数}}" in new.sections["二"]
    assert resolve(new, "{{表三 二 总计}}").value == 0  # carried over from 2020's 结转下年度 (0)
    assert not [f for f in run_checks(new) if f.rule == "prose-reference"]
