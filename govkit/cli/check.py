"""`govkit check`: run every rule on data files and print the findings, grouped by agency."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from govkit.checks.files import FileResult, check_paths
from govkit.findings import findings_json

FORMATS = ("table", "json")
STYLES = {"error": "bold red", "warning": "yellow"}


def command(
    paths: Annotated[list[Path], typer.Argument(help="数据文件或文件夹（文件夹中递归查找 *.yaml）")],
    format: Annotated[str, typer.Option("--format", help="输出格式：table（表格）或 json")] = "table",
) -> None:
    """检查数据文件：勾稽关系、与上年衔接、正文与表格一致等；有错误时退出码为 1。"""  # noqa: D415
    if format not in FORMATS:
        raise typer.BadParameter(f"应为 {' 或 '.join(FORMATS)}，实为「{format}」", param_hint="--format")
    results = check_paths(list(paths))
    if not results:
        print(f"错误：在 {'、'.join(str(p) for p in paths)} 中没有找到数据文件（*.yaml）", file=sys.stderr)
        raise typer.Exit(2)
    if format == "json":
        records = [record for r in results for record in findings_json(r.findings, file=str(r.path))]
        print(json.dumps(records, ensure_ascii=False, indent=2, default=str))
    else:
        _print_table(results)
    if any(r.errors or r.meta is None for r in results):
        raise typer.Exit(1)


def _print_table(results: list[FileResult]) -> None:
    console = Console(width=None if sys.stdout.isatty() else 160, highlight=False)
    groups: dict[str, list[FileResult]] = {}
    for result in results:
        key = result.meta.agency if result.meta else "（无法读取的文件）"
        groups.setdefault(key, []).append(result)
    for agency, members in groups.items():
        console.rule(Text(agency, style="bold"))
        for result in sorted(members, key=lambda r: (r.meta.year if r.meta else 0, str(r.path))):
            head = f"{result.meta.year} 年度 · {result.path}" if result.meta else str(result.path)
            if result.previous:
                head += f"（对照上年：{result.previous}）"
            console.print(Text(head))
            if not result.findings:
                console.print(Text("  未发现问题", style="green"))
                continue
            table = Table(show_lines=False, expand=False)
            for name in ("级别", "规则", "位置", "说明"):
                table.add_column(name, overflow="fold")
            for finding in result.findings:
                table.add_row(
                    Text(finding.severity_label, style=STYLES[finding.severity]),
                    Text(finding.rule),
                    Text(finding.place or "—"),
                    Text(finding.message),
                )
            console.print(table)
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    bad = sum(r.meta is None for r in results)
    summary = f"共检查 {len(results)} 个文件：错误 {errors} 个，警告 {warnings} 个"
    if bad:
        summary += f"（其中 {bad} 个文件无法读取）"
    console.print(Text(summary, style="bold red" if errors else "bold green"))
