"""Writing a report back to its data file.

The canonical document is merged into the loaded one, so that unchanged parts (comments, order,
quoting) stay byte for byte.
"""

from __future__ import annotations

import io
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, SingleQuotedScalarString

from govkit.cells import CellError, validate
from govkit.datafile.discover import check_owner
from govkit.datafile.parse import MAX_BYTES, quote, yaml_engine
from govkit.datafile.walk import RAW_KEY, SECTION_KEYS, TABLE_IDS, ReadOnly, breaks_yaml_name, section_label
from govkit.errors import DataFileError
from govkit.formats import ColPath, ColumnSpec, RowPath
from govkit.fs import atomic_write, write_guarded
from govkit.model import LEVELS, PREAMBLE, Report, Value, name_problem, prose_problem

_YAML_BREAKS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
HEADER = (
    "govkit 数据文件：政府信息公开工作年度报告。表格单元格填非负整数（本年增/减可为负，万元金额可带小数）；空白写 ~"
)


def to_document(report: Report) -> CommentedMap:
    """The canonical YAML document for a report."""
    doc = CommentedMap()
    doc.yaml_set_start_comment(HEADER)
    if not report.format.covers(report.meta.year):  # the year alone would choose another format (or none)
        doc["format"] = report.format.version
    meta = CommentedMap()
    m = report.meta
    meta["agency"] = m.agency
    meta["short_name"] = m.short_name
    meta["level"] = m.level
    meta["district"] = m.district
    meta["year"] = m.year
    meta["published"] = m.published
    doc["meta"] = meta
    sections = CommentedMap()
    for key in SECTION_KEYS:
        if key in (PREAMBLE, "二", "三", "四") and not report.sections.get(key):
            continue  # optional prose
        text = report.sections.get(key, "")
        if _YAML_BREAKS.search(text):
            # YAML would read these as line breaks (or drop them): only double quotes keep them.
            sections[key] = DoubleQuotedScalarString(text)
        else:
            sections[key] = LiteralScalarString(text) if "\n" in text else text
    doc["sections"] = sections
    tables = CommentedMap()
    for table_id in TABLE_IDS:
        tables[table_id] = _table_document(report, table_id)
    doc["tables"] = tables
    return doc


def _table_document(report: Report, table_id: str) -> CommentedMap:
    spec = report.format.table(table_id)
    out = CommentedMap()
    for row in report.rows(table_id):
        part = spec.part_of(row)
        cursor = out
        for label in row[:-1]:
            cursor = cursor.setdefault(label, CommentedMap())
        values = CommentedMap()
        for col, column in part.leaf_columns():
            keys = part.data_key(col)
            inner = values
            for k in keys[:-1]:
                inner = inner.setdefault(k, CommentedMap())
                inner.fa.set_flow_style()
            value = _cell(report, table_id, row, col, column)
            raw = report.raw_text(table_id, row, col) if value is None else None
            inner[keys[-1]] = _raw_cell(raw) if raw else value
        values.fa.set_flow_style()
        if row:
            cursor[row[-1]] = values
        else:  # table 四: the columns are the table
            out = values
            out.fa.set_block_style()
            for v in out.values():
                _block_groups(v)
    return out


def _cell(report: Report, table_id: str, row: RowPath, col: ColPath, column: ColumnSpec) -> Value:
    """A cell's value as written; one the loader would refuse is refused here, before anything is written."""
    value = report.cells[table_id].get((row, col))
    try:
        return validate(value, column)
    except CellError as error:
        where = " / ".join([f"表{table_id}", *[r for r in row if r], *col])
        raise DataFileError(report.source, f"{error.reason}；未保存（保存后将无法再打开）", where=where) from None


def _raw_cell(text: str) -> CommentedMap:
    """A cell's unreadable original text as ``{raw: '…'}``, quoted so YAML keeps it a string."""
    cell = CommentedMap()
    plain = not _YAML_BREAKS.search(text) and "\n" not in text and text == text.strip()
    cell[RAW_KEY] = SingleQuotedScalarString(text) if plain else DoubleQuotedScalarString(text)
    cell.fa.set_flow_style()
    return cell


def _block_groups(node: Any) -> None:
    """Table 四: groups of groups stay block style, innermost groups are one line each."""
    if isinstance(node, CommentedMap):
        if any(isinstance(v, CommentedMap) and RAW_KEY not in v for v in node.values()):
            node.fa.set_block_style()
            for v in node.values():
                _block_groups(v)
        else:
            node.fa.set_flow_style()


