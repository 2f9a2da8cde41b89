"""The 图解: a one-page illustrated summary of a report, for the website and 政务新媒体.

Every figure on the page is a table reference (:mod:`govkit.references`) resolved against the
report, so the page cannot disagree with the report's tables; the change against last year is
the same reference resolved against last year's report (omitted where last year's format has no
such cell). Charts are drawn with matplotlib on their own Agg canvas (:mod:`govkit.charts`) in
Okabe-Ito colours with a hatch pattern per category, so that they read in greyscale and for
colour-blind readers; each carries its figures as text (``alt``) and the page opens with a summary
sentence holding every key figure. The page is self-contained (images as data URIs).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from govkit.formats import ColPath, RowPath
from govkit.model import Report
from govkit.references import ReferenceError, Resolved, locate, reference_for, resolve, short_label

SUFFIX = ".图解"
WIDTH_PX = 1080
# Okabe & Ito (2008), colour-blind safe; paired with hatches so that greyscale keeps them apart.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
BLANK = "未填写"
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")


@dataclass(frozen=True)
class Figure:
    """One figure of the page: what it is, the reference it is drawn from, its value and the change."""

    label: str
    reference: str
    value: int | float
    display: str
    previous: str | None = None  # last year's value as printed, None when last year has no such cell
    change: str = ""  # e.g. "比上年增加 3 件", "与上年持平"
    unit: str = "件"
    group: str = ""  # table 二: the row the figure belongs to
    name: str = ""  # table 二: the column
    blank: bool = False  # the cell is blank in the report: shown as 未填写, drawn as an empty bar

    @property
    def text(self) -> str:
        return f"{self.label}{self.display}" if self.blank else f"{self.label}{self.display}{self.unit}"


@dataclass
class Block:
    """A titled group of figures, optionally with a chart of some of them."""

    title: str
    figures: list[Figure] = field(default_factory=list)
    chart_title: str = ""
    chart: list[Figure] = field(default_factory=list)
    chart_groups: list[tuple[str, list[Figure]]] = field(default_factory=list)


def _unit(resolved: Resolved) -> str:
    amounts = [c.spec for c in resolved.cells if c.spec.type == "amount"]
    if amounts:
        unit = amounts[0].unit or "万元"
        return "" if unit in amounts[0].label else unit  # 本年收费金额（单位：万元） names its unit already
    return "项" if all("项目" in c.column[-1] for c in resolved.cells) else "件"


def _figure(
    report: Report, previous: Report | None, label: str, reference: str, group: str = "", name: str = ""
) -> Figure:
    try:
        resolved = resolve(report, reference)
    except ReferenceError:
        _, named = locate(report, reference)  # a reference that names no cell is a bug here: let it raise
        # a blank cell is shown as such, never as a number (the checks report it)
        unit = _unit(Resolved(reference, named, 0, ""))
        return Figure(label, reference, 0, BLANK, None, "", unit, group, name, blank=True)
    value = resolved.value
    unit = _unit(resolved)
    prev_display, change = None, ""
    if previous is not None:
        try:
            before = resolve(previous, reference)
        except ReferenceError:
            before = None
        if before is not None:
            prev_display = before.display
            delta = value - before.value
            if delta > 0:
                change = f"比上年增加 {_show(delta)} {unit}"
            elif delta < 0:
                change = f"比上年减少 {_show(-delta)} {unit}"
            else:
                change = "与上年持平"
    number = float(value) if not isinstance(value, int) else value
    return Figure(label, reference, number, resolved.display, prev_display, change, unit, group, name)


def _show(value: object) -> str:
    return format(value, "f") if not isinstance(value, int) else str(value)


def _ref(report: Report, table: str, row: RowPath, column: ColPath) -> str:
    return reference_for(report, table, row, column)


def _sum_ref(refs: Sequence[str]) -> str:
    return "{{" + " + ".join(r[2:-2] for r in refs) + "}}"


def blocks(report: Report, previous: Report | None = None) -> list[Block]:
    """The page's figures: 依申请公开 (表三), 行政复议和行政诉讼 (表四), 主动公开 (表二)."""
    fmt = report.format
    total = fmt.column("三", "total")

    def fig(label: str, ref: str, group: str = "", name: str = "") -> Figure:
        return _figure(report, previous, label, ref, group, name)

    t3 = Block("依申请公开", chart_title="本年度办理结果")
    for label, ids in (
        ("本年新收申请", ("received",)),
        ("上年结转申请", ("carried_in",)),
        ("本年度办结", ("outcomes", "total")),
        ("结转下年度继续办理", ("carried_over",)),
    ):
        t3.figures.append(fig(label, _ref(report, "三", fmt.row("三", *ids), total)))
    outcomes = next(s for s in fmt.table("三").parts[0].rows if s.id == "outcomes")
    for spec in outcomes.children:
        if spec.role == "total":
            continue
        row = fmt.row("三", "outcomes", spec.id)
        t3.chart.append(fig(short_label(spec), _ref(report, "三", row, total)))
    t4 = Block("行政复议和行政诉讼", chart_title="行政复议、行政诉讼结果")
    review_total = fmt.column("四", "review", "total")
    direct_total, after_total = fmt.column("四", "direct", "total"), fmt.column("四", "after_review", "total")
    t4.figures.append(fig("行政复议", _ref(report, "四", (), review_total)))
    t4.figures.append(
        fig("行政诉讼", _sum_ref([_ref(report, "四", (), direct_total), _ref(report, "四", (), after_total)]))
    )
    part4 = fmt.table("四").parts[0]
    groups: dict[ColPath, list[Figure]] = {}
    for path, col4 in part4.leaf_columns():
        if col4.role == "total":
            continue
        groups.setdefault(path[:-1], []).append(fig(col4.label, _ref(report, "四", (), path)))
    t4.chart_groups = [(path[-1], figures) for path, figures in groups.items()]
    t2 = Block("主动公开")
    for part in fmt.table("二").parts:
        for row, spec in part.leaf_rows():
            for col, col_spec in part.leaf_columns():
                if col_spec.type == "signed":
                    continue  # 本年增/减 is a change, not a count of published information
                label = f"{spec.label}{col_spec.label}"
                t2.figures.append(fig(label, _ref(report, "二", row, col), spec.label, col_spec.label))
    return [t3, t4, t2]


