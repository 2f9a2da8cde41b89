"""Small helpers the rule modules share: reading numbers safely and naming places in Chinese."""

from __future__ import annotations

from decimal import Decimal

from govkit.formats import ColPath, ColumnSpec, RowPath
from govkit.model import Report

Number = int | Decimal


def num(value: object) -> Number | None:
    """The value if it is a usable number (int or finite Decimal, not bool), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def show(value: object) -> str:
    """A value as the message shows it: 空白 for None, Decimals without exponent."""
    if value is None:
        return "空白"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def place(report: Report, table: str, row: RowPath = (), column: ColPath = ()) -> str:
    """The place in Chinese, e.g. ``表三 / 一、本年新收政府信息公开申请数量 / 总计``.

    Column groups that the official layout prints only as a header band (申请人情况,
    法人或其他组织) are left out, as in the data files.
    """
    shown = column
    if column:
        try:
            part = report.table(table).part_of(report.official_row(table, row))
            shown = part.data_key(column)
        except (KeyError, StopIteration):
            shown = column
    parts = [f"表{table}"] if table else []
    return " / ".join([*parts, *(label for label in row if label), *(label for label in shown if label)])


def column_specs(report: Report, table_id: str, row: RowPath) -> dict[ColPath, ColumnSpec]:
    """Leaf columns of the part that holds ``row`` (a local sub-row maps to its official row)."""
    official = report.official_row(table_id, row)
    part = report.table(table_id).part_of(official)
    return dict(part.leaf_columns())


def t3_value_columns(report: Report) -> tuple[list[ColPath], ColPath]:
    """Table 三: the six applicant columns and the 总计 column."""
    total = report.format.column("三", "total")
    part = report.table("三").parts[0]
    return [path for path, _ in part.leaf_columns() if path != total], total
