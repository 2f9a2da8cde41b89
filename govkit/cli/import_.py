"""`govkit import`: read published reports (text, web page, Word, Excel) into agency data files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkit import datafile
from govkit.checks import Finding, run_checks
from govkit.errors import GovkitError, one_line
from govkit.importers import Given, ImportResult, import_file
from govkit.model import LEVELS


def command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="已发布的年度报告：.txt（网页或 Word 复制的文字）、.md、.html、.pdf（含文字层）、.docx、.xlsx"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="数据文件夹：写入 <年度>/<机关>.yaml")],
    strict: Annotated[bool, typer.Option("--strict", help="报告有缺失或无法识别的部分时不写文件，退出码 1")] = False,
    year: Annotated[int | None, typer.Option("--year", help="报告年度（正文中没有或有误时指定）")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="机关全称（标题中没有或无法可靠识别时指定）")] = None,
    level: Annotated[str | None, typer.Option("--level", help=f"机关层级：{'、'.join(LEVELS)}")] = None,
    format_: Annotated[
        str | None, typer.Option("--format", help="统计表格式：2019 或 2021（默认按表头判断，没有表格时按年度）")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="覆盖同一机关同一年度已有的数据文件（不同机关的文件从不覆盖）")
    ] = False,
) -> None:
    """导入已发布的政府信息公开工作年度报告（文字、Markdown、网页、PDF、Word、Excel），生成机关数据文件，并列出缺失、无法识别之处和检查结果。"""  # noqa: D415,E501
    failed = refused = 0
    try:
        given = Given(year=year, agency=agency.strip() if agency else None, level=level, format=format_)
    except GovkitError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2) from None
    imported: dict[Path, ImportResult] = {}
    for path in files:
        try:
            imported[path] = import_file(path, given)
        except GovkitError as exc:
            typer.echo(f"错误：{exc}", err=True)
            failed += 1
    # Two reports of one identity (or one file name) are both refused: neither replaces the other.
    conflicts = datafile.identity_conflicts(
        {p: (r.report.meta.agency, r.report.meta.year) for p, r in imported.items()}
    )
    for path, result in imported.items():
        report = result.report
        incomplete = result.incomplete
        if path in conflicts:
            typer.echo(f"错误：{conflicts[path]}", err=True)
            failed += 1
            continue
        target = datafile.default_path(out, report.meta)
        if strict and incomplete:
            typer.echo(
                f"未导入 {path}：{report.title}（{result.kind}）有 {len(incomplete)} 处缺失或无法识别，--strict 下不写文件"
            )
            refused += 1
        else:
            try:
                existed = datafile.save_guarded(report, target, replace)
            except GovkitError as exc:
                typer.echo(f"错误：{path}：{exc}", err=True)
                failed += 1
                continue
            typer.echo(
                f"已导入 {path}（{result.kind}，{report.format.version} 版格式）→ {target}"
                f"{'（覆盖原文件，同一机关）' if existed else ''}：{_summary(result)}"
            )
        for finding in result.findings:
            # Severity stays as the rule declares it; --strict refuses the file for these instead.
            typer.echo(
                _line("导入", finding) + ("（--strict 下因此不写文件）" if strict and finding in incomplete else "")
            )
        for finding in run_checks(report):
            typer.echo(_line("检查", finding))
    if failed:
        raise typer.Exit(2)
    if refused:
        raise typer.Exit(1)


def _summary(result: ImportResult) -> str:
    report = result.report
    filled = sum(1 for table in report.cells.values() for v in table.values() if v is not None)
    total = sum(len(table) for table in report.cells.values())
    prose = sum(1 for sid in ("一", "五", "六") if report.sections.get(sid))
    subrows = sum(len(names) for table in report.subrows.values() for names in table.values())
    extra = f"，本地子项 {subrows} 个" if subrows else ""
    return f"{report.meta.agency} {report.meta.year} 年度，单元格 {filled}/{total} 个有数值{extra}，正文 {prose}/3 部分有内容"


def _line(stage: str, finding: Finding) -> str:
    place = f" {finding.place}" if finding.place else ""
    line = f"（原文第 {finding.line} 行）" if finding.line else ""
    return one_line(f"  [{stage}·{finding.severity_label}] {finding.rule}{place}{line}：{finding.message}")
