"""Each rule: a passing and a failing report, with the exact place of the finding."""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from govkit import datafile
from govkit.checks import registry, run_checks
from govkit.formats import load_format
from govkit.model import Report
from govkit.synthetic import synthetic_report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
RULES = {
    "t3-balance",
    "t3-outcome-total",
    "t3-row-total",
    "t4-total",
    "cell-type",
    "cell-blank",
    "cell-unreadable",
    "format-year",
    "sections",
    "section-thin",
    "deadline",
    "carryover",
    "t2-stock",
    "t2-items",
    "prose-similar",
    "prose-numbers",
    "prose-sum",
    "prose-balance",
}


def only(report: Report, rule: str, previous: Report | None = None):
    return run_checks(report, previous, rules=[rule])


def chained(year: int, seed: int = 0, agency: str = "示例镇") -> tuple[Report, Report]:
    """Last year's and this year's synthetic reports, carry-over consistent."""
    prev = synthetic_report(agency, year - 1, seed)
    f = prev.format
    carried = {c: prev.get("三", f.row("三", "carried_over"), c) for c, _ in f.table("三").parts[0].leaf_columns()}
    return prev, synthetic_report(agency, year, seed, carried_in=carried)


def bump(report: Report, table: str, row, col, delta: int = 1) -> None:
    report.set(table, row, col, report.get(table, row, col) + delta)


@pytest.fixture(params=[2020, 2022], ids=["format2019", "format2021"])
def good(request) -> Report:
    return synthetic_report("示例镇", request.param, seed=7)


def test_every_rule_is_registered_with_kebab_id_and_chinese_description():
    run_checks(synthetic_report("示例镇", 2022))
    ids = {rule.id for rule in registry}
    assert RULES <= ids
    for rule in registry:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id)
        assert re.search(r"[\u4e00-\u9fff]", rule.description) and "\n" not in rule.description


def test_consistent_reports_have_no_findings(good):
    assert run_checks(good) == []


def test_bundled_example_has_no_errors_and_only_the_real_prose_sum_warning(example_report):
    findings = run_checks(example_report)
    assert [f.severity for f in findings] == ["warning"]
    (f,) = findings
    assert (f.rule, f.section, f.expected, f.actual) == ("prose-sum", "一", "182", "183")
    assert "主动公开183条" in f.message and "工作动态47" in f.message


# --- R1–R4 -------------------------------------------------------------------------------------


def test_t3_balance(good):
    f = good.format
    natural, total = f.column("三", "natural"), f.column("三", "total")
    over = f.row("三", "carried_over")
    assert only(good, "t3-balance") == []
    bump(good, "三", over, natural)
    bump(good, "三", over, total)
    found = only(good, "t3-balance")
    assert [(x.table, x.row, x.column) for x in found] == [("三", (), natural), ("三", (), total)]
    assert int(found[0].actual) == int(found[0].expected) + 1
    # One canonical place: full official label paths, and the message starts with the same string.
    assert found[0].place == "表三 / 申请人情况 / 自然人"
    assert found[0].message.startswith(found[0].place + "：")


def test_t3_outcome_total(good):
    f = good.format
    last_outcome = [r for r in good.rows("三") if r[0] == "三、本年度办理结果"][-2]  # the row before （七）总计
    col = f.column("三", "research")
    assert only(good, "t3-outcome-total") == []
    bump(good, "三", last_outcome, col, 2)
    (x,) = only(good, "t3-outcome-total")
    assert (x.table, x.row, x.column) == ("三", ("三、本年度办理结果", "（七）总计"), col)
    assert int(x.expected) == int(x.actual) + 2
    if f.version == "2021":
        assert last_outcome[-1] == "3.其他"


def test_t3_row_total_message_names_the_place():
    report = synthetic_report("示例镇", 2022, seed=3)
    f = report.format
    row, total = f.row("三", "received"), f.column("三", "total")
    before = report.get("三", row, total)
    bump(report, "三", row, f.column("三", "commercial"))
    (x,) = only(report, "t3-row-total")
    assert (x.rule, x.severity, x.table, x.row, x.column) == ("t3-row-total", "error", "三", row, total)
    assert (x.expected, x.actual) == (str(before + 1), str(before))
    assert (
        x.message
        == f"表三 / 一、本年新收政府信息公开申请数量 / 申请人情况 / 总计：应为 {before + 1}（自然人+法人或其他组织各项之和），实为 {before}"
    )


