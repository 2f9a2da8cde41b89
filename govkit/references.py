"""Figures in prose drawn from the tables: ``{{表三 一 总计}}`` stands for that cell's number.

Grammar (documented in README.md, section 正文中的表格引用)::

    reference := "{{" term { "+" term } "}}"          (no line break inside; "＋" also separates)
    term      := table { row-token } { column-token }  (tokens separated by spaces, " " or "　")
    table     := "表二" | "表三" | "表四"

A row is named by its official labels from the top of its table. Each level may be written as its
label as printed (``（一）予以公开``), its label without the numbering (``予以公开``), or its numbering
as printed without the trailing 、 or . (``三``, ``（三）``, ``1``); numberings of consecutive levels
are written together as one token (``三（三）1``). Upper levels may be left out (``规章`` for
``第二十条第（一）项 规章``) as long as exactly one cell matches. A column is named by its header
labels in the same way (``总计``; ``行政复议 总计``). Table 四 has a single unnamed row. A group row
whose rows are all value rows and hold no 总计 (e.g. ``三（三）`` 不予公开, which the form prints
without a subtotal) stands for the sum of its rows.

A reference that names no cell, or more than one, is never filled: it stays as typed, and
:func:`problems` (the ``prose-reference`` check) reports it with the reason in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from govkit.formats import ColPath, ColumnSpec, RowPath, RowSpec, TableSpec, load_format
from govkit.model import PREAMBLE, SECTION_IDS, Report, Value

REFERENCE = re.compile(r"\{\{([^{}\n]*)\}\}")
OPEN = re.compile(r"\{\{|\}\}")
PLUS = re.compile(r"[+＋]")
SPACE = re.compile(r"[ \u3000\t]+")
PROSE_KEYS = (PREAMBLE, *SECTION_IDS)
# What masked prose shows in place of a reference: no digit, no numeral, nothing a prose pattern reads.
MASK = "〔引用〕"
_NUMBERING = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]+)、|(?P<paren>（[一二三四五六七八九十]+）)|(?P<arabic>\d+)\.)"
)


class ReferenceError(ValueError):
    """A reference that cannot be filled; ``reason`` says why in Chinese."""

    def __init__(self, text: str, reason: str):
        super().__init__(reason)
        self.text = text
        self.reason = reason


@dataclass(frozen=True)
class Cell:
    """One place a reference term can name: a value row (or summable group row) and a leaf column."""

    table: str
    row: RowPath
    column: ColPath
    spec: ColumnSpec
    group: bool = False

    def place(self, report: Report) -> str:
        """The place in Chinese, columns as the data files name them (e.g. 表三 / 一、本年新收… / 总计)."""
        table = report.format.table(self.table)
        part = table.part_of(report.official_row(self.table, self.row)) if self.row else table.parts[0]
        labels = [label for label in (*self.row, *part.data_key(self.column)) if label]
        return " / ".join([f"表{self.table}", *labels])


@dataclass(frozen=True)
class Resolved:
    """A reference that names exactly one cell per term, with the number it stands for."""

    text: str
    cells: tuple[Cell, ...]
    value: int | Decimal
    display: str


def numbering(label: str) -> str | None:
    """The official numbering of a row label as written in a reference: 一、→一, （三）→（三）, 1.→1."""
    m = _NUMBERING.match(label)
    if m is None:
        return None
    return m.group("cn") or m.group("paren") or m.group("arabic")


def short_label(spec: RowSpec) -> str:
    """A row's shortest printed name without numbering: （二）部分公开（区分处理的，…） → 部分公开."""
    names = [label for label in _names(spec.label, spec.aliases) if numbering(label) is None]
    return min(names, key=len) if names else spec.label


def _names(label: str, aliases: tuple[str, ...] = ()) -> set[str]:
    names = set()
    for text in (label, *aliases):
        if not text:
            continue
        names.add(text)
        m = _NUMBERING.match(text)
        if m and text[m.end() :]:
            names.add(text[m.end() :])
    return names


@dataclass(frozen=True)
class _Level:
    names: frozenset[str]
    number: str | None


