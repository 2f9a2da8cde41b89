"""Finding data files: the canonical place of an agency's file, last year's file, files in folders."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from govkit.datafile.walk import load
from govkit.errors import GovkitError
from govkit.model import Meta, Report


def default_path(params: str | os.PathLike[str], meta: Meta) -> Path:
    """Where an agency's file for a year lives: ``params/<year>/<agency>.yaml``."""
    from govkit.paths import safe_name

    return Path(params) / str(meta.year) / f"{safe_name(meta.agency)}.yaml"


COPY_MARK = ".副本-"
MAX_SCAN = 5000  # files looked at in a year folder when the agency's file has another name


def find_agency_file(
    params: str | os.PathLike[str],
    agency: str,
    year: int,
    name_hint: str | None = None,
    load_report: Callable[[Path], Report] | None = None,
) -> Path | None:
    """The data file of ``agency`` for ``year`` under ``params`` (``params/<year>/``), or None.

    Tries the canonical name, then ``name_hint`` (the same file name as this year's file), then the
    files of that year whose ``meta.agency`` names the agency (files saved under another name),
    looked up in an index of the year folder built once per folder state (see :func:`year_index`),
    so that finding last year's file for every agency of a district reads each file once, not once
    per agency. Every candidate is confirmed by loading it. Every tool that looks for last year's
    report uses this, so they all find the same file.

    Args:
        params: the params folder (holding one folder per year).
        agency: the agency's name as its data file's ``meta.agency`` says.
        year: the report year wanted.
        name_hint: a file name to try after the canonical one.
        load_report: how to load a file (default :func:`govkit.datafile.load`); a caller that keeps
            loaded files passes its own, so that nothing is read twice.
    """
    folder = Path(params) / str(year)
    if not folder.is_dir():
        return None
    loader = load_report or load
    first = [default_path(params, Meta(agency=agency, year=year))]
    if name_hint:
        first.append(folder / name_hint)
    for candidate in first:
        if candidate.is_file() and _agency_of(candidate, loader) == (agency, year):
            return candidate
    for candidate in year_index(folder).get(_index_key(agency), []):
        if candidate not in first and _agency_of(candidate, loader) == (agency, year):
            return candidate
    return None


_META_AGENCY = re.compile(r"^meta:[ \t]*(?:#.*)?\n(?:[ \t]+.*\n|[ \t]*(?:#.*)?\n)*?[ \t]+agency:[ \t]*(.*)$", re.M)
_HEAD_BYTES = 65_536  # meta comes first in a data file; the rest is not needed for the index
_indexes: dict[Path, tuple[tuple[int, int], dict[str, list[Path]]]] = {}


def year_index(folder: Path) -> dict[str, list[Path]]:
    """Agency name → data files of one year folder that may belong to it (sorted; first ``MAX_SCAN`` files).

    Built from each file's ``meta.agency`` line, read from the file's head, and kept for this
    process until the folder changes (files added, removed or renamed; every govkit write is a
    rename). It only proposes candidates: :func:`find_agency_file` confirms each by loading it.
    A file whose head does not name an agency plainly is listed under every name (always tried).
    """
    key = Path(os.path.abspath(folder))
    try:
        st = key.stat()
    except OSError:
        return {}
    state = (st.st_mtime_ns, st.st_ino)
    cached = _indexes.get(key)
    if cached is not None and cached[0] == state:
        return cached[1]
    index: dict[str, list[Path]] = {}
    unnamed: list[Path] = []
    for path in sorted(p for p in key.glob("*.yaml") if is_data_file(p))[:MAX_SCAN]:
        name = _head_agency(path)
        if name is None:
            unnamed.append(path)
        else:
            index.setdefault(_index_key(name), []).append(path)
    if unnamed:
        index = _AlwaysTry(index, unnamed)
    _indexes[key] = (state, index)
    return index


class _AlwaysTry(dict):
    """An index whose files without a readable agency line are candidates for every agency."""

    def __init__(self, named: dict[str, list[Path]], unnamed: list[Path]):
        super().__init__(named)
        self.unnamed = unnamed

    def get(self, agency: str, default: list[Path] | None = None) -> list[Path]:  # type: ignore[override]
        return sorted([*super().get(agency, []), *self.unnamed])


def _index_key(name: str) -> str:
    # Looser than any identity rule (candidates are confirmed by loading), so no true match is missed.
    return "".join(unicodedata.normalize("NFKC", name).split())


def _head_agency(path: Path) -> str | None:
    """``meta.agency`` as written in the file's head, if it is a plain or quoted scalar on its line."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return None
    match = _META_AGENCY.search(head)
    if match is None:
        return None
    raw = match.group(1).strip()
    if " #" in raw:
        raw = raw.split(" #", 1)[0].rstrip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        if raw[0] == "'" and "''" not in raw[1:-1]:
            return raw[1:-1]
        if raw[0] == '"' and "\\" not in raw:
            return raw[1:-1]
        return None
    if not raw or raw[0] in "&*!|>[{'\"%@`" or ": " in raw:
        return None
    return raw


def _agency_of(path: Path, loader: Callable[[Path], Report] = load) -> tuple[str, int] | None:
    try:
        meta = loader(path).meta
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
