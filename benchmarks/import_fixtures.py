"""Cells right / wrong / flagged for the metadata and PDF import fixtures, against the data they were made from.

Usage: python benchmarks/import_fixtures.py

A cell is right when the import gives the true value, wrong when it gives another value, flagged when
it is left blank with an import finding for its table (nothing is ever silently blank). The true data
is the synthetic report each fixture was edited from; year, agency and format are compared as well.
"""

from __future__ import annotations

from pathlib import Path

from govkit import datafile
from govkit.importers import Given, import_file

IMPORT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "import"
TOWN = "北京市示例区示例镇"
PIPES, BUREAU, STREET = "flattened_pipes_2021", "gbk_tabs_2020_bureau", "text_2021_street"
FIXTURES: list[tuple[str, str, dict]] = [
    ("wrapped_title_2021.txt", PIPES, {}),
    ("wrapped_title_period_2020.txt", BUREAU, {}),
    ("title_in_sentence_2021.txt", PIPES, {}),
    ("title_in_sentence_no_agency_2021.txt", PIPES, {"agency": TOWN}),
    ("title_label_2021.txt", PIPES, {}),
    ("page_header_2020.txt", BUREAU, {}),
    ("markdown_2021.md", PIPES, {}),
    ("traditional_2020.txt", BUREAU, {}),
    ("one_line_2021.txt", STREET, {}),
    ("table_less_2020.txt", BUREAU, {}),
    ("tables_only.txt", PIPES, {"year": 2021, "agency": TOWN}),
    ("no_title_published.txt", PIPES, {}),
    ("pdf_synthetic_town_2021.pdf", "pdf_synthetic_town_2021", {}),
]


def main() -> None:
    totals = [0, 0, 0]
    print("fixture | 单元格 对 / 错 / 标记 | 年度·机关·格式 | 导入发现")
    for name, source, given in FIXTURES:
        result = import_file(IMPORT / name, Given(**given))
        truth = datafile.load(IMPORT / f"{source}.expected.yaml")
        flagged_tables = {f.table for f in result.findings if f.table}
        right = wrong = flagged = 0
        for table, cells in truth.cells.items():
            for key, value in cells.items():
                got = result.report.cells[table].get(key)
                if got == value:
                    right += 1
                elif got is None and table in flagged_tables:
                    flagged += 1
                else:
                    wrong += 1
        meta = result.report.meta
        same = (meta.year, meta.agency, result.report.format.version) == (
            truth.meta.year,
            truth.meta.agency,
            truth.format.version,
        )
        for n, count in enumerate((right, wrong, flagged)):
            totals[n] += count
        rules = ", ".join(sorted({f.rule for f in result.findings})) or "—"
        print(f"{name} | {right} / {wrong} / {flagged} | {'对' if same else '错'} | {rules}")
    print(f"合计 | {totals[0]} / {totals[1]} / {totals[2]}")


if __name__ == "__main__":
    main()
