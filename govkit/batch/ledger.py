"""The publication record: every published report's content hash, time, approver and correction.

``<public>/ledger.jsonl`` is append-only (one JSON object per publication, oldest first) and public:
it is what a visitor or an evaluator can check a page against. Each publication also keeps a copy
of the page under ``<public>/versions/`` so that an earlier version stays available after a
correction. Content is the report's public data (:func:`govkit.render.jsonio.content_hash`), so a
new govkit layout alone never counts as a change of a published report.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govkit.errors import GovkitError
from govkit.fs import append_lines

if TYPE_CHECKING:
    from govkit.batch.models import Result

LEDGER_FILE = "ledger.jsonl"
VERSIONS = "versions"


def key(agency: str, year: int | None) -> str:
    return f"{year}/{agency}"


def read_ledger(public: Path) -> list[dict[str, Any]]:
    """Every publication, oldest first (a damaged line is refused, never skipped)."""
    path = Path(public) / LEDGER_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise GovkitError(f"{path} 第 {number} 行：不是有效的发布记录（JSON）；请修复后再试") from None
        if not isinstance(entry, dict) or "agency" not in entry or "content_sha256" not in entry:
            raise GovkitError(f"{path} 第 {number} 行：发布记录缺少 agency 或 content_sha256")
        entries.append(entry)
    return entries


def latest(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The latest publication of each report, keyed by :func:`key`."""
    return {key(e["agency"], e.get("year")): e for e in entries}


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def publish(results: list[Result], public: Path, internal: Path) -> None:
    """Append one ledger entry per newly published result and keep a copy of each page under versions/."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    lines = []
    for r in results:
        version = None
        if r.html:
            stem = f"{Path(r.html).stem}-{now[:10]}-{r.content_sha256[:8]}"
            version = f"{VERSIONS}/{r.year}/{stem}.html"
            target = Path(public) / version
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(public) / r.html, target)
            if r.pdf:
                shutil.copyfile(Path(public) / r.pdf, target.with_suffix(".pdf"))
        entry = {
            "agency": r.agency,
            "year": r.year,
            "page": r.html,
            "content_sha256": r.content_sha256,
            "data_sha256": r.data_sha256,
            "time": now,
            "approved_by": r.approved_by or None,
            "allow_errors": bool(r.errors),
            "correction": r.correction or None,
            "version": version,
        }
        lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    append_lines(Path(public) / LEDGER_FILE, lines, lock=Path(internal) / f".{LEDGER_FILE}.lock")
