"""One input per table cell, typed after the official column: counts, signed changes, 万元 amounts.

A blank cell (``None``, written ``~`` in the data file) is shown as an empty text box and flagged;
typing a number into it turns it into the typed input. Amounts stay :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import ipywidgets as widgets

from govkit.datafile import MAX_COUNT
from govkit.formats import ColumnSpec
from govkit.model import CellKey, Value

BLANK_NOTE = "空白单元格：请填写数字（没有发生的事项填 0）"
INPUT_LAYOUT = {"width": "100%", "min_width": "3.5em"}


def parse_cell(text: str, spec: ColumnSpec) -> Value:
    """The value typed into a cell; raise ValueError with a Chinese message if it is not one.

    Args:
        text: what the user typed ("" means blank).
        spec: the column, which decides the type and bounds.
    """
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        return None
    if spec.type == "amount":
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"「{text}」不是数字") from None
        if not amount.is_finite():
            raise ValueError(f"「{text}」不是数字")
        if amount < 0:
            raise ValueError("金额不能为负数")
        if amount.as_tuple().exponent < -spec.decimals:  # type: ignore[operator]
            raise ValueError(f"金额最多 {spec.decimals} 位小数")
        if amount >= MAX_COUNT:
            raise ValueError("金额过大")
        return amount
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"「{text}」不是整数") from None
    if abs(number) >= MAX_COUNT:
        raise ValueError("数值过大")
    if spec.type == "count" and number < 0:
        raise ValueError("件数不能为负数")
    return number


class CellInput:
    """The input of one cell, in a box that the table grid places.

    Attributes:
        table_id: "二", "三" or "四".
        key: (row path, column path) as in :attr:`Report.cells`.
        box: the grid child; holds :attr:`widget`.
        error: why the text typed last is not a valid value (the report keeps the previous value).
    """

    def __init__(
        self,
        table_id: str,
        key: CellKey,
        spec: ColumnSpec,
        value: Value,
        on_change: Callable[[CellInput], None],
        raw: str | None = None,
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
        self.box = widgets.Box(layout=widgets.Layout(width="100%"))
        self.box.add_class("govkit-cell")
        self.widget: widgets.DOMWidget = self._make(value)
        if value is None and raw:  # text an import could not read: shown as typed, invalid until replaced
            self._quiet = True
            self.widget.value = raw
            self._quiet = False
            self.error = f"输入无效：「{raw}」不是数字（导入时的原文）"
        self.box.children = (self.widget,)
        self._refresh_look()

    @property
    def value(self) -> Value:
        """The last valid value (None for blank)."""
        return self._value

    @property
    def place(self) -> str:
        row, col = self.key
        return " / ".join([f"表{self.table_id}", *[r for r in row if r], *col])

    def _make(self, value: Value) -> widgets.DOMWidget:
        layout = widgets.Layout(**INPUT_LAYOUT)
        if self.spec.type == "amount":
            shown = "" if value is None else format(value, "f")
            widget: widgets.DOMWidget = widgets.Text(
                value=shown, placeholder=self.spec.unit or "", continuous_update=False, layout=layout
            )
        elif value is None:
            widget = widgets.Text(value="", placeholder="空白", continuous_update=False, layout=layout)
        elif self.spec.type == "signed":
            widget = widgets.IntText(value=int(value), continuous_update=False, layout=layout)
        else:
            widget = widgets.BoundedIntText(
                value=int(value), min=0, max=MAX_COUNT - 1, continuous_update=False, layout=layout
            )
        widget.observe(self._typed, "value")
        return widget

    def _typed(self, change: dict) -> None:
        if self._quiet:
            return
        raw = change["new"]
        try:
            value = parse_cell(str(raw), self.spec)
        except ValueError as exc:
            self.error = f"输入无效：{exc}"
            self._refresh_look()
            self.on_change(self)
            return
        self.error = None
        self._value = value
        if value is not None and isinstance(self.widget, widgets.Text) and self.spec.type != "amount":
            self._swap(value)
        self._refresh_look()
        self.on_change(self)

    def _swap(self, value: Value) -> None:
        self.widget.unobserve(self._typed, "value")
        old = self.widget
        self.widget = self._make(value)
        self.box.children = (self.widget,)
        old.close()

    def set_value(self, value: Value) -> None:
        """Show ``value`` without reporting it as an edit (reloads, computed totals)."""
        self._value = value
        self.error = None
        typed_blank = isinstance(self.widget, widgets.Text) and self.spec.type != "amount"
        if value is None and not typed_blank and self.spec.type != "amount" or value is not None and typed_blank:
            self.widget.unobserve(self._typed, "value")
            old = self.widget
            self.widget = self._make(value)
            self.box.children = (self.widget,)
            old.close()
        else:
            self._quiet = True
            try:
                if self.spec.type == "amount":
                    self.widget.value = "" if value is None else format(value, "f")
                elif value is None:
                    self.widget.value = ""
                else:
                    self.widget.value = int(value)
            finally:
                self._quiet = False
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
        for name, on in wanted.items():
            if on and name not in w._dom_classes:
                w.add_class(name)
            elif not on and name in w._dom_classes:
                w.remove_class(name)
        notes = [m for m in [self.error, *self.messages] if m]
        if self._value is None and self.error is None:
            notes.append(BLANK_NOTE)
        tooltip = "\n".join(notes) or None
        if w.tooltip != tooltip:
            w.tooltip = tooltip

    def focus(self) -> None:
        self.widget.focus()
