"""The rule registry and the finding record every check, view and tool shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Literal

import pandas as pd

from govkit.model import Report

Severity = Literal["error", "warning"]
FINDING_COLUMNS = ("agency", "year", "rule", "severity", "table", "row", "column", "expected", "actual", "message")


@dataclass(frozen=True)
class Finding:
    """One problem found in a report, with its exact place.

    ``row`` and ``column`` are label paths (official labels, outermost first); empty for findings
    about the report as a whole or about prose. ``table`` is "二", "三", "四", or "" (not a table).
    """

    rule: str
    severity: Severity
    message: str
    table: str = ""
    row: tuple[str, ...] = ()
    column: tuple[str, ...] = ()
    expected: str = ""
    actual: str = ""
    agency: str = ""
    year: int | None = None
    section: str = ""

    @property
    def place(self) -> str:
        """The place in Chinese, e.g. 表三 / 一、本年新收… / 自然人."""
        parts = [f"表{self.table}"] if self.table else []
        if self.section and not self.table:
            parts.append(f"第{self.section}部分")
        parts += [label for label in self.row if label]
        parts += [label for label in self.column if label]
        return " / ".join(parts)

    def as_record(self) -> dict:
        record = asdict(self)
        record["row"] = " / ".join(self.row)
        record["column"] = " / ".join(self.column)
        return record


@dataclass(frozen=True)
class CheckContext:
    """What a rule may look at: the report, and last year's report of the same agency if known."""

    report: Report
    previous: Report | None = None


RuleFunction = Callable[[CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    description: str
    function: RuleFunction = field(compare=False)
    cross_year: bool = False


class Registry:
    """Rules by id, in registration order."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(
        self, id: str, severity: Severity, description: str, cross_year: bool = False
    ) -> Callable[[RuleFunction], RuleFunction]:
        def decorate(function: RuleFunction) -> RuleFunction:
            if id in self._rules:
                raise ValueError(f"rule {id} registered twice")
            self._rules[id] = Rule(id, severity, description, function, cross_year)
            return function

        return decorate

    def get(self, id: str) -> Rule:
        try:
            return self._rules[id]
        except KeyError:
            raise KeyError(f"未知的检查规则「{id}」；可用：{', '.join(self._rules)}") from None

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)


registry = Registry()


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as one table with fixed columns, whatever produced them."""
    records = [f.as_record() for f in findings]
    return (
        pd.DataFrame.from_records(records, columns=list(FINDING_COLUMNS))
        if records
        else pd.DataFrame(columns=list(FINDING_COLUMNS))
    )
