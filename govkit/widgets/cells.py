"""One text input per table cell, read by the cell model (:mod:`govkit.cells`).

Browser number boxes are never used: they rewrite what is typed (``1.5`` became 15, ``-5`` became 0).
Every cell is a plain text box. What the user typed stays in the box until it is valid; an invalid
entry marks the cell with the Chinese reason and the report keeps the last valid value. A valid
entry is shown in its canonical form (full-width digits and thousands separators normalised,
amounts with the format's decimals). A blank cell (``None``, written ``~``) is an empty box, flagged.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import TextStyle

from govkit.cells import CellError, format_value, parse_text, quote
from govkit.formats import ColumnSpec
from govkit.model import CellKey, Value

BLANK_NOTE = "空白单元格：请填写数字（没有发生的事项填 0）"
INPUT_LAYOUT = {"width": "100%", "min_width": "3.5em"}


def parse_cell(text: str, spec: ColumnSpec) -> Value:
    """The value typed into a cell, as the editor keeps it; raise :class:`CellError` if none.

    The cell model decides (:func:`govkit.cells.parse_text`); an amount is then given the format's
    display decimals (``12.5`` → ``12.5000``: the same number, written as the format asks).
    """
    value = parse_text(text, spec)
    return value if value is None or spec.type != "amount" else parse_text(format_value(value, spec), spec)


def _reason(text: str, spec: ColumnSpec) -> str:
    try:
        parse_text(text, spec)
    except CellError as error:
        return error.reason
    return f"「{quote(text)}」未能导入"


class CellInput:
    """The input of one cell, in a box that the table grid places.

    Attributes:
        table_id: "二", "三" or "四".
        key: (row path, column path) as in :attr:`Report.cells`.
        widget: the text box; also :attr:`box`, the grid child.
        error: why the text in the box is not a valid value (the report keeps :attr:`value`).
    """

    def __init__(
        self,
        table_id: str,
        key: CellKey,
        spec: ColumnSpec,
        value: Value,
        on_change: Callable[[CellInput], None],
        raw: str | None = None,
        style: TextStyle | None = None,
        layout: widgets.Layout | None = None,
    ):
        self.table_id = table_id
        self.key = key
        self.spec = spec
        self.on_change = on_change
        self.error: str | None = None
        self.severity: str | None = None
        self.messages: list[str] = []
        self._value: Value = value
        self._quiet = False
        placeholder = "空白" if spec.type != "amount" or not spec.unit else f"空白（{spec.unit}）"
        # one shared style and layout for all cells: fewer widget models for the browser to create
        extra = {} if style is None else {"style": style}
        self.widget = widgets.Text(
            value=format_value(value, spec),
            placeholder=placeholder,
            continuous_update=False,
            layout=layout or widgets.Layout(**INPUT_LAYOUT),
            _dom_classes=("govkit-cell",),
            **extra,
        )
        self.widget.observe(self._typed, "value")
        self.box = self.widget  # the grid places the text box itself (no wrapper: half the widgets)
        if value is None and raw:  # text an import could not read: shown as it was, invalid until replaced
            self.show_raw(raw)
        else:
            self._refresh_look()

    @property
    def value(self) -> Value:
        """The last valid value (None for blank)."""
        return self._value

    @property
    def text(self) -> str:
        """What the box shows."""
        return self.widget.value

    @property
    def place(self) -> str:
        row, col = self.key
        return " / ".join([f"表{self.table_id}", *[r for r in row if r], *col])

    def _show(self, text: str) -> None:
        if self.widget.value != text:
            self._quiet = True
            try:
                self.widget.value = text
            finally:
                self._quiet = False

    def _typed(self, change: dict) -> None:
        if self._quiet:
            return
        self.enter(str(change["new"]))

    def enter(self, text: str) -> None:
        """Take ``text`` as typed: keep it and mark the cell if invalid, else adopt and normalise it."""
        self._show(text)
        try:
            value = parse_cell(text, self.spec)
        except CellError as exc:
            self.error = f"输入无效：{exc.reason}"
            self._refresh_look()
            self.on_change(self)
            return
        self.error = None
        self._value = value
        self._show(format_value(value, self.spec))
        self._refresh_look()
        self.on_change(self)

    def set_value(self, value: Value) -> None:
        """Show ``value`` without reporting it as an edit (reloads, computed totals, merges)."""
        self._value = value
        self.error = None
        self._show(format_value(value, self.spec))
        self._refresh_look()

    def show_raw(self, raw: str) -> None:
        """Show a cell's unreadable original text (an import's), invalid until replaced."""
        self._value = None
        self._show(raw)
        self.error = f"输入无效：{_reason(raw, self.spec)}（导入时的原文）"
        self._refresh_look()

    def mark(self, severity: str | None, messages: list[str]) -> None:
        """Show the findings of the checks on this cell.

        Args:
            severity: "error" or "warning" for a finding about this very cell, "area" for one about its
                whole row or column, None to clear.
            messages: the findings' messages, shown as the tooltip.
        """
        if severity == self.severity and messages == self.messages:
            return
        self.severity = severity
        self.messages = list(messages)
        self._refresh_look()

    def _refresh_look(self) -> None:
        w = self.widget
        wanted = {
            "govkit-invalid": self.error is not None,
            "govkit-bad": self.severity == "error",
            "govkit-warn": self.severity == "warning",
            "govkit-area": self.severity == "area",
            "govkit-blank": self._value is None,
        }
        classes = list(w._dom_classes)
        for name, on in wanted.items():
            if on and name not in classes:
                classes.append(name)
            elif not on and name in classes:
                classes.remove(name)
        if classes != list(w._dom_classes):
            w._dom_classes = tuple(classes)
        notes = [m for m in [self.error, *self.messages] if m]
        if self._value is None and self.error is None:
            notes.append(BLANK_NOTE)
        tooltip = "\n".join(notes) or None
        if w.tooltip != tooltip:
            w.tooltip = tooltip

    def focus(self) -> None:
        self.widget.focus()
