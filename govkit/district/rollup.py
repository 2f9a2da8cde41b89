"""The district roll-up: tables 二, 三 and 四 summed over the agencies, in the year's format.

Cells are matched by their ids (:func:`govkit.dataset.row_ids` / :func:`~govkit.dataset.column_ids`),
not their labels, so that an agency whose report follows the other format still adds in where a
cell means the same thing in both formats (all of table 四; table 三 except the split of
（六）其他处理; the decision counts of table 二). Whatever has no counterpart is listed, never
silently dropped.

What is summed:

* count cells (件数, 项目数量) — integers;
* amount cells (万元) — exactly, as :class:`~decimal.Decimal`;
* not 本年增/减 (signed cells): a change of an agency's own catalogue; such cells stay blank.

A split table-二 row counts as its official row (the sum of its local sub-rows). A blank cell
adds nothing and is listed as left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from govkit.dataset import cells_by_id, column_ids, row_ids, value_text
from govkit.formats import format_for_year
from govkit.model import Meta, Report, Value

TABLES = ("二", "三", "四")


@dataclass(frozen=True)
class LeftOut:
    """A cell of one agency that the roll-up could not add in."""

    agency: str
    table: str
    row: str
    column: str
    value: str
    reason: str


@dataclass
class Rollup:
    """The summed report and what went into it."""

    report: Report
    agencies: list[str]
    left_out: list[LeftOut] = field(default_factory=list)
    other_format: list[str] = field(default_factory=list)


def rollup(reports: list[Report], year: int, district: str) -> Rollup:
    """Sum ``reports`` cell by cell into one report in the format of ``year``."""
    fmt = format_for_year(year)
    total = Report.blank(
        Meta(agency=f"{district}（汇总）", year=year, level="区县政府", district=district), fmt, fill=None
    )
    for table_id in TABLES:
        for (row, col), (_, spec) in column_ids(fmt, table_id).items():
            if spec.type != "signed":
                total.cells[table_id][(row, col)] = Decimal(0) if spec.type == "amount" else 0
    result = Rollup(report=total, agencies=[r.meta.agency for r in reports])
    for report in reports:
        if report.format.version != fmt.version:
            result.other_format.append(report.meta.agency)
        for table_id in TABLES:
            _add(report, table_id, total, result)
    return result


def _add(report: Report, table_id: str, total: Report, result: Rollup) -> None:
    target = cells_by_id(total.format, table_id)
    target_types = {key: spec.type for key, (_, spec) in column_ids(total.format, table_id).items()}
    rids = row_ids(report.format, table_id)
    for (row, col), (cid, spec) in column_ids(report.format, table_id).items():
        if spec.type == "signed":
            continue
        value: Value = report.get(table_id, row, col)
        place = target.get((rids[row], cid))

        def leave(reason: str, row=row, col=col, value=value) -> None:
            result.left_out.append(
                LeftOut(report.meta.agency, table_id, " / ".join(row), " / ".join(col), value_text(value) or "", reason)
            )

        if place is None:
            leave(f"{report.format.version} 版格式的单元格，{total.format.version} 版格式中没有对应项")
        elif target_types[place] != spec.type:
            leave("两版格式中单元格类型不同")
        elif value is None:
            leave("空白单元格")
        else:
            current = total.cells[table_id][place]
            assert current is not None  # the roll-up starts every cell at 0
            total.cells[table_id][place] = current + (Decimal(value) if spec.type == "amount" else int(value))
