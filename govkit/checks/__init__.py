"""The checks: every 勾稽关系, carry-over from last year, and prose against tables.

Use :func:`run_checks`. Importing this package declares every rule in :data:`registry`: the
check rules (one small module each), the import and data-file rules, and third-party rules from
the ``govkit.rules`` entry point group.
"""

from __future__ import annotations

from dataclasses import replace
from importlib import import_module

# Importing the rule modules declares their rules, in this order (the order of the matrix columns);
# the rules without a function (import, data file) come last.
from govkit.checks import arithmetic, cells, crossyear, place, prose, references, structure  # noqa: F401, I001
from govkit.checks.common import part_id
from govkit.checks.registry import CheckContext, Registry, Rule, RuleSpec, load_entry_points, registry
from govkit.findings import Finding, findings_frame
from govkit.model import Report

import_module("govkit.checks.declared")
load_entry_points(registry)

__all__ = [
    "CheckContext",
    "Finding",
    "Registry",
    "Rule",
    "RuleSpec",
    "findings_frame",
    "registry",
    "run_checks",
]


def run_checks(report: Report, previous: Report | None = None, rules: list[str] | None = None) -> list[Finding]:
    """Every finding for ``report``, stamped with its agency and year.

    ``previous`` is last year's report of the same agency; cross-year rules run only when given.
    ``rules`` limits the run to these ids; an unknown id raises KeyError, naming it in Chinese.
    """
    selected = registry.checks() if rules is None else [r for r in registry.require(rules) if r.function is not None]
    context = CheckContext(report=report, previous=previous)
    findings: list[Finding] = []
    for rule in registry.checks():
        if rule not in selected or (rule.cross_year and previous is None):
            continue
        try:
            found = list(rule.function(context))  # type: ignore[misc]
            for finding in found:
                if (finding.rule, finding.severity, finding.source) != (rule.id, rule.severity, rule.source):
                    raise AssertionError(f"{rule.id} yielded a finding of {finding.rule}/{finding.severity}")
        except Exception as exc:  # a rule tripping over odd data must not hide the other findings
            found = [
                registry.finding(
                    "check-failed",
                    f"检查规则「{rule.id}」（{rule.title}）无法完成（{type(exc).__name__}），请核对报告数据",
                )
            ]
        findings.extend(_stamp(f, report) for f in found)
    return findings


def _stamp(finding: Finding, report: Report) -> Finding:
    part = finding.part or (part_id(report, finding.table, finding.row) if finding.table in report.cells else "")
    return replace(finding, agency=report.meta.agency, year=report.meta.year, part=part)