def summary(report: Report, found: list[Block]) -> str:
    """One paragraph with every key figure: the page's text alternative as a whole (also in the PNG)."""
    t3, t4, t2 = found
    parts = [f"{report.meta.agency}{report.meta.year}年政府信息公开工作年度报告图解。"]
    parts.append("依申请公开：" + "，".join(f.text for f in t3.figures) + "；")
    parts.append("办理结果：" + "，".join(f.text for f in t3.chart) + "。")
    parts.append("行政复议和行政诉讼：" + "，".join(f.text for f in t4.figures) + "。")
    parts.append("主动公开：" + "，".join(f.text for f in t2.figures) + "。")
    return "".join(parts)


def _by_group(figures: list[Figure]) -> list[tuple[str, list[Figure]]]:
    groups: dict[str, list[Figure]] = {}
    for f in figures:
        groups.setdefault(f.group, []).append(f)
    return list(groups.items())


def _bars_alt(title: str, figures: list[Figure]) -> str:
    return f"{title}（条形图）：" + "；".join(f.text for f in figures) + "。"


def _grouped_alt(title: str, groups: list[tuple[str, list[Figure]]]) -> str:
    return (
        f"{title}（分组条形图）："
        + "；".join(f"{name}：" + "，".join(f.text for f in figures) for name, figures in groups)
        + "。"
    )


def outcome_chart(figures: list[Figure]) -> str:
    """Horizontal bars, one per outcome, each in its own colour and hatch, the number at its end."""
    from govkit import charts

    with charts.style():
        fig, ax = charts.figure(9.0, 0.5 * len(figures) + 0.9)
        ys = list(range(len(figures)))
        values = [f.value for f in figures]
        for i, (y, f) in enumerate(zip(ys, figures, strict=True)):
            ax.barh(
                y,
                f.value,
                color=OKABE_ITO[i % len(OKABE_ITO)],
                hatch=HATCHES[i % len(HATCHES)],
                edgecolor="#222222",
                linewidth=0.6,
                height=0.66,
            )
            ax.text(f.value, y, f" {f.display}" if f.blank else f" {f.display}件", va="center", fontsize=11)
        ax.set_yticks(ys, [f.label for f in figures], fontsize=11)
        ax.invert_yaxis()
        ax.set_xlim(0, max(max(values, default=0), 1) * 1.18)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
    return charts.png_base64(fig, dpi=100)


