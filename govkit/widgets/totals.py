"""Computed totals: what 自动计算合计 fills in.

Table 三: the 总计 column of every row is the sum of the six applicant columns, and the
（七）总计 row is the sum of the outcome rows above it. Table 四: each group's 总计 is the sum of its
four results. A total whose parts include a blank cell is left alone (the blank is reported).
"""

from __future__ import annotations

from govkit.formats import ColPath, RowPath
from govkit.model import Report, Value

Change = tuple[str, RowPath, ColPath, Value, Value]


def computed_totals(report: Report) -> list[Change]:
    """Fill every total from its parts; return the cells that changed as (table, row, col, old, new)."""
    changes: list[Change] = []

    def put(table_id: str, row: RowPath, col: ColPath, value: Value) -> None:
        old = report.cells[table_id].get((row, col))
        if value is not None and old != value:
            report.set(table_id, row, col, value)
            changes.append((table_id, row, col, old, value))

    fmt = report.format
    total_col = fmt.column("三", "total")
    total_row = fmt.row("三", "outcomes", "total")
    outcomes = fmt.row("三", "outcomes")
    parts = [row for row in report.rows("三") if row[: len(outcomes)] == outcomes and row != total_row]
    applicants = [col for col, _ in fmt.table("三").parts[0].leaf_columns() if col != total_col]
    for col in applicants:
        put("三", total_row, col, _sum(report.cells["三"].get((row, col)) for row in parts))
    for row in report.rows("三"):
        put("三", row, total_col, _sum(report.cells["三"].get((row, col)) for col in applicants))
    for part in fmt.table("四").parts:
        groups: dict[ColPath, list[tuple[ColPath, bool]]] = {}
        for col, spec in part.leaf_columns():
            groups.setdefault(col[:-1], []).append((col, spec.role == "total"))
        for row in report.rows("四"):
            for leaves in groups.values():
                totals = [col for col, is_total in leaves if is_total]
                if totals:
                    value = _sum(report.cells["四"].get((row, col)) for col, is_total in leaves if not is_total)
                    put("四", row, totals[0], value)
    return changes


def _sum(values) -> Value:  # noqa: ANN001 - any iterable of cell values
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total
