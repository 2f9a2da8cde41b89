"""Finding data files: the canonical place of an agency's file, last year's file, files in folders."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML

from govkit.datafile.parse import MAX_BYTES
from govkit.datafile.walk import load
from govkit.errors import GovkitError
from govkit.model import Meta, Report


def default_path(params: str | os.PathLike[str], meta: Meta) -> Path:
    """Where an agency's file for a year lives: ``params/<year>/<agency>.yaml``."""
    from govkit.paths import output_stem

    return Path(params) / str(meta.year) / f"{output_stem(meta.agency)}.yaml"


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
    from govkit.paths import agency_key

    return agency_key(name)  # candidates are confirmed by loading, so the index may be as loose as the identity


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


_META_BLOCK = re.compile(r"^meta:[^\n]*\n(?:(?:[ \t][^\n]*|[ \t]*|#[^\n]*)\n)*", re.MULTILINE)
_MAX_META = 20_000  # characters of a meta block read by peek_identity (a real one has about 200)


def peek_identity(path: Path) -> tuple[str, int] | None:
    """The agency and year a data file names, read from its ``meta:`` block alone (cheap); None if unclear.

    Used to find conflicting files before any work; the full loader decides everything else.
    """
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    match = _META_BLOCK.search(text if text.endswith("\n") else text + "\n")
    if match is None or len(match.group(0)) > _MAX_META:
        return None
    try:
        doc = YAML(typ="safe", pure=True).load(match.group(0))
    except Exception:  # noqa: BLE001 - any YAML problem: the full loader reports it
        return None
    meta = doc.get("meta") if isinstance(doc, dict) else None
    agency, year = (meta.get("agency"), meta.get("year")) if isinstance(meta, dict) else (None, None)
    if not isinstance(agency, str) or not agency.strip() or isinstance(year, bool) or not isinstance(year, int):
        return None
    return agency.strip(), year


def identity_conflicts(named: dict[Path, tuple[str, int]]) -> dict[Path, str]:
    """Files whose agencies share an identity or an output name in the same year, each with a Chinese reason.

    Every file of a conflicting group is listed (none of them may be published in place of another);
    the reason names the other files.
    """
    from govkit.paths import output_stem

    groups: dict[tuple[str, int], list[Path]] = defaultdict(list)
    for path, (agency, year) in named.items():
        groups[(output_stem(agency), year)].append(path)
    conflicts: dict[Path, str] = {}
    for (stem, year), paths in groups.items():
        if len(paths) < 2:
            continue
        for path in paths:
            others = "、".join(f"{p}（{named[p][0]}）" for p in paths if p != path)
            conflicts[path] = (
                f"{path}（{named[path][0]}）与 {others} 的机关名称规范化后相同或输出文件名相同"
                f"（{year}年 → {stem}），为免互相覆盖均未处理；请更正 meta.agency"
            )
    return conflicts


def check_owner(target: Path, agency: str, replace: bool) -> None:
    """Refuse to replace ``target`` unless it is a data file of the same agency and ``replace`` is given.

    Raises:
        GovkitError: the file belongs to another agency, cannot be read, or ``replace`` is not given.
    """
    from govkit.paths import agency_key

    try:
        owner = load(target).meta.agency
    except GovkitError as exc:
        raise GovkitError(f"{target} 已存在且无法读取（{exc}），未覆盖") from None
    if agency_key(owner) != agency_key(agency):
        raise GovkitError(f"{target} 是另一机关「{owner}」的数据文件，不会被「{agency}」覆盖；请核对机关名称")
    if not replace:
        spelled = f"，本次名称写作「{agency}」" if owner != agency else ""
        raise GovkitError(f"{target} 已存在（同一机关「{owner}」{spelled}）；确需覆盖请加 --replace")


def unreadable_previous(
    params: str | os.PathLike[str], agency: str, year: int, name_hint: str | None = None
) -> GovkitError | None:
    """Why the file where ``agency``'s ``year`` report should be cannot be read; None if there is none.

    For a finding naming a bad neighbour when :func:`find_agency_file` found nothing: it costs that
    agency its cross-year checks only, never the whole run.
    """
    folder = Path(params) / str(year)
    candidates = [default_path(params, Meta(agency=agency, year=year))]
    if name_hint:
        candidates.append(folder / name_hint)
    for candidate in candidates:
        if candidate.is_file():
            try:
                load(candidate)
            except GovkitError as exc:
                return exc
    return None
