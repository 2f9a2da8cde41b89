"""Cell values: blank cells (R11) and values of the wrong kind (R10).

The loader rejects bad values in data files, but reports built in code (importer, editor) can
still hold them, so the checks look again, with the same cell model (:mod:`govkit.cells`): a value
this rule accepts saves and loads again, a value the loader refuses is flagged here.
"""

from __future__ import annotations

from collections.abc import Iterator

from govkit.cells import CellError, quote, validate
from govkit.checks.base import CheckContext, Finding, registry
from govkit.checks.common import column_specs, place

TABLES = ("二", "三", "四")
_KIND = {"count": "非负整数", "signed": "整数（可为负）", "amount": "不小于 0 的金额"}  # for Finding.expected


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


@registry.register("cell-blank", "error", "表格单元格不得空白：没有数据时填 0")
def cell_blank(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for table_id, row, col, _, value in _cells(ctx):
        if value is None:
            yield Finding(
                rule="cell-blank",
                severity="error",
                table=table_id,
                row=row,
                column=col,
                expected="0 或实际数值",
                actual="空白",
                message=f"{place(report, table_id, row, col)}：单元格空白，没有数据时应填 0",
            )


@registry.register(
    "cell-type", "error", "单元格数值类型：件数为非负整数，本年增/减为整数，金额为不小于 0 且不超过规定小数位的数"
)
def cell_type(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for table_id, row, col, spec, value in _cells(ctx):
        try:
            validate(value, spec)  # type: ignore[arg-type]
        except CellError as error:
            yield Finding(
                rule="cell-type",
                severity="error",
                table=table_id,
                row=row,
                column=col,
                expected=_KIND[spec.type],  # type: ignore[attr-defined]
                actual=quote(error.text),
                message=f"{place(report, table_id, row, col)}：{error.reason}",
            )
