"""`govkit export`: agency data files → Excel workbooks to fill in, or one tidy CSV/Parquet data set."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govkit import datafile, fs
from govkit.errors import GovkitError
from govkit.model import Report
from govkit.paths import agency_key, output_stem

if TYPE_CHECKING:
    from govkit.dataset import Kind


def command(
    paths: Annotated[list[Path], typer.Argument(help="数据文件或文件夹（文件夹中的 .yaml 全部导出）")],
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Excel 工作簿输出文件夹：每个机关每年一个 .xlsx（官方表格样式，可填写后再导入）"),
    ] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="把全部报告的表格数据写成一个 CSV 文件（每个单元格一行）")
    ] = None,
    parquet: Annotated[Path | None, typer.Option("--parquet", help="把全部报告的表格数据写成一个 Parquet 文件")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="覆盖同一机关同一年度已有的工作簿（不同机关的工作簿从不覆盖）")
    ] = False,
) -> None:
    """导出数据文件：Excel 工作簿（供乡镇、部门填写后交回导入），或整理成一张数据表（CSV/Parquet）。"""  # noqa: D415
    if xlsx is None and csv is None and parquet is None:
        raise GovkitError("请至少指定一种导出：--xlsx 文件夹、--csv 文件 或 --parquet 文件")
    files = datafile.discover(list(paths))
    if not files:
        raise GovkitError("没有找到数据文件（.yaml）")
    reports: list[Report] = [datafile.load(path) for path in files]
    if xlsx is not None and not _export_workbooks(reports, xlsx, replace):
        raise typer.Exit(2)
    kinds: tuple[tuple[Path | None, Kind], ...] = ((csv, "csv"), (parquet, "parquet"))
    for path, kind in kinds:
        if path is not None:
            from govkit.dataset import write_tidy

            write_tidy(reports, path, kind)
            typer.echo(f"已导出 {len(reports)} 份报告的表格数据 → {path}")


def _export_workbooks(reports: list[Report], folder: Path, replace: bool) -> bool:
    """One workbook per report; False if any was refused (conflicts, another agency's workbook, no --replace)."""
    from govkit.xlsx import workbook_bytes

    conflicts = datafile.identity_conflicts(
        {Path(str(r.source)): (r.meta.agency, r.meta.year) for r in reports if r.source is not None}
    )
    ok = True
    for report in reports:
        target = folder / str(report.meta.year) / f"{output_stem(report.meta.agency)}.xlsx"
        try:
            if Path(str(report.source)) in conflicts:
                raise GovkitError(conflicts[Path(str(report.source))])
            fs.write_guarded(
                target,
                workbook_bytes(report),
                partial(_check_workbook_owner, agency=report.meta.agency, replace=replace),
            )
        except GovkitError as exc:
            typer.echo(f"错误：{exc}", err=True)
            ok = False
            continue
        typer.echo(f"已导出 {report.source} → {target}")
    return ok


def _check_workbook_owner(target: Path, agency: str, replace: bool) -> None:
    """Refuse to replace a workbook of another agency (or an unreadable one), or any without ``replace``."""
    from govkit.importers.office_guard import open_workbook
    from govkit.xlsx import META_SHEET, read_meta_sheet

    try:
        book = open_workbook(target)
        owner = read_meta_sheet(book[META_SHEET]).get("agency") if META_SHEET in book.sheetnames else None
    except Exception:  # noqa: BLE001 - whatever it is, it is not a workbook of this agency
        owner = None
    if owner is None or agency_key(owner) != agency_key(agency):
        whose = f"另一机关「{owner}」的工作簿" if owner else "无法识别所属机关的文件"
        raise GovkitError(f"{target} 是{whose}，不会被「{agency}」覆盖；请核对机关名称或换一个输出文件夹")
    if not replace:
        spelled = f"，本次名称写作「{agency}」" if owner != agency else ""
        raise GovkitError(f"{target} 已存在（同一机关「{owner}」{spelled}）；确需覆盖请加 --replace")
