"""What a rendering needs besides the data file: last year's report and the findings."""

from __future__ import annotations

from pathlib import Path

from govkit import datafile
from govkit.checks import Finding, run_checks
from govkit.errors import DataFileError
from govkit.model import Report


def previous_path(path: str | Path, report: Report) -> Path | None:
    """Last year's data file of the same agency, ``<params>/<year-1>/``, if there is one."""
    path = Path(path)
    return datafile.find_agency_file(path.resolve().parent.parent, report.meta.agency, report.meta.year - 1, path.name)


def load_for_render(path: str | Path) -> tuple[Report, Report | None, list[Finding]]:
    """The report, last year's report (None if absent or unreadable) and every finding.

    Raises:
        DataFileError: the data file itself cannot be read.
    """
    report = datafile.load(path)
    previous = None
    found = previous_path(path, report)
    if found is not None:
        try:
            candidate = datafile.load(found)
        except DataFileError:
            candidate = None
        if candidate is not None and candidate.meta.agency == report.meta.agency:
            previous = candidate
    return report, previous, run_checks(report, previous)
