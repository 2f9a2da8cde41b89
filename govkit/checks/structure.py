"""The report as a whole: format version (R13), the six sections (R14), publication date (R15)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from govkit.checks.registry import CheckContext, registry
from govkit.findings import Finding
from govkit.formats import KNOWN_VERSIONS, describe_years, find_format_for_year
from govkit.model import SECTION_IDS

PROSE_SECTIONS = ("一", "五", "六")
THIN_SECTIONS = ("一", "五")
THIN_LIMIT = 10
# 条例第四十九条: 部门 by 1月31日, 县级以上地方人民政府 by 3月31日; 乡镇/街道 have no statutory date.
DEADLINES = {"部门": (1, 31), "区县政府": (3, 31), "市政府": (3, 31), "省政府": (3, 31)}


@registry.register(
    "format-year",
    "error",
    title="格式版本",
    message=f"报告格式须与报告年度一致：{describe_years()}",
)
def format_year(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    year, actual = report.meta.year, report.format.version
    if report.format.covers(year):
        return
    want = find_format_for_year(year)
    if want is None:
        yield registry.finding(
            "format-year",
            actual=actual,
            message=f"{year} 年度没有适用的官方报告格式（{describe_years()}），实为 {actual} 版格式",
        )
        return
    older = KNOWN_VERSIONS.index(actual) < KNOWN_VERSIONS.index(want.version)  # oldest first
    old = "（使用旧格式）" if older else "（使用了尚未施行的格式）"
    yield registry.finding(
        "format-year",
        expected=want.version,
        actual=actual,
        message=(
            f"{year} 年度报告应使用 {want.version} 版格式（{want.name}，{want.document}），实为 {actual} 版格式{old}"
        ),
    )


def _title(ctx: CheckContext, sid: str) -> str:
    try:
        return ctx.report.format.section(sid).title
    except StopIteration:
        return f"第{sid}部分"


@registry.register(
    "sections", "error", title="六个部分", message="年度报告须有六个部分且不得为空（表格部分须有表格数据）"
)
def sections(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for sid in SECTION_IDS:
        title = _title(ctx, sid)
        if sid in PROSE_SECTIONS:
            text = report.sections.get(sid)
            if text is None or not text.strip():
                state = "缺少" if text is None else "内容为空"
                tip = "（没有其他需要报告的事项时写“无”）" if sid == "六" else ""
                yield registry.finding(
                    "sections",
                    section=sid,
                    expected="有内容",
                    actual=state,
                    message=f"{title}：{state}{tip}",
                )
            continue
        cells = report.cells.get(sid, {})
        if not cells or all(v is None for v in cells.values()):
            yield registry.finding(
                "sections",
                section=sid,
                table=sid,
                expected="有内容",
                actual="空表",
                message=f"{title}：表{sid}没有任何数据（空表）",
            )


@registry.register(
    "section-thin", "warning", title="内容过简", message="总体情况、存在的主要问题及改进情况不宜过于简略（内容空泛）"
)
def section_thin(ctx: CheckContext) -> Iterator[Finding]:
    for sid in THIN_SECTIONS:
        text = "".join((ctx.report.sections.get(sid) or "").split())
        if text and len(text) < THIN_LIMIT:
            yield registry.finding(
                "section-thin",
                section=sid,
                expected=f"至少 {THIN_LIMIT} 字",
                actual=f"{len(text)} 字",
                message=f"{_title(ctx, sid)}：只有 {len(text)} 个字（“{text}”），内容过于简略",
            )


def deadline_for(level: str, year: int) -> date | None:
    """The statutory publication deadline for a report of ``year`` by an agency of ``level``."""
    month_day = DEADLINES.get(level)
    return date(year + 1, *month_day) if month_day else None


@registry.register(
    "deadline", "warning", title="发布期限", message="发布日期不得晚于法定期限：部门 1月31日，县级以上人民政府 3月31日"
)
def deadline(ctx: CheckContext) -> Iterator[Finding]:
    meta = ctx.report.meta
    due = deadline_for(meta.level, meta.year)
    if due is None or meta.published is None or meta.published <= due:
        return
    days = (meta.published - due).days
    yield registry.finding(
        "deadline",
        expected=due.isoformat(),
        actual=meta.published.isoformat(),
        message=(
            f"发布日期 {meta.published.isoformat()} 晚于法定期限 {due.isoformat()}（{meta.level}应于 "
            f"{due.month}月{due.day}日前发布，条例第四十九条），晚了 {days} 天"
        ),
    )
