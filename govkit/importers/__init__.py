"""Importing published reports: web pages, text copied from them, Word and Excel files.

``import_file(path)`` reads one file and gives the :class:`~govkit.model.Report` it holds together
with the import findings: every missing table, row or cell, every unreadable cell, every label that
matches nothing in the official format. A file that holds no recognisable report raises
:class:`~govkit.errors.ImportFailed` with a one-line Chinese message.

Readers (:mod:`.readers`) turn each kind of input into a neutral :class:`.document.Document`; one
mapper (:mod:`.mapper`) matches that to the official format by label and logical order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from govkit import datafile
from govkit.checks.registry import registry
from govkit.errors import DataFileError, ImportFailed
from govkit.findings import Finding
from govkit.importers.document import Document
from govkit.importers.mapper import INCOMPLETE_RULES, map_document
from govkit.importers.meta import Given
from govkit.importers.readers import check_size, read
from govkit.importers.textshape import simplify
from govkit.model import Report

__all__ = ["INCOMPLETE_RULES", "Document", "Given", "ImportResult", "import_bytes", "import_file"]


@dataclass
class ImportResult:
    """A report read from a published document, with what the document lacked."""

    report: Report
    findings: list[Finding] = field(default_factory=list)
    kind: str = ""

    @property
    def incomplete(self) -> list[Finding]:
        """The findings about missing or unreadable parts (those ``--strict`` refuses)."""
        return [f for f in self.findings if f.rule in INCOMPLETE_RULES]


def import_bytes(data: bytes, name: str = "<输入>", given: Given | None = None) -> ImportResult:
    """Import a report from the bytes of a file; ``name`` is used in messages and, failing all else, as the agency.

    ``given`` states year, agency, level or format where the text lacks them (or overrides it).
    """
    doc = read(data, name)
    converted = simplify(doc)
    report, findings = map_document(doc, name, given)
    if converted:
        findings.insert(
            0,
            registry.finding(
                "import-traditional-converted",
                "原文为繁体字，已用 OpenCC（t2s）转换为简体后导入（数字不变），文字请核对",
            ),
        )
    try:
        datafile.dumps(report)  # what is imported must save as a data file that loads again
    except DataFileError as exc:
        raise ImportFailed(f"{name}：导入结果无法保存为数据文件（{exc.message}）") from None
    stamped = [replace(f, agency=report.meta.agency, year=report.meta.year) for f in findings]
    return ImportResult(report=report, findings=stamped, kind=doc.kind)


def import_file(path: str | os.PathLike[str], given: Given | None = None) -> ImportResult:
    """Import the report in a file (text, Markdown, HTML, PDF, .docx or .xlsx, recognised by content)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ImportFailed(f"{path}：这是一个文件夹，不是报告文件")
        if path.exists() and not path.is_file():  # a pipe or device would block or never end
            raise ImportFailed(f"{path}：这不是普通文件（可能是管道或设备），不是报告文件")
        check_size(path.stat().st_size, str(path))  # before reading: a huge file would be read whole first
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"{path}：文件不存在") from None
    except OSError as exc:
        raise ImportFailed(f"{path}：无法读取文件（{exc.strerror}）") from None
    return import_bytes(data, str(path), given)
