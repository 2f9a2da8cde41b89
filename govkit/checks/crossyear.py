"""Rules across two consecutive years of one agency (R7–R9, copied prose).

Each runs only when last year's report is given and really is the year before.
"""

from __future__ import annotations

from collections.abc import Iterator

from govkit.checks.common import num, place, t3_value_columns
from govkit.checks.registry import CheckContext, registry
from govkit.checks.similarity import similarity
from govkit.findings import Finding
from govkit.model import Report

SIMILAR_SECTIONS = ("一", "五")
SIMILAR_THRESHOLD = 0.9
SIMILAR_MIN_CHARS = 50


def _previous(ctx: CheckContext) -> Report | None:
    prev = ctx.previous
    if prev is None or prev.meta.year != ctx.report.meta.year - 1:
        return None
    return prev


@registry.register(
    "carryover",
    "error",
    title="上年结转衔接",
    message="表三：本年“二、上年结转”须等于上年“四、结转下年度继续办理”（逐列）",
    cross_year=True,
)
def carryover(ctx: CheckContext) -> Iterator[Finding]:
    prev = _previous(ctx)
    if prev is None:
        return
    report = ctx.report
    carried_in = report.format.row("三", "carried_in")
    carried_over = prev.format.row("三", "carried_over")
    columns, total = t3_value_columns(report)
    for col in [*columns, total]:
        expected = num(prev.get("三", carried_over, col))
        actual = num(report.get("三", carried_in, col))
        if expected is None or actual is None or expected == actual:
            continue
        yield registry.finding(
            "carryover",
            table="三",
            row=carried_in,
            column=col,
            expected=str(expected),
            actual=str(actual),
            message=(
                f"{place(report, '三', carried_in, col)}：应为 {expected}（{prev.meta.year} 年度报告"
                f"“{carried_over[-1]}”），实为 {actual}"
            ),
        )


@registry.register(
    "t2-stock",
    "warning",
    title="现行有效件数衔接",
    message="表二第二十条第（一）项（2021 版）：现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数",
    cross_year=True,
)
def t2_stock(ctx: CheckContext) -> Iterator[Finding]:
    prev = _previous(ctx)
    report = ctx.report
    fmt = report.format
    stock = ("issued", "repealed", "in_force")
    if (
        prev is None
        or prev.format.version != fmt.version
        or not all(fmt.has_column("二", c, part="art20_1") for c in stock)
    ):
        return
    issued, repealed, in_force = (fmt.column("二", c, part="art20_1") for c in stock)
    part = next(p for p in fmt.table("二").parts if p.id == "art20_1")
    for row, _ in part.leaf_rows():
        last = num(prev.get("二", row, in_force))
        values = [num(report.get("二", row, c)) for c in (issued, repealed, in_force)]
        if last is None or any(v is None for v in values):
            continue
        expected = last + values[0] - values[1]  # type: ignore[operator]
        if expected != values[2]:
            yield registry.finding(
                "t2-stock",
                table="二",
                row=row,
                column=in_force,
                expected=str(expected),
                actual=str(values[2]),
                message=(
                    f"{place(report, '二', row, in_force)}：应为 {expected}（上年现行有效 {last} + 本年制发 {values[0]} "
                    f"− 本年废止 {values[1]}），实为 {values[2]}（修订、清理也可能造成差异，请核实）"
                ),
            )


@registry.register(
    "t2-items",
    "warning",
    title="项目数量衔接",
    message="表二第二十条第（五）（六）（八）项（2019 版）：上一年项目数量 = 上年的上一年项目数量 + 上年本年增/减",
    cross_year=True,
)
def t2_items(ctx: CheckContext) -> Iterator[Finding]:
    prev = _previous(ctx)
    report = ctx.report
    if prev is None or prev.format.version != report.format.version:
        return  # the parts without 上一年项目数量 and 本年增/减 (e.g. the 2021 format's) are skipped below
    fmt = report.format
    for part in fmt.table("二").parts:
        ids = {spec.id: path for path, spec in part.leaf_columns()}
        if "items_last_year" not in ids or "items_change" not in ids:
            continue
        items, change = ids["items_last_year"], ids["items_change"]
        for official, _ in part.leaf_rows():
            mine = report.subrows.get("二", {}).get(official)
            theirs = prev.subrows.get("二", {}).get(official)
            if mine and theirs and sorted(mine) == sorted(theirs):
                rows = [(*official, name) for name in mine]
                read = lambda r, row, col: r.cells["二"].get((row, col))  # noqa: E731
            else:
                rows = [official]
                read = lambda r, row, col: r.get("二", row, col)  # noqa: E731
            for row in rows:
                last_items, last_change = num(read(prev, row, items)), num(read(prev, row, change))
                actual = num(read(report, row, items))
                if last_items is None or last_change is None or actual is None:
                    continue
                expected = last_items + last_change
                if expected != actual:
                    yield registry.finding(
                        "t2-items",
                        table="二",
                        row=row,
                        column=items,
                        expected=str(expected),
                        actual=str(actual),
                        message=(
                            f"{place(report, '二', row, items)}：应为 {expected}（{prev.meta.year} 年度上一年项目数量 "
                            f"{last_items} + 本年增/减 {last_change}），实为 {actual}"
                        ),
                    )


@registry.register(
    "prose-similar",
    "warning",
    title="正文雷同",
    message="总体情况、存在的主要问题及改进情况不应与上年报告基本相同（内容雷同）",
    cross_year=True,
)
def prose_similar(ctx: CheckContext) -> Iterator[Finding]:
    prev = _previous(ctx)
    if prev is None:
        return
    for sid in SIMILAR_SECTIONS:
        mine, theirs = ctx.report.sections.get(sid) or "", prev.sections.get(sid) or ""
        if min(len("".join(mine.split())), len("".join(theirs.split()))) < SIMILAR_MIN_CHARS:
            continue
        score = similarity(mine, theirs)
        if score >= SIMILAR_THRESHOLD:
            title = ctx.report.format.section(sid).title
            yield registry.finding(
                "prose-similar",
                section=sid,
                expected=f"相似度低于 {SIMILAR_THRESHOLD:.0%}",
                actual=f"{score:.0%}",
                message=f"{title}：与 {prev.meta.year} 年度报告的同一部分相似度为 {score:.0%}，基本照抄上年内容",
            )
