"""Checking data files on disk: load each, find last year's file of the same agency, run the rules."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from govkit import datafile
from govkit.checks import run_checks
from govkit.checks.base import Finding
from govkit.errors import DataFileError
from govkit.model import Report
from govkit.paths import safe_name

MAX_SCAN = 5000  # files looked at in a sibling year folder when the agency's file has another name


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

    def load(self, path: Path) -> Report | DataFileError:
        key = Path(os.path.abspath(path))
        if key not in self._seen:
            try:
                self._seen[key] = datafile.load(path)
            except DataFileError as exc:
                self._seen[key] = exc
        return self._seen[key]


def unreadable(path: Path, exc: DataFileError) -> Finding:
    """The finding for a data file that cannot be loaded."""
    return Finding(rule="datafile", severity="error", message=str(exc), expected="可读取的数据文件", actual=exc.message)


def check_paths(paths: list[str | os.PathLike[str]]) -> list[FileResult]:
    """Check every data file in ``paths`` (folders are searched recursively)."""
    loader = _Loader()
    results: list[FileResult] = []
    for path in datafile.discover(list(paths)):
        loaded = loader.load(path)
        if isinstance(loaded, DataFileError):
            results.append(FileResult(path, None, findings=[unreadable(path, loaded)]))
        else:
            results.append(FileResult(path, loaded))
    given = {(r.report.meta.agency, r.report.meta.year): r.path for r in results if r.report is not None}
    for result in results:
        report = result.report
        if report is None:
            continue
        previous_path = given.get((report.meta.agency, report.meta.year - 1)) or _sibling(result.path, report, loader)
        previous = loader.load(previous_path) if previous_path else None
        if isinstance(previous, DataFileError):
            previous, previous_path = None, None
        result.previous = previous_path
        result.findings = run_checks(report, previous)
    return results


def _sibling(path: Path, report: Report, loader: _Loader) -> Path | None:
    """Last year's file of the same agency in ``<params>/<year-1>/`` beside the file's year folder."""
    folder = path.parent.parent / str(report.meta.year - 1)
    if not folder.is_dir():
        return None
    agency = report.meta.agency
    guess = folder / f"{safe_name(agency)}.yaml"
    candidates = [guess] if guess.is_file() else []
    candidates += sorted(p for p in folder.glob("*.yaml") if p != guess and p.is_file())[:MAX_SCAN]
    for candidate in candidates:
        other = loader.load(candidate)
        if isinstance(other, Report) and other.meta.agency == agency and other.meta.year == report.meta.year - 1:
            return candidate
    return None
