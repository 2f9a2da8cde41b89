"""The district overview as static HTML fragments, one per part of the page.

The notebook ``notebooks/district.ipynb`` only displays these fragments; all layout lives here.
Every fragment is self-contained HTML (charts are inline PNG data URIs), with ``data-*``
attributes on the figures so that tools and tests can read them back without scraping text.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import cast

import pandas as pd
from markupsafe import Markup

from govkit import charts
from govkit.district.compare import (
    HANDLED,
    MAD_FACTOR,
    MIN_GAP,
    MIN_HANDLED,
    MIN_PEERS,
    OUTCOMES,
    RECEIVED,
    CarryOver,
    Outlier,
    agency_trends,
    carry_over,
    comparison,
    outliers,
    shares,
    trends,
)
from govkit.district.data import District, load_district
from govkit.district.rollup import Rollup, rollup
from govkit.district.status import StatusMatrix, status_matrix
from govkit.findings import SEVERITY_LABELS
from govkit.formats import describe_years
from govkit.render.html import environment, report_css
from govkit.render.tables import build_tables
from govkit.synthetic import SYNTHETIC_MARK

STATUS_PAGE = 200  # agencies per page of the status matrix (a district beyond this is paged)
# Agencies drawn in the comparison charts: beyond this a bar per agency is unreadable (and a
# province's 5,000 bars took minutes to draw); the table below the charts lists every agency.
CHART_AGENCIES = 40


def _n(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


@dataclass
class DistrictView:
    """Everything the overview shows for one year, computed once."""

    district: District
    notes: list[str] = field(default_factory=list)
    links: dict[str, dict[str, str | None]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        params_dir: str | os.PathLike[str] | list,
        year: int | None = None,
        previous_years: list[int] | None = None,
        links: dict[str, dict[str, str | None]] | None = None,
    ) -> DistrictView:
        """Read the data files under ``params_dir`` (a folder, a file, or a list of them).

        Args:
            params_dir: data files or folders.
            year: the year on view; the latest year found if None.
            previous_years: earlier years for the trends; every earlier year found if None.
            links: per agency of the year on view, ``{"href": its report page relative to this page or None,
                "status": its publication status in words}``; an agency not in it is named without a link.
        """
        return cls(load_district(params_dir, year, previous_years), links=dict(links or {}))

    # -- computed parts --------------------------------------------------------------------

    @property
    def year(self) -> int:
        return self.district.year

    @property
    def title(self) -> str:
        return f"{self.district.name}{self.year}年政府信息公开工作年度报告汇总"

    @cached_property
    def status(self) -> StatusMatrix:
        return status_matrix(self.district)

    @cached_property
    def rollup(self) -> Rollup:
        return rollup(self.district.current, self.year, self.district.name)

    @cached_property
    def comparison(self) -> pd.DataFrame:
        return comparison(self.district.current)

    @cached_property
    def outliers(self) -> list[Outlier]:
        return outliers(self.comparison)

    @cached_property
    def carry_over(self) -> list[CarryOver]:
        return [carry_over(r, self.district.previous_of(r)) for r in self.district.current]

    @cached_property
    def trends(self) -> pd.DataFrame:
        return trends({y: list(self.district.reports[y].values()) for y in self.district.years})

    def frames(self) -> dict[str, object]:
        """The page's data as pandas DataFrames, for analysts in the notebook.

        Returns:
            ``findings`` (one row per finding, :data:`govkit.findings.FINDING_COLUMNS`), ``status``
            (agency × rule counts, long form), ``rollup`` (``{"二": …, "三": …, "四": …}``, the
            district's summed tables with official labels), ``comparison`` (one row per agency) and
            ``tidy`` (one row per table cell of every report of every year read).
        """
        from govkit.dataset import tidy
        from govkit.findings import findings_frame

        reports = [r for year in sorted(self.district.reports) for r in self.district.reports[year].values()]
        return {
            "findings": findings_frame(self.status.findings),
            "status": self.status.frame(),
            "rollup": {t: self.rollup.report.frame(t) for t in ("二", "三", "四")},
            "comparison": self.comparison,
            "tidy": tidy(reports),
        }

    # -- fragments -----------------------------------------------------------------------------

    def header_html(self) -> str:
        """Title, what the page covers, the style sheet, and unreadable files if any."""
        current = self.district.current
        return _render(
            "header.html.j2",
            css=Markup(_css()),
            year=self.year,
            title=self.title,
            agencies=len(current),
            previous_years=self.district.previous_years,
            synthetic=[r.meta.agency for r in current if any(SYNTHETIC_MARK in (t or "") for t in r.sections.values())],
            synthetic_mark=SYNTHETIC_MARK,
            errors=[str(e) for e in self.district.errors],
        )

    def status_html(self) -> str:
        """The status matrix: agencies × rules, errors and warnings per cell."""
        m = self.status
        # A province-sized district gets its matrix in pages of STATUS_PAGE agencies, each a closed
        # <details> whose summary counts the agencies with errors and warnings (plain HTML, no script),
        # with a column only for the rules something was found by (5,000 rows × every rule: 19 MB).
        paged = len(m.agencies) > STATUS_PAGE
        found_by = {rule for (_, rule, _) in m.counts}
        rules = [r for r in m.rules if r.id in found_by] if paged else list(m.rules)
        rows = []
        for agency in m.agencies:
            errors, warnings = m.totals(agency)
            cells = [(r.id, m.count(agency, r.id, "error"), m.count(agency, r.id, "warning")) for r in rules]
            rows.append({"agency": agency, "errors": errors, "warnings": warnings, "cells": cells})
        details = [(a, mine) for a in m.agencies if (mine := m.findings_of(a))]
        pages = [rows[i : i + STATUS_PAGE] for i in range(0, len(rows), STATUS_PAGE)]
        return _render(
            "status.html.j2",
            m=m,
            rules=rules,
            rows=rows,
            pages=[
                {
                    "first": i * STATUS_PAGE + 1,
                    "last": i * STATUS_PAGE + len(page),
                    "rows": page,
                    "with_errors": sum(1 for r in page if r["errors"]),
                    "with_warnings": sum(1 for r in page if r["warnings"] and not r["errors"]),
                }
                for i, page in enumerate(pages)
            ]
            if len(pages) > 1
            else [],
            details=details,
            total_errors=sum(n for (_, _, s), n in m.counts.items() if s == "error"),
            total_warnings=sum(n for (_, _, s), n in m.counts.items() if s == "warning"),
            severity_label=SEVERITY_LABELS,
            links=self.links,
        )

    def rollup_html(self) -> str:
        """The roll-up of tables 二, 三 and 四 in the official layout, and what was left out."""
        r = self.rollup
        grids = build_tables(r.report)
        titles = {s.table: s.title for s in r.report.format.sections if s.table}
        tables = [(titles.get(t, "表" + t), grids[t]) for t in ("二", "三", "四")]
        return _render("rollup.html.j2", r=r, year=self.year, tables=tables)

    def comparison_html(self) -> str:
        """Per-agency figures with outlier shares marked, and two charts."""
        frame = self.comparison
        share = shares(frame)
        flagged = {(o.agency, o.outcome) for o in self.outliers}
        outcome_labels = {m.label for m in OUTCOMES}
        rows = []
        values, parts = frame.to_dict("index"), share.to_dict("index")  # plain dicts: thousands of rows
        for agency, record in values.items():
            cells = []
            for label, value in record.items():
                classes, title = ["gk-num"], ""
                part = parts[agency][label] if label in outcome_labels else None
                if isinstance(part, float) and not math.isnan(part):
                    title = f"占办理结果 {part:.1%}"
                    if (agency, label) in flagged:
                        classes.append("gk-outlier")
                cells.append({"metric": label, "classes": classes, "title": title, "value": _n(value)})
            rows.append({"agency": agency, "cells": cells})
        drawn, chart_note = self._charted(frame)
        agencies = [str(a) for a in drawn.index]
        composition = f"{self.year}年各机关申请办理结果构成"
        received = f"{self.year}年各机关本年新收政府信息公开申请数量"
        if chart_note:
            composition += f"（{chart_note}）"
            received += f"（{chart_note}）"
        drawn_shares = share.loc[drawn.index]
        chart1 = charts.img_html(
            charts.stacked_shares(
                agencies,
                {m.label: drawn_shares[m.label].fillna(0).tolist() for m in OUTCOMES},
                composition,
                marked=sorted({o.agency for o in self.outliers} & set(agencies)),
            ),
            composition,
        )
        chart2 = charts.img_html(
            charts.bars(agencies, drawn[RECEIVED.label].fillna(0).astype(int).tolist(), received, "件"), received
        )
        return _render(
            "comparison.html.j2",
            columns=list(frame.columns),
            rows=rows,
            outliers=self.outliers,
            min_handled=MIN_HANDLED,
            min_peers=MIN_PEERS,
            mad_factor=f"{MAD_FACTOR:g}",
            min_gap=f"{MIN_GAP:.0%}",
            handled=HANDLED.label,
            charts=[Markup(chart1), Markup(chart2)],
            links=self.links,
        )

    def _charted(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        """The agencies the charts draw (all, or the ``CHART_AGENCIES`` with most applications) and a note saying which."""
        if len(frame) <= CHART_AGENCIES:
            return frame, ""
        counts = frame[RECEIVED.label].fillna(0).astype(int)
        top = counts.sort_values(ascending=False, kind="stable").index[:CHART_AGENCIES]
        kept = frame.loc[[a for a in frame.index if a in set(top)]]  # in the district's own order
        return kept, f"仅画出新收申请最多的 {CHART_AGENCIES} 个机关，共 {len(frame)} 个，全部见下表"

    def trends_html(self) -> str:
        """Year-over-year district totals and each agency's carry-over status."""
        years = self.district.years
        trends = per_agency = None
        if len(years) > 1:
            t = self.trends
            series = {
                label: [int(cast(int, v)) if v is not pd.NA else 0 for v in t.loc[label]]
                for label in (RECEIVED.label, HANDLED.label, "予以公开", "无法提供")
            }
            title = "全区申请与办理情况历年变化"
            trends = {
                "columns": list(t.columns),
                "formats": describe_years(),
                "rows": [(label, [_n(v) for v in row]) for label, row in t.iterrows()],
                "chart": Markup(charts.img_html(charts.lines([int(y) for y in t.columns], series, title), title)),
            }
            by_agency = agency_trends({y: list(self.district.reports[y].values()) for y in years})
            per_agency = {
                "columns": list(by_agency.columns),
                "rows": [(a, [_n(v) for v in row]) for a, row in by_agency.iterrows()],
            }
        carry = [
            {
                "agency": c.agency,
                "status": c.status,
                "carried_in": _n(c.carried_in),
                "previous_carried_over": _n(c.previous_carried_over),
                "details": c.details,
            }
            for c in self.carry_over
        ]
        return _render(
            "trends.html.j2",
            trends=trends,
            per_agency=per_agency,
            carry=carry,
            received=RECEIVED.label,
            links=self.links,
        )

    def html(self) -> str:
        """The whole overview as one fragment (what the notebook shows, in order)."""
        return "\n".join(
            [self.header_html(), self.status_html(), self.rollup_html(), self.comparison_html(), self.trends_html()]
        )


def _render(template: str, **context: object) -> str:
    return environment("govkit.district").get_template(template).render(**context)


@cache
def _css() -> str:
    """The page's own styles, then the report's (the roll-up tables use the report's layout), then its print styles."""
    package = resources.files("govkit.district")
    own = package.joinpath("district.css").read_text(encoding="utf-8")
    landscape = package.joinpath("print.css").read_text(encoding="utf-8")  # after the report's portrait @page
    return own + report_css() + landscape
