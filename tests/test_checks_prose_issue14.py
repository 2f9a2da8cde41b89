"""Prose checks on phrasings from real reports (issue 14), with sentences of our own making."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govkit import datafile
from govkit.checks import run_checks
from govkit.model import Report
from govkit.synthetic import synthetic_report


@pytest.fixture
def report() -> Report:
    r = synthetic_report("示例镇", 2022, seed=3)
    for sid in ("preamble", "一", "二", "三", "四", "六"):
        r.sections[sid] = ""
    return r


def prose(r: Report, text: str, section: str = "三") -> list:
    r.sections[section] = text
    return [f for f in run_checks(r) if f.rule.startswith("prose")]


def t3(r: Report, *ids: str, col: str = "total"):
    f = r.format
    return r.get("三", f.row("三", *ids), f.column("三", col))


def blank_totals(r: Report) -> None:
    f = r.format
    total = f.column("三", "total")
    for row in r.rows("三"):
        r.cells["三"][(row, total)] = None


def test_blank_totals_are_computed_from_the_applicant_columns(report):
    both = t3(report, "outcomes", "disclosed") + t3(report, "outcomes", "partly")
    unavailable = sum(t3(report, "outcomes", "unavailable", k) for k in ("not_held", "needs_creation", "still_unclear"))
    blank_totals(report)
    text = f"本年度予以公开及部分公开{both}件，无法提供{unavailable}件。"
    assert prose(report, text) == []
    found = prose(report, f"本年度予以公开及部分公开{both + 1}件，无法提供{unavailable + 2}件。")
    # a sum of several cells is no one place in the tables: the place is the prose (actual = stated figure)
    assert sorted((f.table, f.expected, f.actual) for f in found) == sorted(
        [("", str(both), str(both + 1)), ("", str(unavailable), str(unavailable + 2))]
    )
    assert all("总计栏空白，按各申请人栏目之和" in f.message for f in found)
    assert all(f"“本年度予以公开及部分公开{both + 1}件，无法提供{unavailable + 2}件。”" in f.message for f in found)


def test_licensing_count_against_table_two(report):
    f = report.format
    n = report.get("二", f.row("二", "art20_5", "licensing"), f.column("二", "decisions", part="art20_5"))
    assert prose(report, f"全年共处理行政许可事项{n}件，均在法定期限内办结。", "二") == []
    (x,) = prose(report, f"全年共处理行政许可事项{n + 5}件，均在法定期限内办结。", "二")
    assert (x.rule, x.table, x.row[-1], x.expected, x.actual) == ("prose-numbers", "二", "行政许可", str(n + 5), str(n))
    assert "全年共处理行政许可事项" in x.message
    # a count of published items or online decisions is another quantity: not read as the row
    assert prose(report, f"公开行政许可信息{n + 5}条，网上办理行政许可{n + 5}件。", "二") == []


def test_stated_total_against_handled_and_carried_over(report):
    received, carried_in = t3(report, "received"), t3(report, "carried_in")
    handled, over = t3(report, "outcomes", "total"), t3(report, "carried_over")
    assert received + carried_in == handled + over
    fine = f"本年度总计收到政府信息公开申请{received}件。已办结{handled}件，结转下年度继续办理{over}件。"
    assert prose(report, fine) == []
    wrong = f"本年度总计收到政府信息公开申请{received}件。已办结{handled - 3}件，结转下年度继续办理{over}件。"
    found = [f for f in prose(report, wrong) if f.rule == "prose-balance"]
    assert [(f.expected, f.actual) for f in found] == [(str(handled - 3 + over), str(received))]
    assert wrong in found[0].message  # the sentences are quoted whole


def test_stated_published_total_against_the_channels_listed_after_it(report):
    ok = "全年主动公开政府信息1250条。通过门户网站公开800条，政务微博公开200条，政务微信公开250条。"
    assert prose(report, ok, "二") == []
    bad = "全年主动公开政府信息1250条，通过门户网站公开800条，政务微博公开200条，政务微信公开300条。"
    (x,) = prose(report, bad, "二")
    assert (x.rule, x.expected, x.actual) == ("prose-sum", "1300", "1250")
    assert "各公开渠道" in x.message
    # items that are not channels are not a breakdown of the total
    assert prose(report, "全年主动公开政府信息1250条，新增规范性文件800条，更新栏目300条。", "二") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "本年度未发生因政府信息公开被行政复议纠错的情况。",
        "本年度未发生政府信息公开行政诉讼败诉案件。",
        "全年没有行政复议被撤销的案件。",
    ],
)
def test_negated_outcomes_are_not_counts(report, sentence):
    f = report.format
    assert report.get("四", (), f.column("四", "review", "total")) or report.get(
        "四", (), f.column("四", "direct", "total")
    )
    assert prose(report, sentence, "四") == []


def test_negation_of_the_cases_themselves_still_counts(report):
    f = report.format
    review = report.get("四", (), f.column("四", "review", "total"))
    found = prose(report, "本年度未发生政府信息公开行政复议案件。", "四")
    if review:
        assert [(x.expected, x.actual) for x in found] == [("0", str(review))]
    else:
        assert found == []


PHRASINGS = Path(__file__).resolve().parent / "fixtures" / "prose_phrasing"


@pytest.mark.parametrize("name", sorted(p.stem for p in PHRASINGS.glob("*.yaml")))
def test_phrasing_fixture_gives_its_expected_findings(name: str) -> None:
    loaded = datafile.load(PHRASINGS / f"{name}.yaml")
    found = [
        {
            "rule": x.rule,
            "severity": x.severity,
            "place": x.place,
            "expected": x.expected,
            "actual": x.actual,
            "message": x.message,
        }
        for x in run_checks(loaded)
    ]
    assert found == json.loads((PHRASINGS / f"{name}.findings.json").read_text(encoding="utf-8"))


def test_phrasing_fixtures_cover_every_phrasing() -> None:
    names = {p.stem for p in PHRASINGS.glob("*.yaml")}
    assert names == {
        "blank_totals_disclosed_unavailable",
        "licensing_against_table_two",
        "total_against_handled_and_carried_over",
        "published_total_against_channels",
        "negated_correction_and_loss",
    }
    negated = datafile.load(PHRASINGS / "negated_correction_and_loss.yaml")
    f = negated.format
    assert negated.get("四", (), f.column("四", "review", "total"))  # "未发生…纠错" is not "行政复议 0 件"
