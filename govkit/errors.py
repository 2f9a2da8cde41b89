"""One base error for everything a user can cause; each carries where it happened."""

from __future__ import annotations

import re
from pathlib import Path

# Control characters a terminal or a text direction would act on: C0, DEL, C1 (U+009B is an 8-bit
# CSI), the Unicode line breaks and the bidirectional controls (U+202E turns text around).
CONTROL_CHARS = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{CONTROL_CHARS}]+")
_CONTROL_BUT_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f" + CONTROL_CHARS.removeprefix("\x00-\x1f") + "]+")


def _escape(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters (e.g. from a file name) shown escaped."""
    return _CONTROL.sub(_escape, text)


def escape_controls(text: str) -> str:
    """``text`` with every control character escaped except tabs, line feeds and carriage returns (printed output)."""
    return _CONTROL_BUT_BREAKS.sub(_escape, text)


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control, line-break or bidirectional-control character."""
    return _CONTROL.search(text) is not None


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
