"""`govkit link-prose`: replace typed numbers in prose by references to the table cells they state."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkit.errors import GovkitError


def command(
    paths: Annotated[list[Path], typer.Argument(help="数据文件或文件夹（文件夹中递归查找 *.yaml）")],
    write: Annotated[bool, typer.Option("--write", help="把替换写入数据文件（默认只列出，不改文件）")] = False,
) -> None:
    """把正文中与表格单元格唯一对应的数字换成表格引用（如 {{表三 一 总计}}），并列出每一处替换和未替换的数字及原因。"""  # noqa: D415
    from govkit import datafile
    from govkit.linkprose import plan, section_name

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise GovkitError(f"{missing[0]}：文件或文件夹不存在")
    files = datafile.discover(list(paths))
    if not files:
        raise GovkitError(f"在 {'、'.join(str(p) for p in paths)} 中没有找到数据文件（.yaml）")
    failed = 0
    for path in files:
        try:
            report = datafile.load(path)
        except GovkitError as exc:
            typer.echo(f"无法读取：{exc}", err=True)
            failed += 1
            continue
        found = plan(report)
        typer.echo(f"{report.meta.agency} {report.meta.year} 年度 · {path}")
        typer.echo(f"  替换 {len(found.changes)} 处：")
        for c in found.changes:
            typer.echo(f"    {section_name(report, c.section)}：“{c.context}” {c.number} → {c.reference}")
        typer.echo(f"  未替换 {len(found.left)} 处：")
        for left in found.left:
            typer.echo(f"    {section_name(report, left.section)}：“{left.context}” {left.number}：{left.reason}")
        if not found.changes:
            typer.echo("  没有可替换的数字，文件未改动")
        elif write:
            try:
                datafile.save(found.apply(report), path)
            except ValueError as exc:
                typer.echo(f"  未写入：{exc}", err=True)
                failed += 1
                continue
            typer.echo(f"  已写入 {path}")
        else:
            typer.echo("  未写入（加 --write 写入数据文件）")
    if failed:
        raise typer.Exit(1)
