"""The official report formats, read from the versioned data files beside this module.

Code never spells out a table's rows or columns: every label, nesting and cell type comes from
``format_<version>.yaml``. A row is addressed by its *path* of official labels from the top of
its table (for table 二 the block caption comes first); a column by its path of header labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any, Literal, SupportsIndex

import yaml

from govkit.errors import GovkitError

CellType = Literal["count", "signed", "amount"]
RowPath = tuple[str, ...]
ColPath = tuple[str, ...]

KNOWN_VERSIONS = ("2019", "2021")


class NoFormatError(GovkitError, LookupError):
    """No official format covers a report year (also a :class:`LookupError`)."""


@dataclass(frozen=True)
class ColumnSpec:
    """A column header; leaves hold values, groups hold children."""

    id: str
    label: str
    type: CellType = "count"
    header: str | None = None
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    decimals: int = 0
    display_decimals: int | None = None
    role: str | None = None
    flatten: bool = False
    children: tuple[ColumnSpec, ...] = ()

    @property
    def printed(self) -> str:
        """The header text as printed in the official layout."""
        return self.header or self.label


@dataclass(frozen=True)
class RowSpec:
    """A row label; a group row spans its children in the official layout."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    role: str | None = None
    children: tuple[RowSpec, ...] = ()


