"""What a batch is asked to do (:class:`Options`) and what happened to each data file (:class:`Result`).

Kept apart from the runner so that the modules the runner uses (incremental builds, index, manifest,
PDF printing) can name these types without importing the runner back.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field

DEFAULT_TIMEOUT = 600


@dataclass(frozen=True)
class Options:
    """How to render a batch; picklable, so it travels to worker processes."""

    mode: str = "publish"
    timeout: int = DEFAULT_TIMEOUT
    notebook: str | None = None
    kernel_name: str = "python3"
    pdf: bool = False
    tujie: bool = True  # also write each report's 图解 (HTML page and 1080-px PNG)
    allow_errors: bool = False  # publish reports with error findings, visibly stamped (emergencies only)
    require_approval: bool = False  # publish only approved, unchanged files (also set by the params folder)
    correction: str = ""  # 更正说明 that allows republishing changed content
    batch_id: str = field(default_factory=lambda: secrets.token_hex(6))


@dataclass
class Result:
    """What happened to one data file; page paths are relative to the site folder (see :class:`~govkit.batch.layout.Layout`), the notebook's to the internal folder."""

    data_file: str
    status: str = "ok"  # ok | held (not published; ``error`` says why) | failed
    stage: str = ""  # load | duplicate | execute | timeout | export | tujie | pdf | crash
    publication: str = (
        ""  # published | current (published before, unchanged) | errors | pending | modified | correction
    )
    error: str = ""
    agency: str = ""
    level: str = ""
    year: int | None = None
    title: str = ""
    errors: int = 0
    warnings: int = 0
    problems: str = ""  # the findings in one line, for the index
    html: str | None = None
    notebook: str | None = None
    json: str | None = None
    pdf: str | None = None
    tujie: str | None = None
    tujie_png: str | None = None
    approved_by: str = ""
    correction: str = ""  # the 更正说明 this publication carries (a change of published content)
    data_sha256: str = ""
    content_sha256: str = ""
    reused: bool = field(default=False, compare=False)  # unchanged since the last batch, not rendered again

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def held(self) -> bool:
        return self.status == "held"

    @property
    def check_status(self) -> str:
        if self.status == "failed":
            return "failed"
        return "errors" if self.errors else "warnings" if self.warnings else "clean"

    def as_dict(self) -> dict:
        record = asdict(self)
        del record["reused"]
        if record["publication"] == "current":  # published by an earlier batch: the same as published
            record["publication"] = "published"
        record["check_status"] = self.check_status
        return record
