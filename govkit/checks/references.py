"""Table references in prose (``{{表三 一 总计}}``) must each name exactly one cell (a blank cell is reported by the cell checks)."""

from __future__ import annotations

from collections.abc import Iterator

from govkit.checks.registry import CheckContext, registry
from govkit.findings import Finding
from govkit.model import PREAMBLE, Report
from govkit.references import problems


def _section_name(report: Report, sid: str) -> str:
    if sid == PREAMBLE:
        return "报告开头"
    return report.format.section(sid).title


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@registry.register(
    "prose-reference",
    "error",
    title="正文表格引用",
    message="正文中的表格引用（如 {{表三 一 总计}}）须指向唯一的单元格",
)
def prose_reference(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for problem in problems(report):
        yield registry.finding(
            "prose-reference",
            section=problem.section if problem.section != PREAMBLE else "",
            actual=problem.text,
            message=f"{_section_name(report, problem.section)}：句子“{_cut(problem.sentence)}”中，{problem.reason}",
        )
