"""The official labels of a format, indexed for matching text found in published reports.

A cell matches a label when their normalised forms are equal; failing that, when they are equal
without the leading numbering (（一）、1.) or a trailing parenthetical, as long as that looser form
names only one label and is not itself another label (so 其他 stays the column, 3.其他 the row).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Literal

from govkit.formats import Format, RowPath, RowSpec, load_format
from govkit.importers.cells import normalize, strip_numbering, strip_paren_tail

Kind = Literal["row", "group", "caption", "header"]


@dataclass(frozen=True)
class Label:
    kind: Kind
    table: str | None
    row: RowPath = ()
    text: str = ""


class LabelIndex:
    """Every label of one format: value rows, group rows, block captions and column headers."""

    def __init__(self, fmt: Format):
        self.format = fmt
        entries: list[tuple[str, Label]] = []
        header_tables: dict[str, set[str]] = defaultdict(set)
        for table in fmt.tables.values():
            if table.corner:
                header_tables[normalize(table.corner)].add(table.id)
            for part in table.parts:
                prefix = (part.caption,) if part.caption else ()
                if part.caption:
                    entries.append((part.caption, Label("caption", table.id, prefix, part.caption)))
                if part.label_header:
                    header_tables[normalize(part.label_header)].add(table.id)
                for spec in _walk_column_specs(part.columns):
                    for text in {spec.label, spec.printed, *spec.aliases}:
                        header_tables[normalize(text)].add(table.id)
                for path, spec, is_leaf in _walk_row_specs(part.rows, prefix):
                    kind: Kind = "row" if is_leaf else "group"
                    for text in (spec.label, *spec.aliases):
                        if text:
                            entries.append((text, Label(kind, table.id, path, spec.label)))
        self.exact: dict[str, Label] = {}
        for text, label in entries:
            self.exact.setdefault(normalize(text), label)
        for key, tables in header_tables.items():
            if key not in self.exact:
                self.exact[key] = Label("header", next(iter(tables)) if len(tables) == 1 else None, (), key)
        loose: dict[str, Label | None] = {}
        for key, label in list(self.exact.items()):
            for variant in {strip_numbering(key), strip_paren_tail(key), strip_paren_tail(strip_numbering(key))}:
                if not variant or variant == key or variant in self.exact:
                    continue
                if variant in loose and loose[variant] != label:
                    loose[variant] = None
                else:
                    loose[variant] = label
        self.loose = loose
        self.value_rows = {label.row: label for label in self.exact.values() if label.kind == "row"}

    def lookup(self, text: str) -> Label | None:
        """The label a cell text names, or None."""
        key = normalize(text)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        for variant in (strip_numbering(key), strip_paren_tail(key), strip_paren_tail(strip_numbering(key))):
            found = self.exact.get(variant) or self.loose.get(variant)
            if found is not None and not (found.kind == "header" and strip_numbering(key) != key):
                return found  # a numbered text (（六）其他) is a row, never a column header
        return None


@cache
def index_for(version: str) -> LabelIndex:
    return LabelIndex(load_format(version))


def _walk_column_specs(specs: tuple) -> list:
    out = []
    for spec in specs:
        out.append(spec)
        out.extend(_walk_column_specs(spec.children))
    return out


def _walk_row_specs(specs: tuple[RowSpec, ...], prefix: RowPath) -> list[tuple[RowPath, RowSpec, bool]]:
    out: list[tuple[RowPath, RowSpec, bool]] = []
    for spec in specs:
        path = (*prefix, spec.label) if spec.label else prefix
        if not spec.label:
            continue  # table 四's unlabelled row is found by position, not by label
        out.append((path, spec, not spec.children))
        out.extend(_walk_row_specs(spec.children, path))
    return out
