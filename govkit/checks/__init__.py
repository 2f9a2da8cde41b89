"""The checks: every 勾稽关系, carry-over from last year, and prose against tables.

Use :func:`run_checks`; each rule lives in a small module of this package and registers itself
with a stable id (e.g. ``t3-balance``) in :data:`registry`.
"""

from __future__ import annotations

from govkit.checks.base import CheckContext, Finding, Registry, Rule, findings_frame, registry
from govkit.model import Report

__all__ = ["CheckContext", "Finding", "Registry", "Rule", "findings_frame", "registry", "run_checks"]


def run_checks(report: Report, previous: Report | None = None, rules: list[str] | None = None) -> list[Finding]:
    """Every finding for ``report``, stamped with its agency and year.

    ``previous`` is last year's report of the same agency; cross-year rules run only when given.
    """
    _load_rules()
    context = CheckContext(report=report, previous=previous)
    findings: list[Finding] = []
    for rule in registry:
        if rules is not None and rule.id not in rules:
            continue
        if rule.cross_year and previous is None:
            continue
        try:
            findings.extend(_stamp(finding, report) for finding in rule.function(context))
        except Exception as exc:  # a rule tripping over odd data must not hide the other findings
            findings.append(
                _stamp(
                    Finding(
                        rule=rule.id,
                        severity="error",
                        message=f"检查规则「{rule.id}」无法完成（{type(exc).__name__}），请核对报告数据",
                    ),
                    report,
                )
            )
    return findings


def _stamp(finding: Finding, report: Report) -> Finding:
    from dataclasses import replace

    return replace(finding, agency=report.meta.agency, year=report.meta.year)


def _load_rules() -> None:
    # Importing the rule modules registers them; done lazily so that importing govkit stays cheap.
    from govkit.checks import rules  # noqa: F401
