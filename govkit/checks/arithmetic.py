"""勾稽关系 inside one report: tables 三 and 四 (rules R1–R4 of the reference)."""

from __future__ import annotations

from collections.abc import Iterator

from govkit.checks.common import num, place, t3_value_columns
from govkit.checks.registry import CheckContext, registry
from govkit.findings import Finding
from govkit.formats import ColPath, RowPath
from govkit.model import Report, Value


@registry.register(
    "t3-balance",
    "error",
    title="表三勾稽关系",
    message="表三每一列：一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理",
)
def t3_balance(ctx: CheckContext) -> Iterator[Finding]:
    report, fmt = ctx.report, ctx.report.format
    received, carried_in = fmt.row("三", "received"), fmt.row("三", "carried_in")
    handled, carried_over = fmt.row("三", "outcomes", "total"), fmt.row("三", "carried_over")
    columns, total = t3_value_columns(report)
    for col in [*columns, total]:
        values = [num(report.get("三", row, col)) for row in (received, carried_in, handled, carried_over)]
        if any(v is None for v in values):
            continue  # blank or bad cells are reported by cell-blank / cell-type
        left, right = values[0] + values[1], values[2] + values[3]  # type: ignore[operator]
        if left != right:
            yield registry.finding(
                "t3-balance",
                table="三",
                column=col,
                expected=str(left),
                actual=str(right),
                message=(
                    f"{place(report, '三', (), col)}：一、本年新收 + 二、上年结转 = {left}，"
                    f"而三、（七）总计 + 四、结转下年度继续办理 = {right}，两者应相等（本列勾稽关系）"
                ),
            )


@registry.register(
    "t3-outcome-total",
    "error",
    title="办理结果总计",
    message="表三每一列：（七）总计 = 各项办理结果（（一）至（六）各行）之和",
)
def t3_outcome_total(ctx: CheckContext) -> Iterator[Finding]:
    report, fmt = ctx.report, ctx.report.format
    total_row = fmt.row("三", "outcomes", "total")
    group = total_row[:-1]
    outcome_rows = [r for r in report.rows("三") if r[: len(group)] == group and r != total_row]
    columns, total = t3_value_columns(report)
    for col in [*columns, total]:
        parts = [report.get("三", r, col) for r in outcome_rows]
        yield from _sum_mismatch("t3-outcome-total", report, total_row, col, parts, "（一）至（六）各项办理结果之和")


@registry.register(
    "t3-row-total", "error", title="表三行合计", message="表三每一行：总计 = 自然人 + 法人或其他组织各项之和"
)
def t3_row_total(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    columns, total = t3_value_columns(report)
    for row in report.rows("三"):
        parts = [report.get("三", row, c) for c in columns]
        yield from _sum_mismatch("t3-row-total", report, row, total, parts, "自然人+法人或其他组织各项之和")


def _sum_mismatch(
    rule: str, report: Report, row: RowPath, col: ColPath, parts: list[Value], why: str
) -> Iterator[Finding]:
    """A finding on table 三's cell (row, col) when it is not the sum of ``parts``."""
    values = [num(p) for p in parts]
    actual = num(report.get("三", row, col))
    if actual is None or any(v is None for v in values):
        return  # blank or bad cells are reported by cell-blank / cell-type
    expected = sum(values)  # type: ignore[arg-type]
    if expected != actual:
        yield registry.finding(
            rule,
            table="三",
            row=row,
            column=col,
            expected=str(expected),
            actual=str(actual),
            message=f"{place(report, '三', row, col)}：应为 {expected}（{why}），实为 {actual}",
        )


@registry.register(
    "t4-total",
    "error",
    title="表四总计",
    message="表四：行政复议、未经复议直接起诉、复议后起诉各自的总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
)
def t4_total(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    part = report.table("四").parts[0]
    groups: dict[tuple[str, ...], list] = {}
    for path, spec in part.leaf_columns():
        groups.setdefault(path[:-1], []).append((path, spec))
    for row in report.rows("四"):
        for leaves in groups.values():
            total = next((p for p, s in leaves if s.role == "total"), None)
            if total is None:
                continue
            parts = [num(report.get("四", row, p)) for p, s in leaves if s.role != "total"]
            actual = num(report.get("四", row, total))
            if actual is None or any(p is None for p in parts):
                continue
            expected = sum(parts)  # type: ignore[arg-type]
            if expected != actual:
                names = "+".join(p[-1] for p, s in leaves if s.role != "total")
                yield registry.finding(
                    "t4-total",
                    table="四",
                    row=row,
                    column=total,
                    expected=str(expected),
                    actual=str(actual),
                    message=f"{place(report, '四', row, total)}：应为 {expected}（{names}），实为 {actual}",
                )
