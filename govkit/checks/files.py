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
from govkit.model import Meta, Report


@dataclass
class FileResult:
    """One data file: whom it reports on (None if unreadable), last year's file if found, and the findings.

    Only the report's ``meta`` is kept: a check of thousands of files holds one report at a time.
    """

    path: Path
    meta: Meta | None
    previous: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


class _Loader:
    """Loads files (through the parse cache), remembering failures and the last two reports loaded.

    Failures are kept so that a bad neighbour is not read again; of the reports only the last two,
    which is all the check order below needs: last year's file is loaded just before the file whose
    previous year it is, or confirmed by :func:`datafile.find_agency_file` just before it is used.
    """

    KEEP = 2

    def __init__(self) -> None:
        self._failed: dict[Path, DataFileError] = {}
        self._recent: dict[Path, Report] = {}

    def report(self, path: Path) -> Report:
        """The loaded report, or the loading error raised again (for :func:`datafile.find_agency_file`)."""
        loaded = self.load(path)
        if isinstance(loaded, DataFileError):
            raise loaded
        return loaded

    def load(self, path: Path) -> Report | DataFileError:
        key = Path(os.path.abspath(path))
        if key in self._failed:
            return self._failed[key]
        if key in self._recent:
            return self._recent[key]
        try:
            report = datafile.load(path, cached=True)
        except DataFileError as exc:
            self._failed[key] = exc
            return exc
        self._recent[key] = report
        while len(self._recent) > self.KEEP:
            del self._recent[next(iter(self._recent))]  # the oldest (dicts keep insertion order)
        return report


def unreadable(exc: DataFileError) -> Finding:
    """The finding for a data file that cannot be loaded."""
    return registry.finding(
        "datafile-unreadable", str(exc), expected="可读取的数据文件", actual=exc.message, line=exc.line
    )


def check_paths(paths: list[str | os.PathLike[str]]) -> list[FileResult]:
    """Check every data file in ``paths`` (folders are searched recursively), in time linear in their number.

    Files are named by a cheap look at their ``meta:`` block first, then checked one agency at a
    time, each agency's years in order, so that a file given together with next year's file is read
    once for both checks and at most one report is held at a time.
    """
    files = datafile.discover(list(paths))
    named = {path: found for path in files if (found := datafile.peek_identity(path)) is not None}
    given = {identity: path for path, identity in named.items()}
    loader = _Loader()
    order = sorted(files, key=lambda p: (named.get(p, ("", 0))[0], named.get(p, ("", 0))[1], str(p)))
    results = {path: _check_one(path, loader, given) for path in order}
    return [results[path] for path in files]


def _check_one(path: Path, loader: _Loader, given: dict[tuple[str, int], Path]) -> FileResult:
    loaded = loader.load(path)
    if isinstance(loaded, DataFileError):
        return FileResult(path, None, findings=[unreadable(loaded)])
    report = loaded
    agency, year = report.meta.agency, report.meta.year
    previous_path: Path | None = None
    candidate = given.get((agency, year - 1))
    if candidate is not None:
        found = loader.load(candidate)  # the name was only peeked: confirm it with the loaded file
        if isinstance(found, Report) and (found.meta.agency, found.meta.year) == (agency, year - 1):
            previous_path = candidate
    if previous_path is None:
        previous_path = datafile.find_agency_file(path.parent.parent, agency, year - 1, path.name, loader.report)
    previous = loader.load(previous_path) if previous_path else None
    if isinstance(previous, DataFileError):
        previous, previous_path = None, None
    findings = run_checks(report, previous)
    if previous is None:
        findings.extend(previous_unreadable(path, report))
    return FileResult(path, report.meta, previous_path, findings)


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