@dataclass(frozen=True)
class PartSpec:
    """One block of a table: table 二 stacks five, tables 三 and 四 have one."""

    id: str
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...]
    caption: str | None = None
    label_header: str | None = None

    def leaf_columns(self) -> list[tuple[ColPath, ColumnSpec]]:
        """Every value column with its header path, left to right."""
        return list(self._leaf_columns)

    def leaf_rows(self) -> list[tuple[RowPath, RowSpec]]:
        """Every official value row with its label path (caption first, if any), top to bottom."""
        return list(self._leaf_rows)

    # Walked once per part: every report asks for them per row (a district page, thousands of times).
    @cached_property
    def _leaf_columns(self) -> tuple[tuple[ColPath, ColumnSpec], ...]:
        return tuple(_walk_columns(self.columns, ()))

    @cached_property
    def _leaf_rows(self) -> tuple[tuple[RowPath, RowSpec], ...]:
        return tuple(_walk_rows(self.rows, (self.caption,) if self.caption else ()))

    def data_key(self, path: ColPath) -> tuple[str, ...]:
        """The keys that address a column in a data file: flattened groups are skipped."""
        keys: list[str] = []
        specs = self.columns
        for label in path:
            spec = next(s for s in specs if s.label == label)
            if not spec.flatten:
                keys.append(label)
            specs = spec.children
        return tuple(keys)


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    parts: tuple[PartSpec, ...]
    corner: str | None = None
    local_subrows: bool = False

    def part_of(self, row: RowPath) -> PartSpec:
        """The part that holds a row path."""
        if len(self.parts) == 1:
            return self.parts[0]
        for part in self.parts:
            if row and row[0] == part.caption:
                return part
        raise KeyError(row)

    def cells(self) -> Iterator[tuple[PartSpec, RowPath, ColPath, ColumnSpec]]:
        """Every official cell (without local sub-rows), in reading order."""
        for part in self.parts:
            for row, _ in part.leaf_rows():
                for col, spec in part.leaf_columns():
                    yield part, row, col, spec


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    table: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Format:
    version: str
    name: str
    document: str
    first_year: int | None
    last_year: int | None
    sections: tuple[SectionSpec, ...]
    tables: dict[str, TableSpec] = field(hash=False)

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        # An official format is pickled (and deep-copied) as its version: every cached report would
        # otherwise carry, and unpickle, a copy of the whole format.
        if self.version in KNOWN_VERSIONS and load_format(self.version) is self:
            return (load_format, (self.version,))
        return super().__reduce_ex__(protocol)

    def covers(self, year: int) -> bool:
        """Whether reports for ``year`` follow this format (the years it is in force for)."""
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )

    @property
    def years(self) -> str:
        """The report years this format is for, in words: ``2020 年度及以前``, ``2021 年度起``, ``2019–2020 年度``."""
        if self.first_year is None:
            return "所有年度" if self.last_year is None else f"{self.last_year} 年度及以前"
        if self.last_year is None:
            return f"{self.first_year} 年度起"
        if self.last_year == self.first_year:
            return f"{self.first_year} 年度"
        return f"{self.first_year}–{self.last_year} 年度"

    def has_column(self, table_id: str, *ids: str, part: str | None = None) -> bool:
        """Whether the table (or one part of it) has a column with these ids (see :meth:`column`)."""
        try:
            self.column(table_id, *ids, part=part)
        except (KeyError, StopIteration):
            return False
        return True

    def columns_with_role(self, table_id: str, role: str, part: str | None = None) -> list[ColPath]:
        """The header paths of the value columns that play ``role`` (a ``role:`` in the format file)."""
        parts = [p for p in self.tables[table_id].parts if part is None or p.id == part]
        return [path for p in parts for path, spec in p.leaf_columns() if spec.role == role]

    def table(self, table_id: str) -> TableSpec:
        return self.tables[table_id]

    def section(self, section_id: str) -> SectionSpec:
        return next(s for s in self.sections if s.id == section_id)

    @cached_property
    def _paths(self) -> dict[tuple[str, str, tuple[str, ...], str | None], tuple[str, ...]]:
        return {}  # (row or column, table, ids, part) -> label path, found once

    def row(self, table_id: str, *ids: str) -> RowPath:
        """The label path of a row given its ids (the first id may name a table-二 part)."""
        key = ("row", table_id, ids, None)
        if key not in self._paths:
            self._paths[key] = self._find_row(table_id, ids)
        return self._paths[key]

    def column(self, table_id: str, *ids: str, part: str | None = None) -> ColPath:
        """The header path of a column given the ids of its groups and leaf."""
        key = ("column", table_id, ids, part)
        if key not in self._paths:
            self._paths[key] = self._find_column(table_id, ids, part)
        return self._paths[key]

    def _find_row(self, table_id: str, ids: tuple[str, ...]) -> RowPath:
        table = self.tables[table_id]
        for part in table.parts:
            prefix = (part.caption,) if part.caption else ()
            ids_left = list(ids)
            if part.caption and ids_left and ids_left[0] == part.id:
                ids_left.pop(0)
            elif part.caption:
                continue
            found = _find_by_ids(part.rows, ids_left, prefix)
            if found is not None:
                return found
        raise KeyError(f"{table_id}:{'/'.join(ids)}")

    def _find_column(self, table_id: str, ids: tuple[str, ...], part: str | None) -> ColPath:
        specs = self.tables[table_id].parts
        chosen = next(p for p in specs if part is None or p.id == part)
        for path, _ in chosen.leaf_columns():
            if _ids_of(chosen.columns, path)[-len(ids) :] == list(ids):
                return path
        raise KeyError(f"{table_id}:{'/'.join(ids)}")


def _walk_columns(specs: tuple[ColumnSpec, ...], prefix: ColPath) -> Iterator[tuple[ColPath, ColumnSpec]]:
    for spec in specs:
        path = (*prefix, spec.label)
        if spec.children:
            yield from _walk_columns(spec.children, path)
        else:
            yield path, spec


def _walk_rows(specs: tuple[RowSpec, ...], prefix: RowPath) -> Iterator[tuple[RowPath, RowSpec]]:
    for spec in specs:
        path = (*prefix, spec.label) if spec.label else prefix
        if spec.children:
            yield from _walk_rows(spec.children, path)
        else:
            yield path, spec


def _find_by_ids(specs: tuple[RowSpec, ...], ids: list[str], prefix: RowPath) -> RowPath | None:
    if not ids:
        return None
    for spec in specs:
        if spec.id == ids[0]:
            path = (*prefix, spec.label) if spec.label else prefix
            return path if len(ids) == 1 else _find_by_ids(spec.children, ids[1:], path)
    return None


