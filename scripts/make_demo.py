#!/usr/bin/env python3
"""Generate the synthetic demo district: 8 agencies × 2020–2022, plainly marked as not real.

    python scripts/make_demo.py --seed 1 --out examples/synthetic

Every report comes from :func:`govkit.synthetic.synthetic_report` (its prose says
（示例数据，非真实发布）), years are chained (this year's 上年结转 is last year's
结转下年度继续办理), and a few problems are planted so that the district overview has
something to show:

* 示例局二 2022: an outlying share of （四）无法提供 (about two thirds of its applications);
* 示例街道一 2022: 上年结转 that does not match its 2021 结转下年度继续办理 (自然人 +2);
* 示例镇三 2022: a report published in the old 2019 format;
* 示例镇一 2020 and 示例局一 2022: table-二 rows split into local sub-rows.

Otherwise the years agree: 现行有效件数 follows last year's (2021 format, rule R8).

The output is deterministic for a given seed. Existing files in the output folder are replaced.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date
from pathlib import Path

from govkit import datafile
from govkit.formats import load_format
from govkit.model import Report
from govkit.synthetic import SYNTHETIC_MARK, synthetic_report

AGENCIES = (
    ("示例镇一", "乡镇"),
    ("示例镇二", "乡镇"),
    ("示例镇三", "乡镇"),
    ("示例街道一", "街道"),
    ("示例街道二", "街道"),
    ("示例局一", "部门"),
    ("示例局二", "部门"),
    ("示例局三", "部门"),
)
YEARS = (2020, 2021, 2022)
DISTRICT = "示例区"
OUTLIER = ("示例局二", 2022)
MISMATCH = ("示例街道一", 2022)
OLD_FORMAT = ("示例镇三", 2022)
SPLITS = {
    ("示例镇一", 2020): ("other_services", ["行政检查", "行政确认"]),
    ("示例局一", 2022): ("licensing", ["企业登记", "其他许可"]),
}
README = f"""# 示例数据（合成，非真实发布）

本文件夹中的所有数据文件均为程序生成的**合成示例数据**{SYNTHETIC_MARK}，机关名称（示例镇一、示例局一……）
与数字都是虚构的，仅用于演示和测试全区汇总页面。由 `python scripts/make_demo.py --seed {{seed}} --out examples/synthetic`
生成，相同的 seed 生成相同的文件。

刻意设置的问题：示例局二 2022 年“无法提供”占比明显偏高；示例街道一 2022 年“上年结转”与 2021 年“结转下年度继续办理”
不一致；示例镇三 2022 年报告使用了旧版（2019 版）格式。
"""


def carried_over(report: Report) -> dict[tuple[str, ...], int]:
    """Last year's 结转下年度继续办理 per table-三 column (总计 excluded), to chain the next year."""
    fmt = report.format
    row = fmt.row("三", "carried_over")
    return {
        col: int(report.get("三", row, col) or 0)
        for col, spec in fmt.table("三").parts[0].leaf_columns()
        if spec.id != "total"
    }


def plant_unavailable(report: Report, share: float = 0.65) -> None:
    """Move outcomes into （四）无法提供 / 1. so that it is about ``share`` of each column's results."""
    fmt = report.format
    part = fmt.table("三").parts[0]
    total_row = fmt.row("三", "outcomes", "total")
    target = fmt.row("三", "outcomes", "unavailable", "not_held")
    group = target[:-1]
    donors = [
        row for row, _ in part.leaf_rows() if row[0] == total_row[0] and row != total_row and row[: len(group)] != group
    ]
    columns = [col for col, spec in part.leaf_columns() if spec.id != "total"]
    for col in columns:
        handled = int(report.get("三", total_row, col) or 0)
        need = round(share * handled) - int(report.sum_rows("三", group, col) or 0)
        for row in donors:
            if need <= 0:
                break
            take = min(need, int(report.get("三", row, col) or 0))
            report.set("三", row, col, int(report.get("三", row, col)) - take)
            report.set("三", target, col, int(report.get("三", target, col)) + take)
            need -= take
    total_col = fmt.column("三", "total")
    for row in report.rows("三"):
        report.set("三", row, total_col, sum(int(report.get("三", row, c) or 0) for c in columns))


def split(report: Report, row_id: str, names: list[str], rng: random.Random) -> None:
    """Split a table-二 row into local sub-rows with their own figures."""
    fmt = report.format
    part = next(p for p in fmt.table("二").parts if any(r.id == row_id for r in p.rows))
    row = fmt.row("二", part.id, row_id)
    report.split_row("二", row, names)
    for name in names:
        for col, spec in part.leaf_columns():
            report.set("二", (*row, name), col, rng.randint(-3, 3) if spec.type == "signed" else rng.randint(0, 60))


def chain_stock(report: Report, previous: Report) -> None:
    """2021 format: 现行有效件数 = last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (rule R8)."""
    fmt = report.format
    if fmt.version != "2021" or previous.format.version != "2021":
        return
    issued, repealed, in_force = (fmt.column("二", c, part="art20_1") for c in ("issued", "repealed", "in_force"))
    for row_id in ("rules", "normative"):
        row = fmt.row("二", "art20_1", row_id)
        before = int(previous.get("二", row, in_force) or 0) + int(report.get("二", row, issued) or 0)
        gone = min(int(report.get("二", row, repealed) or 0), before)
        report.set("二", row, repealed, gone)
        report.set("二", row, in_force, before - gone)


def build(seed: int) -> list[Report]:
    """Every synthetic report, oldest year first."""
    rng = random.Random(f"demo|{seed}")
    reports: list[Report] = []
    last: dict[str, Report] = {}
    for year in YEARS:
        for agency, level in AGENCIES:
            carried = carried_over(last[agency]) if agency in last else None
            if (agency, year) == MISMATCH and carried:
                natural = next(c for c in carried if c[-1] == "自然人")
                carried = {**carried, natural: carried[natural] + 2}
            fmt = load_format("2019") if (agency, year) == OLD_FORMAT else None
            report = synthetic_report(agency, year, seed=seed, fmt=fmt, carried_in=carried, level=level)
            report.meta.district = DISTRICT
            report.meta.published = date(year + 1, 1, 20 + rng.randint(0, 8))
            if agency in last:
                chain_stock(report, last[agency])
            if (agency, year) == OUTLIER:
                plant_unavailable(report)
            if (agency, year) in SPLITS:
                row_id, names = SPLITS[(agency, year)]
                split(report, row_id, names, rng)
            reports.append(report)
            last[agency] = report
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成合成示例数据（示例区，8 个机关，2020–2022 年）")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("examples/synthetic"))
    args = parser.parse_args(argv)
    written = []
    for report in build(args.seed):
        written.append(datafile.save(report, datafile.default_path(args.out, report.meta)))
    datafile.atomic_write(args.out / "README.md", README.format(seed=args.seed))
    print(f"已生成 {len(written)} 个合成示例数据文件：{args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
