"""Cell values: blank cells (R11), unreadable text kept from an import, and values of the wrong kind (R10).

The loader rejects bad values in data files, but reports built in code (importer, editor) can
still hold them, so the checks look again, with the same cell model (:mod:`govkit.cells`): a value
``cell-type`` accepts saves and loads again, a value the loader refuses is flagged. Blank cells are reported once per table part, with
the list of places, so that a report with a hundred empty cells gives a handful of lines.
"""

from __future__ import annotations

from collections.abc import Iterator

from govkit.cells import CellError, parse_text, quote, validate
from govkit.checks.common import column_specs, place
from govkit.checks.registry import CheckContext, registry
from govkit.findings import Finding
from govkit.formats import ColPath, PartSpec, RowPath

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


@registry.register(
    "cell-blank",
    "error",
    title="空白单元格",
    message="表格单元格不得空白：没有数据时填 0（每个表格部分一条，列出其中的空白单元格）",
)
def cell_blank(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    groups: dict[tuple[str, str], dict[RowPath, list[ColPath]]] = {}
    for table_id, row, col, _, value in _cells(ctx):
        if value is None and report.raw_text(table_id, row, col) is None:
            part = report.table(table_id).part_of(report.official_row(table_id, row))
            groups.setdefault((table_id, part.id), {}).setdefault(row, []).append(col)
    for (table_id, part_id), rows in groups.items():
        part = next(p for p in report.table(table_id).parts if p.id == part_id)
        count = sum(len(cols) for cols in rows.values())
        listed = "；".join(
            _row_name(part, row) + "、".join(_col_name(part, c) for c in cols) for row, cols in rows.items()
        )
        where = f"表{table_id}" + (f" / {part.caption}" if part.caption else "")
        only_row = next(iter(rows)) if len(rows) == 1 else ()
        only_col = rows[only_row][0] if count == 1 else ()  # one blank: the finding names its very cell
        yield registry.finding(
            "cell-blank",
            table=table_id,
            part=part_id,
            row=only_row,
            column=only_col,
            expected="0 或实际数值",
            actual=f"{count} 个单元格空白",
            message=f"{where}：{count} 个单元格空白，没有数据时应填 0（{listed}）",
        )


def _row_name(part: PartSpec, row: RowPath) -> str:
    shown = row[1:] if part.caption and row[:1] == (part.caption,) else row
    name = " / ".join(label for label in shown if label)
    return f"{name}：" if name else ""


def _col_name(part: PartSpec, col: ColPath) -> str:
    try:
        return " / ".join(part.data_key(col)) or col[-1]
    except StopIteration:
        return " / ".join(col)


@registry.register(
    "cell-unreadable",
    "error",
    title="单元格不是数字",
    message="单元格中是导入时无法识别的原文（数据文件中写作 {raw: '原文'}），须改为数字",
)
def cell_unreadable(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for table_id, row, col, spec, value in _cells(ctx):
        text = report.raw_text(table_id, row, col)
        if value is not None or text is None:
            continue
        try:
            parse_text(text, spec)  # type: ignore[arg-type]
            reason = f"「{quote(text)}」未能导入"
        except CellError as error:
            reason = error.reason
        yield registry.finding(
            "cell-unreadable",
            table=table_id,
            row=row,
            column=col,
            expected=_KIND[spec.type],  # type: ignore[attr-defined]
            actual=text,
            message=f"{place(report, table_id, row, col)}：{reason}，请改为数字（没有数据时填 0）",
        )


@registry.register(
    "cell-type",
    "error",
    title="数值类型",
    message="单元格数值类型：件数为非负整数，本年增/减为整数，金额为不小于 0 且不超过规定小数位的数",
)
def cell_type(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for table_id, row, col, spec, value in _cells(ctx):
        try:
            validate(value, spec)  # type: ignore[arg-type]
        except CellError as error:
            yield registry.finding(
                "cell-type",
                table=table_id,
                row=row,
                column=col,
                expected=_KIND[spec.type],  # type: ignore[attr-defined]
                actual=quote(error.text),
                message=f"{place(report, table_id, row, col)}：{error.reason}",
            )
