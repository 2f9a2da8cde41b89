"""Typed numbers in prose turned into table references (``govkit link-prose``).

A number is replaced only when it is written exactly as the report prints it (plain Arabic digits),
is followed by a counting unit (件 条 项 …), lies in a clause that does not compare periods, and
equals exactly one *relevant* cell: the quantity the prose checks read in that clause (收到申请、
办结、结转、予以公开、行政复议 … see :mod:`govkit.checks.prose`), or a cell whose row label (and,
where its block has several columns, whose column labels) the clause names. Every other number is
left alone with the reason. The filled text of every section is the same before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govkit.checks.numerals import FULL_WIDTH
from govkit.checks.prose import COMPARISON, QUANTITIES, clause_spans, section_statements, targets
from govkit.formats import ColPath, RowPath
from govkit.model import PREAMBLE, Report
from govkit.references import PROSE_KEYS, Cell, cells, fill, mask, numbering, reference_for, resolve, sentence_at

TABLES = ("二", "三", "四")
UNITS = "件条项个起宗份次篇期"
ARABIC = re.compile(r"[0-9０-９][0-9０-９,，]*")
CHINESE = re.compile(r"(?<![零〇一二两三四五六七八九十百千万])[零〇一二两三四五六七八九十百千万]+(?=[件起宗])")
PLAIN = re.compile(r"[1-9][0-9]*|0")


@dataclass(frozen=True)
class Change:
    """A typed number replaced by a reference."""

    section: str
    start: int
    end: int
    number: str
    reference: str
    sentence: str
    context: str = ""


@dataclass(frozen=True)
class Left:
    """A typed number left as it is, and why."""

    section: str
    number: str
    reason: str
    sentence: str
    context: str = ""


@dataclass
class Plan:
    """What linking one report would change and leave alone, in reading order."""

    changes: list[Change] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)

    def apply(self, report: Report) -> Report:
        """A copy of the report with the changes made; refuses if any section would print differently."""
        new = report.copy()
        for sid in {c.section for c in self.changes}:
            text = report.sections[sid]
            for change in sorted((c for c in self.changes if c.section == sid), key=lambda c: -c.start):
                if text[change.start : change.end] != change.number:
                    raise ValueError(f"第{sid}部分在“{change.number}”处已改变，未替换")
                text = text[: change.start] + change.reference + text[change.end :]
            new.sections[sid] = text
            if fill(new, text) != fill(report, report.sections[sid]):
                raise ValueError(f"{section_name(report, sid)}：替换后正文印出的文字会改变，未替换")
        return new


def section_name(report: Report, sid: str) -> str:
    return "报告开头" if sid == PREAMBLE else report.format.section(sid).title


@dataclass(frozen=True)
class _Candidate:
    cells: tuple[tuple[str, RowPath, ColPath], ...]
    reference: str
    why: str


def plan(report: Report) -> Plan:
    """Every typed number of the report's prose, linked or left alone with the reason."""
    result = Plan()
    found = targets(report)
    names = {q.id: q.name for q in QUANTITIES}
    values = _all_values(report)
    for sid in PROSE_KEYS:
        original = report.sections.get(sid) or ""
        text = mask(original, keep_length=True)
        stated = {s.span: s for s in section_statements(report, sid, text) if s.span is not None}
        for offset, clause in clause_spans(text):
            plain = text[offset : offset + len(clause)]
            for number in _numbers(plain):
                start, end = offset + number.start(), offset + number.end()
                raw = original[start:end]
                sentence = sentence_at(original, start, end)
                context = _context(original, start, end)
                left = _left_reason(raw, original, end, clause)
                if left is None:
                    value = int(raw)
                    candidates = _candidates(report, clause, value, stated.get((start, end)), found)
                    if len(candidates) == 1:
                        (only,) = candidates
                        if resolve(report, only.reference).display == raw:
                            result.changes.append(Change(sid, start, end, raw, only.reference, sentence, context))
                            continue
                        left = f"引用{only.reference}印出的数字与“{raw}”不同"
                    elif candidates:
                        listed = "；".join(f"{c.reference}（{c.why}）" for c in candidates)
                        left = f"有 {len(candidates)} 个单元格都可能是它：{listed}，不作猜测"
                    else:
                        left = _why_none(value, values, stated.get((start, end)), found, names)
                result.left.append(Left(sid, raw, left, sentence, context))
    return result


