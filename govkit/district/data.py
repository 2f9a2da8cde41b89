"""The district's data: every agency's report, by year, read from data files or folders."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from govkit import datafile
from govkit.errors import DataFileError, GovkitError
from govkit.model import Report
from govkit.ordering import agency_key, district_order


class DistrictError(GovkitError):
    """The district view cannot be drawn from the given files."""


@dataclass
class District:
    """Reports by year and agency, the year on view and the earlier years compared with it.

    Attributes:
        reports: ``{year: {agency: report}}`` for every readable data file.
        year: the year on view.
        previous_years: earlier years shown in the trends, oldest first.
        errors: data files that could not be read (shown, never fatal).
        order: the district's own order of agencies (``order.txt`` of the params folders), if any.
    """

    reports: dict[int, dict[str, Report]]
    year: int
    previous_years: list[int]
    errors: list[DataFileError] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    @property
    def current(self) -> list[Report]:
        """This year's reports in the district's order (:func:`govkit.ordering.agency_key`, as in the index)."""
        reports = self.reports.get(self.year, {}).values()
        return sorted(reports, key=lambda r: agency_key(r.meta.agency, r.meta.level, self.order))

    @property
    def years(self) -> list[int]:
        return [*self.previous_years, self.year]

    def previous_of(self, report: Report) -> Report | None:
        """Last year's report of the same agency, if its file was given."""
        return self.reports.get(report.meta.year - 1, {}).get(report.meta.agency)

    @property
    def name(self) -> str:
        """The district's name from the reports' metadata (the most frequent one), else 本区."""
        names = Counter(r.meta.district for r in self.current if r.meta.district)
        if not names:
            return "本区"
        top, count = names.most_common(1)[0]
        return top if count == len(self.current) else f"{top}等"


def load_district(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    year: int | None = None,
    previous_years: list[int] | None = None,
) -> District:
    """Read every data file under ``paths`` (files or folders, searched recursively).

    Args:
        paths: data files or folders such as ``params/``.
        year: the year on view; the latest year found if None.
        previous_years: earlier years for the trends; every earlier year found if None.

    Raises:
        DistrictError: nothing readable for the year, or one agency twice in one year.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    reports: dict[int, dict[str, Report]] = {}
    errors: list[DataFileError] = []
    files = datafile.discover(list(paths))
    for path in files:
        try:
            report = datafile.load(path, cached=True)
        except DataFileError as exc:
            errors.append(exc)
            continue
        same = reports.setdefault(report.meta.year, {})
        other = same.get(report.meta.agency)
        if other is not None:
            raise DistrictError(
                f"{path}：{report.meta.agency} {report.meta.year}年已有数据文件 {other.source}，同一机关同一年度只能有一个文件"
            )
        same[report.meta.agency] = report
    if not reports:
        where = "、".join(str(p) for p in paths) or "（未指定）"
        raise DistrictError(f"{where}：没有可读取的数据文件")
    if year is None:
        year = max(reports)
    year = int(year)
    if year not in reports:
        found = "、".join(str(y) for y in sorted(reports))
        raise DistrictError(f"没有 {year} 年度的数据文件；已有年度：{found}")
    earlier = sorted(y for y in reports if y < year)
    chosen = (
        earlier
        if previous_years is None
        else sorted(int(y) for y in previous_years if int(y) in reports and int(y) < year)
    )
    order = district_order(files)
    return District(reports=reports, year=year, previous_years=chosen, errors=errors, order=order)
