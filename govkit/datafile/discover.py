"""Finding data files: the canonical place of an agency's file, last year's file, files in folders."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

from ruamel.yaml import YAML

from govkit.datafile.parse import MAX_BYTES
from govkit.datafile.walk import load
from govkit.errors import GovkitError
from govkit.model import Meta


def default_path(params: str | os.PathLike[str], meta: Meta) -> Path:
    """Where an agency's file for a year lives: ``params/<year>/<agency>.yaml``."""
    from govkit.paths import output_stem

    return Path(params) / str(meta.year) / f"{output_stem(meta.agency)}.yaml"


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
        raise GovkitError(f"{target} 已存在（同一机关「{owner}」）；确需覆盖请加 --replace")
