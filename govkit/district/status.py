"""The status matrix: agencies × rules, with the number of errors and warnings in each cell.

The findings come from :func:`govkit.checks.run_checks` with last year's report of the same
agency when its file was given, exactly as ``govkit check`` runs them; a data file that cannot be
read is a row of its own (named by its path) with its ``datafile-unreadable`` finding. The columns
are every registered rule (checks, import and data-file rules), headed by their Chinese titles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from govkit.checks import Finding, Rule, registry, run_checks
from govkit.checks.files import unreadable
from govkit.district.data import District


@dataclass
class StatusMatrix:
    """Counts of findings per agency and rule.

    Attributes:
        agencies: the agencies of the year on view, in display order, then unreadable files by path.
        rules: every registered rule, in registry order (``title`` heads the column, ``id`` stays the key).
        counts: ``{(agency, rule id, severity): n}`` for non-zero counts.
        findings: every finding, in agency order.
    """

    agencies: list[str]
    rules: list[Rule]
    counts: dict[tuple[str, str, str], int]
    findings: list[Finding]
    unreadable: dict[str, Finding] = field(default_factory=dict)  # path -> its finding, for unreadable files
    # Per-agency views, built once: a page of thousands of agencies must not scan everything per row.
    _by_agency: dict[str, list[Finding]] | None = field(default=None, init=False, repr=False, compare=False)
    _totals: dict[str, tuple[int, int]] | None = field(default=None, init=False, repr=False, compare=False)

    def findings_of(self, agency: str) -> list[Finding]:
        """The findings of one row: an agency, or an unreadable file named by its path."""
        if agency in self.unreadable:
            return [self.unreadable[agency]]
        if self._by_agency is None:
            self._by_agency = {}
            for f in self.findings:
                self._by_agency.setdefault(f.agency, []).append(f)
        return list(self._by_agency.get(agency, []))

    def count(self, agency: str, rule: str, severity: str) -> int:
        return self.counts.get((agency, rule, severity), 0)

    def totals(self, agency: str) -> tuple[int, int]:
        """(errors, warnings) of one agency over all rules."""
        if self._totals is None:
            totals: dict[str, list[int]] = {}
            for (a, _, s), n in self.counts.items():
                totals.setdefault(a, [0, 0])[0 if s == "error" else 1] += n
            self._totals = {a: (e, w) for a, (e, w) in totals.items()}
        return self._totals.get(agency, (0, 0))

    def frame(self) -> pd.DataFrame:
        """Long form: agency, rule, title, errors, warnings (one row per agency and rule)."""
        records = [
            (a, r.id, r.title, self.count(a, r.id, "error"), self.count(a, r.id, "warning"))
            for a in self.agencies
            for r in self.rules
        ]
        return pd.DataFrame.from_records(records, columns=["agency", "rule", "title", "errors", "warnings"])


def status_matrix(district: District) -> StatusMatrix:
    """Run every check on every report of the year on view."""
    findings: list[Finding] = []
    agencies: list[str] = []
    for report in district.current:
        agencies.append(report.meta.agency)
        findings.extend(run_checks(report, district.previous_of(report)))
    counts: Counter[tuple[str, str, str]] = Counter((f.agency, f.rule, f.severity) for f in findings)
    unreadable_files: dict[str, Finding] = {}
    for error in district.errors:
        finding = unreadable(error)
        findings.append(finding)
        agencies.append(error.path)
        unreadable_files[error.path] = finding
        counts[(error.path, finding.rule, finding.severity)] += 1
    return StatusMatrix(
        agencies=agencies, rules=list(registry), counts=dict(counts), findings=findings, unreadable=unreadable_files
    )
