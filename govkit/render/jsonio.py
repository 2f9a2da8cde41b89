"""A report and its findings as plain JSON data, written beside each rendered report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from govkit.findings import Finding, findings_json
from govkit.model import Report, Value


def _value(value: Value, decimals: int | None) -> Any:
    if isinstance(value, Decimal):
        # Amounts as text, so that 0.0000 keeps its decimals and nothing passes through a float.
        return f"{value:.{decimals}f}" if decimals is not None else format(value, "f")
    return value


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report's metadata, prose and every cell, keyed by official labels."""
    meta = report.meta
    tables: dict[str, list[dict[str, Any]]] = {}
    for table_id in report.format.tables:
        table = report.table(table_id)
        rows = []
        for row in report.rows(table_id):
            part = table.part_of(row)
            rows.append(
                {
                    "row": list(row),
                    "official_row": list(report.official_row(table_id, row)),
                    "cells": [
                        {
                            "column": list(col),
                            "type": spec.type,
                            "value": _value(report.cells[table_id].get((row, col)), spec.display_decimals),
                        }
                        for col, spec in part.leaf_columns()
                    ],
                }
            )
        tables[table_id] = rows
    return {
        "title": report.title,
        "format": report.format.version,
        "meta": {
            "agency": meta.agency,
            "short_name": meta.short_name,
            "level": meta.level,
            "district": meta.district,
            "year": meta.year,
            "published": meta.published.isoformat() if meta.published else None,
        },
        "sections": dict(report.sections),
        "tables": tables,
    }


def content_hash(report: Report) -> str:
    """SHA-256 of the report's public content (metadata, prose, every cell): what a publication is."""
    import hashlib

    return hashlib.sha256(dumps(report_to_dict(report)).encode("utf-8")).hexdigest()


def findings_to_records(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Findings in the one JSON shape of :func:`govkit.findings.findings_json` (as ``govkit check --format json``)."""
    return findings_json(findings)


def dumps(data: Any) -> str:
    """Deterministic, readable JSON text (Chinese kept as is)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
