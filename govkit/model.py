"""The report model: metadata, the six sections' prose, and the tables' cells.

Cells are kept in plain dictionaries keyed by (row path, column path) so that edits and checks are
exact and cheap; :meth:`Report.frame` gives the pandas view with the official labels as index.
Money is :class:`decimal.Decimal`, never float.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import has_controls
from govkit.formats import ColPath, Format, RowPath, TableSpec, format_for_year

if TYPE_CHECKING:
    import pandas as pd

Value = int | Decimal | None
CellKey = tuple[RowPath, ColPath]

LEVELS = ("乡镇", "街道", "部门", "区县政府", "市政府", "省政府", "其他")
SECTION_IDS = ("一", "二", "三", "四", "五", "六")
PREAMBLE = "preamble"
_MARKUP = re.compile(r"[<>]")
MAX_NAME = 200
# Prose of one section: a real report's longest part has a few thousand characters. The bounds keep
# a file from printing thousands of pages (235,000 one-character lines made an 8,121-page PDF).
MAX_PROSE_CHARS = 50_000
MAX_PROSE_LINES = 1_000
# Local sub-rows of one official row: a district's own breakdown has a handful; the bound keeps a
# hostile or mistaken file from making every table, export and check grow without end.
MAX_SUBROWS = 200


def too_many_subrows(count: int) -> str | None:
    """The Chinese reason ``count`` sub-rows of one row are refused, or None if they are allowed."""
    if count > MAX_SUBROWS:
        return f"本地子项过多（{count} 个；每个官方行最多 {MAX_SUBROWS} 个子项）"
    return None


@dataclass
class Meta:
    """Who reports, for which year, and when it was published."""

    agency: str
    year: int
    level: str = "乡镇"
    short_name: str | None = None
    district: str | None = None
    published: date | None = None

    @property
    def title(self) -> str:
        """The report's title, e.g. 北京市密云区穆家峪镇2020年政府信息公开工作年度报告."""
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


