"""The official tables as grids of merged cells, built from the format data alone.

A table is a list of header rows and body rows of :class:`Cell`; the template only prints them.
Headers come from the column tree (a group spans its leaves, a leaf spans the header rows left
below it), row labels from the row tree (a group spans its value rows, a leaf spans the label
columns left beside it), so no row or column is spelt out here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from govkit.findings import Finding
from govkit.formats import ColPath, ColumnSpec, PartSpec, RowPath
from govkit.model import Report, Value


@dataclass
class Cell:
    """One printed cell; ``kind`` is "th" (label) or "td" (value)."""

    text: str
    kind: str = "th"
    rowspan: int = 1
    colspan: int = 1
    classes: list[str] = field(default_factory=list)
    title: str = ""


@dataclass
class Grid:
    """A table ready to print: header rows (repeated on each page) and body rows."""

    table_id: str
    head: list[list[Cell]]
    body: list[list[Cell]]
    css: str = ""
    widths: list[str] = field(default_factory=list)


def format_value(value: Value, spec: ColumnSpec) -> str:
    """A cell value as printed: integers plain, 万元 amounts with their stated decimals."""
    if value is None:
        return ""
    if spec.type == "amount":
        amount = Decimal(value)
        if spec.display_decimals is not None:
            return f"{amount:.{spec.display_decimals}f}"
        return format(amount, "f")
    return str(int(value))


def build_tables(report: Report, findings: Iterable[Finding] = ()) -> dict[str, Grid]:
    """Every table of the report's format, keyed by table id, with findings marked on cells."""
    marks = _Marks(list(findings))
    return {table_id: _build(report, table_id, marks) for table_id in report.format.tables}


def _build(report: Report, table_id: str, marks: _Marks) -> Grid:
    table = report.table(table_id)
    rows = report.rows(table_id)
    if len(table.parts) > 1:
        return _stacked(report, table_id, rows, marks)
    part = table.parts[0]
    label_cols = max((len(r) for r in rows), default=0)
    head = _header_rows(part, scale=1, label_cols=label_cols, corner=table.corner)
    body = _body_rows(report, table_id, part, rows, (), label_cols, 1, marks)
    css = "govkit-table-plain" if label_cols == 0 else "govkit-table-grid"
    return Grid(table_id, head, body, css=css, widths=_widths(label_cols, len(part.leaf_columns()), 50))


def _stacked(report: Report, table_id: str, rows: list[RowPath], marks: _Marks) -> Grid:
    """Table 二: blocks stacked in one grid, each with a caption row and a header row."""
    table = report.table(table_id)
    label_cols = max((len(r) - 1 for r in rows), default=1) or 1
    width = math.lcm(*(len(p.leaf_columns()) for p in table.parts))
    body: list[list[Cell]] = []
    for part in table.parts:
        prefix: RowPath = (part.caption,) if part.caption else ()
        scale = width // len(part.leaf_columns())
        body.append([Cell(part.caption or "", "th", colspan=label_cols + width, classes=["govkit-caption"])])
        for header in _header_rows(part, scale=scale, label_cols=label_cols, corner=part.label_header or ""):
            body.append(header)
        part_rows = [r for r in rows if r[: len(prefix)] == prefix]
        body.extend(_body_rows(report, table_id, part, part_rows, prefix, label_cols, scale, marks))
    return Grid(table_id, [], body, css="govkit-table-stacked", widths=_widths(label_cols, width, 34))


def _header_rows(part: PartSpec, scale: int, label_cols: int, corner: str | None) -> list[list[Cell]]:
    depth = _col_depth(part.columns)
    rows: list[list[Cell]] = [[] for _ in range(depth)]
    if label_cols:
        rows[0].append(Cell(corner or "", "th", rowspan=depth, colspan=label_cols, classes=["govkit-corner"]))

    def walk(specs: tuple[ColumnSpec, ...], level: int) -> None:
        for spec in specs:
            if spec.children:
                rows[level].append(Cell(spec.printed, "th", colspan=_leaves(spec) * scale, classes=["govkit-colgroup"]))
                walk(spec.children, level + 1)
            else:
                rows[level].append(
                    Cell(spec.printed, "th", rowspan=depth - level, colspan=scale, classes=["govkit-colhead"])
                )

    walk(part.columns, 0)
    return rows


def _body_rows(
    report: Report,
    table_id: str,
    part: PartSpec,
    rows: list[RowPath],
    prefix: RowPath,
    label_cols: int,
    scale: int,
    marks: _Marks,
) -> list[list[Cell]]:
    columns = part.leaf_columns()
    out: list[list[Cell]] = []
    for index, row in enumerate(rows):
        labels = row[len(prefix) :]
        cells: list[Cell] = []
        for level, label in enumerate(labels):
            group = row[: len(prefix) + level + 1]
            starts = index == 0 or rows[index - 1][: len(group)] != group
            if not starts:
                continue
            span = sum(1 for r in rows if r[: len(group)] == group)
            leaf = level == len(labels) - 1
            cell = Cell(
                label, "th", rowspan=span, colspan=label_cols - level if leaf else 1, classes=["govkit-rowhead"]
            )
            if group != row and marks.row(table_id, group):
                cell.classes.append("govkit-flag-label")
            cells.append(cell)
        for col, spec in columns:
            value = report.cells[table_id].get((row, col))
            cell = Cell(format_value(value, spec), "td", colspan=scale, classes=["govkit-num", f"govkit-{spec.type}"])
            if value is None:
                cell.classes.append("govkit-blank")
            hits = marks.cell(table_id, row, col, part)
            if hits:
                worst = "error" if any(f.severity == "error" for f in hits) else "warning"
                cell.classes.append(f"govkit-flag-{worst}")
                cell.title = "；".join(f"{f.severity_label}：{f.message}" for f in hits)
            cells.append(cell)
        out.append(cells)
    return out


def _widths(label_cols: int, value_cols: int, label_share: float) -> list[str]:
    """Column widths in percent: outer label columns narrow, the innermost wide, values equal."""
    if not label_cols:
        return [f"{100 / value_cols:.3f}%"] * value_cols
    outer = [label_share * 0.42, *[label_share * 0.16] * (label_cols - 2)] if label_cols > 1 else []
    labels = [*outer, label_share - sum(outer)]
    return [f"{w:.3f}%" for w in labels] + [f"{(100 - label_share) / value_cols:.3f}%"] * value_cols


def _col_depth(specs: tuple[ColumnSpec, ...]) -> int:
    return max(1 + (_col_depth(s.children) if s.children else 0) for s in specs)


def _leaves(spec: ColumnSpec) -> int:
    return sum(_leaves(c) for c in spec.children) if spec.children else 1


class _Marks:
    """Which findings fall on which cell: a finding on a group row or column covers all its cells."""

    def __init__(self, findings: list[Finding]):
        self.findings = [f for f in findings if f.table and (f.row or f.column)]

    def cell(self, table_id: str, row: RowPath, col: ColPath, part: PartSpec) -> list[Finding]:
        keys = (col, part.data_key(col))
        return [
            f
            for f in self.findings
            if f.table == table_id and row[: len(f.row)] == f.row and any(k[: len(f.column)] == f.column for k in keys)
        ]

    def row(self, table_id: str, group: RowPath) -> bool:
        return any(f.table == table_id and f.row and f.row[: len(group)] == group for f in self.findings)
