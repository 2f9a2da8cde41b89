"""Reviewers' sign-off (先审查、后公开): who approved which content of a data file, and when.

Approvals are kept in the params folder (the folder holding the ``<year>/`` folders) in the
append-only ``approvals.jsonl``: one JSON record per approval with the reviewer, the time and the
SHA-256 of the data file's bytes and of last year's file the checks compared it with. A data file
is *approved* while both hashes still match its latest approval, *审核后已修改* when either changed,
and *待审核* when it was never approved.

Whether reports need an approval before they are published is the params folder's setting
``{"require_approval": true}`` in ``publish.json`` (or ``govkit render --publish`` for one batch).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govkit.errors import GovkitError
from govkit.fs import append_lines

APPROVALS_FILE = "approvals.jsonl"
SETTINGS_FILE = "publish.json"
APPROVED, PENDING, MODIFIED = "approved", "pending", "modified"
STATE_LABELS = {APPROVED: "已审核", PENDING: "待审核", MODIFIED: "审核后已修改"}


def sha256_file(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None if there is no such file."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def params_root(data_file: Path) -> Path:
    """The params folder of a data file ``<params>/<year>/<agency>.yaml``."""
    return Path(data_file).resolve().parent.parent


def _key(data_file: Path) -> str:
    path = Path(data_file).resolve()
    return path.relative_to(params_root(path)).as_posix()


def requires_approval(data_file: Path) -> bool:
    """Whether the params folder of ``data_file`` says reports need an approval before publishing."""
    settings = params_root(data_file) / SETTINGS_FILE
    if not settings.is_file():
        return False
    try:
        data = json.loads(settings.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GovkitError(f"{settings}：无法读取发布设置（{type(exc).__name__}）") from None
    value = data.get("require_approval", False) if isinstance(data, dict) else None
    if not isinstance(value, bool):
        raise GovkitError(f"{settings}：require_approval 应为 true 或 false")
    return value


def read_approvals(root: Path) -> list[dict[str, Any]]:
    """Every approval record of a params folder, oldest first (a damaged line is refused, never skipped)."""
    path = Path(root) / APPROVALS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise GovkitError(f"{path} 第 {number} 行：不是有效的审核记录（JSON）；请修复后再试") from None
        if not isinstance(record, dict) or "file" not in record or "sha256" not in record:
            raise GovkitError(f"{path} 第 {number} 行：审核记录缺少 file 或 sha256")
        records.append(record)
    return records


@dataclass(frozen=True)
class Approval:
    """The approval state of one data file."""

    state: str  # approved | pending | modified
    record: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def by(self) -> str:
        return str(self.record.get("by", "")) if self.record else ""


def approval_state(data_file: Path, previous_file: Path | None) -> Approval:
    """Compare the data file (and last year's file) with its latest approval."""
    data_file = Path(data_file)
    key = _key(data_file)
    latest = None
    for record in read_approvals(params_root(data_file)):
        if record.get("file") == key:
            latest = record
    if latest is None:
        return Approval(PENDING)
    previous_hash = sha256_file(previous_file) if previous_file is not None else None
    previous_key = _key(previous_file) if previous_file is not None else None
    same = (
        latest.get("sha256") == sha256_file(data_file)
        and latest.get("previous") == previous_key
        and latest.get("previous_sha256") == previous_hash
    )
    return Approval(APPROVED if same else MODIFIED, latest)


def approve(data_file: Path, by: str, note: str = "") -> dict[str, Any]:
    """Record an approval of the data file as it is now; return the record.

    Raises:
        GovkitError: no reviewer name, or the file cannot be read as a data file.
    """
    from govkit import datafile
    from govkit.render.inputs import previous_path

    by = by.strip()
    if not by:
        raise GovkitError("请用 --by 写明审核人姓名")
    data_file = Path(data_file)
    report = datafile.load(data_file)  # refuses, with the place, a file that is not a data file
    previous = previous_path(data_file, report)
    record = {
        "file": _key(data_file),
        "agency": report.meta.agency,
        "year": report.meta.year,
        "sha256": sha256_file(data_file),
        "previous": _key(previous) if previous is not None else None,
        "previous_sha256": sha256_file(previous) if previous is not None else None,
        "by": by,
        "note": note,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    append_lines(params_root(data_file) / APPROVALS_FILE, [json.dumps(record, ensure_ascii=False, sort_keys=True)])
    return record
