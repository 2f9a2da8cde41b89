"""Property: lose or move one cell of any table row of a text report → no cell gets a wrong value.

A synthetic report (its tables satisfy every arithmetic rule) is written as text the way reports
are copied from web pages and PDFs: one row per line with " | " between cells, or one cell per
line. One value of one row is then removed, moved to the neighbouring row, or put on a line of its
own. Whatever the import makes of it, every cell is either its true value or blank, every row
with a blank cell is named by a finding, and rows that were not touched are read exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govkit.formats import RowPath
from govkit.importers import import_bytes
from govkit.model import Report
from govkit.synthetic import synthetic_report

SETTINGS = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Row:
    table: str
    row: RowPath
    label: str  # "" for table 四's one row
    values: list[str] = field(default_factory=list)


def show(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def blocks(report: Report) -> list[str | Row]:
    """The report as text lines and table rows, in reading order."""
    fmt = report.format
    out: list[str | Row] = [report.title, f"统计期限为{report.meta.year}年1月1日至{report.meta.year}年12月31日。"]
    for section in fmt.sections:
        out.append(section.title)
        out.append(f"本部分说明{section.title[2:]}。")
        if section.table is None:
            continue
        table = fmt.table(section.table)
        for part in table.parts:
            columns = part.leaf_columns()
            if part.caption:
                out.append(part.caption)
            if table.id == "四":
                out.append(" | ".join(spec.label for spec in part.columns))
                out.append(" | ".join(path[-1] for path, _ in columns))
            else:
                head = [part.label_header or "申请人情况"]
                out.append(" | ".join(head + [spec.printed for _, spec in columns]))
            seen_groups: set[RowPath] = set()
            for row, _ in part.leaf_rows():
                start = 1 if part.caption else 0
                for depth in range(start + 1, len(row)):
                    if row[:depth] not in seen_groups:
                        seen_groups.add(row[:depth])
                        out.append(row[depth - 1])
                values = [show(report.cells[table.id][(row, col)]) for col, _ in columns]
                out.append(Row(table.id, row, row[-1] if row else "", values))
    return out


def render(items: list[str | Row], layout: str) -> str:
    lines: list[str] = []
    for item in items:
        if isinstance(item, str):
            lines.append(item)
        elif layout == "pipes":
            lines.append(" | ".join(([item.label] if item.label else []) + item.values))
        else:
            if item.label:
                lines.append("\t" + item.label)
            lines.extend("\t" + v for v in item.values)
            lines.append("")
    return "\n".join(lines) + "\n"


@st.composite
def damaged(draw):
    year = draw(st.sampled_from([2020, 2022]))
    report = synthetic_report("示例镇", year, seed=draw(st.integers(0, 10_000)))
    items = blocks(report)
    rows = [i for i, item in enumerate(items) if isinstance(item, Row)]
    at = draw(st.sampled_from(rows))
    row = items[at]
    assert isinstance(row, Row)
    k = draw(st.integers(0, len(row.values) - 1))
    layout = draw(st.sampled_from(["pipes", "cells"]))
    # With one cell per line, a number on its own line after a row is that row's last value: the
    # same as moving the cell inside its row, which no cell count can see. Rows delimited by
    # lines (pipes) show it as a stray number.
    how = draw(st.sampled_from(["remove", "to_next", "to_previous"] + (["own_line"] if layout == "pipes" else [])))
    touched = {(row.table, row.row)}
    value = row.values.pop(k)
    neighbours = {"to_next": [i for i in rows if i > at][:1], "to_previous": [i for i in rows if i < at][-1:]}
    if how in neighbours and neighbours[how]:
        other = items[neighbours[how][0]]
        assert isinstance(other, Row)
        if how == "to_next":
            other.values.insert(0, value)  # e.g. a 总计 printed after the next row's label
        else:
            other.values.append(value)
        touched.add((other.table, other.row))
    elif how == "own_line":
        items.insert(at + 1, value)  # a number on a line of its own after the row
    return report, render(items, layout), touched, (how, layout, row.row, k, value)


def cells(report: Report):
    for table in ("二", "三", "四"):
        for (row, col), value in report.cells[table].items():
            yield table, row, col, value


@SETTINGS
@given(damaged())
def test_a_lost_or_moved_cell_never_gives_a_wrong_value(case) -> None:
    truth, text, touched, why = case
    result = import_bytes(text.encode("utf-8"), "性质测试.txt")
    got = result.report
    blank_rows: set[tuple[str, RowPath]] = set()
    for table, row, col, value in cells(truth):
        mine = got.cells[table].get((row, col))
        assert mine is None or mine == value, (why, table, row, col, mine, value)
        if mine is None:
            assert (table, row) in touched, (why, table, row, col)  # untouched rows are read exactly
            blank_rows.add((table, row))
    for table, row in blank_rows:
        assert any(f.table == table and f.row[: len(row)] == row and f.line for f in result.findings), (
            why,
            table,
            row,
            [f.message for f in result.findings],
        )


def test_undamaged_text_reads_exactly() -> None:
    for year in (2020, 2022):
        truth = synthetic_report("示例镇", year, seed=5)
        for layout in ("pipes", "cells"):
            result = import_bytes(render(blocks(truth), layout).encode("utf-8"), "完整.txt")
            assert [(t, r, c, v) for t, r, c, v in cells(result.report)] == list(cells(truth)), layout
            assert not [f for f in result.findings if f.table], layout