def _context(text: str, start: int, end: int, width: int = 10) -> str:
    """The number with a few characters either side, on one line."""
    left = text[max(0, start - width) : start].split("\n")[-1]
    right = text[end : end + width // 2].split("\n")[0]
    return ("…" if start - len(left) > 0 else "") + left + text[start:end] + right + "…"


def _numbers(clause: str) -> list[re.Match[str]]:
    found = list(ARABIC.finditer(clause)) + list(CHINESE.finditer(clause))
    return sorted(found, key=lambda m: m.start())


def _left_reason(raw: str, text: str, end: int, clause: str) -> str | None:
    after = text[end : end + 1]
    if not ARABIC.fullmatch(raw):
        return f"中文数字“{raw}”：换成引用会印成阿拉伯数字，改变报告文字"
    if not PLAIN.fullmatch(raw):
        return f"“{raw}”的写法（全角、千分位或前导零）与报告印出的数字不同，换成引用会改变报告文字"
    if not after or after not in UNITS:
        kind = {"年": "年份", "月": "日期", "日": "日期", "%": "百分数", "％": "百分数"}.get(after, "")
        what = f"（{kind}）" if kind else ""
        return f"后面不是件、条、项等计数单位{what}，不是表格所统计的数"
    if COMPARISON.search(clause.translate(FULL_WIDTH)):
        return "句中与上年或其他时期比较，不是本年表格中的数"
    return None


def _candidates(report: Report, clause: str, value: int, statement, found) -> list[_Candidate]:  # noqa: ANN001
    out: dict[tuple, _Candidate] = {}
    if statement is not None and statement.quantity in found:
        target = found[statement.quantity]
        if target.accepted[0] == value:
            parts = target.parts or ((target.row, target.column),)
            keys = tuple((target.table, row, col) for row, col in parts)
            refs = [reference_for(report, target.table, row, col)[2:-2] for row, col in parts]
            name = next(q.name for q in QUANTITIES if q.id == statement.quantity)
            out[keys] = _Candidate(keys, "{{" + " + ".join(refs) + "}}", f"句中说的是{name}")
    for table_id in TABLES:
        for cell in cells(report, table_id):
            if cell.group or _value(report, cell) != value:
                continue
            if _named(report, cell, clause):
                key = ((cell.table, cell.row, cell.column),)
                if key not in out:
                    out[key] = _Candidate(key, reference_for(report, *key[0]), "句中写有其行列名称")
    return list(out.values())


def _value(report: Report, cell: Cell) -> object:
    value = report.get(cell.table, cell.row, cell.column)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bare(label: str) -> str:
    number = numbering(label)
    if number is None:
        return label
    return label[len(number) + 1 if not number.startswith("（") else len(number) :]


def _named(report: Report, cell: Cell, clause: str) -> bool:
    """The clause names the cell's row (its own label) and, if its block has several columns, its column."""
    table = report.format.table(cell.table)
    part = table.part_of(report.official_row(cell.table, cell.row)) if cell.row else table.parts[0]
    row_labels = [label for label in cell.row if label and label != part.caption]
    if row_labels and not _says(clause, row_labels[-1], report, cell):
        return False
    if len(part.leaf_columns()) > 1:
        return all(_bare(label) in clause for label in part.data_key(cell.column))
    return True


def _says(clause: str, label: str, report: Report, cell: Cell) -> bool:
    names = {_bare(label)}
    spec = _row_spec(report, cell)
    if spec is not None:
        names |= {_bare(alias) for alias in spec.aliases}
    return any(name and name in clause for name in names)


def _row_spec(report: Report, cell: Cell):  # noqa: ANN202 - RowSpec | None
    table = report.format.table(cell.table)
    part = table.part_of(report.official_row(cell.table, cell.row)) if cell.row else table.parts[0]
    specs = part.rows
    spec = None
    for label in cell.row:
        if label == part.caption:
            continue
        spec = next((s for s in specs if s.label == label), None)
        if spec is None:
            return None
        specs = spec.children
    return spec


def _all_values(report: Report) -> set[int]:
    return {v for t in TABLES for c in cells(report, t) if not c.group and isinstance(v := _value(report, c), int)}


def _why_none(value: int, values: set[int], statement, found, names: dict[str, str]) -> str:  # noqa: ANN001
    if statement is not None and statement.quantity in found:
        target = found[statement.quantity]
        return (
            f"句中说的是{names[statement.quantity]}，表中为 {target.accepted[0]}，与 {value} 不一致，"
            "不替换（请核对，见 govkit check 的 prose-numbers）"
        )
    if value not in values:
        return f"表二至表四中没有等于 {value} 的单元格"
    return f"表中虽有等于 {value} 的单元格，但句中没有与之相应的说法（行列名称），不作猜测"
