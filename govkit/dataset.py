"""The reports as one tidy data set: one row per table cell, for pandas, spreadsheets and Parquet.

Columns of :func:`tidy`:

========  ==================================================================================
agency    the agency (``meta.agency``)
year      the report year
format    the format the report follows (``"2019"`` or ``"2021"``)
table     ``"二"``, ``"三"`` or ``"四"``
row       the row's label path joined by ``" / "`` (table 二: block caption first; a local
          sub-row adds its name; table 四's single row is ``""``)
column    the column's header path joined by ``" / "``
row_id    the official row's id path joined by ``"/"`` (the same in both formats wherever the
          row means the same thing; a local sub-row carries its official row's id)
column_id the column's id path joined by ``"/"``
type      the cell type: ``count``, ``signed`` or ``amount``
value     the exact value as text: ``"12"``, ``"-3"``, ``"12.3400"`` (amounts keep their
          decimals, never a float); missing for a blank cell
number    the same value as a float, for quick analysis only (NaN for a blank cell)
========  ==================================================================================

``value`` is the source of truth: :func:`untidy` rebuilds every report from it (integers for
count and signed cells, :class:`~decimal.Decimal` for amounts), so a CSV or Parquet file written
by :func:`write_tidy` and read back by :func:`read_tidy` gives the same cells, decimals included.

In the CSV file, text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, e.g. an agency or sub-row name) is written with a leading
``'`` (see :func:`csv_safe`); :func:`read_tidy` removes it again. Parquet keeps text as it is.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal, cast

import pandas as pd

from govkit.errors import GovkitError
from govkit.formats import ColPath, ColumnSpec, Format, PartSpec, RowPath, RowSpec, load_format
from govkit.fs import atomic_write
from govkit.model import Meta, Report, Value, too_many_subrows

TIDY_COLUMNS = ("agency", "year", "format", "table", "row", "column", "row_id", "column_id", "type", "value", "number")
TABLE_IDS = ("二", "三", "四")
SEP = " / "
Kind = Literal["csv", "parquet"]


class DatasetError(GovkitError):
    """A tidy data set that cannot be written or turned back into reports."""


# ---------------------------------------------------------------------------------------------
# Ids: the language-independent address of a cell, shared by both formats


@cache
def row_ids(fmt: Format, table_id: str) -> dict[RowPath, str]:
    """Every official value row of a table with its id path (table 二: part id first)."""
    out: dict[RowPath, str] = {}
    for part in fmt.table(table_id).parts:
        prefix_ids = (part.id,) if part.caption else ()
        prefix = (part.caption,) if part.caption else ()
        _walk_row_ids(part.rows, prefix, prefix_ids, out)
    return out


def _walk_row_ids(specs: tuple[RowSpec, ...], prefix: RowPath, ids: tuple[str, ...], out: dict[RowPath, str]) -> None:
    for spec in specs:
        path = (*prefix, spec.label) if spec.label else prefix
        here = (*ids, spec.id)
        if spec.children:
            _walk_row_ids(spec.children, path, here, out)
        else:
            out[path] = "/".join(here)


@cache
def column_ids(fmt: Format, table_id: str) -> dict[tuple[RowPath, ColPath], tuple[str, ColumnSpec]]:
    """For every official (row, column): the column's id path and its spec."""
    out: dict[tuple[RowPath, ColPath], tuple[str, ColumnSpec]] = {}
    for part in fmt.table(table_id).parts:
        leaves = part_columns(part)
        for row, _ in part.leaf_rows():
            for path, cid, spec in leaves:
                out[(row, path)] = (cid, spec)
    return out


def part_columns(part: PartSpec) -> list[tuple[ColPath, str, ColumnSpec]]:
    """A part's value columns, left to right: header path, id path joined by "/", spec."""
    return [(path, "/".join(ids), spec) for path, ids, spec in _walk_col_ids(part.columns, (), ())]


def _walk_col_ids(
    specs: tuple[ColumnSpec, ...], path: ColPath, ids: tuple[str, ...]
) -> Iterator[tuple[ColPath, tuple[str, ...], ColumnSpec]]:
    for spec in specs:
        here, here_ids = (*path, spec.label), (*ids, spec.id)
        if spec.children:
            yield from _walk_col_ids(spec.children, here, here_ids)
        else:
            yield here, here_ids, spec


@cache
def cells_by_id(fmt: Format, table_id: str) -> dict[tuple[str, str], tuple[RowPath, ColPath]]:
    """The inverse address book: (row id, column id) → (row path, column path)."""
    rids = row_ids(fmt, table_id)
    return {(rids[row], cid): (row, col) for (row, col), (cid, _) in column_ids(fmt, table_id).items()}


# ---------------------------------------------------------------------------------------------
# Reports → tidy frame