def test_t4_total(good):
    f = good.format
    assert only(good, "t4-total") == []
    bump(good, "四", (), f.column("四", "after_review", "corrected"))
    (x,) = only(good, "t4-total")
    assert (x.table, x.row, x.column) == ("四", (), ("行政诉讼", "复议后起诉", "总计"))
    assert int(x.expected) == int(x.actual) + 1
    assert x.message.startswith("表四 / 行政诉讼 / 复议后起诉 / 总计：应为")


# --- cells -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (-1, "不能为负数"),
        (Decimal("1.5"), "应填整数，实为小数 1.5"),
        (True, "实为「True」"),
        ("三", "实为文字「三」"),
        (1.0, "float"),
    ],
)
def test_cell_type_counts(value, fragment):
    report = synthetic_report("示例镇", 2022)
    f = report.format
    row, col = f.row("三", "outcomes", "withheld", "state_secret"), f.column("三", "natural")
    assert only(report, "cell-type") == []
    report.set("三", row, col, value)
    (x,) = only(report, "cell-type")
    assert (x.table, x.row, x.column) == ("三", row, col) and fragment in x.message


def test_cell_type_signed_and_amounts():
    report = synthetic_report("示例镇", 2020)
    change = (("第二十条第（六）项", "行政处罚"), ("本年增/减",))
    amount = (("第二十条第（九）项", "政府集中采购"), ("采购总金额",))
    report.set("二", *change, -7)
    report.set("二", *amount, Decimal("12.3456"))
    assert only(report, "cell-type") == []
    report.set("二", *amount, Decimal("12.34567"))
    report.set("二", *change, Decimal("1.5"))
    found = {(x.row, x.column): x for x in only(report, "cell-type")}
    assert set(found) == {change, amount}
    assert "最多 4 位小数" in found[amount].message
    report.set("二", *amount, Decimal("-1"))
    (x,) = [x for x in only(report, "cell-type") if (x.row, x.column) == amount]
    assert "不小于 0" in x.message


def test_cell_blank_one_finding_per_table_part_including_local_subrows(example_report):
    report = example_report
    assert only(report, "cell-blank") == []
    sub = ("第二十条第（五）项", "其他对外管理服务事项", "行政确认")
    report.cells["二"][(sub, ("处理决定数量",))] = None
    report.cells["四"][((), ("行政复议", "总计"))] = None
    report.cells["四"][((), ("行政诉讼", "复议后起诉", "结果维持"))] = None
    found = only(report, "cell-blank")
    assert [(x.table, x.row, x.column, x.severity) for x in found] == [
        ("二", sub, ("处理决定数量",), "error"),  # one blank in the part: its very cell
        ("四", (), (), "error"),
    ]
    assert (
        found[0].message
        == "表二 / 第二十条第（五）项：1 个单元格空白，没有数据时应填 0（其他对外管理服务事项 / 行政确认：处理决定数量）"
    )
    assert found[1].message == (
        "表四：2 个单元格空白，没有数据时应填 0（行政复议 / 总计、行政诉讼 / 复议后起诉 / 结果维持）"
    )


def test_cell_blank_groups_a_hundred_blanks_into_a_few_lines(example_report):
    report = example_report
    blanks = 0
    for (row, col), _ in list(report.cells["三"].items()):
        if col[-1] in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"):
            report.cells["三"][(row, col)] = None  # the legal-person columns left empty
            blanks += 1
    assert blanks > 100
    (x,) = only(report, "cell-blank")
    assert x.table == "三" and x.actual == f"{blanks} 个单元格空白" and str(blanks) in x.message
    assert x.message.count("法律服务机构") == blanks // 5


def test_unreadable_text_is_named_not_called_blank(example_report):
    report = example_report
    row = ("第二十条第（一）项", "规章")
    report.set_raw("二", row, ("本年新制作数量",), "abc")
    report.set_raw("二", row, ("本年新公开数量",), "-2")
    assert only(report, "cell-blank") == []
    found = only(report, "cell-unreadable")
    assert [(x.row, x.column, x.actual, x.severity) for x in found] == [
        (row, ("本年新制作数量",), "abc", "error"),
        (row, ("本年新公开数量",), "-2", "error"),
    ]
    assert "「abc」不是数字" in found[0].message and "单元格空白" not in found[0].message
    assert "「-2」不是非负整数" in found[1].message
    assert all(x.rule != "cell-type" for x in run_checks(report))