def _ids_of(specs: tuple[ColumnSpec, ...], path: ColPath) -> list[str]:
    ids = []
    for label in path:
        spec = next(s for s in specs if s.label == label)
        ids.append(spec.id)
        specs = spec.children
    return ids


def _column(raw: dict) -> ColumnSpec:
    return ColumnSpec(
        id=raw["id"],
        label=raw["label"],
        type=raw.get("type", "count"),
        header=raw.get("header"),
        aliases=tuple(raw.get("aliases", ())),
        unit=raw.get("unit"),
        decimals=raw.get("decimals", 0),
        display_decimals=raw.get("display_decimals"),
        role=raw.get("role"),
        flatten=raw.get("flatten", False),
        children=tuple(_column(c) for c in raw.get("children", ())),
    )


def _row(raw: dict) -> RowSpec:
    return RowSpec(
        id=raw["id"],
        label=raw["label"],
        aliases=tuple(raw.get("aliases", ())),
        role=raw.get("role"),
        children=tuple(_row(c) for c in raw.get("children", ())),
    )


def _table(table_id: str, raw: dict) -> TableSpec:
    parts = tuple(
        PartSpec(
            id=p["id"],
            caption=p.get("caption"),
            label_header=p.get("label_header"),
            columns=tuple(_column(c) for c in p["columns"]),
            rows=tuple(_row(r) for r in p["rows"]),
        )
        for p in raw["parts"]
    )
    return TableSpec(
        id=table_id,
        title=raw["title"],
        parts=parts,
        corner=raw.get("corner"),
        local_subrows=raw.get("local_subrows", False),
    )


# libyaml reads the two format files in ~5 ms instead of ~100 ms, which every process (the command,
# each worker, each kernel) pays at start; tests/test_formats.py proves both loaders read the same.
FORMAT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_format(version: str) -> Format:
    """The official format with this version (``"2019"`` or ``"2021"``)."""
    if version not in KNOWN_VERSIONS:
        raise KeyError(version)
    text = resources.files(__package__).joinpath(f"format_{version}.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=FORMAT_LOADER)  # noqa: S506 - a safe loader (libyaml's when present)
    return Format(
        version=str(raw["version"]),
        name=raw["name"],
        document=raw["document"],
        first_year=raw["first_year"],
        last_year=raw["last_year"],
        sections=tuple(
            SectionSpec(id=s["id"], title=s["title"], table=s.get("table"), aliases=tuple(s.get("aliases", ())))
            for s in raw["sections"]
        ),
        tables={tid: _table(tid, t) for tid, t in raw["tables"].items()},
    )


def all_formats() -> list[Format]:
    """Every official format, oldest first (the order of :data:`KNOWN_VERSIONS`)."""
    return [load_format(v) for v in KNOWN_VERSIONS]


def find_format_for_year(year: int) -> Format | None:
    """The format whose years cover ``year`` (see :meth:`Format.covers`), or None."""
    return next((fmt for fmt in all_formats() if fmt.covers(year)), None)


def format_for_year(year: int) -> Format:
    """The format a report for ``year`` must follow.

    Raises:
        NoFormatError: no official format covers the year.
    """
    fmt = find_format_for_year(year)
    if fmt is None:
        raise NoFormatError(f"{year} 年度没有适用的官方报告格式（{describe_years()}）")
    return fmt


def version_for_year(year: int) -> str:
    """The version of :func:`format_for_year`."""
    return format_for_year(year).version


def latest_format() -> Format:
    """The format in force now (the newest one)."""
    return all_formats()[-1]


def describe_years() -> str:
    """Which years use which format, in words: ``2020 年度及以前用 2019 版，2021 年度起用 2021 版``."""
    return "，".join(f"{fmt.years}用 {fmt.version} 版" for fmt in all_formats())
