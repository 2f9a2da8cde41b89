"""What differs between two versions of a report, and the three-way merge of two people's edits.

Used by the editor for drafts (the draft against the file) and for saving when the file changed on
disk since it was read: edits to different places merge without a question, places both changed
are asked about, one by one. Nothing here touches widgets or files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from govkit.model import Meta, Report

META_LABELS = {
    "agency": "机关全称",
    "short_name": "简称",
    "level": "机关层级",
    "district": "所属地区",
    "year": "年度",
    "published": "发布日期",
}
SECTION_LABEL = "正文第{}部分"

Place = tuple  # ("cell", table, row, col) | ("section", id) | ("meta", field)


@dataclass(frozen=True)
class Change:
    """One place that differs: its key, a Chinese name, and the value on each side (as shown)."""

    place: Place
    label: str
    old: str
    new: str


def _cell_state(report: Report, table_id: str, key: tuple) -> object:
    raw = report.raw.get(table_id, {}).get(key)
    value = report.cells.get(table_id, {}).get(key)
    return ("raw", raw) if raw is not None else value


def _places(report: Report) -> dict[Place, object]:
    state: dict[Place, object] = {}
    for table_id, cells in report.cells.items():
        for key in cells:
            state[("cell", table_id, *key)] = _cell_state(report, table_id, key)
    for sid, text in report.sections.items():
        state[("section", sid)] = text
    for field in dataclasses.fields(Meta):
        state[("meta", field.name)] = getattr(report.meta, field.name)
    state[("structure",)] = (report.format.version, repr(sorted(report.subrows.items())))
    return state


def place_label(place: Place) -> str:
    """The Chinese name of a place, e.g. ``表三 / 一、本年新收… / 自然人``."""
    kind = place[0]
    if kind == "cell":
        _, table_id, row, col = place
        return " / ".join([f"表{table_id}", *[r for r in row if r], *col])
    if kind == "section":
        return "前言" if place[1] == "preamble" else SECTION_LABEL.format(place[1])
    if kind == "meta":
        return f"基本信息 / {META_LABELS.get(place[1], place[1])}"
    return "表格结构（格式版本、表二的本地子项）"


def shown(state: object) -> str:
    """A place's value as the lists show it."""
    if state is None:
        return "空白"
    if isinstance(state, tuple) and state and state[0] == "raw":
        return f"无效原文「{state[1]}」"
    text = str(state)
    return text if len(text) <= 40 else text[:40] + "…"


def _same(a: object, b: object) -> bool:
    # 12.5 and 12.5000 are the same amount; a raw text and a value never are
    return type(a) is type(b) and a == b or (a is None and b is None)


def differences(old: Report, new: Report) -> list[Change]:
    """Every place whose value differs between ``old`` and ``new``, in reading order."""
    a, b = _places(old), _places(new)
    out = []
    for place in [*a, *[p for p in b if p not in a]]:
        if not _same(a.get(place), b.get(place)):
            out.append(Change(place, place_label(place), shown(a.get(place)), shown(b.get(place))))
    return out


def changed_places(old: Report, new: Report) -> list[Place]:
    """The places whose value differs between ``old`` and ``new`` (no labels: fast, for drafts)."""
    a, b = _places(old), _places(new)
    return [p for p in [*a, *[p for p in b if p not in a]] if not _same(a.get(p), b.get(p))]


@dataclass
class Merge:
    """The result of merging: theirs with my changes applied, and the places both changed differently.

    Attributes:
        report: theirs plus every change of mine that did not collide (None if the structures collide).
        taken: places where their change was taken into my version (I had not changed them).
        kept: places where my change was kept (they had not changed them).
        conflicts: places both changed to different values: (place, label, theirs, mine).
    """

    report: Report | None
    taken: list[Change]
    kept: list[Change]
    conflicts: list[Change]


def apply(report: Report, place: Place, source: Report) -> None:
    """Set ``place`` of ``report`` to its value in ``source``."""
    kind = place[0]
    if kind == "cell":
        _, table_id, row, col = place
        raw = source.raw.get(table_id, {}).get((row, col))
        if raw is not None:
            report.set_raw(table_id, row, col, raw)
        else:
            report.set(table_id, row, col, source.cells[table_id][(row, col)])
    elif kind == "section":
        if place[1] in source.sections:
            report.sections[place[1]] = source.sections[place[1]]
        else:
            report.sections.pop(place[1], None)
    elif kind == "meta":
        setattr(report.meta, place[1], getattr(source.meta, place[1]))


def three_way(base: Report, theirs: Report, mine: Report) -> Merge:
    """Merge my edits (``base`` → ``mine``) into their version (``base`` → ``theirs``).

    Conflicting places keep *their* value in :attr:`Merge.report`; the caller asks which to keep.
    """
    b, t, m = _places(base), _places(theirs), _places(mine)
    places = [*b, *[p for p in t if p not in b], *[p for p in m if p not in b and p not in t]]
    taken, kept, conflicts = [], [], []
    for place in places:
        vb, vt, vm = b.get(place), t.get(place), m.get(place)
        label = place_label(place)
        if _same(vt, vm) or _same(vm, vb):
            if not _same(vt, vb):
                taken.append(Change(place, label, shown(vb), shown(vt)))
        elif _same(vt, vb):
            kept.append(Change(place, label, shown(vt), shown(vm)))
        else:
            conflicts.append(Change(place, label, shown(vt), shown(vm)))
    structure = ("structure",)
    restructured = not (_same(b.get(structure), t.get(structure)) and _same(b.get(structure), m.get(structure)))
    if restructured and any(c.place[0] == "cell" for c in kept + conflicts):
        return Merge(None, taken, kept, conflicts)  # the cells do not line up: nothing merges automatically
    merged = theirs.copy()
    for change in kept:
        apply(merged, change.place, mine)
    return Merge(merged, taken, kept, conflicts)


__all__ = ["Change", "Merge", "apply", "changed_places", "differences", "place_label", "shown", "three_way"]