# --- structure -----------------------------------------------------------------------------------


def test_format_year():
    assert only(synthetic_report("示例镇", 2021), "format-year") == []
    old = datafile.load(FIXTURES / "old_format_2022.yaml")
    (x,) = only(old, "format-year")
    assert (x.expected, x.actual, x.severity) == ("2021", "2019", "error") and "使用旧格式" in x.message
    early = synthetic_report("示例镇", 2020, fmt=load_format("2021"))
    assert [x.actual for x in only(early, "format-year")] == ["2021"]


def test_sections(good):
    assert only(good, "sections") == []
    good.sections["六"] = "无"
    assert only(good, "sections") == []
    good.sections["一"] = "  \n"
    del good.sections["五"]
    for key in good.cells["三"]:
        good.cells["三"][key] = None
    found = only(good, "sections")
    assert [(x.section, x.actual) for x in found] == [("一", "内容为空"), ("三", "空表"), ("五", "缺少")]
    assert found[0].message == "一、总体情况：内容为空"


def test_section_thin(example_report):
    assert only(example_report, "section-thin") == []
    example_report.sections["五"] = "无"
    (x,) = only(example_report, "section-thin")
    assert (x.section, x.severity, x.actual) == ("五", "warning", "1 字")


@pytest.mark.parametrize(
    ("level", "published", "due"),
    [
        ("部门", date(2021, 2, 1), "2021-01-31"),
        ("部门", date(2021, 1, 31), None),
        ("区县政府", date(2021, 4, 1), "2021-03-31"),
        ("市政府", date(2021, 3, 31), None),
        ("乡镇", date(2021, 12, 1), None),
        ("部门", None, None),
    ],
)
def test_deadline(level, published, due):
    report = synthetic_report("示例局", 2020, level=level)
    report.meta.published = published
    found = only(report, "deadline")
    assert [x.expected for x in found] == ([due] if due else [])
    if due:
        assert found[0].actual == published.isoformat() and found[0].severity == "warning"


# --- cross-year ----------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2020, 2021, 2023], ids=["2019to2020", "2020to2021", "2022to2023"])
def test_carryover(year):
    prev, cur = chained(year)
    assert only(cur, "carryover", prev) == []
    assert only(cur, "carryover") == []  # cross-year rules need last year's report
    f = cur.format
    row, col = f.row("三", "carried_in"), f.column("三", "legal_services")
    bump(cur, "三", row, col, 3)
    (x,) = only(cur, "carryover", prev)
    assert (x.table, x.row, x.column, x.severity) == ("三", row, col, "error")
    assert int(x.actual) == int(x.expected) + 3
    other_year = synthetic_report("示例镇", year - 2)
    assert only(cur, "carryover", other_year) == []  # not last year's report: nothing to compare


def stock_chain() -> tuple[Report, Report]:
    prev, cur = chained(2022)
    f = cur.format
    issued, repealed, in_force = (f.column("二", c, part="art20_1") for c in ("issued", "repealed", "in_force"))
    for row in (f.row("二", "art20_1", "rules"), f.row("二", "art20_1", "normative")):
        last = prev.get("二", row, in_force)
        cur.set("二", row, repealed, min(cur.get("二", row, repealed), last))
        cur.set("二", row, in_force, last + cur.get("二", row, issued) - cur.get("二", row, repealed))
    return prev, cur


def test_t2_stock():
    prev, cur = stock_chain()
    assert only(cur, "t2-stock", prev) == []
    f = cur.format
    row, col = f.row("二", "art20_1", "normative"), f.column("二", "in_force", part="art20_1")
    bump(cur, "二", row, f.column("二", "issued", part="art20_1"))
    (x,) = only(cur, "t2-stock", prev)
    assert (x.table, x.row, x.column, x.severity) == ("二", row, col, "warning")
    assert int(x.expected) == int(x.actual) + 1
    prev19, cur20 = chained(2020)
    assert only(cur20, "t2-stock", prev19) == []  # 2019 format has no 现行有效件数


