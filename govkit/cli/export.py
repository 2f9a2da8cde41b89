"""`govkit export`: agency data files → Excel workbooks to fill in, or one tidy CSV/Parquet data set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govkit import datafile, fs
from govkit.errors import GovkitError
from govkit.model import Report
from govkit.paths import safe_name

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
) -> None:
    """导出数据文件：Excel 工作簿（供乡镇、部门填写后交回导入），或整理成一张数据表（CSV/Parquet）。"""  # noqa: D415
    if xlsx is None and csv is None and parquet is None:
        raise GovkitError("请至少指定一种导出：--xlsx 文件夹、--csv 文件 或 --parquet 文件")
    files = datafile.discover(list(paths))
    if not files:
        raise GovkitError("没有找到数据文件（.yaml）")
    reports: list[Report] = [datafile.load(path) for path in files]
    if xlsx is not None:
        from govkit.xlsx import workbook_bytes

        for report in reports:
            target = xlsx / str(report.meta.year) / f"{safe_name(report.meta.agency)}.xlsx"
            fs.atomic_write(target, workbook_bytes(report))
            typer.echo(f"已导出 {report.source} → {target}")
    kinds: tuple[tuple[Path | None, Kind], ...] = ((csv, "csv"), (parquet, "parquet"))
    for path, kind in kinds:
        if path is not None:
            from govkit.dataset import write_tidy

            write_tidy(reports, path, kind)
            typer.echo(f"已导出 {len(reports)} 份报告的表格数据 → {path}")