def _merge(old: CommentedMap, new: CommentedMap) -> CommentedMap:
    """Copy new values into the old document, leaving untouched what did not change."""
    for key in list(old):
        if key not in new:
            del old[key]
    for index, (key, value) in enumerate(new.items()):
        if key in old and isinstance(old[key], CommentedMap) and isinstance(value, CommentedMap):
            _merge(old[key], value)
        elif key in old and _same(old[key], value):
            continue
        elif key in old:
            old[key] = value
        else:
            old.insert(min(index, len(old)), key, value)
    return old


def _same(a: Any, b: Any) -> bool:
    if type(a) is bool or type(b) is bool:
        return a is b
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)) and str(a) == str(b)
    return type(a) is type(b) and a == b or (isinstance(a, str) and isinstance(b, str) and a == b)


def check_meta(report: Report) -> None:
    """Refuse metadata that :func:`load` would refuse, so that no writer saves a file that cannot be opened.

    Raises:
        DataFileError: naming the field.
    """
    m = report.meta
    where = report.source

    def text(key: str, value: str | None, required: bool = False) -> None:
        if value is None or not str(value).strip():
            if required:
                raise DataFileError(where, f"「{key}」不能为空", where=f"meta.{key}")
            return
        if not isinstance(value, str):
            raise DataFileError(where, f"「{key}」应为文字，实为「{quote(value)}」", where=f"meta.{key}")
        problem = name_problem(value) or ("含有换行" if breaks_yaml_name(value) else None)
        if problem:
            raise DataFileError(where, f"「{key}」{problem}：「{quote(value)}」", where=f"meta.{key}")

    text("agency", m.agency, required=True)
    text("short_name", m.short_name)
    text("district", m.district)
    if isinstance(m.year, bool) or not isinstance(m.year, int) or not 2008 <= m.year <= 2100:
        raise DataFileError(where, f"年度应为 2008–2100 之间的整数，实为「{quote(m.year)}」", where="meta.year")
    if m.level not in LEVELS:
        raise DataFileError(where, f"机关层级「{quote(m.level)}」无效；可用：{'、'.join(LEVELS)}", where="meta.level")
    for key, prose in report.sections.items():
        problem = prose_problem(prose or "")
        if problem:
            raise DataFileError(where, f"{section_label(key)}{problem}，请精简", where=f"sections.{key}")
    for table_id, rows in report.subrows.items():
        for names in rows.values():
            for name in names:
                if not isinstance(name, str) or not name.strip() or breaks_yaml_name(name):
                    raise DataFileError(where, f"子项名称应为不含换行的文字：「{quote(name)}」", where=f"表{table_id}")


def dumps(report: Report) -> str:
    """The file content for a report, keeping the layout of the file it was loaded from.

    Raises:
        DataFileError: the metadata could not be loaded again (see :func:`check_meta`).
    """
    if isinstance(report.layout, ReadOnly):  # saving it would drop the file's comments and order unnoticed
        raise ValueError("a report loaded with cached=True is for reading only; load it without the cache to save it")
    check_meta(report)
    new = to_document(report)
    old = report.layout
    doc = _merge(old, new) if isinstance(old, CommentedMap) else new
    stream = io.StringIO()
    yaml_engine().dump(doc, stream)
    text = stream.getvalue()
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise DataFileError(
            report.source, f"内容过大（{size} 字节，上限 {MAX_BYTES} 字节），保存后将无法再打开；请精简正文"
        )
    report.layout = doc
    return text


def save(report: Report, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the report's data file atomically and return its path."""
    target = Path(path) if path is not None else report.source
    if target is None:
        raise ValueError("没有指定保存路径")
    atomic_write(target, dumps(report))
    report.source = target
    return target


def save_guarded(report: Report, path: str | os.PathLike[str], replace: bool) -> bool:
    """Write the report's data file unless one of another agency (or, without ``replace``, any) is there.

    The owner check and the write are one step under the file's lock (see :func:`govkit.fs.write_guarded`):
    two imports, an import and an editor's save, or an import and ``govkit new`` never replace each other's file.
    Returns whether an existing file (of the same agency) was replaced.

    Raises:
        GovkitError: refused (see :func:`govkit.datafile.discover.check_owner`), or the file cannot be written.
    """
    target = Path(path)
    agency = report.meta.agency
    replaced = write_guarded(target, dumps(report), lambda existing: check_owner(existing, agency, replace))
    report.source = target
    return replaced
