"""The official tables as grids of merged cells, built from the format data alone.

A table is a list of header rows and body rows of :class:`Cell`; the template only prints them.
Headers come from the column tree (a group spans its leaves, a leaf spans the header rows left
below it), row labels from the row tree (a group spans its value rows, a leaf spans the label
columns left beside it), so no row or column is spelt out here.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from govkit.findings import Finding
from govkit.formats import ColPath, ColumnSpec, PartSpec, RowPath
from govkit.model import Report, Value

# The numbering in front of a label: （三）, 三、, 1. (what a line may break after, and only there in a group label).
_NUMBERING = re.compile(r"^(（[一二三四五六七八九十百]+）|[一二三四五六七八九十百]+、|[0-9]+[.．、])")


@dataclass
class Cell:
    """One printed cell; ``kind`` is "th" (label) or "td" (value)."""

    text: str
    kind: str = "th"
    rowspan: int = 1
    colspan: int = 1
    classes: list[str] = field(default_factory=list)
    title: str = ""
    # Pieces of ``text`` that are printed unbroken (empty: the text wraps freely).
    pieces: list[str] = field(default_factory=list)
    id: str = ""
    scope: str = ""
    headers: list[str] = field(default_factory=list)


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


def printed_value(value: Value, spec: ColumnSpec) -> str:
    """A value as printed in the table: a signed change shows its sign (+3, -2, 0)."""
    text = format_value(value, spec)
    if spec.type == "signed" and value is not None and value > 0:
        return f"+{text}"
    return text


def build_tables(report: Report, findings: Iterable[Finding] = ()) -> dict[str, Grid]:
    """Every table of the report's format, keyed by table id, with findings marked on cells."""
    marks = _Marks(list(findings))
    grids = {table_id: _build(report, table_id, marks) for table_id in report.format.tables}
    for number, grid in enumerate(grids.values(), start=1):
        _link_headers(grid, f"gk-t{number}")
    return grids


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
    return Grid(table_id, head, body, css=css, widths=_widths(label_cols, len(part.leaf_columns()), 40))


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
        for header in _header_rows(
            part, scale=scale, label_cols=label_cols, corner=part.label_header or "", corner_class="govkit-labelhead"
        ):
            body.append(header)
        part_rows = [r for r in rows if r[: len(prefix)] == prefix]
        body.extend(_body_rows(report, table_id, part, part_rows, prefix, label_cols, scale, marks))
    return Grid(table_id, [], body, css="govkit-table-stacked", widths=_widths(label_cols, width, 34))


def _header_rows(
    part: PartSpec, scale: int, label_cols: int, corner: str | None, corner_class: str = "govkit-corner"
) -> list[list[Cell]]:
    depth = _col_depth(part.columns)
    rows: list[list[Cell]] = [[] for _ in range(depth)]
    if label_cols:
        rows[0].append(Cell(corner or "", "th", rowspan=depth, colspan=label_cols, classes=[corner_class]))

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
            if not leaf:
                cell.pieces = _pieces(label)
                if level == 0 and label_cols > 2 and span > 2:
                    cell.classes.append("govkit-vertical")  # 三、本年度办理结果 down a narrow column
            if group != row and marks.row(table_id, group):
                cell.classes.append("govkit-flag-label")
            cells.append(cell)
        for col, spec in columns:
            value = report.cells[table_id].get((row, col))
            cell = Cell(printed_value(value, spec), "td", colspan=scale, classes=["govkit-num", f"govkit-{spec.type}"])
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


def _pieces(label: str) -> list[str]:
    """A group label as unbreakable pieces: its numbering and its name (（三）| 不予公开)."""
    match = _NUMBERING.match(label)
    if not match or match.end() == len(label):
        return [label]
    return [match.group(0), label[match.end() :]]


def _widths(label_cols: int, value_cols: int, label_share: float) -> list[str]:
    """Column widths in percent: outer label columns narrow, the innermost wide, values equal.

    With three label columns (table 三) the outermost holds one vertical label and the middle one
    group labels of four characters after their numbering (不予公开), so both are narrow.
    """
    if not label_cols:
        return [f"{100 / value_cols:.3f}%"] * value_cols
    if label_cols == 3:
        outer = [4.5, 9.5]
    elif label_cols > 1:
        outer = [label_share * 0.42, *[label_share * 0.16] * (label_cols - 2)]
    else:
        outer = []
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


_COLUMN_HEADS = {"govkit-colhead", "govkit-colgroup"}


def _link_headers(grid: Grid, prefix: str) -> None:
    """Tie every value cell to its row and column labels (``id``/``headers``, ``scope``).

    Cells are placed on the grid as a browser does (rowspans carry down); a value's column labels
    are the header cells above it in its own block (table 二 repeats its header per block, after a
    caption row), its row labels the label cells beside it, plus the block's caption.
    """
    rows = [*grid.head, *grid.body]
    placed: list[tuple[Cell, int, int, int, int]] = []  # cell, first row, last row, first col, last col
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            placed.append((cell, r, r + cell.rowspan - 1, c, c + cell.colspan - 1))
            c += cell.colspan
    number = 0
    for cell, *_ in placed:
        if cell.kind == "th":
            number += 1
            cell.id = f"{prefix}-{number}"
            if set(cell.classes) & _COLUMN_HEADS:
                cell.scope = "col"
            elif "govkit-rowhead" in cell.classes:
                cell.scope = "row"
    # Header cells indexed by the rows they start on (column heads) and the rows they cover (row
    # heads), so that a value cell looks only at the heads that can label it: linear in the table's
    # size, also for a row split into many local sub-rows.
    column_heads: dict[int, list[int]] = {}
    row_heads: dict[int, list[int]] = {}
    for i, (h, hr0, hr1, _hc0, _hc1) in enumerate(placed):
        if h.kind != "th":
            continue
        if set(h.classes) & _COLUMN_HEADS:
            column_heads.setdefault(hr0, []).append(i)
        if "govkit-rowhead" in h.classes:
            for r in range(hr0, hr1 + 1):
                row_heads.setdefault(r, []).append(i)
    head_rows = sorted(column_heads)
    block, caption = 0, None
    for cell, r0, r1, c0, c1 in placed:
        if "govkit-caption" in cell.classes:
            block, caption = r0, cell
            continue
        if cell.kind != "td":
            continue
        found: set[int] = set()
        for start in head_rows[bisect_left(head_rows, block) : bisect_left(head_rows, r0)]:
            for i in column_heads[start]:
                _h, _hr0, hr1, hc0, hc1 = placed[i]
                if hr1 < r0 and hc0 <= c1 and hc1 >= c0:
                    found.add(i)
        for r in range(r0, r1 + 1):
            found.update(i for i in row_heads.get(r, ()) if placed[i][4] < c0)
        heads = [placed[i][0] for i in sorted(found)]
        cell.headers = [h.id for h in ([caption] if caption else []) + heads]