def _row_levels(table: TableSpec, row: RowPath) -> list[_Level]:
    """The named levels of a row path (empty labels, as in table 四, are not levels)."""
    part = table.part_of(row) if row else table.parts[0]
    children: tuple[RowSpec, ...] = part.rows
    levels: list[_Level] = []
    for label in row:
        if part.caption and label == part.caption and not levels:
            levels.append(_Level(frozenset({label}), None))
            continue
        spec = next((s for s in children if s.label == label), None)
        if spec is None:  # a local sub-row (a district's own breakdown): its name only
            levels.append(_Level(frozenset({label}), None))
            continue
        children = spec.children
        if label:
            levels.append(_Level(frozenset(_names(label, spec.aliases)), numbering(label)))
    return levels


def _col_levels(part_columns: tuple[ColumnSpec, ...], column: ColPath) -> list[_Level]:
    levels = []
    specs = part_columns
    for label in column:
        spec = next(s for s in specs if s.label == label)
        names = {spec.label, *spec.aliases}
        if spec.header:
            names.add(spec.header)
        levels.append(_Level(frozenset(names), None))
        specs = spec.children
    return levels


def _match(tokens: list[str], levels: list[_Level]) -> bool:
    """Whether the tokens name these levels, upper levels optional, the last level required."""
    if not levels:
        return not tokens

    def walk(ti: int, lj: int) -> bool:
        if ti == len(tokens):
            return lj == len(levels)
        token = tokens[ti]
        for start in range(lj, len(levels)):
            if token in levels[start].names and walk(ti + 1, start + 1):
                return True
            rest, j = token, start
            while rest and j < len(levels):
                number = levels[j].number
                if not number or not rest.startswith(number):
                    break
                rest, j = rest[len(number) :], j + 1
                if not rest and walk(ti + 1, j):
                    return True
        return False

    return walk(0, 0)


def _summable(spec: RowSpec) -> bool:
    return bool(spec.children) and all(not c.children and c.role != "total" for c in spec.children)


def cells(report: Report, table_id: str) -> list[Cell]:
    """Every place a reference into this table can name, in reading order."""
    rows, columns, _ = _index(report.format.version, table_id, _subrows_key(report, table_id))
    return [Cell(table_id, row, col, spec, group) for row, group, p, _ in rows for col, spec, _ in columns[p]]


def _subrows_key(report: Report, table_id: str) -> tuple[tuple[RowPath, tuple[str, ...]], ...]:
    return tuple(sorted((row, tuple(names)) for row, names in report.subrows.get(table_id, {}).items()))


@cache
def _index(
    version: str, table_id: str, subrows: tuple[tuple[RowPath, tuple[str, ...]], ...]
) -> tuple[
    tuple[tuple[RowPath, bool, int, tuple[_Level, ...]], ...],
    tuple[tuple[tuple[ColPath, ColumnSpec, tuple[_Level, ...]], ...], ...],
    frozenset[str],
]:
    """The rows (with their part and named levels) and each part's columns of a table; cached per layout."""
    table = load_format(version).table(table_id)
    split = dict(subrows)
    rows: list[tuple[RowPath, bool, int, tuple[_Level, ...]]] = []
    columns = []
    for p, part in enumerate(table.parts):
        columns.append(tuple((col, spec, tuple(_col_levels(part.columns, col))) for col, spec in part.leaf_columns()))
        prefix: RowPath = (part.caption,) if part.caption else ()
        found: list[tuple[RowPath, bool]] = []
        if part.caption and all(not r.children and r.role != "total" for r in part.rows):
            found.append((prefix, True))
        found += _group_rows(part.rows, prefix)
        for official, _ in part.leaf_rows():
            found.append((official, False))
            found += [((*official, name), False) for name in split.get(official, ())]
        rows += [(row, group, p, tuple(_row_levels(table, row))) for row, group in found]
    names = frozenset(name for part_cols in columns for _, _, levels in part_cols for lv in levels for name in lv.names)
    return tuple(rows), tuple(columns), names


