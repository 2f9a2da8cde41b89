"""Placing the values of a row whose cell count does not match its header, only where certain.

Text extracted from PDFs and web pages loses cells and splits rows, so a row may show fewer or
more values than its columns. Filling such a row left to right puts numbers in the wrong cells.
Instead every order-keeping way of laying the values over the columns is tried against the
table's own arithmetic (表三's row 总计, the (七)总计 row and the per-column balance, 表四's
总计 per group), using only cells already known to be right. A cell is placed when every
arrangement that fits gives it the same value; every other cell stays blank.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from math import comb

from govkit.formats import ColPath, RowPath
from govkit.model import Report, Value

Cell = tuple[RowPath, ColPath]
Relation = dict[tuple[str, RowPath, ColPath], int]  # sum(coefficient * cell) == 0
MAX_ARRANGEMENTS = 5_000
_MISSING = object()


def relations(report: Report) -> list[Relation]:
    """The linear identities between the cells of tables 三 and 四 (勾稽关系, as checks/arithmetic.py)."""
    fmt = report.format
    out: list[Relation] = []
    part3 = report.table("三").parts[0]
    total = fmt.column("三", "total")
    columns = [path for path, _ in part3.leaf_columns()]
    rows3 = report.rows("三")
    for row in rows3:  # 总计 = the six applicant columns
        rel: Relation = {("三", row, total): -1}
        rel.update({("三", row, c): 1 for c in columns if c != total})
        out.append(rel)
    handled = fmt.row("三", "outcomes", "total")
    group = handled[:-1]
    outcomes = [r for r in rows3 if r[: len(group)] == group and r != handled]
    received, carried_in, carried_over = (fmt.row("三", i) for i in ("received", "carried_in", "carried_over"))
    for col in columns:
        rel = {("三", handled, col): -1}
        rel.update({("三", r, col): 1 for r in outcomes})
        out.append(rel)
        out.append(
            {
                ("三", received, col): 1,
                ("三", carried_in, col): 1,
                ("三", handled, col): -1,
                ("三", carried_over, col): -1,
            }
        )
    part4 = report.table("四").parts[0]
    groups: dict[ColPath, list[tuple[ColPath, bool]]] = {}
    for path, spec in part4.leaf_columns():
        groups.setdefault(path[:-1], []).append((path, spec.role == "total"))
    for row in report.rows("四"):
        for leaves in groups.values():
            if any(is_total for _, is_total in leaves):
                out.append({("四", row, p): (-1 if is_total else 1) for p, is_total in leaves})
    return out


@dataclass(frozen=True)
class Placement:
    """The outcome for one row: for each column the index of the value placed there (None: blank)."""

    chosen: tuple[int | None, ...]
    arrangements: int  # how many arrangements were tried
    fitting: int  # how many fit the arithmetic
    checked: bool  # whether any identity could test an arrangement at all


def arrangements(count: int, width: int) -> Iterator[tuple[int | None, ...]]:
    """Every order-keeping assignment of ``count`` values to ``width`` columns (index per column)."""
    if count <= width:
        for filled in combinations(range(width), count):
            slots: list[int | None] = [None] * width
            for value_index, column in enumerate(filled):
                slots[column] = value_index
            yield tuple(slots)
    else:
        yield from combinations(range(count), width)


def interleavings(main: list[int], loose: list[int]) -> Iterator[tuple[int, ...]]:
    """Every order of value indices keeping ``main`` in order, with ``loose`` (in order) anywhere among them."""
    width = len(main) + len(loose)
    for spots in combinations(range(width), len(loose)):
        out: list[int] = []
        m = iter(main)
        lo = iter(loose)
        for n in range(width):
            out.append(next(lo) if n in spots else next(m))
        yield tuple(out)


def place(
    table: str,
    row: RowPath,
    columns: list[ColPath],
    values: list[Value],
    rels: list[Relation],
    known: Callable[[str, RowPath, ColPath], Value],
    loose: list[int] | None = None,
) -> Placement:
    """Which of ``values`` (in their order, None for an unreadable or empty one) go to which column.

    ``known`` gives the value of a cell outside this row that is known to be right, None if not.
    ``loose``: indices of values that may stand anywhere in the row (a number printed on a line of
    its own), for a row whose count matches its columns.
    """
    width = len(columns)
    if loose and len(values) == width:
        main = [i for i in range(width) if i not in loose]
        total = comb(width, len(loose))
        candidates: Iterator[tuple[int | None, ...]] = interleavings(main, sorted(loose))
    else:
        total = comb(max(width, len(values)), min(width, len(values)))
        candidates = arrangements(len(values), width)
    if total > MAX_ARRANGEMENTS or not values:
        return Placement((None,) * width, total, 0, False)
    mine = {(table, row, c): i for i, c in enumerate(columns)}
    checks = [_Check.of(rel, mine, known) for rel in rels if any(k in mine for k in rel)]
    checks = [c for c in checks if c.unknown_outside < 2]  # two unknowns outside the row: it cannot tell
    fitting: list[tuple[int | None, ...]] = []
    checked = False
    for slots in candidates:
        row_values = [values[i] if i is not None else None for i in slots]
        ok = True
        for check in checks:
            verdict = check.holds(row_values)
            if verdict is not None:
                checked = True
                ok = verdict
            if not ok:
                break
        if ok:
            fitting.append(slots)
    chosen: list[int | None] = []
    for n in range(width):
        seen = {_at(values, s[n]) for s in fitting}
        first = fitting[0][n] if fitting else None
        certain = len(seen) == 1 and first is not None and values[first] is not None
        chosen.append(first if certain else None)
    return Placement(tuple(chosen), total, len(fitting), checked)


def _at(values: list[Value], index: int | None) -> object:
    return _MISSING if index is None else values[index]


@dataclass(frozen=True)
class _Check:
    """One identity seen from one row: the part outside the row is summed once."""

    inside: tuple[tuple[int, int], ...]  # (column index in the row, coefficient)
    outside: int | Decimal  # sum of coefficient * value of the known cells outside the row
    unknown_outside: int  # how many cells outside the row are not known
    unknown_coef: int  # the coefficient of the one unknown outside cell, if there is one

    @classmethod
    def of(cls, rel: Relation, mine: dict, known: Callable[[str, RowPath, ColPath], Value]) -> _Check:
        inside: list[tuple[int, int]] = []
        outside: int | Decimal = 0
        unknown: list[int] = []
        for key, coef in rel.items():
            if key in mine:
                inside.append((mine[key], coef))
                continue
            value = known(*key)
            if value is None:
                unknown.append(coef)
            else:
                outside += coef * value
        return cls(tuple(inside), outside, len(unknown), unknown[0] if unknown else 0)

    def holds(self, row_values: list[Value]) -> bool | None:
        """Whether the identity holds (False also when it forces a negative count); None if it cannot tell."""
        acc = self.outside
        unknown = self.unknown_outside
        coef = self.unknown_coef
        for index, c in self.inside:
            value = row_values[index]
            if value is None:
                unknown += 1
                coef = c
                if unknown > 1:
                    return None
            else:
                acc += c * value
        if unknown == 0:
            return acc == 0
        return -acc * coef >= 0  # the one unknown count would be -acc / coef: never negative
