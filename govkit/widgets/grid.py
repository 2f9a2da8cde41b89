"""Official table layouts as ipywidgets GridBoxes: merged headers and row labels by grid-area spans.

Everything printed comes from the format data (column headers, row labels, the corner note, the
part captions of table 二) or from the report's local sub-row names; nothing is spelled out here.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import ipywidgets as widgets

from govkit.formats import ColumnSpec, PartSpec, RowPath

LABEL_WIDTH = "minmax(7em, max-content)"
VALUE_WIDTH = "6.5em"


def _html(text: str, area: str, *classes: str) -> widgets.HTML:
    label = widgets.HTML(value=escape(text), layout=widgets.Layout(grid_area=area, width="auto", height="auto"))
    for name in classes:
        label.add_class(name)
    return label


def _area(row: int, col: int, rows: int = 1, cols: int = 1) -> str:
    return f"{row} / {col} / {row + rows} / {col + cols}"


def _leaf_count(spec: ColumnSpec) -> int:
    return sum(_leaf_count(c) for c in spec.children) if spec.children else 1


def _depth(specs: tuple[ColumnSpec, ...]) -> int:
    return max((1 + _depth(s.children) if s.children else 1) for s in specs)


def part_grid(
    part: PartSpec,
    rows: list[RowPath],
    boxes: Mapping[tuple[RowPath, tuple[str, ...]], widgets.Widget],
    corner: str | None = None,
    label_widths: list[str] | None = None,
    value_width: str = VALUE_WIDTH,
    width: str = "max-content",
) -> widgets.GridBox:
    """The grid of one table part, laid out like the official form.

    Args:
        part: the part's format (columns, caption, label header).
        rows: the value rows in reading order (with the caption first for table 二, local sub-rows included).
        boxes: the input box of each (row, column) cell.
        corner: the text of the top-left header cell (table 三's note on the 勾稽关系).
        label_widths: CSS track sizes of the row-label columns (default: fit the content).
        value_width: CSS track size of each value column.
        width: CSS width of the grid (``100%`` with flexible value columns: fit the window).
    """
    skip = 1 if part.caption else 0
    shown = [row[skip:] for row in rows]
    label_cols = max((len(r) for r in shown), default=0)
    leaves = part.leaf_columns()
    head_rows = _depth(part.columns)
    children: list[widgets.Widget] = []
    top = 1
    if part.caption:
        children.append(_html(part.caption, _area(1, 1, 1, label_cols + len(leaves)), "govkit-caption"))
        top = 2
    if label_cols:
        corner_text = corner or part.label_header or ""
        children.append(_html(corner_text, _area(top, 1, head_rows, label_cols), "govkit-corner"))

    def place_columns(specs: tuple[ColumnSpec, ...], level: int, start: int) -> None:
        for spec in specs:
            width = _leaf_count(spec)
            height = 1 if spec.children else head_rows - level
            children.append(
                _html(spec.printed, _area(top + level, label_cols + start + 1, height, width), "govkit-colhead")
            )
            if spec.children:
                place_columns(spec.children, level + 1, start)
            start += width

    place_columns(part.columns, 0, 0)
    first = top + head_rows
    for level in range(label_cols):
        index = 0
        while index < len(shown):
            row = shown[index]
            if len(row) <= level:
                index += 1
                continue
            end = index + 1
            while end < len(shown) and len(shown[end]) > level and shown[end][: level + 1] == row[: level + 1]:
                end += 1
            leaf = len(row) == level + 1 and end == index + 1
            span = label_cols - level if leaf else 1
            children.append(_html(row[level], _area(first + index, level + 1, end - index, span), "govkit-rowlabel"))
            index = end
    # Headers and labels are placed explicitly and fill every other slot, so the value boxes, in
    # reading order, flow into exactly their places: they need no layout of their own (and may share one).
    for row in rows:
        for col, _ in leaves:
            children.append(boxes[(row, col)])
    widths = label_widths or [LABEL_WIDTH] * label_cols
    grid = widgets.GridBox(
        children=children,
        layout=widgets.Layout(
            grid_template_columns=" ".join([*widths, *[value_width] * len(leaves)]), grid_gap="0px", width=width
        ),
    )
    grid.add_class("govkit-grid")
    return grid
