"""Walking a parsed data file against the official format into a :class:`Report`, naming any problem's place."""

from __future__ import annotations

import difflib
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, cast, overload

from ruamel.yaml.comments import CommentedMap

from govkit.cells import CellError, validate
from govkit.datafile.parse import MAX_BYTES, decode, line_of, parse, quote
from govkit.errors import DataFileError
from govkit.formats import (
    KNOWN_VERSIONS,
    ColumnSpec,
    Format,
    NoFormatError,
    PartSpec,
    RowPath,
    all_formats,
    format_for_year,
    load_format,
)
from govkit.model import (
    LEVELS,
    PREAMBLE,
    SECTION_IDS,
    Meta,
    Report,
    Value,
    has_control_chars,
    name_problem,
    prose_problem,
    too_many_subrows,
)

RAW_KEY = "raw"  # a cell written {raw: 'abc'}: text that is not a value, kept as it was typed
MAX_RAW = 500
_NAME_BREAKS = re.compile(r"[\x85\u2028\u2029]")
TOP_KEYS = ("format", "meta", "sections", "tables")
META_KEYS = ("agency", "short_name", "level", "district", "year", "published")
SECTION_KEYS = (PREAMBLE, *SECTION_IDS)
TABLE_IDS = ("二", "三", "四")


def section_label(key: str) -> str:
    return "正文开头" if key == PREAMBLE else f"正文第{key}部分"


def breaks_yaml_name(text: str) -> bool:
    """Whether ``text`` cannot be a one-line name in a data file.

    True for control characters (see :func:`govkit.model.has_control_chars`) and for the characters
    YAML reads as line breaks (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR).
    """
    return has_control_chars(text) or bool(_NAME_BREAKS.search(text))


def load(path: str | os.PathLike[str], cached: bool = False) -> Report:
    """Read one agency data file; raise :class:`DataFileError` naming the place of any problem.

    With ``cached``, bytes parsed before (by the same code) are read back from the per-user cache
    of :mod:`govkit.datafile.cache` instead of parsed again: for readers of many files. Such a
    report is for reading only: it does not carry the file's layout (comments, order, quoting),
    which is most of its memory, and :func:`govkit.datafile.save` refuses it.
    """
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
    report = _cached_load(raw, path) if cached else loads(raw, path)
    report.source = path
    return report


def _cached_load(raw: bytes, path: Path) -> Report:
    from govkit.datafile import cache

    report = cache.get(raw)
    if report is None:
        report = loads(raw, path)
        report.layout = ReadOnly()
        cache.put(raw, report)
    return report


class ReadOnly:
    """The layout of a report loaded for reading only (``load(..., cached=True)``): it cannot be saved."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReadOnly)

    def __hash__(self) -> int:
        return hash(ReadOnly)


def loads(raw: bytes | str, path: Path | str | None = None) -> Report:
    """Parse data-file content; ``path`` is only used in error messages."""
    text = decode(raw, path)
    doc = parse(text, path)
    report = _Reader(path, doc).report()
    report.layout = doc
    return report


class _Reader:
    """Walks the parsed document against the format, remembering where each value stood."""

    def __init__(self, path: Path | str | None, doc: Any):
        self.path = path
        self.doc = doc

    def fail(self, message: str, node: Any = None, key: Any = None, where: str | None = None) -> DataFileError:
        return DataFileError(self.path, message, line_of(node, key), where)

    def mapping(self, node: Any, parent: Any, key: Any, where: str) -> CommentedMap:
        if not isinstance(node, dict):
            kind = "空白" if node is None else f"「{quote(node)}」"
            raise self.fail(f"这里应是一组「名称: 值」，实为{kind}", parent, key, where)
        return cast(CommentedMap, node)  # the round-trip loader builds every mapping as a CommentedMap

    def keys(self, node: CommentedMap, allowed: tuple[str, ...], where: str, required: tuple[str, ...] = ()) -> None:
        for key in node:
            if not isinstance(key, str) or key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
                tip = f"，是否应为「{hint[0]}」？" if hint else f"；可用的名称：{'、'.join(allowed)}"
                raise self.fail(f"未知的名称「{quote(key)}」{tip}", node, key, where)
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
        expected = format_for_year(year).version
        for other in (fmt.version for fmt in all_formats() if not fmt.covers(year)):
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
            raise self.fail(f"年度应为 2008–2100 之间的整数，实为「{quote(year)}」", node, "year", "meta.year")
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

    @overload
    def text(self, node: CommentedMap, key: str, required: Literal[True]) -> str: ...

    @overload
    def text(self, node: CommentedMap, key: str, required: bool = False) -> str | None: ...

    def text(self, node: CommentedMap, key: str, required: bool = False) -> str | None:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(f"「{key}」不能为空", node, key, f"meta.{key}")
            return None
        if not isinstance(value, str):
            raise self.fail(f"「{key}」应为文字，实为「{quote(value)}」", node, key, f"meta.{key}")
        problem = name_problem(value) or ("含有换行" if breaks_yaml_name(value) else None)
        if problem:
            raise self.fail(f"「{key}」{problem}：「{quote(value)}」", node, key, f"meta.{key}")
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
            raise self.fail(f"日期应写作 2021-01-31 的形式，实为「{quote(value)}」", node, key, f"meta.{key}") from None

    def format(self, doc: CommentedMap, year: int) -> Format:
        if "format" not in doc:
            try:
                return format_for_year(year)
            except NoFormatError as exc:
                raise self.fail(
                    f"{exc}；若报告按其中一种格式填写，请在文件开头写 format: '版本'", doc["meta"], "year", "meta.year"
                ) from None
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
            problem = prose_problem(value)
            if problem:
                raise self.fail(f"{section_label(key)}{problem}，请精简", node, key, f"sections.{key}")
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
                caption = part.caption or ""  # a table of several parts captions each (required above)
                block = self.mapping(node[caption], node, caption, f"{where} {caption}")
                self.rows(report, table_id, part, part.rows, block, (caption,), allow_split=spec.local_subrows)
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
        reason = too_many_subrows(len(node))
        if reason:
            raise self.fail(reason, node, None, where)
        names = []
        for name in node:
            if not isinstance(name, str) or not name.strip() or breaks_yaml_name(name):
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
                text = self.raw(node, label, f"{where} · {label}")
                if text is not None:
                    report.set_raw(table_id, row, path, text)
                else:
                    report.cells[table_id][(row, path)] = self.cell(node, label, spec, f"{where} · {label}")

    def raw(self, node: CommentedMap, key: str, where: str) -> str | None:
        """The original text of a cell written ``{raw: '…'}`` (not a value; the checks report it), else None."""
        value = node[key]
        if not isinstance(value, dict) or RAW_KEY not in value:
            return None
        text = value[RAW_KEY]
        if len(value) != 1 or not isinstance(text, str) or not text.strip() or len(text) > MAX_RAW:
            raise self.fail(
                f"无法识别的原文应写作 {{raw: '原文'}}（一段不超过 {MAX_RAW} 字的文字），实为「{quote(value)}」",
                node,
                key,
                where,
            )
        return str(text)

    def cell(self, node: CommentedMap, key: str, spec: ColumnSpec, where: str) -> Value:
        """The value of one cell, as the cell model (:func:`govkit.cells.validate`) accepts it."""
        value = node[key]
        try:
            return validate(value, spec)
        except CellError as error:
            raise self.fail(error.reason, node, key, where) from None