def _group_rows(specs: tuple[RowSpec, ...], prefix: RowPath) -> list[tuple[RowPath, bool]]:
    out: list[tuple[RowPath, bool]] = []
    for spec in specs:
        path = (*prefix, spec.label) if spec.label else prefix
        if _summable(spec):
            out.append((path, True))
        if spec.children:
            out += _group_rows(spec.children, path)
    return out


def tokens_of(body: str) -> list[list[str]]:
    """The terms of a reference body, each as its list of tokens."""
    return [SPACE.split(term.strip()) if term.strip() else [] for term in PLUS.split(body)]


def _resolve_term(report: Report, tokens: list[str], text: str) -> Cell:
    shown = " ".join(tokens)
    if not tokens:
        raise ReferenceError(text, f"引用“{text}”中有空的一项（“+”两边都要写单元格）")
    head = tokens[0]
    table_id = head[1:] if head.startswith("表") else ""
    if table_id not in report.format.tables:
        known = "、".join(f"表{t}" for t in report.format.tables)
        raise ReferenceError(text, f"引用“{text}”中的“{shown}”应以表名开头（{known}）")
    rest = tokens[1:]
    rows, columns, column_names = _index(report.format.version, table_id, _subrows_key(report, table_id))
    found: list[Cell] = []
    for k in range(len(rest) + 1):
        row_part, col_part = rest[:k], rest[k:]
        for row, group, p, row_levels in rows:
            if not _match(row_part, list(row_levels)):
                continue
            found += [
                Cell(table_id, row, col, spec, group)
                for col, spec, col_levels in columns[p]
                if _match(col_part, list(col_levels))
            ]
    found = list(dict.fromkeys(found))
    if (
        not found
        and rest
        and rest[-1] not in column_names
        and any(_match(rest, list(levels)) for _, _, _, levels in rows)
    ):
        raise ReferenceError(text, f"引用“{text}”中的“{shown}”只写了行，请写明列（如 总计）")
    if not found:
        raise ReferenceError(
            text, f"引用“{text}”中的“{shown}”在{report.format.version}版格式的表{table_id}中找不到对应的单元格"
        )
    if len(found) > 1:
        listed = "；".join(c.place(report) for c in found[:4]) + ("……" if len(found) > 4 else "")
        raise ReferenceError(text, f"引用“{text}”中的“{shown}”可指 {len(found)} 个单元格（{listed}），请写明行和列")
    return found[0]


def _value(report: Report, cell: Cell) -> Value:
    if cell.group:
        return report.sum_rows(cell.table, cell.row, cell.column)
    return report.get(cell.table, cell.row, cell.column)


def locate(report: Report, text: str) -> tuple[str, tuple[Cell, ...]]:
    """The reference as written (with braces) and the cells it names, whatever they hold.

    Raises:
        ReferenceError: it names no cell or several, or adds amounts to counts.
    """
    m = REFERENCE.fullmatch(text)
    body = m.group(1) if m else text
    shown = m.group(0) if m else "{{" + text + "}}"
    named = tuple(_resolve_term(report, tokens, shown) for tokens in tokens_of(body))
    kinds = {c.spec.type == "amount" for c in named}
    if len(kinds) > 1:
        raise ReferenceError(shown, f"引用“{shown}”把金额与件数相加，无法计算")
    return shown, named


def resolve(report: Report, text: str) -> Resolved:
    """The cells and the number a reference (``{{…}}``, or its body) stands for.

    Raises:
        ReferenceError: it names no cell or several, or a named cell is blank.
    """
    shown, named = locate(report, text)
    total: int | Decimal = 0
    for cell in named:
        value = _value(report, cell)
        if value is None or isinstance(value, bool):
            raise ReferenceError(shown, f"引用“{shown}”所指的单元格（{cell.place(report)}）为空白")
        total += value
    return Resolved(shown, named, total, _display(total, named))


