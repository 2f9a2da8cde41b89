"""The editor's draft beside a data file, and the lock that makes a save's conflict check atomic.

Every valid edit is written (atomically) to ``.<name>.draft.yaml`` beside the data file, so a kernel
death or a closed tab loses nothing: the next open offers the draft. The draft is a hidden file, so
discovery, rendering and checks never take it for an agency's report. Its first line names the
digest of the data file it started from.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govkit import datafile, fs
from govkit.errors import GovkitError
from govkit.model import Report

BASE_MARK = "# govkit-draft-base: "


def digest(data: bytes | None) -> str | None:
    """The sha256 of a file's bytes (None for a missing file)."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def draft_path(path: Path) -> Path:
    """Where the draft of ``path`` lives: ``.<name>.draft.yaml`` in the same folder."""
    return path.with_name(f".{path.stem}.draft.yaml")


def lock_path(path: Path) -> Path:
    """The lock file of ``path``: ``.<name>.lock`` in the same folder."""
    return path.with_name(f".{path.name}.lock")


def write_draft(path: Path, report: Report, base: str | None) -> None:
    """Write the draft of ``path`` (atomically) holding ``report``; ``base`` is the file's digest when read."""
    fs.atomic_write(draft_path(path), f"{BASE_MARK}{base or ''}\n{datafile.dumps(report)}")


def read_draft(path: Path) -> tuple[Report, str | None] | None:
    """The draft of ``path`` and the digest of the file it started from, or None if there is none.

    Raises:
        DataFileError: the draft exists but cannot be read.
    """
    draft = draft_path(path)
    try:
        data = draft.read_bytes()
    except FileNotFoundError:
        return None
    first, _, _ = data.partition(b"\n")
    base = first.decode("utf-8", "replace")[len(BASE_MARK) :].strip() if first.startswith(BASE_MARK.encode()) else None
    report = datafile.loads(data, draft)
    return report, base or None


def remove_draft(path: Path) -> None:
    """Remove the draft of ``path`` if there is one."""
    try:
        draft_path(path).unlink()
    except FileNotFoundError:
        pass


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s lock file: read-compare-write of concurrent saves in turn.

    Raises:
        GovkitError: the lock file cannot be created (read-only folder).
    """
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise GovkitError(f"无法创建锁文件 {lock_path(path)}：{exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


__all__ = ["digest", "draft_path", "lock_path", "locked", "read_draft", "remove_draft", "write_draft"]