@dataclass
class Report:
    """One agency's report for one year."""

    meta: Meta
    format: Format
    sections: dict[str, str] = field(default_factory=dict)
    cells: dict[str, dict[CellKey, Value]] = field(default_factory=dict)
    subrows: dict[str, dict[RowPath, list[str]]] = field(default_factory=dict)
    # The original text of cells that could not be read as a value (the cell itself holds None):
    # nothing typed is lost, and the checks name the text rather than calling the cell blank.
    raw: dict[str, dict[CellKey, str]] = field(default_factory=dict)
    source: Path | None = None
    layout: object | None = field(default=None, compare=False, repr=False)
    """The parsed document of the file the report was loaded from (or last saved to), kept so that
    saving preserves its comments, key order and quoting; only :mod:`govkit.datafile` reads it."""

    @classmethod
    def blank(cls, meta: Meta, fmt: Format | None = None, fill: Value = 0) -> Report:
        """A report with every official cell set to ``fill`` and every section empty."""
        fmt = fmt or format_for_year(meta.year)
        report = cls(meta=meta, format=fmt, sections={sid: "" for sid in SECTION_IDS})
        for table in fmt.tables.values():
            report.cells[table.id] = {(row, col): fill for _, row, col, _ in table.cells()}
            report.subrows[table.id] = {}
            report.raw[table.id] = {}
        return report

    @property
    def title(self) -> str:
        return self.meta.title

    def copy(self) -> Report:
        return copy.deepcopy(self)

    def table(self, table_id: str) -> TableSpec:
        return self.format.table(table_id)

    def rows(self, table_id: str) -> list[RowPath]:
        """Value rows of a table in reading order; a split official row gives its local sub-rows."""
        table = self.format.table(table_id)
        split = self.subrows.get(table_id, {})
        out: list[RowPath] = []
        for part in table.parts:
            for row, _ in part.leaf_rows():
                names = split.get(row)
                out.extend([(*row, name) for name in names] if names else [row])
        return out

    def columns(self, table_id: str, row: RowPath) -> list[ColPath]:
        part = self.format.table(table_id).part_of(row)
        return [path for path, _ in part.leaf_columns()]

    def official_row(self, table_id: str, row: RowPath) -> RowPath:
        """The official row a (possibly local) row path belongs to."""
        for official in self.subrows.get(table_id, {}):
            if row[: len(official)] == official and len(row) == len(official) + 1:
                return official
        return row

    def get(self, table_id: str, row: RowPath, col: ColPath) -> Value:
        """A cell's value; for a split official row, the sum of its sub-rows (None if any is blank)."""
        names = self.subrows.get(table_id, {}).get(row)
        if names:
            parts = [self.cells[table_id].get(((*row, n), col)) for n in names]
            if any(p is None for p in parts):
                return None
            return sum(parts)  # type: ignore[arg-type]
        return self.cells[table_id].get((row, col))

    def set(self, table_id: str, row: RowPath, col: ColPath, value: Value) -> None:
        key = (row, col)
        if key not in self.cells[table_id]:
            raise KeyError(f"表{table_id} 没有单元格 {'/'.join(row)} · {'/'.join(col)}")
        self.cells[table_id][key] = value
        self.raw.get(table_id, {}).pop(key, None)  # a value set replaces the unreadable text

    def raw_text(self, table_id: str, row: RowPath, col: ColPath) -> str | None:
        """The original text of a cell that could not be read as a value, None if there is none."""
        return self.raw.get(table_id, {}).get((row, col))

    def set_raw(self, table_id: str, row: RowPath, col: ColPath, text: str) -> None:
        """Keep a cell's unreadable original text; the cell's value becomes None."""
        key = (row, col)
        if key not in self.cells[table_id]:
            raise KeyError(f"表{table_id} 没有单元格 {'/'.join(row)} · {'/'.join(col)}")
        self.cells[table_id][key] = None
        self.raw.setdefault(table_id, {})[key] = text

    def sum_rows(self, table_id: str, prefix: RowPath, col: ColPath) -> Value:
        """Sum of every value row under ``prefix`` (a group row), None if any is blank."""
        total: int | Decimal = 0
        for row in self.rows(table_id):
            if row[: len(prefix)] == prefix:
                value = self.cells[table_id].get((row, col))
                if value is None:
                    return None
                total += value
        return total

    def split_row(self, table_id: str, row: RowPath, names: list[str]) -> None:
        """Split an official table-二 row into local sub-rows (a district's own breakdown)."""
        table = self.format.table(table_id)
        if not table.local_subrows:
            raise ValueError(f"表{table_id} 不允许增加本地子项")
        if not names or len(set(names)) != len(names) or any(not n or has_control_chars(n) for n in names):
            raise ValueError("子项名称不能为空或重复")
        reason = too_many_subrows(len(names))
        if reason:
            raise ValueError(reason)
        cols = self.columns(table_id, row)
        cells = self.cells[table_id]
        raw = self.raw.setdefault(table_id, {})
        for old in self.subrows[table_id].get(row, []):
            for col in cols:
                cells.pop(((*row, old), col), None)
                raw.pop(((*row, old), col), None)
        for col in cols:
            cells.pop((row, col), None)
            raw.pop((row, col), None)
        self.subrows[table_id][row] = list(names)
        for name in names:
            for col in cols:
                cells[((*row, name), col)] = 0

    def frame(self, table_id: str) -> pd.DataFrame:
        """The table as a DataFrame, row and column index carrying the official labels."""
        import pandas as pd  # only here: importing pandas takes most of a second (the editor never needs it)

        rows = self.rows(table_id)
        cols: list[ColPath] = []
        for row in rows:
            for col in self.columns(table_id, row):
                if col not in cols:
                    cols.append(col)
        row_depth = max((len(r) for r in rows), default=1) or 1
        col_depth = max(len(c) for c in cols)
        data = [[self.cells[table_id].get((row, col)) for col in cols] for row in rows]
        index = (
            pd.MultiIndex.from_tuples([_pad(r, row_depth) for r in rows])
            if row_depth > 1
            else (pd.Index([r[0] if r else "" for r in rows]))
        )
        columns = (
            pd.MultiIndex.from_tuples([_pad(c, col_depth) for c in cols])
            if col_depth > 1
            else (pd.Index([c[0] for c in cols]))
        )
        return pd.DataFrame(data, index=index, columns=columns, dtype=object)


def _pad(path: tuple[str, ...], depth: int) -> tuple[str, ...]:
    return (*path, *([""] * (depth - len(path))))


def has_control_chars(text: str) -> bool:
    """Control characters (C0, C1), Unicode line breaks or bidirectional controls (see :mod:`govkit.errors`)."""
    return has_controls(text)


def prose_problem(text: str) -> str | None:
    """Why ``text`` cannot be the prose of one section, in Chinese; None if it can."""
    if len(text) > MAX_PROSE_CHARS:
        return f"过长（{len(text)} 字，每部分上限 {MAX_PROSE_CHARS} 字）"
    lines = text.count("\n") + 1
    if lines > MAX_PROSE_LINES:
        return f"行数过多（{lines} 行，每部分上限 {MAX_PROSE_LINES} 行）"
    return None


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name (agency, short name, district), in Chinese; None if it can.

    Names become file names, page titles and terminal output: no line breaks, control or
    bidirectional-control characters (U+202E would show another name), no markup, bounded length.
    """
    if has_control_chars(text):
        return "含有换行、控制字符或双向文字控制符（如 U+202E）"
    if _MARKUP.search(text):
        return "含有标记符号 < 或 >，不能作为名称"
    if len(text) > MAX_NAME:
        return f"超过 {MAX_NAME} 字"
    return None
