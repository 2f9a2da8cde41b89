"""The one finding record every check, importer, view and tool shares.

A finding names its place once, as :attr:`Finding.place`: ``表三 / <row label path> / <column
label path>`` with the full official label paths (group headers such as 申请人情况 included), so
the CLI, the report JSON, the editor and the district matrix all show the same string. ``actual``
always is the value at that place; ``expected`` is what it should be.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["error", "warning"]
Source = Literal["check", "import", "datafile"]

SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告"}
SOURCE_LABELS: dict[str, str] = {"check": "检查", "import": "导入", "datafile": "数据文件"}
SEVERITIES: tuple[str, ...] = tuple(SEVERITY_LABELS)
SOURCES: tuple[str, ...] = tuple(SOURCE_LABELS)
PREAMBLE_NAME = "报告开头"

FINDING_COLUMNS = (
    "agency",
    "year",
    "rule",
    "severity",
    "severity_label",
    "source",
    "place",
    "table",
    "part",
    "row",
    "column",
    "section",
    "line",
    "expected",
    "actual",
    "message",
)


def place_of(table: str = "", row: Iterable[str] = (), column: Iterable[str] = (), section: str = "") -> str:
    """The canonical place string, e.g. ``表三 / 三、本年度办理结果 / （一）予以公开 / 申请人情况 / 自然人``.

    A finding on a table names the table and the full row and column label paths; a finding on
    prose only (no table) names its section (``第一部分``, or 报告开头 for the text before it).
    """
    if table:
        return " / ".join([f"表{table}", *(label for label in row if label), *(label for label in column if label)])
    if section:
        return PREAMBLE_NAME if section == "preamble" else f"第{section}部分"
    return ""


@dataclass(frozen=True)
class Finding:
    """One problem, with its rule, where it is and what was found there.

    Attributes:
        rule: the registered rule id (see :mod:`govkit.checks.registry`).
        severity: "error" or "warning", as the rule declares it.
        message: the Chinese explanation shown to people.
        source: "check" (a rule on a report), "import" (reading a published report) or
            "datafile" (a data file that cannot be loaded).
        table: "二", "三", "四", or "" (not about a table cell).
        part: the table part's id (e.g. ``art20_1``) when known.
        row, column: label paths, outermost first (official labels).
        section: the prose section ("一" … "六", "preamble") the finding is about or found in.
        expected: what the value at the place should be.
        actual: the value at the place named by :attr:`place`.
        agency, year: the report's agency and year (stamped by the checks).
        line: the line in the data file, for data-file findings.
    """

    rule: str
    severity: Severity
    message: str
    source: Source = "check"
    table: str = ""
    part: str = ""
    row: tuple[str, ...] = ()
    column: tuple[str, ...] = ()
    section: str = ""
    expected: str = ""
    actual: str = ""
    agency: str = ""
    year: int | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITY_LABELS:
            raise ValueError(f"未知的严重程度「{self.severity}」（规则 {self.rule}），应为 error 或 warning")
        if self.source not in SOURCE_LABELS:
            raise ValueError(f"未知的来源「{self.source}」（规则 {self.rule}），应为 check、import 或 datafile")
        # Label paths may arrive as lists (JSON, widgets); the record keeps tuples so it stays hashable.
        object.__setattr__(self, "row", tuple(self.row))
        object.__setattr__(self, "column", tuple(self.column))

    @property
    def place(self) -> str:
        """The one place string (see :func:`place_of`); "" for the report as a whole."""
        return place_of(self.table, self.row, self.column, self.section)

    @property
    def severity_label(self) -> str:
        """错误 or 警告."""
        return SEVERITY_LABELS[self.severity]

    def as_record(self) -> dict[str, Any]:
        """The finding as a flat record with the columns of :data:`FINDING_COLUMNS` (paths joined by " / ")."""
        record = self.as_json()
        record["row"] = " / ".join(self.row)
        record["column"] = " / ".join(self.column)
        return record

    def as_json(self) -> dict[str, Any]:
        """The finding as JSON data: the columns of :data:`FINDING_COLUMNS`, row and column as label lists."""
        return {
            "agency": self.agency,
            "year": self.year,
            "rule": self.rule,
            "severity": self.severity,
            "severity_label": self.severity_label,
            "source": self.source,
            "place": self.place,
            "table": self.table,
            "part": self.part,
            "row": list(self.row),
            "column": list(self.column),
            "section": self.section,
            "line": self.line,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
        }


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a pandas DataFrame with the columns of :data:`FINDING_COLUMNS`, whatever produced them."""
    import pandas as pd  # only the notebooks and the district view need pandas

    records = [f.as_record() for f in findings]
    return pd.DataFrame.from_records(records, columns=list(FINDING_COLUMNS))


def findings_json(findings: Iterable[Finding], **extra: Any) -> list[dict[str, Any]]:
    """Findings as the one JSON shape (``govkit check --format json`` and the report's ``.json``).

    ``extra`` adds the same fields to every record (e.g. ``file=...`` in the CLI).
    """
    return [{**f.as_json(), **extra} for f in findings]


def dumps(findings: Iterable[Finding]) -> str:
    """Findings as JSON text (Chinese kept as is)."""
    return json.dumps(findings_json(findings), ensure_ascii=False, indent=2)
