"""Checking data files on disk: load each, find last year's file of the same agency, run the rules."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from govkit import datafile
from govkit.checks import run_checks
from govkit.checks.registry import registry
from govkit.errors import DataFileError
from govkit.findings import Finding
from govkit.model import Report


@dataclass
class FileResult:
    """One data file: its report (None if unreadable), last year's file if found, and the findings."""

    path: Path
    report: Report | None
    previous: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


class _Loader:
    """Loads each file once; remembers failures so a bad neighbour is not read again."""

    def __init__(self) -> None:
        self._seen: dict[Path, Report | DataFileError] = {}

    def report(self, path: Path) -> Report:
        """The loaded report, or the loading error raised again (for :func:`datafile.find_agency_file`)."""
        loaded = self.load(path)
        if isinstance(loaded, DataFileError):
            raise loaded
        return loaded

    def load(self, path: Path) -> Report | DataFileError:
        key = Path(os.path.abspath(path))
        if key not in self._seen:
            try:
                self._seen[key] = datafile.load(path)
            except DataFileError as exc:
                self._seen[key] = exc
        return self._seen[key]


def unreadable(exc: DataFileError) -> Finding:
    """The finding for a data file that cannot be loaded."""
    return registry.finding(
        "datafile-unreadable", str(exc), expected="可读取的数据文件", actual=exc.message, line=exc.line
    )


def check_paths(paths: list[str | os.PathLike[str]]) -> list[FileResult]:
    """Check every data file in ``paths`` (folders are searched recursively)."""
    loader = _Loader()
    results: list[FileResult] = []
    for path in datafile.discover(list(paths)):
        loaded = loader.load(path)
        if isinstance(loaded, DataFileError):
            results.append(FileResult(path, None, findings=[unreadable(loaded)]))
        else:
            results.append(FileResult(path, loaded))
    given = {(r.report.meta.agency, r.report.meta.year): r.path for r in results if r.report is not None}
    for result in results:
        report = result.report
        if report is None:
            continue
        previous_path = given.get((report.meta.agency, report.meta.year - 1)) or datafile.find_agency_file(
            result.path.parent.parent, report.meta.agency, report.meta.year - 1, result.path.name, loader.report
        )
        previous = loader.load(previous_path) if previous_path else None
        if isinstance(previous, DataFileError):
            previous, previous_path = None, None
        result.previous = previous_path
        result.findings = run_checks(report, previous)
        if previous is None:
            result.findings.extend(previous_unreadable(result.path, report))
    return results


def previous_unreadable(path: Path, report: Report) -> list[Finding]:
    """A finding naming last year's file of the agency if it is there but cannot be read (else none)."""
    exc = datafile.unreadable_previous(
        Path(path).resolve().parent.parent, report.meta.agency, report.meta.year - 1, Path(path).name
    )
    if exc is None:
        return []
    return [
        registry.finding(
            "previous-unreadable",
            f"上年数据文件无法读取，跨年度检查未进行：{exc}",
            expected="可读取的上年数据文件",
            actual=str(exc),
            agency=report.meta.agency,
            year=report.meta.year,
        )
    ]
