"""Per-agency comparison, outliers, year-over-year trends and cross-year carry-over.

Every figure is addressed by row and column ids, so it means the same in the 2019 and 2021
formats: the six outcome groups of table 三 are group sums (（六）其他处理 is one row in 2019 and
three in 2021; only its total is compared), and table 四 is identical in both.

Outliers: for each outcome, an agency's share of the outcome in its 办理结果总计 is marked when

* the agency handled at least :data:`MIN_HANDLED` applications, and at least
  :data:`MIN_PEERS` agencies did (otherwise there is no "usual" to compare with), and
* share > median + 3 × MAD over those agencies (MAD: median absolute deviation — robust, one
  extreme agency does not hide itself by inflating the spread), and
* share − median ≥ :data:`MIN_GAP` (so that when nearly everyone is at the same share, a tiny
  difference is not called an outlier).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pandas as pd

from govkit.dataset import part_columns
from govkit.model import Report, Value

MIN_HANDLED = 10
MIN_PEERS = 4
MIN_GAP = 0.15
MAD_FACTOR = 3.0


@dataclass(frozen=True)
class Metric:
    """A figure read from a report by ids: a table-三 row (group sum) in the 总计 column, or table-四 totals."""

    key: str
    label: str
    table: str
    ids: tuple[tuple[str, ...], ...]

    def value(self, report: Report) -> int | None:
        fmt = report.format
        total: int = 0
        for ids in self.ids:
            if self.table == "三":
                v: Value = report.sum_rows("三", fmt.row("三", *ids), fmt.column("三", "total"))
            else:
                v = report.get("四", (), fmt.column("四", *ids))
            if v is None:
                return None
            total += int(v)
        return total


RECEIVED = Metric("received", "本年新收申请", "三", (("received",),))
CARRIED_IN = Metric("carried_in", "上年结转", "三", (("carried_in",),))
OUTCOMES = (
    Metric("disclosed", "予以公开", "三", (("outcomes", "disclosed"),)),
    Metric("partly", "部分公开", "三", (("outcomes", "partly"),)),
    Metric("withheld", "不予公开", "三", (("outcomes", "withheld"),)),
    Metric("unavailable", "无法提供", "三", (("outcomes", "unavailable"),)),
    Metric("not_processed", "不予处理", "三", (("outcomes", "not_processed"),)),
    Metric("other_handling", "其他处理", "三", (("outcomes", "other_handling"),)),
)
HANDLED = Metric("handled", "办理结果总计", "三", (("outcomes", "total"),))
CARRIED_OVER = Metric("carried_over", "结转下年度继续办理", "三", (("carried_over",),))
REVIEW = Metric("review", "行政复议", "四", (("review", "total"),))
LITIGATION = Metric("litigation", "行政诉讼", "四", (("direct", "total"), ("after_review", "total")))
METRICS = (RECEIVED, CARRIED_IN, *OUTCOMES, HANDLED, CARRIED_OVER, REVIEW, LITIGATION)


def comparison(reports: list[Report]) -> pd.DataFrame:
    """One row per agency, one column per metric label (nullable integers; NA where a cell is blank)."""
    data = {r.meta.agency: {m.label: m.value(r) for m in METRICS} for r in reports}
    frame = pd.DataFrame.from_dict(data, orient="index", columns=[m.label for m in METRICS])
    return frame.astype("Int64")


def shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Each outcome as a share of 办理结果总计 (NaN where nothing was handled)."""
    handled = frame[HANDLED.label].astype("float64")
    out = pd.DataFrame(index=frame.index)
    for m in OUTCOMES:
        out[m.label] = frame[m.label].astype("float64") / handled.where(handled > 0)
    return out


@dataclass(frozen=True)
class Outlier:
    agency: str
    outcome: str
    share: float
    median: float
    threshold: float

    @property
    def text(self) -> str:
        return (
            f"{self.agency}：{self.outcome}占办理结果的 {self.share:.0%}，"
            f"各机关中位数 {self.median:.0%}，判定界限 {self.threshold:.0%}"
        )


def outliers(frame: pd.DataFrame) -> list[Outlier]:
    """Agencies whose share of an outcome is far above the others (rule in the module docstring)."""
    table = shares(frame)
    eligible = frame[HANDLED.label].fillna(0) >= MIN_HANDLED
    found: list[Outlier] = []
    for m in OUTCOMES:
        values = table.loc[eligible, m.label].dropna()
        if len(values) < MIN_PEERS:
            continue
        median = float(statistics.median(values))
        mad = float(statistics.median(abs(v - median) for v in values))
        threshold = max(median + MAD_FACTOR * mad, median + MIN_GAP)
        for agency, share in values.items():
            if share > threshold:
                found.append(Outlier(str(agency), m.label, float(share), median, threshold))
    return found


# ---------------------------------------------------------------------------------------------
# Years


def trends(by_year: dict[int, list[Report]]) -> pd.DataFrame:
    """District totals of every metric (rows) per year (columns); blank cells count as missing."""
    data: dict[int, dict[str, int | None]] = {}
    for year in sorted(by_year):
        column: dict[str, int | None] = {}
        for m in METRICS:
            values = [m.value(r) for r in by_year[year]]
            column[m.label] = None if any(v is None for v in values) else sum(v for v in values if v is not None)
        data[year] = column
    frame = pd.DataFrame(data, index=[m.label for m in METRICS])
    return frame.astype("Int64")


def agency_trends(by_year: dict[int, list[Report]], metric: Metric = RECEIVED) -> pd.DataFrame:
    """One metric per agency (rows) and year (columns); NA where the agency has no report."""
    data = {year: {r.meta.agency: metric.value(r) for r in reports} for year, reports in sorted(by_year.items())}
    return pd.DataFrame(data).astype("Int64").sort_index()


@dataclass(frozen=True)
class CarryOver:
    """This year's 上年结转 against last year's 结转下年度继续办理, per applicant column."""

    agency: str
    status: str  # 一致 / 不一致 / 无上年文件
    carried_in: int | None
    previous_carried_over: int | None
    details: str = ""


def carry_over(report: Report, previous: Report | None) -> CarryOver:
    """Compare one agency's carry-over with its previous report (columns matched by ids)."""
    fmt = report.format
    this_total = CARRIED_IN.value(report)
    if previous is None:
        return CarryOver(report.meta.agency, "无上年文件", this_total, None, "未提供上年数据文件，无法核对")
    pfmt = previous.format
    this_row, prev_row = fmt.row("三", "carried_in"), pfmt.row("三", "carried_over")
    diffs: list[str] = []
    prev_cols = {cid: col for col, cid, _ in part_columns(pfmt.table("三").parts[0])}
    for col, cid, _ in part_columns(fmt.table("三").parts[0]):
        now = report.get("三", this_row, col)
        before = previous.get("三", prev_row, prev_cols[cid]) if cid in prev_cols else None
        if now is None or before is None or now != before:
            diffs.append(f"{col[-1]}：本年上年结转 {_show(now)}，上年结转下年度 {_show(before)}")
    status = "不一致" if diffs else "一致"
    return CarryOver(report.meta.agency, status, this_total, CARRIED_OVER.value(previous), "；".join(diffs))


def _show(value: Value) -> str:
    return "空白" if value is None else str(value)
