"""Prose phrasings seen in real published reports (汉阳区政府办 2022, 穆家峪镇 2020)."""

from govkit.checks import run_checks
from govkit.model import Meta, Report

HANYANG = (
    "2022年,区政府办公室共收到8份政府信息公开申请,均为自然人申请。其中,予以公开2件,部分公开2件,"
    "属于四类过程性性信息1件,本办不掌握相关政府信息2件,其他1件(申请人自主撤销)。无下年度结转。"
)


def hanyang_like(carried_over: int = 0) -> Report:
    report = Report.blank(Meta(agency="示例区政府办公室", year=2022, level="部门"))
    f = report.format
    np_, tot = f.column("三", "natural"), f.column("三", "total")
    rows = {
        ("received",): 8 + carried_over,
        ("outcomes", "disclosed"): 2,
        ("outcomes", "partly"): 2,
        ("outcomes", "withheld", "process_info"): 1,
        ("outcomes", "unavailable", "not_held"): 2,
        ("outcomes", "other_handling", "other"): 1,
        ("outcomes", "total"): 8,
        ("carried_over",): carried_over,
    }
    for ids, n in rows.items():
        report.set("三", f.row("三", *ids), np_, n)
        report.set("三", f.row("三", *ids), tot, n)
    report.sections.update({"一": "总体情况。", "三": HANYANG, "五": "存在的问题及改进措施如下。", "六": "无"})
    return report


def prose(findings):
    return [(x.rule, x.expected, x.actual) for x in findings if x.rule.startswith("prose")]


def test_consistent_real_phrasing_gives_no_warning():
    assert prose(run_checks(hanyang_like())) == []


def test_received_in_fen_is_read():
    report = hanyang_like()
    report.sections["三"] = HANYANG.replace("共收到8份", "共收到9份")
    assert ("prose-numbers", "9", "8") in prose(run_checks(report))


def test_no_carry_over_stated_against_table():
    report = hanyang_like(carried_over=1)
    found = [x for x in run_checks(report) if x.rule == "prose-numbers"]
    assert any(x.row and x.row[-1] == "四、结转下年度继续办理" and x.expected == "0" and x.actual == "1" for x in found)


def test_all_handled_contradicts_carry_over():
    report = hanyang_like(carried_over=1)
    report.sections["三"] = "本年度共收到政府信息公开申请9件，已全部办结。"
    assert ("prose-numbers", "0", "1") in prose(run_checks(report))


def test_bundled_example_only_warns_about_its_own_sum(example_report):
    findings = run_checks(example_report)
    assert [x.severity for x in findings if x.severity == "error"] == []
    assert [x.rule for x in findings] == ["prose-sum"]
    assert "183" in findings[0].message and "182" in findings[0].message