def value_text(value: Value) -> str | None:
    """A cell value as exact text (amounts keep their written decimals); None for a blank."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(int(value))


def tidy(reports: Iterable[Report]) -> pd.DataFrame:
    """One row per table cell of every report, in reading order (columns: :data:`TIDY_COLUMNS`)."""
    records: list[tuple] = []
    for report in reports:
        fmt = report.format
        for table_id in TABLE_IDS:
            rids = row_ids(fmt, table_id)
            cids = column_ids(fmt, table_id)
            cells = report.cells.get(table_id, {})
            for row in report.rows(table_id):
                official = report.official_row(table_id, row)
                for col in report.columns(table_id, row):
                    cid, spec = cids[(official, col)]
                    value = cells.get((row, col))
                    text = value_text(value)
                    records.append(
                        (
                            report.meta.agency,
                            report.meta.year,
                            fmt.version,
                            table_id,
                            SEP.join(row),
                            SEP.join(col),
                            rids[official],
                            cid,
                            spec.type,
                            text,
                            float(value) if value is not None else math.nan,
                        )
                    )
    frame = pd.DataFrame.from_records(records, columns=list(TIDY_COLUMNS))
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"year": "int64", "number": "float64"})
    for name in ("agency", "format", "table", "row", "column", "row_id", "column_id", "type", "value"):
        frame[name] = frame[name].astype("string")
    return frame


def write_tidy(reports: list[Report], path: Path, kind: Kind = "csv") -> Path:
    """Write the tidy data set of ``reports`` to ``path`` atomically, as CSV (UTF-8 with BOM) or Parquet."""
    path = Path(path)
    frame = tidy(reports)
    if kind == "csv":
        # The BOM lets spreadsheet programs on Windows read the Chinese labels correctly.
        data: bytes = csv_safe(frame).to_csv(index=False).encode("utf-8-sig")
    elif kind == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False, engine="pyarrow")
        data = buffer.getvalue()
    else:
        raise DatasetError(f"不支持的导出格式「{kind}」；可用：csv、parquet")
    atomic_write(path, data)
    return path


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def _csv_text(text: object) -> object:
    if isinstance(text, str) and text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that a spreadsheet would run as a formula made inert.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (CSV/formula
    injection) gets a leading ``'``, which spreadsheet programs show as text and do not evaluate;
    so does text already starting with ``'``, so that :func:`csv_unsafe` can undo it exactly.
    Plain numbers such as ``-3`` stay numbers.
    """
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_string_dtype(out[name]) or pd.api.types.is_object_dtype(out[name]):
            out[name] = out[name].map(_csv_text, na_action="ignore")
    return out


def csv_unsafe(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`csv_safe` on a frame read from a CSV file (strings as written)."""
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_string_dtype(out[name]) or pd.api.types.is_object_dtype(out[name]):
            out[name] = out[name].map(
                lambda t: t[1:] if isinstance(t, str) and t.startswith("'") else t, na_action="ignore"
            )
    return out


def read_tidy(path: Path) -> pd.DataFrame:
    """Read a data set written by :func:`write_tidy` (the kind follows the file's suffix)."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path, engine="pyarrow")
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}：无法读取数据集（{exc}）") from None
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    if missing:
        raise DatasetError(f"{path}：数据集缺少列 {'、'.join(missing)}")
    if path.suffix.lower() != ".parquet":
        frame = csv_unsafe(frame)
        frame["value"] = frame["value"].where(frame["value"] != "", None)
        frame["number"] = pd.to_numeric(frame["number"].replace("", "nan"), errors="coerce")
    return _typed(frame[list(TIDY_COLUMNS)])


# ---------------------------------------------------------------------------------------------
# Tidy frame → reports


def untidy(frame: pd.DataFrame) -> list[Report]:
    """Pivot a tidy data set back into reports, in order of first appearance.

    Only the tables come back: prose and metadata other than agency and year are not part of the
    data set. Local sub-rows of table 二 are split again in their original order.
    """
    reports: list[Report] = []
    for (agency, year, version), group in frame.groupby(["agency", "year", "format"], sort=False):
        fmt = load_format(str(version))
        report = Report.blank(Meta(agency=str(agency), year=int(cast(int, year))), fmt, fill=None)
        for table_id, rows in group.groupby("table", sort=False):
            _fill_table(report, str(table_id), rows)
        reports.append(report)
    return reports


def _fill_table(report: Report, table_id: str, rows: pd.DataFrame) -> None:
    fmt = report.format
    official = {SEP.join(path): path for path in row_ids(fmt, table_id)}
    paths: dict[str, RowPath] = {}
    splits: dict[RowPath, list[str]] = {}
    for text in dict.fromkeys(rows["row"].tolist()):
        if text in official:
            paths[text] = official[text]
            continue
        parent = next((p for t, p in official.items() if text.startswith(t + SEP)), None)
        if parent is None or not fmt.table(table_id).local_subrows:
            raise DatasetError(f"表{table_id} 没有行「{text}」（{report.meta.agency} {report.meta.year}年）")
        name = text[len(SEP.join(parent) + SEP) :]
        splits.setdefault(parent, []).append(name)
        paths[text] = (*parent, name)
    for parent, names in splits.items():
        reason = too_many_subrows(len(names))
        if reason:
            raise DatasetError(
                f"表{table_id}「{SEP.join(parent)}」{reason}（{report.meta.agency} {report.meta.year}年）"
            )
        report.split_row(table_id, parent, names)
    columns = {SEP.join(col): col for (_, col) in column_ids(fmt, table_id)}
    for row_text, col_text, kind, text in rows[["row", "column", "type", "value"]].itertuples(index=False):
        if col_text not in columns:
            raise DatasetError(f"表{table_id} 没有列「{col_text}」（{report.meta.agency} {report.meta.year}年）")
        report.set(table_id, paths[row_text], columns[col_text], _parse(text, str(kind)))


def _parse(text: object, kind: str) -> Value:
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)) or text == "":
        return None
    return Decimal(str(text)) if kind == "amount" else int(str(text))
