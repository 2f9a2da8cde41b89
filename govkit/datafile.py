"""Agency data files: one YAML file per agency and year, the single source of truth.

Loading is strict about structure (every official cell must be present, names must be the
official labels) and reports the first problem with file, line and field. Saving is atomic and
keeps whatever the file already had (comments, order, quoting) where the values did not change,
so load-then-save gives identical bytes.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import tempfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from govkit.errors import DataFileError, GovkitError, one_line
from govkit.formats import KNOWN_VERSIONS, ColumnSpec, Format, PartSpec, RowPath, load_format, version_for_year
from govkit.model import LEVELS, PREAMBLE, SECTION_IDS, Meta, Report, Value
from govkit.model import has_control_chars as _control

MAX_BYTES = 2_000_000
MAX_COUNT = 10**9
MAX_DEPTH = 12
_YAML_BREAKS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
_NAME_BREAKS = re.compile(r"[\x85\u2028\u2029]")


def has_control_chars(text: str) -> bool:
    """Control characters, and the characters YAML reads as line breaks (not allowed in names)."""
    return _control(text) or bool(_NAME_BREAKS.search(text))


_CONTROL_RUN = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
TOP_KEYS = ("format", "meta", "sections", "tables")
META_KEYS = ("agency", "short_name", "level", "district", "year", "published")
SECTION_KEYS = (PREAMBLE, *SECTION_IDS)
TABLE_IDS = ("二", "三", "四")
HEADER = (
    "govkit 数据文件：政府信息公开工作年度报告。表格单元格填非负整数（本年增/减可为负，万元金额可带小数）；空白写 ~"
)


class _Decimal(Decimal):
    """A Decimal that remembers it came from a YAML float."""


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    y.allow_unicode = True
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.constructor.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
    y.representer.add_representer(_Decimal, _represent_decimal)
    y.representer.add_representer(Decimal, _represent_decimal)
    return y


def _construct_decimal(constructor: Any, node: Any) -> Any:
    text = str(node.value).replace("_", "")
    try:
        value = _Decimal(text)
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    text = format(value, "f")
    if "." not in text:  # "0" would read back as an integer; "0.0" stays a plain, untagged float
        text += ".0"
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


# ---------------------------------------------------------------------------------------------
# Loading


def load(path: str | os.PathLike[str]) -> Report:
    """Read one agency data file; raise :class:`DataFileError` naming the place of any problem."""
    path = Path(path)
    if path.is_dir():
        raise DataFileError(path, "这是一个文件夹，不是数据文件")
    if path.exists() and not path.is_file():  # a pipe or device would block or never end
        raise DataFileError(path, "这不是普通文件（可能是管道或设备），不是数据文件")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataFileError(path, f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节），不像是一份年度报告数据文件")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(path, "文件不存在") from None
    except OSError as exc:
        raise DataFileError(path, f"无法读取文件（{exc.strerror}）") from None
    report = loads(raw, path)
    report.source = path
    return report


def loads(raw: bytes | str, path: Path | str | None = None) -> Report:
    """Parse data-file content; ``path`` is only used in error messages."""
    text = _decode(raw, path)
    doc = _parse(text, path)
    report = _Reader(path, doc).report()
    report._doc = doc  # type: ignore[attr-defined]  # kept so that saving preserves the layout
    return report


def _decode(raw: bytes | str, path: Path | str | None) -> str:
    if isinstance(raw, str):
        text = raw
    else:
        if len(raw) > MAX_BYTES:
            raise DataFileError(path, f"文件过大（{len(raw)} 字节，上限 {MAX_BYTES} 字节）")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataFileError(
                path, "文件不是 UTF-8 编码（GBK 等编码的文件请先用 govkit import 导入或另存为 UTF-8）", line
            ) from None
    if len(text) > MAX_BYTES:
        raise DataFileError(path, f"内容过长（{len(text)} 个字符，上限 {MAX_BYTES}）")
    if not text.strip():
        raise DataFileError(path, "文件是空的")
    bad = next((i for i, ch in enumerate(text) if ch == "\x00"), None)
    if bad is not None:
        raise DataFileError(path, "文件含有空字符（\\0），不是文本文件", text[:bad].count("\n") + 1)
    return text


def _parse(text: str, path: Path | str | None) -> Any:
    # The parser recurses per nesting level: refuse absurd bracket nesting before it gets there
    # (a real data file nests flow brackets two deep).
    deep = _deep_line(text, limit=100)
    if deep is not None:
        raise DataFileError(path, f"嵌套层次过深（超过 {MAX_DEPTH} 层）", deep)
    try:
        doc = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "格式错误").strip()
        if "duplicate key" in problem or "found duplicate key" in str(exc):
            problem = "重复的键"
        raise DataFileError(path, f"YAML 语法错误：{problem}", line) from None
    except RecursionError:
        raise DataFileError(path, f"嵌套层次过深（超过 {MAX_DEPTH} 层）", _deep_line(text)) from None
    except (YAMLError, ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError) as exc:
        # ruamel.yaml itself fails on some inputs (e.g. "+_" resolved as an integer: IndexError)
        raise DataFileError(path, f"YAML 语法错误：{type(exc).__name__}") from None
    _refuse_anchors(doc, path)
    return doc


def _refuse_anchors(doc: Any, path: Path | str | None) -> None:
    """Reject anchors and aliases (an alias bomb stays small in memory but explodes in any walk)."""
    seen: set[int] = set()
    stack: list[tuple[Any, int, Any, Any]] = [(doc, 1, None, None)]
    while stack:
        node, depth, parent, key = stack.pop()
        anchor = getattr(getattr(node, "anchor", None), "value", None)
        is_container = isinstance(node, (dict, list))
        if anchor or (is_container and id(node) in seen):
            raise DataFileError(
                path, "不允许使用 YAML 锚点或别名（& 或 *），请直接写出数值", _line(parent, key) or _line(node, None)
            )
        if not is_container:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise DataFileError(path, f"嵌套层次过深（超过 {MAX_DEPTH} 层）", _line(node, None))
        items = list(node.items() if isinstance(node, dict) else enumerate(node))
        for k, child in reversed(items):  # reversed: the first problem in reading order is reported
            stack.append((child, depth + 1, node if isinstance(node, dict) else None, k))


def _deep_line(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The line where flow brackets first nest deeper than ``limit``."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, index) + 1
        elif char in "]}":
            depth -= 1
    return None


class _Reader:
    """Walks the parsed document against the format, remembering where each value stood."""

    def __init__(self, path: Path | str | None, doc: Any):
        self.path = path
        self.doc = doc

    def fail(self, message: str, node: Any = None, key: Any = None, where: str | None = None) -> DataFileError:
        return DataFileError(self.path, message, _line(node, key), where)

    def mapping(self, node: Any, parent: Any, key: Any, where: str) -> CommentedMap:
        if not isinstance(node, dict):
            kind = "空白" if node is None else f"「{_short(node)}」"
            raise self.fail(f"这里应是一组「名称: 值」，实为{kind}", parent, key, where)
        return node

    def keys(self, node: CommentedMap, allowed: tuple[str, ...], where: str, required: tuple[str, ...] = ()) -> None:
        for key in node:
            if not isinstance(key, str) or key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
                tip = f"，是否应为「{hint[0]}」？" if hint else f"；可用的名称：{'、'.join(allowed)}"
                raise self.fail(f"未知的名称「{_short(key)}」{tip}", node, key, where)
        for key in required:
            if key not in node:
                raise self.fail(f"缺少「{key}」", node, None, where)

    def report(self) -> Report:
        doc = self.mapping(self.doc, None, None, "文件")
        self.keys(doc, TOP_KEYS, "文件", required=("meta", "tables"))
        meta = self.meta(self.mapping(doc["meta"], doc, "meta", "meta"))
        fmt = self.format(doc, meta.year)
        report = Report.blank(meta, fmt, fill=None)
        report.sections = self.sections(doc.get("sections"), doc)
        tables = self.mapping(doc["tables"], doc, "tables", "tables")
        self.keys(tables, TABLE_IDS, "tables", required=TABLE_IDS)
        try:
            for table_id in TABLE_IDS:
                self.table(report, table_id, tables)
        except DataFileError as first:
            if "format" not in doc:
                self.explain_other_format(doc, meta.year, first)
            raise
        return report

    def explain_other_format(self, doc: CommentedMap, year: int, first: DataFileError) -> None:
        expected = version_for_year(year)
        for other in KNOWN_VERSIONS:
            if other == expected:
                continue
            try:
                trial = Report.blank(Meta(agency="-", year=year), load_format(other), fill=None)
                for table_id in TABLE_IDS:
                    self.table(trial, table_id, doc["tables"])
            except DataFileError:
                continue
            raise DataFileError(
                self.path,
                f"表格是 {other} 版格式，而 {year} 年度报告应使用 {expected} 版格式；"
                f"若报告确按旧格式发布，请在文件开头写 format: '{other}' 以便检查指出这一问题",
                first.line,
                first.where,
            ) from None

    def meta(self, node: CommentedMap) -> Meta:
        self.keys(node, META_KEYS, "meta", required=("agency", "year"))
        agency = self.text(node, "agency", required=True)
        year = node["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 2008 <= year <= 2100:
            raise self.fail(f"年度应为 2008–2100 之间的整数，实为「{_short(year)}」", node, "year", "meta.year")
        level = self.text(node, "level") or "乡镇"
        if level not in LEVELS:
            raise self.fail(f"机关层级「{level}」无效；可用：{'、'.join(LEVELS)}", node, "level", "meta.level")
        return Meta(
            agency=agency,
            year=year,
            level=level,
            short_name=self.text(node, "short_name"),
            district=self.text(node, "district"),
            published=self.date(node, "published"),
        )

    def text(self, node: CommentedMap, key: str, required: bool = False) -> str | None:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(f"「{key}」不能为空", node, key, f"meta.{key}")
            return None
        if not isinstance(value, str):
            raise self.fail(f"「{key}」应为文字，实为「{_short(value)}」", node, key, f"meta.{key}")
        if has_control_chars(value) or len(value) > 200:
            raise self.fail(f"「{key}」含有换行或控制字符，或超过 200 字", node, key, f"meta.{key}")
        return value.strip()

    def date(self, node: CommentedMap, key: str) -> date | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise self.fail(
                f"日期应写作 2021-01-31 的形式，实为「{_short(value)}」", node, key, f"meta.{key}"
            ) from None

    def format(self, doc: CommentedMap, year: int) -> Format:
        if "format" not in doc:
            return load_format(version_for_year(year))
        version = str(doc["format"])
        if version not in KNOWN_VERSIONS:
            raise self.fail(f"格式版本「{version}」无效；可用：{'、'.join(KNOWN_VERSIONS)}", doc, "format", "format")
        return load_format(version)

    def sections(self, node: Any, doc: CommentedMap) -> dict[str, str]:
        if node is None:
            return {sid: "" for sid in SECTION_IDS}
        node = self.mapping(node, doc, "sections", "sections")
        self.keys(node, SECTION_KEYS, "sections")
        out: dict[str, str] = {}
        for key in SECTION_KEYS:
            value = node.get(key)
            if value is None:
                if key != PREAMBLE:
                    out[key] = ""
                continue
            if not isinstance(value, str):
                value = str(value)
            out[key] = value.strip("\n")
        return out

    def table(self, report: Report, table_id: str, tables: CommentedMap) -> None:
        spec = report.format.table(table_id)
        where = f"表{table_id}"
        node = self.mapping(tables[table_id], tables, table_id, where)
        if len(spec.parts) > 1:
            self.keys(
                node,
                tuple(p.caption for p in spec.parts if p.caption),
                where,
                required=tuple(p.caption for p in spec.parts if p.caption),
            )
            for part in spec.parts:
                block = self.mapping(node[part.caption], node, part.caption, f"{where} {part.caption}")
                self.rows(report, table_id, part, part.rows, block, (part.caption,), allow_split=spec.local_subrows)
        else:
            self.rows(report, table_id, spec.parts[0], spec.parts[0].rows, node, (), allow_split=spec.local_subrows)

    def rows(
        self,
        report: Report,
        table_id: str,
        part: PartSpec,
        specs: tuple,
        node: CommentedMap,
        prefix: RowPath,
        allow_split: bool,
    ) -> None:
        where = f"表{table_id} " + " / ".join(prefix)
        if len(specs) == 1 and not specs[0].label:  # table 四: one unlabelled row
            self.values(report, table_id, part, prefix, node, node, None, where)
            return
        labels = tuple(s.label for s in specs)
        self._alias_keys(node, {a: s.label for s in specs for a in s.aliases})
        self.keys(node, labels, where.strip(), required=labels)
        for spec in specs:
            row = (*prefix, spec.label)
            here = f"表{table_id} " + " / ".join(row)
            child = self.mapping(node[spec.label], node, spec.label, here)
            if spec.children:
                self.rows(report, table_id, part, spec.children, child, row, allow_split)
            elif (
                allow_split
                and child
                and all(isinstance(v, dict) for v in child.values())
                and not self._is_columns(part, child)
            ):
                self.split(report, table_id, part, row, child, here)
            else:
                self.values(report, table_id, part, row, child, node, spec.label, here)

    def _is_columns(self, part: PartSpec, node: CommentedMap) -> bool:
        firsts = {part.data_key(path)[0] for path, _ in part.leaf_columns()}
        return any(k in firsts for k in node)

    def _alias_keys(self, node: CommentedMap, aliases: dict[str, str]) -> None:
        for key in list(node):
            if key in aliases and aliases[key] not in node:
                position = list(node).index(key)
                node.insert(position, aliases[key], node.pop(key))

    def split(
        self, report: Report, table_id: str, part: PartSpec, row: RowPath, node: CommentedMap, where: str
    ) -> None:
        names = []
        for name in node:
            if not isinstance(name, str) or not name.strip() or has_control_chars(name):
                raise self.fail("子项名称应为不含换行的文字", node, name, where)
            names.append(name)
        report.split_row(table_id, row, names)
        for name in names:
            self.values(report, table_id, part, (*row, name), node[name], node, name, f"{where} / {name}")

    def values(
        self, report: Report, table_id: str, part: PartSpec, row: RowPath, node: Any, parent: Any, key: Any, where: str
    ) -> None:
        node = self.mapping(node, parent, key, where)
        leaves = part.leaf_columns()
        tree: dict = {}
        for path, spec in leaves:
            cursor = tree
            data_key = part.data_key(path)
            for k in data_key[:-1]:
                cursor = cursor.setdefault(k, {})
            cursor[data_key[-1]] = (path, spec)
        self._columns(report, table_id, row, node, tree, where)

    def _columns(self, report: Report, table_id: str, row: RowPath, node: CommentedMap, tree: dict, where: str) -> None:
        aliases = {}
        for label, sub in tree.items():
            if isinstance(sub, tuple):
                aliases.update({a: label for a in sub[1].aliases})
        self._alias_keys(node, aliases)
        self.keys(node, tuple(tree), where, required=tuple(tree))
        for label, sub in tree.items():
            if isinstance(sub, dict):
                child = self.mapping(node[label], node, label, f"{where} · {label}")
                self._columns(report, table_id, row, child, sub, f"{where} · {label}")
            else:
                path, spec = sub
                report.cells[table_id][(row, path)] = self.cell(node, label, spec, f"{where} · {label}")

    def cell(self, node: CommentedMap, key: str, spec: ColumnSpec, where: str) -> Value:
        value = node[key]
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            raise self.fail(f"应填数字，实为「{_short(value)}」", node, key, where)
        if isinstance(value, str):
            raise self.fail(f"应填数字，实为文字「{_short(value)}」", node, key, where)
        if spec.type == "amount":
            amount = Decimal(value) if isinstance(value, int) else Decimal(value)
            if amount < 0:
                raise self.fail(f"金额不能为负数，实为 {format(amount, 'f')}", node, key, where)
            if amount.as_tuple().exponent < -spec.decimals:  # type: ignore[operator]
                raise self.fail(f"金额最多 {spec.decimals} 位小数，实为 {format(amount, 'f')}", node, key, where)
            if amount >= MAX_COUNT:
                raise self.fail(f"金额过大：{format(amount, 'f')} {spec.unit or ''}", node, key, where)
            return Decimal(amount)
        if isinstance(value, Decimal):
            raise self.fail(f"应填整数，实为小数 {format(value, 'f')}", node, key, where)
        if not isinstance(value, int):
            raise self.fail(f"应填整数，实为「{_short(value)}」", node, key, where)
        if abs(value) >= MAX_COUNT:
            raise self.fail(f"数值过大：{value}", node, key, where)
        if spec.type == "count" and value < 0:
            raise self.fail(f"件数不能为负数，实为 {value}", node, key, where)
        return int(value)


def _line(node: Any, key: Any) -> int | None:
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            return node.lc.key(key)[0] + 1
        if node is not None and hasattr(node, "lc"):
            return node.lc.line + 1
    except (AttributeError, KeyError, TypeError):
        return None
    return None


def _short(value: Any) -> str:
    # Quoted back to a terminal or a page: one line, no control characters (no terminal escapes).
    text = _CONTROL_RUN.sub(" ", str(value))
    return text if len(text) <= 30 else text[:30] + "…"


# ---------------------------------------------------------------------------------------------
# Saving


def to_document(report: Report) -> CommentedMap:
    """The canonical YAML document for a report."""
    doc = CommentedMap()
    doc.yaml_set_start_comment(HEADER)
    if report.format.version != version_for_year(report.meta.year):
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
        for col, _ in part.leaf_columns():
            keys = part.data_key(col)
            inner = values
            for k in keys[:-1]:
                inner = inner.setdefault(k, CommentedMap())
                inner.fa.set_flow_style()
            value = report.cells[table_id].get((row, col))
            inner[keys[-1]] = Decimal(value) if isinstance(value, Decimal) else value
        values.fa.set_flow_style()
        if row:
            cursor[row[-1]] = values
        else:  # table 四: the columns are the table
            out = values
            out.fa.set_block_style()
            for v in out.values():
                _block_groups(v)
    return out


def _block_groups(node: Any) -> None:
    """Table 四: groups of groups stay block style, innermost groups are one line each."""
    if isinstance(node, CommentedMap):
        if any(isinstance(v, CommentedMap) for v in node.values()):
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
        if not isinstance(value, str) or has_control_chars(value) or len(value) > 200:
            raise DataFileError(
                where, f"「{key}」含有换行或控制字符，或超过 200 字：「{_short(value)}」", where=f"meta.{key}"
            )

    text("agency", m.agency, required=True)
    text("short_name", m.short_name)
    text("district", m.district)
    if isinstance(m.year, bool) or not isinstance(m.year, int) or not 2008 <= m.year <= 2100:
        raise DataFileError(where, f"年度应为 2008–2100 之间的整数，实为「{_short(m.year)}」", where="meta.year")
    if m.level not in LEVELS:
        raise DataFileError(where, f"机关层级「{_short(m.level)}」无效；可用：{'、'.join(LEVELS)}", where="meta.level")
    for table_id, rows in report.subrows.items():
        for names in rows.values():
            for name in names:
                if not isinstance(name, str) or not name.strip() or has_control_chars(name):
                    raise DataFileError(where, f"子项名称应为不含换行的文字：「{_short(name)}」", where=f"表{table_id}")


def dumps(report: Report) -> str:
    """The file content for a report, keeping the layout of the file it was loaded from.

    Raises:
        DataFileError: the metadata could not be loaded again (see :func:`check_meta`).
    """
    check_meta(report)
    new = to_document(report)
    old = getattr(report, "_doc", None)
    doc = _merge(old, new) if isinstance(old, CommentedMap) else new
    stream = io.StringIO()
    _yaml().dump(doc, stream)
    text = stream.getvalue()
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise DataFileError(
            report.source, f"内容过大（{size} 字节，上限 {MAX_BYTES} 字节），保存后将无法再打开；请精简正文"
        )
    report._doc = doc  # type: ignore[attr-defined]
    return text


class WriteError(GovkitError, OSError):
    """A file that cannot be written (no permission, a file where a folder should be, disk full…).

    Both a :class:`GovkitError` (one line for the user) and an :class:`OSError` (for callers that
    already handle those); whatever the file held before is unchanged.
    """

    def __str__(self) -> str:
        return one_line(str(self.strerror))


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write a file so that readers see the old content or the new one, never a part.

    Raises:
        WriteError: the file cannot be written; the old content (if any) is untouched.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _atomic_write(path, payload)
    except WriteError:
        raise
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise WriteError(exc.errno, f"{path}：无法写入（{reason}）；原有文件（如有）未改动") from None


def _atomic_write(path: Path, payload: bytes) -> None:
    if path.is_dir():
        raise WriteError(21, f"{path}：这是一个文件夹，无法写成文件")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; published reports must be readable like any other file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(report: Report, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the report's data file atomically and return its path."""
    target = Path(path) if path is not None else report.source
    if target is None:
        raise ValueError("没有指定保存路径")
    atomic_write(target, dumps(report))
    report.source = target
    return target


