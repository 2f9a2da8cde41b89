"""The district overview as static HTML fragments, one per part of the page.

The notebook ``notebooks/district.ipynb`` only displays these fragments; all layout lives here.
Every fragment is self-contained HTML (charts are inline PNG data URIs), with ``data-*``
attributes on the figures so that tools and tests can read them back without scraping text.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

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
from govkit.formats import describe_years
from govkit.synthetic import SYNTHETIC_MARK

CSS = """
.gk-district { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; color: #222; max-width: 1100px; }
.gk-district h1 { font-size: 22px; margin: 0.4em 0; }
.gk-district h2 { font-size: 18px; margin: 1.4em 0 0.5em; border-bottom: 2px solid #3465a4; padding-bottom: 4px; }
.gk-district h3 { font-size: 15px; margin: 1em 0 0.4em; }
.gk-district p.gk-note { color: #555; font-size: 13px; }
.gk-district table.gk-grid { border-collapse: collapse; font-size: 13px; margin: 0.5em 0 1em; }
.gk-district table.gk-grid th, .gk-district table.gk-grid td { border: 1px solid #bbb; padding: 3px 6px; }
.gk-district table.gk-grid th { background: #f2f4f7; font-weight: 600; text-align: center; }
.gk-district table.gk-grid th.gk-agency { text-align: left; white-space: nowrap; }
.gk-district table.gk-grid td.gk-num { text-align: right; font-variant-numeric: tabular-nums; }
.gk-district td.gk-ok { color: #4e9a06; text-align: center; }
.gk-district td.gk-err { background: #f8d7d3; color: #a40000; text-align: center; font-weight: 600; }
.gk-district td.gk-warn { background: #fcefc7; color: #8a5a00; text-align: center; }
.gk-district td.gk-outlier { background: #f8d7d3; font-weight: 700; }
.gk-district td.gk-outlier::after { content: " ▲"; color: #a40000; }
.gk-district .gk-status-不一致 { color: #a40000; font-weight: 700; }
.gk-district .gk-status-一致 { color: #4e9a06; }
.gk-district .gk-status-无上年文件 { color: #777; }
.gk-district img.gk-chart { max-width: 100%; display: block; margin: 0.5em 0 1em; }
.gk-district .gk-synthetic { background: #fff4ce; border: 1px solid #e0c060; padding: 6px 10px; }
.gk-district details { margin: 0.4em 0 1em; font-size: 13px; }
.gk-district .govkit-report { max-width: none; margin: 0; padding: 0; }
.gk-district .govkit-report table th { text-align: center; }
.gk-district .govkit-report table th.govkit-rowhead, .gk-district .govkit-report table th.govkit-caption,
.gk-district .govkit-report table th.govkit-corner { text-align: left; }
.gk-district .govkit-report table td { text-align: right; }
.gk-district table.gk-grid td, .gk-district table.gk-grid th.gk-agency { text-align: left; }
.gk-district table.gk-grid td.gk-num { text-align: right; }
.gk-district table.gk-status td { text-align: center; white-space: nowrap; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _n(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


@dataclass
class DistrictView:
    """Everything the overview shows for one year, computed once."""

    district: District
    notes: list[str] = field(default_factory=list)

    @classmethod
    def load(
        cls, params_dir: str | os.PathLike[str] | list, year: int | None = None, previous_years: list[int] | None = None
    ) -> DistrictView:
        """Read the data files under ``params_dir`` (a folder, a file, or a list of them)."""
        return cls(load_district(params_dir, year, previous_years))

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

    # -- fragments -----------------------------------------------------------------------------

    def header_html(self) -> str:
        """Title, what the page covers, the style sheet, and unreadable files if any."""
        current = self.district.current
        synthetic = [r.meta.agency for r in current if any(SYNTHETIC_MARK in (t or "") for t in r.sections.values())]
        years = "、".join(f"{y}年" for y in self.district.previous_years)
        parts = [
            f"<style>{CSS}{_report_css()}</style>",
            f'<div class="gk-district" data-year="{self.year}">',
            f"<h1>{_e(self.title)}</h1>",
            f"<p>本页汇总 {len(current)} 个机关的 {self.year} 年度报告"
            + (f"，并与 {years} 比较" if years else "")
            + "。</p>",
        ]
        if synthetic:
            parts.append(
                f'<p class="gk-synthetic">其中 {len(synthetic)} 个机关为示例数据{SYNTHETIC_MARK}：'
                f"{_e('、'.join(synthetic))}。</p>"
            )
        if self.district.errors:
            items = "".join(f"<li>{_e(e)}</li>" for e in self.district.errors)
            parts.append(
                f'<h3>无法读取的数据文件（{len(self.district.errors)} 个，未计入）</h3><ul class="gk-errors">{items}</ul>'
            )
        parts.append("</div>")
        return "\n".join(parts)

    def status_html(self) -> str:
        """The status matrix: agencies × rules, errors and warnings per cell."""
        m = self.status
        head = "".join(f'<th title="{_e(r.description)}">{_e(r.id)}</th>' for r in m.rules)
        rows = []
        for agency in m.agencies:
            errors, warnings = m.totals(agency)
            cells = [f'<th class="gk-agency">{_e(agency)}</th>', _status_cell(agency, "*", errors, warnings)]
            for rule in m.rules:
                cells.append(
                    _status_cell(
                        agency, rule.id, m.count(agency, rule.id, "error"), m.count(agency, rule.id, "warning")
                    )
                )
            rows.append(f'<tr data-agency="{_e(agency)}">{"".join(cells)}</tr>')
        legend = "".join(
            f"<li><code>{_e(r.id)}</code>（{'错误' if r.severity == 'error' else '警告'}）：{_e(r.description)}</li>"
            for r in m.rules
        )
        details = []
        for agency in m.agencies:
            mine = [f for f in m.findings if f.agency == agency]
            if mine:
                items = "".join(
                    f"<li>【{'错误' if f.severity == 'error' else '警告'}】{_e(f.place + '：' if f.place else '')}{_e(f.message)} <code>{_e(f.rule)}</code></li>"
                    for f in mine
                )
                details.append(f"<details><summary>{_e(agency)}：{len(mine)} 条</summary><ol>{items}</ol></details>")
        total_e = sum(n for (_, _, s), n in m.counts.items() if s == "error")
        total_w = sum(n for (_, _, s), n in m.counts.items() if s == "warning")
        return (
            '<div class="gk-district"><h2>一、检查情况</h2>'
            f"<p>共 {len(m.rules)} 条检查规则；{len(m.agencies)} 个机关共有 {total_e} 个错误、{total_w} 个警告"
            "（与 <code>govkit check</code> 的检查相同；有上年数据文件的机关同时核对跨年度衔接）。"
            "单元格中“错”为错误数，“警”为警告数，✓ 表示该规则未发现问题。</p>"
            f'<table class="gk-grid gk-status"><thead><tr><th>机关</th><th>合计</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<details><summary>规则说明</summary><ul>{legend}</ul></details>" + "".join(details) + "</div>"
        )

    def rollup_html(self) -> str:
        """The roll-up of tables 二, 三 and 四 in the official layout, and what was left out."""
        from govkit.render.tables import build_tables

        r = self.rollup
        grids = build_tables(r.report)
        titles = {s.table: s.title for s in r.report.format.sections if s.table}
        parts = [
            '<div class="gk-district"><h2>二、全区汇总</h2>',
            f"<p>{len(r.agencies)} 个机关 {self.year} 年度报告的表格逐格相加（{_e(r.report.format.name)}，"
            f"{_e(r.report.format.document)}）。件数与金额（万元）精确相加；“本年增/减”为各机关自身事项目录的变化，"
            "不作汇总，留空；表二中本地细分的子项按其所属的正式行计入。</p>",
        ]
        if r.other_format:
            parts.append(
                f'<p class="gk-note">以下机关的报告使用了另一版格式，只有两版格式中含义相同（编号一致）的单元格计入汇总：'
                f"{_e('、'.join(r.other_format))}。</p>"
            )
        parts.append('<div class="govkit-report govkit-publish">')
        for table_id in ("二", "三", "四"):
            parts.append(f"<h3>{_e(titles.get(table_id, '表' + table_id))}</h3>")
            parts.append(_grid_html(grids[table_id], rollup=True))
        parts.append("</div>")
        if r.left_out:
            rows = "".join(
                f"<tr><td>{_e(x.agency)}</td><td>表{_e(x.table)}</td><td>{_e(x.row)}</td><td>{_e(x.column)}</td>"
                f'<td class="gk-num">{_e(x.value)}</td><td>{_e(x.reason)}</td></tr>'
                for x in r.left_out
            )
            parts.append(
                f'<details class="gk-left-out" open><summary>未计入汇总的单元格（{len(r.left_out)} 个）</summary>'
                '<table class="gk-grid"><thead><tr><th>机关</th><th>表</th><th>行</th><th>列</th><th>数值</th><th>原因</th></tr></thead>'
                f"<tbody>{rows}</tbody></table></details>"
            )
        else:
            parts.append('<p class="gk-note">所有机关的单元格均已计入汇总。</p>')
        parts.append("</div>")
        return "".join(parts)

    def comparison_html(self) -> str:
        """Per-agency figures with outlier shares marked, and two charts."""
        frame = self.comparison
        share = shares(frame)
        flagged = {(o.agency, o.outcome) for o in self.outliers}
        head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
        rows = []
        outcome_labels = {m.label for m in OUTCOMES}
        for agency, record in frame.iterrows():
            cells = [f'<th class="gk-agency">{_e(agency)}</th>']
            for label, value in record.items():
                classes = ["gk-num"]
                title = ""
                if label in outcome_labels and share.at[agency, label] == share.at[agency, label]:
                    title = f' title="占办理结果 {share.at[agency, label]:.1%}"'
                    if (agency, label) in flagged:
                        classes.append("gk-outlier")
                cells.append(f'<td class="{" ".join(classes)}" data-metric="{_e(label)}"{title}>{_n(value)}</td>')
            rows.append(f'<tr data-agency="{_e(agency)}">{"".join(cells)}</tr>')
        found = "".join(f"<li>{_e(o.text)}</li>" for o in self.outliers) or "<li>未发现明显偏离的机关。</li>"
        agencies = [str(a) for a in frame.index]
        marked = sorted({o.agency for o in self.outliers})
        chart1 = charts.img_html(
            charts.stacked_shares(
                agencies,
                {m.label: share[m.label].fillna(0).tolist() for m in OUTCOMES},
                f"{self.year}年各机关申请办理结果构成",
                marked=marked,
            ),
            f"{self.year}年各机关申请办理结果构成",
        )
        received = frame[RECEIVED.label].fillna(0).astype(int).tolist()
        chart2 = charts.img_html(
            charts.bars(agencies, received, f"{self.year}年各机关本年新收政府信息公开申请数量", "件"),
            f"{self.year}年各机关本年新收政府信息公开申请数量",
        )
        return (
            '<div class="gk-district"><h2>三、各机关比较</h2>'
            "<p>申请与办理数字取自表三“总计”列，行政复议、行政诉讼取自表四“总计”（行政诉讼为未经复议直接起诉与复议后起诉之和）。</p>"
            f'<table class="gk-grid gk-compare"><thead><tr><th>机关</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<h3>明显偏离的办理结果（▲）</h3><ul class="gk-outliers">{found}</ul>'
            f'<p class="gk-note">判定方法：办理结果总计不少于 {MIN_HANDLED} 件的机关（至少 {MIN_PEERS} 个）中，'
            f"某类结果占办理结果的比例高于各机关中位数加 {MAD_FACTOR:g} 倍绝对中位差（MAD），且比中位数高出至少 {MIN_GAP:.0%}。"
            f"比例以“{_e(HANDLED.label)}”为分母。</p>" + chart1 + chart2 + "</div>"
        )

    def trends_html(self) -> str:
        """Year-over-year district totals and each agency's carry-over status."""
        parts = ['<div class="gk-district"><h2>四、历年变化与跨年度衔接</h2>']
        years = self.district.years
        if len(years) > 1:
            t = self.trends
            head = "".join(f"<th>{y}年</th>" for y in t.columns)
            body = "".join(
                f'<tr data-metric="{_e(label)}"><th class="gk-agency">{_e(label)}</th>'
                + "".join(f'<td class="gk-num">{_n(v)}</td>' for v in row)
                + "</tr>"
                for label, row in t.iterrows()
            )
            parts.append(
                f"<p>各年度全区合计。报告格式：{_e(describe_years())}；"
                "这里只比较两版含义相同的数字（表三各类办理结果按大类合计，“（六）其他处理”在 2021 版中的细分不单独比较；表四两版相同）。</p>"
            )
            parts.append(
                f'<table class="gk-grid gk-trends"><thead><tr><th>项目</th>{head}</tr></thead><tbody>{body}</tbody></table>'
            )
            series = {
                label: [int(v) if v is not pd.NA else 0 for v in t.loc[label]]
                for label in (RECEIVED.label, HANDLED.label, "予以公开", "无法提供")
            }
            parts.append(
                charts.img_html(
                    charts.lines([int(y) for y in t.columns], series, "全区申请与办理情况历年变化"),
                    "全区申请与办理情况历年变化",
                )
            )
            per_agency = agency_trends({y: list(self.district.reports[y].values()) for y in years})
            head = "".join(f"<th>{y}年</th>" for y in per_agency.columns)
            body = "".join(
                f'<tr><th class="gk-agency">{_e(a)}</th>'
                + "".join(f'<td class="gk-num">{_n(v)}</td>' for v in row)
                + "</tr>"
                for a, row in per_agency.iterrows()
            )
            parts.append(
                f"<h3>各机关{RECEIVED.label}（件）</h3>"
                f'<table class="gk-grid gk-agency-trends"><thead><tr><th>机关</th>{head}</tr></thead><tbody>{body}</tbody></table>'
            )
        else:
            parts.append('<p class="gk-note">未提供更早年度的数据文件，无法比较历年变化。</p>')
        rows = "".join(
            f'<tr data-agency="{_e(c.agency)}"><th class="gk-agency">{_e(c.agency)}</th>'
            f'<td class="gk-status-{_e(c.status)}" data-status="{_e(c.status)}">{_e(c.status)}</td>'
            f'<td class="gk-num">{_n(c.carried_in)}</td><td class="gk-num">{_n(c.previous_carried_over)}</td><td>{_e(c.details)}</td></tr>'
            for c in self.carry_over
        )
        parts.append(
            f"<h3>跨年度衔接：本年“二、上年结转政府信息公开申请数量”与上年“四、结转下年度继续办理”</h3>"
            '<table class="gk-grid gk-carry"><thead><tr><th>机关</th><th>状态</th><th>本年上年结转（总计）</th>'
            f"<th>上年结转下年度（总计）</th><th>说明</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        parts.append("</div>")
        return "".join(parts)

    def html(self) -> str:
        """The whole overview as one fragment (what the notebook shows, in order)."""
        return "\n".join(
            [self.header_html(), self.status_html(), self.rollup_html(), self.comparison_html(), self.trends_html()]
        )


def _status_cell(agency: str, rule: str, errors: int, warnings: int) -> str:
    data = f'data-rule="{_e(rule)}" data-errors="{errors}" data-warnings="{warnings}"'
    if not errors and not warnings:
        return f'<td class="gk-ok" {data}>✓</td>'
    text = " ".join(t for t in (f"错{errors}" if errors else "", f"警{warnings}" if warnings else "") if t)
    return f'<td class="{"gk-err" if errors else "gk-warn"}" {data}>{text}</td>'


def _report_css() -> str:
    from govkit.render.html import report_css

    return report_css()


def _grid_html(grid, rollup: bool = False) -> str:
    """Print a :class:`govkit.render.tables.Grid` (official layout) as a table."""

    def cell(c) -> str:
        attrs = ""
        if c.rowspan > 1:
            attrs += f' rowspan="{c.rowspan}"'
        if c.colspan > 1:
            attrs += f' colspan="{c.colspan}"'
        if c.classes:
            attrs += f' class="{_e(" ".join(c.classes))}"'
        if c.title:
            attrs += f' title="{_e(c.title)}"'
        return f"<{c.kind}{attrs}>{_e(c.text)}</{c.kind}>"

    head = "".join(f"<tr>{''.join(cell(c) for c in row)}</tr>" for row in grid.head)
    body = "".join(f"<tr>{''.join(cell(c) for c in row)}</tr>" for row in grid.body)
    kind = ' data-rollup="1"' if rollup else ""
    widths = getattr(grid, "widths", None) or []
    cols = "<colgroup>" + "".join(f'<col style="width: {_e(w)}">' for w in widths) + "</colgroup>" if widths else ""
    return (
        f'<table class="govkit-table {_e(grid.css)}" data-table="{_e(grid.table_id)}"{kind}>'
        + cols
        + (f"<thead>{head}</thead>" if head else "")
        + f"<tbody>{body}</tbody></table>"
    )
