"""Synthetic, internally consistent reports for demos, tests and benchmarks.

Every generated agency is named 示例… so that nobody mistakes it for published figures.
"""

from __future__ import annotations

import random
from decimal import Decimal

from govkit.formats import Format, format_for_year
from govkit.model import Meta, Report

SYNTHETIC_MARK = "（示例数据，非真实发布）"


def synthetic_report(
    agency: str,
    year: int,
    seed: int | str = 0,
    fmt: Format | None = None,
    carried_in: dict[tuple[str, ...], int] | None = None,
    level: str = "乡镇",
) -> Report:
    """A report whose tables satisfy every arithmetic rule (R1–R4).

    ``carried_in`` maps table-三 column paths to last year's 结转下年度继续办理, to chain years.
    """
    rng = random.Random(f"{agency}|{year}|{seed}")
    fmt = fmt or format_for_year(year)
    report = Report.blank(Meta(agency=agency, year=year, level=level, short_name=agency, district="示例区"), fmt)
    t3 = fmt.table("三")
    part = t3.parts[0]
    columns = [path for path, spec in part.leaf_columns() if spec.id != "total"]
    total_col = fmt.column("三", "total")
    received, carried, over = fmt.row("三", "received"), fmt.row("三", "carried_in"), fmt.row("三", "carried_over")
    total_row = fmt.row("三", "outcomes", "total")
    outcome_rows = [row for row, _ in part.leaf_rows() if row[0] == total_row[0] and row != total_row]
    for col in columns:
        new = rng.choice([0, 0, rng.randint(0, 40)]) if col != fmt.column("三", "natural") else rng.randint(0, 60)
        old = (carried_in or {}).get(col, rng.randint(0, 3))
        out = rng.randint(0, min(3, new + old))
        handled = new + old - out
        shares = _split(rng, handled, len(outcome_rows))
        report.set("三", received, col, new)
        report.set("三", carried, col, old)
        report.set("三", over, col, out)
        for row, n in zip(outcome_rows, shares, strict=True):
            report.set("三", row, col, n)
        report.set("三", total_row, col, handled)
    for row in report.rows("三"):
        report.set("三", row, total_col, sum(report.get("三", row, c) or 0 for c in columns))
    t4 = fmt.table("四").parts[0]
    groups: dict[tuple[str, ...], list] = {}
    for path, spec in t4.leaf_columns():
        groups.setdefault(path[:-1], []).append((path, spec))
    for leaves in groups.values():
        subtotal = 0
        for path, spec in leaves:
            if spec.role != "total":
                n = rng.choice([0, 0, 0, rng.randint(0, 5)])
                report.set("四", (), path, n)
                subtotal += n
        report.set("四", (), next(p for p, s in leaves if s.role == "total"), subtotal)
    for part2 in fmt.table("二").parts:
        for row, _ in part2.leaf_rows():
            for col, spec in part2.leaf_columns():
                if spec.type == "amount":
                    value: int | Decimal = Decimal(rng.randint(0, 999999)) / Decimal(10000)
                elif spec.type == "signed":
                    value = rng.randint(-5, 5)
                else:
                    value = rng.randint(0, 200)
                report.set("二", row, col, value)
    report.sections.update(
        {
            "一": f"{SYNTHETIC_MARK}{agency}{year}年度政府信息公开工作总体情况（示例文字）。",
            "五": f"{SYNTHETIC_MARK}存在的主要问题及改进情况（示例文字）。",
            "六": f"{SYNTHETIC_MARK}无。",
        }
    )
    return report


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    bounds = [0, *cuts, total]
    weights = [b - a for a, b in zip(bounds, bounds[1:], strict=False)]
    # Most real outcomes land in a few categories: fold the rest into 予以公开.
    for i in range(2, len(weights)):
        if rng.random() < 0.7:
            weights[0] += weights[i]
            weights[i] = 0
    return weights
