"""A per-user cache of parsed data files, for readers that load thousands of them.

Parsing a data file (YAML round trip) costs ~25 ms; a province's district page reads 5,000 files
of each year, and a batch reads each file in its worker and again in the kernel. The cache keeps
what :func:`govkit.datafile.loads` returned, keyed by the file's bytes and govkit's own code (a
change to either is a miss), so that a file is parsed once and then read back in ~1 ms.

Entries are pickles, so the cache is trusted only where nobody else can write: a folder owned by
this user with no group or other write permission (``$GOVKIT_CACHE_DIR``, else
``$XDG_CACHE_HOME/govkit/reports`` or ``~/.cache/govkit/reports``). Anything else disables it;
``GOVKIT_CACHE_DIR=off`` disables it on purpose. Only files that load without error are cached;
every problem is found by the parser itself, every time. Other caches that need the same trust
(the exporter's compiled templates) live in folders of their own inside it (:func:`private_folder`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import zlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.fs import WriteError, atomic_write

if TYPE_CHECKING:
    from govkit.model import Report

MAX_ENTRIES = 50_000  # ~10 KB each; the oldest quarter goes when there are more
_OFF = ("", "0", "off", "no", "false")


@cache
def cache_dir() -> Path | None:
    """The cache folder, created private if missing; None if disabled or not safe to trust."""
    configured = os.environ.get("GOVKIT_CACHE_DIR")
    if configured is not None:
        if configured.strip().lower() in _OFF:
            return None
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = Path(base) / "govkit" / "reports"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022 or info.st_uid != os.getuid():
        return None
    return folder


def private_folder(name: str) -> Path | None:
    """A folder for another kind of cached file (compiled templates) inside the cache folder; None if the cache is off.

    It is as private as the cache folder: nobody else can create anything in there.
    """
    folder = cache_dir()
    if folder is None:
        return None
    sub = folder / name
    try:
        sub.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return sub if sub.is_dir() and not sub.is_symlink() else None


# The modules that decide what a data file's bytes become (the parser, the cell model, the formats).
PARSER_SOURCES = ("datafile", "cells.py", "model.py", "errors.py", "paths.py", "formats")


@cache
def _code() -> bytes:
    """What a cached parse depends on besides the bytes: the parser's sources, ruamel.yaml, Python."""
    import sys

    import ruamel.yaml

    from govkit.paths import source_digest

    return f"{source_digest(PARSER_SOURCES)}|{ruamel.yaml.__version__}|{pickle.HIGHEST_PROTOCOL}|{sys.version}".encode()


def _entry(folder: Path, raw: bytes) -> Path:
    key = hashlib.sha256(_code() + b"\0" + raw).hexdigest()
    return folder / key[:2] / key


def get(raw: bytes) -> Report | None:
    """The report parsed earlier from exactly these bytes by this code, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    entry = _entry(folder, raw)
    try:
        report = pickle.loads(zlib.decompress(entry.read_bytes()))  # noqa: S301 - a private folder (see module doc)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged entry is a miss; it is rewritten
        entry.unlink(missing_ok=True)
        return None
    try:
        os.utime(entry)  # recently used entries are kept when the cache is trimmed
    except OSError:
        pass
    return report


def put(raw: bytes, report: Report) -> None:
    """Remember ``report`` as the parse of ``raw`` (best effort: a full disk only costs speed)."""
    folder = cache_dir()
    if folder is None:
        return
    source, report.source = report.source, None  # the same bytes may live at other paths
    try:
        data = zlib.compress(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL), 1)
    except Exception:  # noqa: BLE001 - an unpicklable report is simply not cached
        return
    finally:
        report.source = source
    entry = _entry(folder, raw)
    try:
        atomic_write(entry, data, durable=False)
    except WriteError:
        return
    _trim_once(folder)


@cache
def _trim_once(folder: Path) -> None:
    """Keep the cache bounded: once per process, drop the least recently used quarter if it is too big."""
    try:
        entries = [e for sub in os.scandir(folder) if sub.is_dir() for e in os.scandir(sub.path) if e.is_file()]
    except OSError:
        return
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for old in entries[: len(entries) - MAX_ENTRIES * 3 // 4]:
        try:
            os.unlink(old.path)
        except OSError:
            pass