def items_chain(split_prev: list[str] | None, split_cur: list[str] | None) -> tuple[Report, Report]:
    prev, cur = chained(2020)
    row = ("第二十条第（五）项", "其他对外管理服务事项")
    if split_prev:
        prev.split_row("二", row, split_prev)
    if split_cur:
        cur.split_row("二", row, split_cur)
    items, change = ("上一年项目数量",), ("本年增/减",)
    for r in prev.rows("二"):
        if (r, items) in prev.cells["二"]:
            prev.cells["二"][(r, items)] = 5
            prev.cells["二"][(r, change)] = -2 if "行政检查" in r else 1
    for r in cur.rows("二"):
        if (r, items) in cur.cells["二"]:
            official = cur.official_row("二", r)
            if split_prev and split_cur and split_prev == split_cur:
                source = prev.cells["二"][(r, items)] + prev.cells["二"][(r, change)]
            else:
                source = prev.get("二", official, items) + prev.get("二", official, change)
                if r != official:  # put the official total on the first sub-row
                    source = source if r[-1] == split_cur[0] else 0
            cur.cells["二"][(r, items)] = source
    return prev, cur


@pytest.mark.parametrize(
    ("split_prev", "split_cur"),
    [
        (None, None),
        (["行政检查", "行政确认"], ["行政检查", "行政确认"]),
        (["行政检查", "行政确认"], None),
        (None, ["行政检查", "行政确认", "行政奖励"]),
    ],
)
def test_t2_items(split_prev, split_cur):
    prev, cur = items_chain(split_prev, split_cur)
    assert only(cur, "t2-items", prev) == []
    official = ("第二十条第（五）项", "其他对外管理服务事项")
    first = (*official, split_cur[0]) if split_cur else official
    cur.cells["二"][(first, ("上一年项目数量",))] += 1
    (x,) = only(cur, "t2-items", prev)
    same_split = split_prev and split_prev == split_cur
    assert (x.table, x.row, x.column) == ("二", first if same_split else official, ("上一年项目数量",))
    assert int(x.actual) == int(x.expected) + 1
    prev21, cur22 = chained(2022)
    assert only(cur22, "t2-items", prev21) == []  # 2021 format has no 上一年项目数量


def test_prose_similar(example_report):
    prev = example_report.copy()
    prev.meta.year = 2019
    cur = example_report
    found = only(cur, "prose-similar", prev)
    assert [(x.section, x.severity, x.actual) for x in found] == [("一", "warning", "100%"), ("五", "warning", "100%")]
    cur.sections["五"] = (
        "今年的主要问题是信息发布不够及时、栏目维护不够细致；明年将建立周检查制度并加强培训，确保各项公开内容准确完整。"
    )
    cur.sections["一"] = cur.sections["一"].replace("2020", "2021").replace("我镇", "本镇")
    assert [x.section for x in only(cur, "prose-similar", prev)] == ["一"]
    cur.sections["一"] = (
        "本年度围绕重点领域信息公开、政策解读和依申请公开规范化三方面开展工作，新建了乡村振兴专栏，全年组织培训两次，覆盖各村工作人员。"
    )
    assert only(cur, "prose-similar", prev) == []


def test_prose_similar_is_fast_on_huge_prose(example_report):
    prev = example_report.copy()
    prev.meta.year = 2019
    prev.sections["一"] = "甲乙丙丁戊己庚辛壬癸" * 1_000_000
    example_report.sections["一"] = "子丑寅卯辰巳午未申酉" * 1_000_000
    start = time.perf_counter()
    run_checks(example_report, prev)
    assert time.perf_counter() - start < 5


# --- prose against tables ------------------------------------------------------------------------


def test_prose_numbers_on_the_example_are_consistent(example_report):
    assert only(example_report, "prose-numbers") == []
    f = example_report.format
    row, total = f.row("三", "received"), f.column("三", "total")
    example_report.set("三", row, total, 2)  # text says 没有收到新的依申请公开
    (x,) = only(example_report, "prose-numbers")
    assert (x.table, x.row, x.column, x.section, x.expected, x.actual) == ("三", row, total, "一", "0", "2")
    assert "没有收到新的依申请公开" in x.message


def with_text(text: str, year: int = 2022) -> Report:
    report = synthetic_report("示例镇", year, seed=11)
    report.sections["一"] = text
    return report