def default_path(params: str | os.PathLike[str], meta: Meta) -> Path:
    """Where an agency's file for a year lives: ``params/<year>/<agency>.yaml``."""
    from govkit.paths import safe_name

    return Path(params) / str(meta.year) / f"{safe_name(meta.agency)}.yaml"


COPY_MARK = ".副本-"
MAX_SCAN = 5000  # files looked at in a year folder when the agency's file has another name


def find_agency_file(
    params: str | os.PathLike[str], agency: str, year: int, name_hint: str | None = None
) -> Path | None:
    """The data file of ``agency`` for ``year`` under ``params`` (``params/<year>/``), or None.

    Tries the canonical name, then ``name_hint`` (the same file name as this year's file), then
    every file of that year whose ``meta.agency`` names the agency (files saved under another name).
    Every tool that looks for last year's report uses this, so they all find the same file.
    """
    folder = Path(params) / str(year)
    if not folder.is_dir():
        return None
    first = [default_path(params, Meta(agency=agency, year=year))]
    if name_hint:
        first.append(folder / name_hint)
    rest = sorted(p for p in folder.glob("*.yaml") if p not in first and _is_data_file(p))[:MAX_SCAN]
    for candidate in [*first, *rest]:
        if candidate.is_file() and _agency_of(candidate) == (agency, year):
            return candidate
    return None


def _agency_of(path: Path) -> tuple[str, int] | None:
    try:
        meta = load(path).meta
    except GovkitError:
        return None
    return meta.agency, meta.year


def _is_data_file(path: Path) -> bool:
    """Hidden files and the editor's conflict copies (``name.副本-<time>.yaml``) are not agencies."""
    return not path.name.startswith(".") and COPY_MARK not in path.name


def discover(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """Data files named on the command line: files as given, folders searched recursively."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*.yaml") if q.is_file() and _is_data_file(q)))
        else:
            found.append(p)
    return found
