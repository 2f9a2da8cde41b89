"""`govkit new`: start next year's data file of an agency from last year's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkit import datafile
from govkit.newreport import carry_over_summary, create_next


def command(
    agency: Annotated[str, typer.Argument(help="机关全称，或上年数据文件的路径")],
    year: Annotated[int, typer.Option("--year", "-y", help="新报告的年度")],
    params: Annotated[Path, typer.Option("--params", help="数据文件夹（其下按年度分文件夹）")] = Path("params"),
    blank: Annotated[bool, typer.Option("--blank", help="找不到上年数据文件时新建空白报告（新设机关）")] = False,
    standard_text: Annotated[
        bool,
        typer.Option(
            "--standard-text/--no-standard-text",
            help="在第二、三、四部分写入标准段落（数字为表格引用，可保留、修改或删除；默认不写入）",
        ),
    ] = False,
) -> None:
    """从上年数据文件新建下一年度的报告数据文件（结转数据自动填入，不覆盖已有文件）。"""  # noqa: D415 - Chinese help text for typer
    path = create_next(agency, year, params, blank_if_missing=blank, standard_text=standard_text)
    report = datafile.load(path)
    typer.echo(f"已新建：{path}（{report.format.version} 版格式）")
    if standard_text:
        typer.echo("第二、三、四部分已写入标准段落（数字为表格引用，随表格自动更新；可保留、修改或删除）")
    lines = carry_over_summary(report)
    if lines:
        typer.echo("从上年结转的数据：")
        for line in lines:
            typer.echo(f"  {line}")
    else:
        typer.echo("上年没有需要结转的非零数据。")
    blanks = sum(value is None for cells in report.cells.values() for value in cells.values())
    if blanks:
        typer.echo(f"其余 {blanks} 个单元格为空白（~），请填写；没有发生的事项填 0（govkit check 会列出空白单元格）。")
