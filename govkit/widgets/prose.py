"""Prose helpers of the editor: the filled text under each section, inserting references and standard paragraphs.

Kept apart from :mod:`govkit.widgets.editor` so that the editor only wires them in: under each text
area a line shows the section as it will print (every ``{{…}}`` replaced by its number, or marked
when it cannot be filled); above the sections, a cell picker (following the last cell edited)
appends that cell's reference to a chosen section, and a button appends the standard paragraph
(:mod:`govkit.standard`) of section 二, 三 or 四.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as widgets

from govkit.model import PREAMBLE, Report
from govkit.references import REFERENCE, ReferenceError, cells, reference_for, resolve
from govkit.standard import standard_paragraphs

if TYPE_CHECKING:
    from govkit.widgets.cells import CellInput

TABLE_IDS = ("二", "三", "四")


def filled_html(report: Report, text: str) -> str:
    """The text as it will print, escaped; a reference that cannot be filled is shown in red with the reason."""
    out: list[str] = []
    last = 0
    for m in REFERENCE.finditer(text):
        out.append(escape(text[last : m.start()]))
        try:
            out.append(f"<b>{escape(resolve(report, m.group(0)).display)}</b>")
        except ReferenceError as exc:
            out.append(
                f"<span class='govkit-ref-bad' style='color:#b71c1c' title='{escape(exc.reason)}'>{escape(m.group(0))}</span>"
            )
        last = m.end()
    out.append(escape(text[last:]))
    return re.sub(r"\n", "<br>", "".join(out))


class ProseTools:
    """The previews and insert controls of the editor's 正文 page."""

    def __init__(self, report: Report, sections: dict[str, widgets.Textarea]):
        self.report = report
        self.areas = sections
        self.previews: dict[str, widgets.HTML] = {}
        for sid in sections:
            self.previews[sid] = widgets.HTML()
            self.previews[sid].add_class("govkit-preview")
        self.loaded = False  # every cell's reference takes seconds to work out: only when 正文 is first shown
        self.cell_picker = widgets.Dropdown(
            options=[],
            description="单元格",
            layout=widgets.Layout(width="30em"),
            style={"description_width": "4em"},
        )
        titles = [(s.title, s.id) for s in report.format.sections]
        self.section_picker = widgets.Dropdown(
            options=[("前言", PREAMBLE), *titles], value="一", description="插入到", style={"description_width": "4em"}
        )
        self.insert_button = widgets.Button(description="插入引用", tooltip="把所选单元格的引用加到所选部分的末尾")
        self.standard_button = widgets.Button(
            description="插入标准段落",
            layout=widgets.Layout(width="auto"),
            tooltip="第二、三、四部分：加入以表格引用写成的标准段落（可保留、修改或删除）",
        )
        self.insert_button.add_class("govkit-insert-ref")
        self.standard_button.add_class("govkit-insert-standard")
        self.insert_button.on_click(lambda _: self.insert_reference())
        self.standard_button.on_click(lambda _: self.insert_standard())
        self.toolbar = widgets.HBox([self.cell_picker, self.section_picker, self.insert_button, self.standard_button])
        self.refresh()

    def load_options(self) -> None:
        """Offer every cell's reference in the picker (done once, when the 正文 page is first shown)."""
        if self.loaded:
            return
        options = []
        for table_id in TABLE_IDS:
            for cell in cells(self.report, table_id):
                if not cell.group:
                    ref = reference_for(self.report, table_id, cell.row, cell.column)
                    options.append((ref, ref))
        value = self.cell_picker.value
        self.cell_picker.options = options
        if value in {v for _, v in options}:
            self.cell_picker.value = value
        self.loaded = True

    def preview(self, sid: str) -> widgets.HTML:
        return self.previews[sid]

    def picked(self, cell: CellInput) -> None:
        """Follow the last cell edited: the picker offers its reference."""
        row, col = cell.key
        try:
            ref = reference_for(self.report, cell.table_id, row, col)
        except KeyError:
            return
        if ref not in {value for _, value in self.cell_picker.options}:
            self.cell_picker.options = [*self.cell_picker.options, (ref, ref)]
        self.cell_picker.value = ref

    def insert_reference(self) -> str | None:
        """Append the picked cell's reference to the picked section; return it."""
        ref = self.cell_picker.value
        if ref:
            area = self.areas[self.section_picker.value]
            area.value = area.value + ref
        return ref

    def insert_standard(self) -> bool:
        """Append the standard paragraph of the picked section (二, 三 or 四) as a new paragraph."""
        sid = self.section_picker.value
        text = standard_paragraphs(self.report).get(sid)
        if text is None:
            return False
        current = self.areas[sid].value
        self.areas[sid].value = (current.rstrip("\n") + "\n" + text) if current.strip() else text
        return True

    def refresh(self) -> None:
        """Redraw every preview from the report as it stands."""
        for sid, area in self.areas.items():
            text = area.value or ""
            html = filled_html(self.report, text) if "{{" in text else ""
            value = f"<div style='color:#333;font-size:90%'>印出效果：{html}</div>" if html else ""
            if self.previews[sid].value != value:
                self.previews[sid].value = value