def results_chart(groups: list[tuple[str, list[Figure]]]) -> str:
    """Grouped bars: one group per 复议/诉讼 kind, one bar per result, colour and hatch per result."""
    from govkit import charts

    names = [f.label for f in groups[0][1]] if groups else []
    with charts.style():
        fig, ax = charts.figure(9.0, 3.4)
        width = 0.8 / max(len(names), 1)
        top = max((f.value for _, figures in groups for f in figures), default=0)
        for j, name in enumerate(names):
            xs = [i + (j - (len(names) - 1) / 2) * width for i in range(len(groups))]
            values = [figures[j].value for _, figures in groups]
            ax.bar(
                xs,
                values,
                width=width * 0.92,
                color=OKABE_ITO[j % len(OKABE_ITO)],
                hatch=HATCHES[j % len(HATCHES)],
                edgecolor="#222222",
                linewidth=0.6,
                label=name,
            )
            for x, (_, figures) in zip(xs, groups, strict=True):
                ax.text(x, figures[j].value, figures[j].display, ha="center", va="bottom", fontsize=10)
        ax.set_xticks(range(len(groups)), [name for name, _ in groups], fontsize=11)
        ax.set_ylim(0, max(top, 1) * 1.25)
        ax.yaxis.set_visible(False)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(names), frameon=False, fontsize=10)
        fig.tight_layout()
    return charts.png_base64(fig, dpi=100)


def render_tujie(report: Report, previous: Report | None = None, report_href: str | None = None) -> str:
    """The 图解 of a report as one self-contained HTML page (``lang="zh-CN"``, 1080 px wide).

    Args:
        report: the report.
        previous: last year's report of the same agency, for the change against last year.
        report_href: a relative link to the full report, if it is published beside the page.
    """
    from govkit.render.html import environment

    found = blocks(report, previous)
    t3, t4, t2 = found
    charts_html = {
        "outcomes": {
            "src": outcome_chart(t3.chart),
            "alt": _bars_alt(t3.chart_title, t3.chart),
        },
        "results": {
            "src": results_chart(t4.chart_groups),
            "alt": _grouped_alt(t4.chart_title, t4.chart_groups),
        },
    }
    published = report.meta.published
    return (
        environment()
        .get_template("tujie.html.j2")
        .render(
            report=report,
            title=f"{report.title}（图解）",
            published=f"{published.year}年{published.month}月{published.day}日" if published else None,
            previous_year=previous.meta.year if previous is not None else None,
            blocks=found,
            t3=t3,
            t4=t4,
            t2=t2,
            charts=charts_html,
            summary=summary(report, found),
            report_href=report_href,
            width=WIDTH_PX,
            t2_rows=_by_group(t2.figures),
        )
    )


def tujie_paths(report_html: Path) -> tuple[Path, Path]:
    """Where a report's 图解 page and PNG go: beside the report, ``<name>.图解.html`` and ``.图解.png``."""
    return (
        report_html.with_name(report_html.stem + SUFFIX + ".html"),
        report_html.with_name(report_html.stem + SUFFIX + ".png"),
    )


def with_description(png: bytes, text: str) -> bytes:
    """The PNG with an iTXt ``Description`` chunk (UTF-8, lang zh-CN) right after its header; pixels untouched."""
    import struct
    import zlib

    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise OSError("不是 PNG 图像")
    data = b"Description\x00\x00\x00zh-CN\x00\x00" + text.encode("utf-8")
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    end = 8 + 8 + struct.unpack(">I", png[8:12])[0] + 4
    return png[:end] + chunk + png[end:]


def write_pngs(pages: Iterable[Path]) -> dict[Path, str]:
    """Screenshot each 图解 page to PNG beside it, 1080 px wide; return the Chinese error of each that failed.

    The PNG is the page itself (one source of truth), taken by Chromium with a viewport of
    :data:`WIDTH_PX` and device scale factor 1, with every network request blocked; the page's
    text alternative (its 文字说明) is stored in the PNG as an iTXt ``Description`` chunk.
    """
    from playwright.sync_api import Error as PlaywrightError

    from govkit.fs import atomic_write
    from govkit.render.browser import chromium, offline_page

    pages = list(pages)
    errors: dict[Path, str] = {}
    if not pages:
        return errors
    with chromium("，或用 --no-tujie") as browser:
        for page_path in pages:
            viewport = {"width": WIDTH_PX, "height": 800}
            try:
                with offline_page(
                    browser, page_path.read_text(encoding="utf-8"), viewport=viewport, device_scale_factor=1
                ) as page:
                    text = page.inner_text("#tj-summary")
                    shot = page.screenshot(full_page=True, type="png")
                atomic_write(page_path.with_suffix(".png"), with_description(shot, text))
            except (PlaywrightError, OSError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                errors[page_path] = f"生成图解 PNG 失败（{first}）"
    return errors
