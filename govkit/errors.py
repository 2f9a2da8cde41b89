"""One base error for everything a user can cause; each carries where it happened."""

from __future__ import annotations

import re
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters (e.g. from a file name) shown escaped."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class GovkitError(Exception):
    """An error the user can fix: printed as one line, never as a traceback."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class DataFileError(GovkitError):
    """A data file that cannot be read: names the file, the line and the field."""

    def __init__(self, path: Path | str | None, message: str, line: int | None = None, where: str | None = None):
        self.path = str(path) if path is not None else "<内存>"
        self.line = line
        self.where = where
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        place = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f" [{self.where}]" if self.where else ""
        return one_line(f"{place}{field}：{self.message}")


class ImportFailed(GovkitError):
    """A published report that cannot be imported at all."""
