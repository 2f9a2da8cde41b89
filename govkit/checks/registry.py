"""The one rule registry: every rule id with its severity, Chinese title and message, declared once.

Check rules register with :meth:`Registry.register` (a decorator on the rule function); import and
data-file rules have no function and are declared in :mod:`govkit.checks.declared`. Findings are
built through :meth:`Registry.finding` (or :meth:`RuleSpec.finding`), so their severity and source
always come from the declaration. Asking for an unknown rule id is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from govkit.findings import SEVERITY_LABELS, SOURCE_LABELS, Finding, Severity, Source
from govkit.model import Report

RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ENTRY_POINT_GROUP = "govkit.rules"


@dataclass(frozen=True)
class CheckContext:
    """What a rule may look at: the report, and last year's report of the same agency if known."""

    report: Report
    previous: Report | None = None


RuleFunction = Callable[[CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class RuleSpec:
    """One declared rule.

    Attributes:
        id: stable kebab-case id, e.g. ``t3-balance``.
        severity: the severity of every finding of this rule.
        title: short Chinese title (column headers of the district matrix).
        message: the rule in one Chinese sentence (what must hold).
        source: "check", "import" or "datafile".
        cross_year: runs only with last year's report.
        function: the check; None for import and data-file rules (and ``check-failed``).
    """

    id: str
    severity: Severity
    title: str
    message: str
    source: Source = "check"
    cross_year: bool = False
    function: RuleFunction | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not RULE_ID.fullmatch(self.id):
            raise ValueError(f"规则编号「{self.id}」应为小写字母、数字和连字符（如 t3-balance）")
        if self.severity not in SEVERITY_LABELS:
            raise ValueError(f"规则「{self.id}」的严重程度「{self.severity}」应为 error 或 warning")
        if self.source not in SOURCE_LABELS:
            raise ValueError(f"规则「{self.id}」的来源「{self.source}」应为 check、import 或 datafile")
        if self.function is not None and self.source != "check":
            raise ValueError(f"规则「{self.id}」：导入和数据文件规则不得有检查函数")

    @property
    def description(self) -> str:
        """The rule in one sentence (same as :attr:`message`)."""
        return self.message

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def finding(self, message: str, **fields: Any) -> Finding:
        """A finding of this rule: severity and source come from the declaration."""
        return Finding(rule=self.id, severity=self.severity, source=self.source, message=message, **fields)


Rule = RuleSpec


class Registry:
    """Rules by id, in declaration order."""

    def __init__(self) -> None:
        self._rules: dict[str, RuleSpec] = {}

    def add(self, spec: RuleSpec) -> RuleSpec:
        """Declare one rule; an id may be declared only once."""
        if spec.id in self._rules:
            raise ValueError(f"规则「{spec.id}」重复登记")
        self._rules[spec.id] = spec
        return spec

    def register(
        self, id: str, severity: Severity, *, title: str, message: str, cross_year: bool = False
    ) -> Callable[[RuleFunction], RuleFunction]:
        """Decorator declaring a check rule whose function yields its findings."""

        def decorate(function: RuleFunction) -> RuleFunction:
            self.add(RuleSpec(id, severity, title, message, "check", cross_year, function))
            return function

        return decorate

    def declare(self, id: str, severity: Severity, source: Source, *, title: str, message: str) -> RuleSpec:
        """Declare a rule without a check function (import, data file, or a finding run_checks makes)."""
        return self.add(RuleSpec(id, severity, title, message, source))

    def get(self, id: str) -> RuleSpec:
        """The rule with this id; KeyError (in Chinese) for an unknown id."""
        try:
            return self._rules[id]
        except KeyError:
            raise KeyError(f"未知的规则编号「{id}」；已登记的规则：{'、'.join(self._rules)}") from None

    def finding(self, id: str, message: str, **fields: Any) -> Finding:
        """A finding of rule ``id`` (which must be registered), severity and source as declared."""
        return self.get(id).finding(message, **fields)

    def require(self, ids: Iterable[str]) -> list[RuleSpec]:
        """The rules with these ids; KeyError for the first unknown one."""
        return [self.get(i) for i in ids]

    def checks(self) -> list[RuleSpec]:
        """The rules that run on a report (source "check"), in declaration order."""
        return [r for r in self._rules.values() if r.function is not None]

    def __contains__(self, id: object) -> bool:
        return id in self._rules

    def __iter__(self) -> Iterator[RuleSpec]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)


registry = Registry()


def load_entry_points(target: Registry = registry) -> list[str]:
    """Add third-party rules from the ``govkit.rules`` entry point group; the ids added.

    Each entry point loads either a callable, called with the registry (it registers its rules,
    and may return RuleSpecs to add), or an iterable of :class:`RuleSpec`.
    """
    from importlib.metadata import entry_points

    before = set(target._rules)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        loaded = entry.load()
        result = loaded(target) if callable(loaded) else loaded
        for spec in result or ():
            if not isinstance(spec, RuleSpec):
                raise TypeError(f"入口点 {entry.name}（{entry.value}）应登记 RuleSpec，实为 {type(spec).__name__}")
            target.add(spec)
    return [i for i in target._rules if i not in before]
