"""Small helpers the rule modules share: reading numbers safely and naming places in Chinese."""

from __future__ import annotations

from decimal import Decimal

from govkit.findings import place_of
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
    """The canonical place string of a cell (:func:`govkit.findings.place_of`), for messages.

    ``report`` is unused: the place is a function of the label paths alone, so a message and
    :attr:`Finding.place` always read the same.
    """
    return place_of(table, row, column)


def part_id(report: Report, table: str, row: RowPath) -> str:
    """The id of the table part that holds ``row`` ("" when the row names no single part)."""
    try:
        return report.table(table).part_of(report.official_row(table, row)).id
    except (KeyError, StopIteration):
        return ""


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
