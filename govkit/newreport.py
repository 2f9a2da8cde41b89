"""Start next year's report of an agency from this year's data file.

What carries over (every other cell is blank ``~``, so ``govkit check`` lists what is still to fill; the six
sections are empty, the publication date is cleared):

* Table 三 ``二、上年结转政府信息公开申请数量`` ← last year's ``四、结转下年度继续办理``, column by column
  (the columns are the same in both formats, so this works across the 2020→2021 format change).
* 2021 format, table 二 第二十条第（一）项 ``现行有效件数`` ← last year's ``现行有效件数`` when last year
  also used the 2021 format; the analyst fills in this year's 制发/废止 (blank until then) and adjusts
  the stock. A 2019-format year has no stock (its 对外公开总数量 counts publications, not documents in
  force), so the stock starts blank.
* 2019 format, table 二 ``上一年项目数量`` ← last year's ``上一年项目数量 + 本年增/减`` (R9) and
  ``对外公开总数量`` ← last year's ``对外公开总数量`` (a running total that may only grow).
* Metadata (agency, short name, level, district) is copied; local sub-rows of table 二 are kept when
  both years use the same format.

A blank (``~``) cell last year stays blank where it would carry over, so the checks point at it.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from govkit import datafile, fs
from govkit.cells import CellError, validate
from govkit.checks.common import column_specs
from govkit.errors import GovkitError
from govkit.formats import ColPath, ColumnSpec, RowPath, format_for_year
from govkit.model import Meta, Report, Value


class NewReportError(GovkitError):
    """The next year's file cannot be created (exists already, no previous file, bad year)."""


def new_from_previous(previous: Report, year: int) -> Report:
    """Next year's report for the agency of ``previous``, with the carry-over filled in.

    Args:
        previous: last year's report (any format).
        year: the new report's year; must be later than ``previous.meta.year``.

    Returns:
        A new report in the format for ``year``.
    """
    if year <= previous.meta.year:
        raise NewReportError(f"新年度（{year}）应晚于上年报告的年度（{previous.meta.year}）")
    fmt = format_for_year(year)
    old = previous.meta
    meta = Meta(
        agency=old.agency, year=year, level=old.level, short_name=old.short_name, district=old.district, published=None
    )
    report = Report.blank(meta, fmt, fill=None)
    same_format = previous.format.version == fmt.version
    if same_format:
        for row, names in previous.subrows.get("二", {}).items():
            report.split_row("二", row, list(names))
        for key in report.cells["二"]:  # split_row starts sub-rows at 0: blank, like every other cell
            report.cells["二"][key] = None
    _carry_applications(report, previous)
    if same_format:  # a running figure means the same in both years only within one format
        _carry_stock(report, previous)
        _carry_items(report, previous)
    return report


def _carry_applications(report: Report, previous: Report) -> None:
    fmt, old = report.format, previous.format
    carried_in, carried_over = fmt.row("三", "carried_in"), old.row("三", "carried_over")
    old_cols = {path for path, _ in old.table("三").parts[0].leaf_columns()}
    for col, _ in fmt.table("三").parts[0].leaf_columns():
        if col in old_cols:
            _carry(report, "三", carried_in, col, previous.get("三", carried_over, col))


def _carry_stock(report: Report, previous: Report) -> None:
    """现行有效件数 (a format that has it, e.g. 2021) starts at last year's stock."""
    fmt = report.format
    if not fmt.has_column("二", "in_force", part="art20_1"):
        return
    in_force = fmt.column("二", "in_force", part="art20_1")
    for row in _rows_of_part(report, "art20_1"):
        _carry(report, "二", row, in_force, _previous_value(previous, row, in_force))


def _carry_items(report: Report, previous: Report) -> None:
    """上一年项目数量 = last year's 上一年项目数量 + 本年增/减; 对外公开总数量 carried (formats that have them, e.g. 2019)."""
    fmt = report.format
    for part in fmt.table("二").parts:
        part_id = part.id
        if not (
            fmt.has_column("二", "items_last_year", part=part_id) and fmt.has_column("二", "items_change", part=part_id)
        ):
            continue
        items = fmt.column("二", "items_last_year", part=part_id)
        change = fmt.column("二", "items_change", part=part_id)
        for row in _rows_of_part(report, part_id):
            base, delta = _previous_value(previous, row, items), _previous_value(previous, row, change)
            total = None if base is None or delta is None else _sum(base, delta)
            try:
                value = validate(total, _spec(report, "二", row, items))
            except CellError:  # last year's figures contradict each other (or overflow): leave it to the analyst
                value = None
            report.set("二", row, items, value)
    if not fmt.has_column("二", "published_total", part="art20_1"):
        return
    published_total = fmt.column("二", "published_total", part="art20_1")
    for row in _rows_of_part(report, "art20_1"):
        _carry(report, "二", row, published_total, _previous_value(previous, row, published_total))


def _sum(base: object, delta: object) -> int | None:
    # Only whole numbers add up to a count; anything else is last year's error, left blank.
    if all(isinstance(v, int) and not isinstance(v, bool) for v in (base, delta)):
        return int(base) + int(delta)  # type: ignore[call-overload]
    return None


