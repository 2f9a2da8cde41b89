"""The file's place is its identity: ``params/<year>/<agency>.yaml`` must agree with its ``meta``.

A file whose year folder disagrees with ``meta.year`` is taken for the wrong year by everything that
finds last year's report (and is overwritten by a "next year" that reuses its folder); a file whose
name is not the agency's is found only by a slower search. Only files inside a year folder are judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from govkit.checks.registry import CheckContext, registry
from govkit.findings import Finding
from govkit.paths import safe_name

_YEAR_FOLDER = re.compile(r"\d{4}")


@registry.register(
    "file-year",
    "error",
    title="年度目录",
    message="数据文件所在的年度目录（params/年度/）须与文件中的年度（meta.year）一致",
)
def file_year(ctx: CheckContext) -> Iterator[Finding]:
    source = ctx.report.source
    if source is None or not _YEAR_FOLDER.fullmatch(source.parent.name):
        return
    year = ctx.report.meta.year
    if int(source.parent.name) != year:
        yield registry.finding(
            "file-year",
            f"数据文件位于 {source.parent.name} 年度目录，但文件中的年度为 {year}；"
            f"请把文件移到 {year}/ 目录（或改正年度），否则上年报告和跨年检查会对应错误",
            expected=str(year),
            actual=source.parent.name,
        )


@registry.register(
    "file-name",
    "warning",
    title="文件名",
    message="数据文件名须为机关全称（params/年度/机关全称.yaml）",
)
def file_name(ctx: CheckContext) -> Iterator[Finding]:
    source = ctx.report.source
    if source is None or not _YEAR_FOLDER.fullmatch(source.parent.name):
        return
    wanted = safe_name(ctx.report.meta.agency)
    if source.stem != wanted:
        yield registry.finding(
            "file-name",
            f"数据文件名「{source.name}」与文件中的机关全称「{ctx.report.meta.agency}」不一致，应为「{wanted}.yaml」",
            expected=f"{wanted}.yaml",
            actual=source.name,
        )