def _display(value: int | Decimal, named: tuple[Cell, ...]) -> str:
    """The number as the report prints it: counts plain, 万元 amounts with the decimals the form prints."""
    amounts = [c.spec for c in named if c.spec.type == "amount"]
    if not amounts:
        return str(int(value))
    places = max((s.display_decimals for s in amounts if s.display_decimals is not None), default=None)
    return f"{Decimal(value):.{places}f}" if places is not None else format(Decimal(value), "f")


def find(text: str) -> Iterator[re.Match[str]]:
    """Every ``{{…}}`` in the text."""
    return REFERENCE.finditer(text or "")


def fill(report: Report, text: str | None) -> str:
    """The text with every reference replaced by its number; a reference that cannot be filled stays."""

    def one(m: re.Match[str]) -> str:
        try:
            return resolve(report, m.group(0)).display
        except ReferenceError:
            return m.group(0)

    return REFERENCE.sub(one, text or "")


def mask(text: str | None, keep_length: bool = False) -> str:
    """The text with every reference replaced by :data:`MASK`, for checks that read typed numbers.

    With ``keep_length`` the mask is as long as the reference (〔引…引〕), so offsets stay valid.
    """
    if keep_length:
        return REFERENCE.sub(lambda m: MASK[0] + MASK[1] * (len(m.group(0)) - 2) + MASK[-1], text or "")
    return REFERENCE.sub(MASK, text or "")


@dataclass(frozen=True)
class Problem:
    """A reference (or stray brace pair) that cannot be filled, with the sentence it stands in."""

    section: str
    text: str
    reason: str
    sentence: str


_SENTENCE_END = "。！？；!?;\n"


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]``."""
    left = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


def problems(report: Report) -> Iterator[Problem]:
    """Every reference in the report's prose that names no cell or several, in reading order.

    A reference to a blank cell is not listed: the cell checks report the blank cell itself, and
    the reference stays unfilled until the cell is filled in.
    """
    for sid in PROSE_KEYS:
        text = report.sections.get(sid) or ""
        if "{{" not in text and "}}" not in text:
            continue
        for m in find(text):
            try:
                locate(report, m.group(0))
            except ReferenceError as exc:
                yield Problem(sid, m.group(0), exc.reason, sentence_at(text, m.start(), m.end()))
        rest = REFERENCE.sub(lambda m: " " * len(m.group(0)), text)
        for m in OPEN.finditer(rest):
            yield Problem(
                sid,
                m.group(0),
                f"“{m.group(0)}”没有配对：表格引用写作 {{{{表三 一 总计}}}}，不能跨行",
                sentence_at(text, m.start(), m.end()),
            )


def reference_for(report: Report, table_id: str, row: RowPath, column: ColPath) -> str:
    """The shortest reference that names this cell (and only it), e.g. ``{{表三 三（三）1 总计}}``.

    Raises:
        KeyError: the cell is not a cell of this report.
    """
    table = report.format.table(table_id)
    target = next((c for c in cells(report, table_id) if c.row == row and c.column == column), None)
    if target is None:
        raise KeyError(f"表{table_id} 没有单元格 {'/'.join(row)} · {'/'.join(column)}")
    row_tokens = _row_tokens(table, row)
    part = table.part_of(report.official_row(table_id, row)) if row else table.parts[0]
    key = [label for label in part.data_key(column)] or list(column)
    for k in range(1, len(key) + 1):
        text = "{{" + " ".join([f"表{table_id}", *row_tokens, *key[-k:]]) + "}}"
        try:
            if locate(report, text)[1] == (target,):
                return text
        except ReferenceError:
            continue
    text = "{{" + " ".join([f"表{table_id}", *row_tokens, *column]) + "}}"
    locate(report, text)  # the full path always names the cell; raise loudly if the grammar says otherwise
    return text


def _row_tokens(table: TableSpec, row: RowPath) -> list[str]:
    """Numberings run together while levels have one; captions and other labels as whole tokens."""
    tokens: list[str] = []
    run = ""
    for label in row:
        if not label:
            continue
        number = numbering(label)
        if number is not None:
            run += number
            continue
        if run:
            tokens.append(run)
            run = ""
        tokens.append(label)
    if run:
        tokens.append(run)
    return tokens