def _spec(report: Report, table_id: str, row: RowPath, col: ColPath) -> ColumnSpec:
    return column_specs(report, table_id, row)[col]


def _carry(report: Report, table_id: str, row: RowPath, col: ColPath, value: object) -> None:
    """Set a value carried from last year, as the cell model accepts it for the new column."""
    try:
        carried = validate(value, _spec(report, table_id, row, col))
    except CellError as error:
        where = " / ".join([f"表{table_id}", *[r for r in row if r], *col])
        raise NewReportError(f"上年报告的数值无法结转（{where}）：{error.reason}") from None
    report.set(table_id, row, col, carried)


def _rows_of_part(report: Report, part_id: str) -> list[RowPath]:
    table = report.table("二")
    caption = next(p.caption for p in table.parts if p.id == part_id)
    return [row for row in report.rows("二") if row[0] == caption]


def _previous_value(previous: Report, row: RowPath, col: ColPath) -> Value:
    if (row, col) in previous.cells["二"]:
        return previous.cells["二"][(row, col)]
    try:
        return previous.get("二", row, col)
    except KeyError:
        return 0


def find_previous(agency: str, year: int, params: str | os.PathLike[str]) -> Path | None:
    """The data file of ``agency`` for ``year`` under ``params``, or None (see :func:`datafile.find_agency_file`)."""
    return datafile.find_agency_file(params, agency, year)


def create_next(
    agency_or_file: str | os.PathLike[str],
    year: int,
    params: str | os.PathLike[str] = "params",
    blank_if_missing: bool = False,
    level: str = "乡镇",
    standard_text: bool = False,
) -> Path:
    """Create ``params/<year>/<agency>.yaml`` from last year's file of the agency; return its path.

    Args:
        agency_or_file: the agency's full name, or the path of last year's data file.
        year: the year of the new report.
        params: the folder holding ``<year>/`` folders.
        blank_if_missing: with no file for ``year - 1``, start a blank report instead of failing.
        level: the agency's level for a blank report.
        standard_text: put the standard paragraphs (:mod:`govkit.standard`, written with table
            references) into sections 二–四.

    Raises:
        NewReportError: the target exists already, or last year's file is missing.
        DataFileError: last year's file cannot be read.
    """
    given = Path(agency_or_file)
    if given.suffix in (".yaml", ".yml") or _is_file(given):
        previous = datafile.load(given)
        report = new_from_previous(previous, year)
    else:
        agency = str(agency_or_file).strip()
        if not agency:
            raise NewReportError("机关名称不能为空")
        found = find_previous(agency, year - 1, params)
        if found is not None:
            report = new_from_previous(datafile.load(found), year)
        elif blank_if_missing:
            report = Report.blank(Meta(agency=agency, year=year, level=level), fill=None)
        else:
            expected = datafile.default_path(params, Meta(agency=agency, year=year - 1))
            raise NewReportError(
                f"找不到「{agency}」{year - 1} 年的数据文件（应为 {expected}）；"
                "请检查机关全称，或直接给出上年数据文件的路径；新设机关可加 --blank 新建空白报告"
            )
    if standard_text:
        from govkit.standard import add_standard_paragraphs

        add_standard_paragraphs(report)
    target = datafile.default_path(params, report.meta)
    write_new(target, datafile.dumps(report))
    return target


def write_new(path: Path, text: str) -> None:
    """Write a new file atomically under its lock, refusing (even against a concurrent writer) to replace one."""
    try:
        fs.write_guarded(path, text, _never_replace)
    except fs.TargetExistsError:
        raise NewReportError(
            f"文件已存在：{path}；为免覆盖已填写的数据，未作任何修改（如需重建请先删除或改名）"
        ) from None


def _never_replace(path: Path) -> None:
    raise fs.TargetExistsError(17, f"{path}：文件已存在")


def copy_for_agency(report: Report, agency: str, params: str | os.PathLike[str]) -> Path:
    """Write ``report`` as the same year's data file of ``agency`` (另存为其他机关); return its path.

    Raises:
        NewReportError: the name is empty, or that agency's file exists already (never overwritten).
    """
    agency = agency.strip()
    if not agency:
        raise NewReportError("机关全称不能为空")
    copy = report.copy()
    copy.meta.agency = agency
    copy.source = None
    target = datafile.default_path(params, copy.meta)
    write_new(target, datafile.dumps(copy))
    return target


def carry_over_summary(report: Report) -> list[str]:
    """Human-readable lines naming the non-zero values a new report starts with (blank cells are not listed)."""
    lines = []
    for table_id in ("二", "三"):
        for (row, col), value in report.cells[table_id].items():
            if isinstance(value, (int, Decimal)) and value != 0:
                shown = str(value)
                lines.append(f"表{table_id} {' / '.join(r for r in row if r)} · {' / '.join(col)}：{shown}")
    return lines


__all__ = [
    "NewReportError",
    "carry_over_summary",
    "copy_for_agency",
    "create_next",
    "find_previous",
    "new_from_previous",
    "write_new",
]


def _is_file(path: Path) -> bool:
    # An agency name of 79+ Chinese characters is longer than a file name may be: it names no file.
    try:
        return path.is_file()
    except OSError:
        return False
