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
    batch_id: str = field(default_factory=lambda: secrets.token_hex(6))


@dataclass
class Result:
    """What happened to one data file; paths are relative to the output folder."""

    data_file: str
    status: str = "ok"  # ok | failed
    stage: str = ""  # load | duplicate | execute | timeout | export | tujie | pdf | crash
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
    reused: bool = field(default=False, compare=False)  # unchanged since the last batch, not rendered again

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def check_status(self) -> str:
        if not self.ok:
            return "failed"
        return "errors" if self.errors else "warnings" if self.warnings else "clean"

    def as_dict(self) -> dict:
        record = asdict(self)
        del record["reused"]
        record["check_status"] = self.check_status
        return record
