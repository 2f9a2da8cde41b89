"""The editor's draft beside a data file, and the lock that makes a save's conflict check atomic.

Every valid edit is written (atomically) to ``.<name>.draft.json`` beside the data file, so a kernel
death or a closed tab loses nothing: the next open offers the draft. The draft holds the places that
differ from the file as read (a few hundred bytes, written in about a millisecond, so it never slows
the live checks) and the digest of that file. It is a hidden file, so discovery, rendering and checks
never take it for an agency's report.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from datetime import date
from decimal import Decimal
from pathlib import Path

from govkit import fs
from govkit.errors import DataFileError
from govkit.model import Report
from govkit.widgets.merge import apply, changed_places

DRAFT_VERSION = 1


def digest(data: bytes | None) -> str | None:
    """The sha256 of a file's bytes (None for a missing file)."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def draft_path(path: Path) -> Path:
    """Where the draft of ``path`` lives: ``.<name>.draft.json`` in the same folder."""
    return path.with_name(f".{path.stem}.draft.json")


lock_path = fs.lock_path


def _encode(value: object) -> object:
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(value: object) -> object:
    if isinstance(value, dict) and "decimal" in value:
        return Decimal(value["decimal"])
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    return value


def write_draft(
    path: Path, base: Report, report: Report, digest_of_base: str | None, typed: dict[tuple, str] | None = None
) -> None:
    """Write the draft of ``path``: every place where ``report`` differs from ``base`` (the file as read).

    ``typed`` holds the text of cells whose input is not (yet) valid, keyed by (table, row, column):
    kept too, so that nothing typed is lost.
    """
    changes = []
    for place in changed_places(base, report):
        kind = place[0]
        if kind == "cell":
            _, table_id, row, col = place
            raw = report.raw.get(table_id, {}).get((row, col))
            value = {"raw": raw} if raw is not None else _encode(report.cells[table_id][(row, col)])
            changes.append({"cell": [table_id, list(row), list(col)], "value": value})
        elif kind == "section":
            changes.append({"section": place[1], "value": report.sections.get(place[1])})
        elif kind == "meta":
            changes.append({"meta": place[1], "value": _encode(getattr(report.meta, place[1]))})
    pending = [{"cell": [t, list(row), list(col)], "text": text} for (t, row, col), text in (typed or {}).items()]
    document = {"govkit_draft": DRAFT_VERSION, "base": digest_of_base, "changes": changes, "typed": pending}
    fs.atomic_write(draft_path(path), json.dumps(document, ensure_ascii=False, indent=1))


def read_draft(path: Path, report: Report) -> tuple[Report, str | None, dict[tuple, str]] | None:
    """``report`` with the draft of ``path`` applied, the file's digest and the invalid text typed.

    Returns None if there is no draft; else (the report with the draft's changes, the digest of the file
    the draft started from, the invalid text typed into cells keyed by (table, row, column)).

    Raises:
        DataFileError: the draft exists but cannot be read, or does not fit the report.
    """
    draft = draft_path(path)
    try:
        document = json.loads(draft.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.get("govkit_draft") != DRAFT_VERSION:
            raise ValueError("不是 govkit 草稿")
        source = report.copy()
        restored = report.copy()
        for change in document["changes"]:
            value = change["value"]
            if "cell" in change:
                table_id, row, col = change["cell"]
                place: tuple = ("cell", table_id, tuple(row), tuple(col))
                if isinstance(value, dict) and "raw" in value:
                    source.set_raw(table_id, tuple(row), tuple(col), str(value["raw"]))
                else:
                    source.set(table_id, tuple(row), tuple(col), _decode(value))  # type: ignore[arg-type]
            elif "section" in change:
                place = ("section", str(change["section"]))
                source.sections[place[1]] = str(value) if value is not None else ""
            else:
                place = ("meta", str(change["meta"]))
                setattr(source.meta, place[1], _decode(value))
            apply(restored, place, source)
        typed = {}
        for item in document.get("typed", []):
            table_id, row, col = item["cell"]
            if (tuple(row), tuple(col)) not in report.cells[table_id]:
                raise KeyError(table_id)
            typed[(table_id, tuple(row), tuple(col))] = str(item["text"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataFileError(draft, f"草稿无法读取（{type(exc).__name__}）") from None
    return restored, document.get("base"), typed


def remove_draft(path: Path) -> None:
    """Remove the draft of ``path`` if there is one."""
    try:
        draft_path(path).unlink()
    except FileNotFoundError:
        pass


def locked(path: Path) -> AbstractContextManager[None]:
    """Hold the exclusive lock of ``path``: read-compare-write of concurrent saves in turn.

    Raises:
        GovkitError: the lock file cannot be created (read-only folder).
    """
    return fs.locked(lock_path(path))


__all__ = ["digest", "draft_path", "lock_path", "locked", "read_draft", "remove_draft", "write_draft"]
