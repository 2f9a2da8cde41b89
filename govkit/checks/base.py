"""Kept for imports written before the registry moved: use :mod:`govkit.checks.registry` and :mod:`govkit.findings`."""

from govkit.checks.registry import CheckContext, Registry, Rule, RuleFunction, RuleSpec, registry
from govkit.findings import FINDING_COLUMNS, Finding, Severity, findings_frame

__all__ = [
    "FINDING_COLUMNS",
    "CheckContext",
    "Finding",
    "Registry",
    "Rule",
    "RuleFunction",
    "RuleSpec",
    "Severity",
    "findings_frame",
    "registry",
]
