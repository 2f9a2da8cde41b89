"""Cell values: blank cells (R11) and values of the wrong kind (R10).

The loader rejects bad values in data files, but reports built in code (importer, editor) can
still hold them, so the checks look again.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from govkit.checks.common import column_specs, place, show
from govkit.checks.registry import CheckContext, registry
from govkit.findings import Finding

TABLES = ("二", "三", "四")
_KIND = {"count": "非负整数", "signed": "整数（可为负）", "amount": "不小于 0 的金额"}


def _cells(ctx: CheckContext) -> Iterator[tuple[str, tuple[str, ...], tuple[str, ...], object, object]]:
    report = ctx.report
    for table_id in TABLES:
        if table_id not in report.cells:
            continue
        specs_by_row: dict = {}
        for row in report.rows(table_id):
            specs_by_row[row] = column_specs(report, table_id, row)
            for col, spec in specs_by_row[row].items():
                yield table_id, row, col, spec, report.cells[table_id].get((row, col))


@registry.register("cell-blank", "error", title="空白单元格", message="表格单元格不得空白：没有数据时填 0")
def cell_blank(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for table_id, row, col, _, value in _cells(ctx):
        if value is None:
            yield registry.finding(
                "cell-blank",
                table=table_id,
                row=row,
                column=col,
                expected="0 或实际数值",
                actual="空白",
                message=f"{place(report, table_id, row, col)}：单元格空白，没有数据时应填 0",
            )


def _problem(spec: object, value: object) -> str | None:
    kind = spec.type  # type: ignore[attr-defined]
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return f"应为{_KIND[kind]}，实为「{str(value)[:30]}」（{type(value).__name__}）"
    if kind == "amount":
        amount = Decimal(value)
        if not amount.is_finite() or amount < 0:
            return f"金额应为不小于 0 的数，实为 {show(value)}"
        decimals = spec.decimals  # type: ignore[attr-defined]
        if amount.as_tuple().exponent < -decimals:  # type: ignore[operator]
            return f"金额最多 {decimals} 位小数，实为 {show(value)}"
        return None
    if not isinstance(value, int):
        return f"应为整数，实为 {show(value)}"
    if kind == "count" and value < 0:
        return f"件数不能为负数，实为 {value}"
    return None


@registry.register(
    "cell-type",
    "error",
    title="数值类型",
    message="单元格数值类型：件数为非负整数，本年增/减为整数，金额为不小于 0 且不超过规定小数位的数",
)
def cell_type(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for table_id, row, col, spec, value in _cells(ctx):
        if value is None:
            continue
        problem = _problem(spec, value)
        if problem:
            yield registry.finding(
                "cell-type",
                table=table_id,
                row=row,
                column=col,
                expected=_KIND[spec.type],
                actual=show(value),  # type: ignore[attr-defined]
                message=f"{place(report, table_id, row, col)}：{problem}",
            )
