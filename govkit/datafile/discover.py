"""Finding data files: the canonical place of an agency's file, last year's file, files in folders."""

from __future__ import annotations

import os
from pathlib import Path

from govkit.datafile.walk import load
from govkit.errors import GovkitError
from govkit.model import Meta


def default_path(params: str | os.PathLike[str], meta: Meta) -> Path:
    """Where an agency's file for a year lives: ``params/<year>/<agency>.yaml``."""
    from govkit.paths import safe_name

    return Path(params) / str(meta.year) / f"{safe_name(meta.agency)}.yaml"


COPY_MARK = ".副本-"
MAX_SCAN = 5000  # files looked at in a year folder when the agency's file has another name


def find_agency_file(
    params: str | os.PathLike[str], agency: str, year: int, name_hint: str | None = None
) -> Path | None:
    """The data file of ``agency`` for ``year`` under ``params`` (``params/<year>/``), or None.

    Tries the canonical name, then ``name_hint`` (the same file name as this year's file), then
    every file of that year whose ``meta.agency`` names the agency (files saved under another name).
    Every tool that looks for last year's report uses this, so they all find the same file.
    """
    folder = Path(params) / str(year)
    if not folder.is_dir():
        return None
    first = [default_path(params, Meta(agency=agency, year=year))]
    if name_hint:
        first.append(folder / name_hint)
    rest = sorted(p for p in folder.glob("*.yaml") if p not in first and is_data_file(p))[:MAX_SCAN]
    for candidate in [*first, *rest]:
        if candidate.is_file() and _agency_of(candidate) == (agency, year):
            return candidate
    return None


def _agency_of(path: Path) -> tuple[str, int] | None:
    try:
        meta = load(path).meta
    except GovkitError:
        return None
    return meta.agency, meta.year


def is_data_file(path: Path) -> bool:
    """Hidden files and the editor's conflict copies (``name.副本-<time>.yaml``) are not agencies."""
    return not path.name.startswith(".") and COPY_MARK not in path.name


def discover(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """Data files named on the command line: files as given, folders searched recursively."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*.yaml") if q.is_file() and is_data_file(q)))
        else:
            found.append(p)
    return found