def test_prose_numbers_outcomes_like_shanghai_2019():
    report = with_text("本年度予以公开及部分公开258件，无法提供265件，不予公开3件。", 2020)
    f = report.format
    total = f.column("三", "total")
    disclosed, partly = f.row("三", "outcomes", "disclosed"), f.row("三", "outcomes", "partly")
    report.set("三", disclosed, total, 272)
    report.set("三", partly, total, 3)
    unavailable = [r for r in report.rows("三") if "（四）无法提供" in r]
    for r, n in zip(unavailable, (252, 44, 41), strict=True):
        report.set("三", r, total, n)
    withheld = [r for r in report.rows("三") if "（三）不予公开" in r]
    for r in withheld:
        report.set("三", r, total, 0)
    report.set("三", withheld[0], total, 3)
    found = {x.row: x for x in only(report, "prose-numbers")}
    assert set(found) == {(), ("三、本年度办理结果", "（四）无法提供")}
    # （一）+（二） is a sum of cells, no one place: the finding sits in the prose, actual = the stated figure.
    assert (found[()].table, found[()].place, found[()].section) == ("", "第一部分", "一")
    assert (found[()].expected, found[()].actual) == ("275", "258")
    assert (
        found[("三、本年度办理结果", "（四）无法提供")].expected,
        found[("三、本年度办理结果", "（四）无法提供")].actual,
    ) == ("265", "337")


@pytest.mark.parametrize(
    ("text", "rule_row", "stated"),
    [
        ("本年度共收到政府信息公开申请十二件。", ("一、本年新收政府信息公开申请数量",), 12),
        ("全年新收依申请公开１３件。", ("一、本年新收政府信息公开申请数量",), 13),
        ("共办结申请两件。", ("三、本年度办理结果", "（七）总计"), 2),
        ("结转下年度继续办理4件。", ("四、结转下年度继续办理",), 4),
        ("被申请行政复议2件。", (), 2),
        ("本年度发生行政诉讼3起。", (), 3),
        ("未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。", (), 0),
    ],
)
def test_prose_numbers_reads_numbers_in_many_forms(text, rule_row, stated):
    report = with_text(text)
    f = report.format
    total = f.column("三", "total")
    for c, _ in f.table("四").parts[0].leaf_columns():  # make every table quantity differ from the stated one
        report.set("四", (), c, 9)
    report.set("三", f.row("三", "received"), total, 50)
    report.set("三", f.row("三", "carried_in"), total, 50)
    report.set("三", f.row("三", "outcomes", "total"), total, 50)
    report.set("三", f.row("三", "carried_over"), total, 50)
    found = only(report, "prose-numbers")
    assert found, text
    # The stated figure is ``expected`` when the place is a table cell, ``actual`` when it is the prose.
    assert any(x.row == rule_row and (x.expected if x.table else x.actual) == str(stated) for x in found), found


@pytest.mark.parametrize(
    "text",
    [
        "共收到申请较上年增加3件。",
        "其中，通过网上申请5件，信函申请2件。",
        "同时申请人提出复议，我局已经做出答复。",
        "主动公开信息183条，其中政策文件12条。",
        "一是部分工作人员认识不足；二是渠道少。",
        "2021年收到申请9件。",
    ],
)
def test_prose_numbers_ignores_vague_or_other_scope_sentences(text):
    report = with_text(text)
    assert only(report, "prose-numbers") == []


def test_prose_numbers_accepts_received_including_carried_in():
    report = with_text("")
    f = report.format
    total = f.column("三", "total")
    n = report.get("三", f.row("三", "received"), total) + report.get("三", f.row("三", "carried_in"), total)
    report.sections["一"] = f"本年度共受理政府信息公开申请{n}件。"
    assert only(report, "prose-numbers") == []


def test_prose_sum():
    ok = with_text("全年主动公开信息30条，其中，工作动态20条，通知公告10条。")
    assert only(ok, "prose-sum") == []
    bad = with_text("全年主动公开信息30条，其中，工作动态20条，通知公告11条。")
    (x,) = only(bad, "prose-sum")
    assert (x.section, x.expected, x.actual, x.severity) == ("一", "31", "30", "warning")
    assert "主动公开信息30条" in x.message


@pytest.mark.parametrize(
    "text",
    [
        "全年主动公开信息30条，其中，工作动态20条，通知公告1条等。",  # 等: the list is partial
        "全年主动公开信息30条，其中，工作动态20条，其余为其他信息。",
        "收到申请12件，其中自然人10件，法人2件，予以公开8件，不予公开4件。",  # two breakdowns of one total
        "全年主动公开信息30条，全文电子化率100%。",
    ],
)
def test_prose_sum_stays_quiet_on_partial_lists(text):
    assert only(with_text(text), "prose-sum") == []
