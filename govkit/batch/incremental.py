"""Incremental batches: skip an agency whose inputs have not changed since its last good render.

``out/.govkit-build.json`` records, per data file, the content hash of the data file and of last
year's file (the cross-year checks read it; a file that appears or disappears counts as a change),
and the result of the render. A batch-wide fingerprint covers everything else an output depends on:
the notebook, govkit's own code and templates, the rendering stack's versions and the options
(mode, PDF, kernel). Only successful results whose outputs still exist are reused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import govkit
from govkit.datafile import default_path, find_agency_file
from govkit.fs import write_if_changed
from govkit.model import Meta
from govkit.paths import source_digest

if TYPE_CHECKING:
    from govkit.batch.models import Options, Result

BUILD_FILE = ".govkit-build.json"
SCHEMA = 1
_STACK = ("papermill", "nbclient", "nbconvert", "nbformat", "ipykernel", "jinja2", "pandas", "playwright")


def file_hash(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None if it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def fingerprint(options: Options, notebook: Path) -> str:
    """Everything besides the agency's own files that a rendered report depends on."""
    h = hashlib.sha256()
    h.update(
        json.dumps(
            {
                "govkit": govkit.__version__,
                "mode": options.mode,
                "pdf": options.pdf,
                "tujie": options.tujie,
                "kernel": options.kernel_name,
                "allow_errors": options.allow_errors,
                "require_approval": options.require_approval,
            },
            sort_keys=True,
        ).encode()
    )
    for name in _STACK:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-;".encode())
    h.update(b"notebook:" + (file_hash(notebook) or "-").encode())
    h.update(b"govkit:" + source_digest().encode())
    return h.hexdigest()


def previous_candidates(data_file: Path, agency: str, year: int) -> list[Path]:
    """Where last year's file is or may appear (the first places :func:`datafile.find_agency_file` tries)."""
    params = data_file.resolve().parent.parent
    places = [default_path(params, Meta(agency=agency, year=year - 1)), params / str(year - 1) / data_file.name]
    found = find_agency_file(params, agency, year - 1, data_file.name)
    return places + ([found] if found is not None and found not in places else [])


def publish_inputs(data_file: Path) -> list[Path]:
    """The params folder's files that decide whether a report may be published (approvals, settings)."""
    from govkit.approvals import APPROVALS_FILE, SETTINGS_FILE, params_root

    root = params_root(data_file)
    return [root / APPROVALS_FILE, root / SETTINGS_FILE]


class Build:
    """The build record of one output folder."""

    def __init__(self, out: Path, options: Options, notebook: Path, path: Path | None = None):
        self.out = Path(out)
        self.path = Path(path) if path is not None else self.out / BUILD_FILE
        self.options = options
        self.fingerprint = fingerprint(options, notebook)
        self.records: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict) and data.get("schema") == SCHEMA and data.get("fingerprint") == self.fingerprint:
            self.records = data.get("agencies") or {}

    def reusable(self, data_file: Path) -> Result | None:
        """The previous result of ``data_file`` if nothing it depends on has changed, else None."""
        from govkit.batch.models import Result

        record = self.records.get(str(data_file.resolve()))
        if not record or record.get("data") != file_hash(data_file):
            return None
        if any(file_hash(Path(p)) != h for p, h in record.get("previous", {}).items()):
            return None
        known = {f.name for f in fields(Result)}
        try:
            result = Result(**{k: v for k, v in record["result"].items() if k in known})
        except (KeyError, TypeError):
            return None
        outputs: list[str | None]
        if result.held:  # held back by the publish gate: nothing of its own was written
            outputs = [p for p in (result.html, result.pdf, result.json) if p]
        else:
            outputs = [result.html, result.json] + ([result.pdf] if self.options.pdf else [])
            outputs += [result.tujie, result.tujie_png] if self.options.tujie else []
        if result.status == "failed" or not all(p and (self.out / p).is_file() for p in outputs):
            return None
        result.data_file = str(data_file)
        result.reused = True
        return result

    def record(self, data_file: Path, data_hash: str | None, result: Result) -> None:
        """Remember a result; failures are not kept (a failed agency is always tried again).

        ``data_hash`` is taken before rendering, so that an edit made meanwhile is not missed.
        """
        key = str(data_file.resolve())
        # A failed agency is always tried again; so is one held for want of a 更正说明 (an option).
        if result.status == "failed" or result.publication == "correction" or result.year is None or data_hash is None:
            self.records.pop(key, None)
            return
        watched = previous_candidates(data_file, result.agency, result.year) + publish_inputs(data_file)
        previous = {str(p): file_hash(p) for p in watched}
        self.records[key] = {"data": data_hash, "previous": previous, "result": result.as_dict()}

    def save(self) -> None:
        data = {"schema": SCHEMA, "fingerprint": self.fingerprint, "agencies": dict(sorted(self.records.items()))}
        write_if_changed(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
