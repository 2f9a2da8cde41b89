"""Property tests: consistent reports pass; any single changed cell is caught where a rule covers it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govkit.checks import run_checks
from govkit.formats import load_format
from govkit.model import Report
from govkit.synthetic import synthetic_report

SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
YEARS = st.sampled_from([2019, 2020, 2021, 2022, 2024])


def chain(year: int, seed: int) -> tuple[Report, Report]:
    prev = synthetic_report("示例镇", year - 1, seed)
    f = prev.format
    carried = {c: prev.get("三", f.row("三", "carried_over"), c) for c, _ in f.table("三").parts[0].leaf_columns()}
    cur = synthetic_report("示例镇", year, seed, carried_in=carried)
    if f.version == cur.format.version == "2021":
        _stock_consistent(prev, cur)
    if f.version == cur.format.version == "2019":
        _items_consistent(prev, cur)
    return prev, cur


def _stock_consistent(prev: Report, cur: Report) -> None:
    f = cur.format
    issued, repealed, in_force = (f.column("二", c, part="art20_1") for c in ("issued", "repealed", "in_force"))
    for row in (f.row("二", "art20_1", "rules"), f.row("二", "art20_1", "normative")):
        last = prev.get("二", row, in_force)
        cur.set("二", row, repealed, min(cur.get("二", row, repealed), last))
        cur.set("二", row, in_force, last + cur.get("二", row, issued) - cur.get("二", row, repealed))


def _items_consistent(prev: Report, cur: Report) -> None:
    items, change = ("上一年项目数量",), ("本年增/减",)
    for row in cur.rows("二"):
        if (row, items) in cur.cells["二"]:
            last = prev.get("二", row, items)
            prev.set("二", row, change, max(prev.get("二", row, change), -last))
            cur.set("二", row, items, last + prev.get("二", row, change))


def errors(report: Report, previous: Report | None = None):
    return [f for f in run_checks(report, previous) if f.severity == "error"]


@SETTINGS
@given(year=YEARS, seed=st.integers(0, 10**6))
def test_generated_consistent_reports_have_no_findings(year, seed):
    prev, cur = chain(year, seed)
    assert run_checks(prev) == []
    assert run_checks(cur, prev) == []  # neither errors nor warnings: the pair is consistent by construction


@st.composite
def t3_t4_change(draw):
    year = draw(YEARS)
    report = synthetic_report("示例镇", year, draw(st.integers(0, 10**6)))
    keys = [("三", k) for k in report.cells["三"]] + [("四", k) for k in report.cells["四"]]
    table, (row, col) = draw(st.sampled_from(keys))
    old = report.cells[table][(row, col)]
    new = draw(st.one_of(st.none(), st.integers(-3, old + 50).filter(lambda v: v != old)))
    return report, table, row, col, new


@SETTINGS
@given(t3_t4_change())
def test_any_changed_cell_of_tables_3_and_4_is_caught_at_its_place(case):
    report, table, row, col, new = case
    report.cells[table][(row, col)] = new
    found = errors(report)
    assert found, (table, row, col, new)
    if table == "三":
        total_col = report.format.column("三", "total")
        total_row = report.format.row("三", "outcomes", "total")
        named = [
            f
            for f in found
            if f.table == "三"
            and ((f.row == row and f.column in (col, total_col)) or (f.column == col and f.row in ((), row, total_row)))
        ]
    else:
        named = [f for f in found if f.table == "四" and f.column[:-1] == col[:-1]]
    assert named, (row, col, new, found)


# Table 二 has no arithmetic inside one year. Its cells are covered only across years:
#   2021 format: 第二十条第（一）项 本年制发件数 / 本年废止件数 / 现行有效件数 (t2-stock, R8);
#   2019 format: 第二十条第（五）（六）（八）项 上一年项目数量, and last year's 本年增/减 (t2-items, R9).
# The other table-二 cells (处理决定数量, 本年收费金额, 采购项目数量/总金额, 2019 本年新制作/新公开/对外公开总数量)
# have no rule that could tell a wrong value from a right one, so changing them is legitimately uncaught
# (only cell-type / cell-blank see impossible values such as negatives or blanks).


@SETTINGS
@given(seed=st.integers(0, 10**6), delta=st.integers(1, 20), data=st.data())
def test_table_2_stock_cells_are_caught_by_t2_stock(seed, delta, data):
    prev, cur = chain(2022, seed)
    f = cur.format
    row = data.draw(st.sampled_from([f.row("二", "art20_1", "rules"), f.row("二", "art20_1", "normative")]))
    col_id = data.draw(st.sampled_from(["issued", "repealed", "in_force"]))
    col = f.column("二", col_id, part="art20_1")
    target = data.draw(st.sampled_from(["current", "previous"])) if col_id == "in_force" else "current"
    report = cur if target == "current" else prev
    report.set("二", row, col, report.get("二", row, col) + delta)
    found = [x for x in run_checks(cur, prev) if x.rule == "t2-stock"]
    assert [(x.row, x.column) for x in found] == [(row, f.column("二", "in_force", part="art20_1"))]


@SETTINGS
@given(seed=st.integers(0, 10**6), delta=st.integers(1, 20), data=st.data())
def test_table_2_item_cells_are_caught_by_t2_items(seed, delta, data):
    prev, cur = chain(2020, seed)
    rows = [r for r in cur.rows("二") if (r, ("上一年项目数量",)) in cur.cells["二"]]
    row = data.draw(st.sampled_from(rows))
    which = data.draw(st.sampled_from(["current items", "previous items", "previous change"]))
    report, col = {
        "current items": (cur, ("上一年项目数量",)),
        "previous items": (prev, ("上一年项目数量",)),
        "previous change": (prev, ("本年增/减",)),
    }[which]
    report.set("二", row, col, report.get("二", row, col) + delta)
    found = [x for x in run_checks(cur, prev) if x.rule == "t2-items"]
    assert [(x.row, x.column) for x in found] == [(row, ("上一年项目数量",))]


@SETTINGS
@given(seed=st.integers(0, 10**6), data=st.data())
def test_uncovered_table_2_cells_change_without_error(seed, data):
    prev, cur = chain(2022, seed)
    covered = {"本年制发件数", "本年废止件数", "现行有效件数"}
    keys = [k for k in cur.cells["二"] if k[1][-1] not in covered]
    key = data.draw(st.sampled_from(keys))
    cur.cells["二"][key] = cur.cells["二"][key] + 1
    assert errors(cur, prev) == []


def test_old_format_report_for_new_year_is_an_error():
    report = synthetic_report("示例镇", 2023, fmt=load_format("2019"))
    assert [f.rule for f in errors(report)] == ["format-year"]
