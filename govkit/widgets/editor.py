"""The report editor: one agency-year data file, edited in place with live checks.

The data file is the only source of truth: the editor reads it when opened and writes it on 保存.
Every valid edit also goes to a hidden draft beside the file (:mod:`govkit.widgets.drafts`), so a
kernel death loses nothing; the next open offers 恢复草稿 / 丢弃草稿. When the file changed on disk
since it was read, saving merges: edits to different places are combined without a question, places
both sides changed are asked about one by one (:mod:`govkit.widgets.merge`). The read-compare-write
of a save holds a lock beside the file, so two saves at once cannot both succeed over each other.

A file's place is its identity (``params/<year>/<agency>.yaml``): 年度 and 机关全称 are not edited
in an open file; 另存为 writes a new file through :mod:`govkit.newreport`, never over an existing one.
Only core ipywidgets are used, so the editor runs the same in JupyterLab and in Voila.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import TextStyle

from govkit import datafile, fs
from govkit.checks import Finding, run_checks
from govkit.errors import DataFileError, GovkitError
from govkit.formats import ColPath, RowPath
from govkit.model import LEVELS, PREAMBLE, Report
from govkit.newreport import copy_for_agency, new_from_previous, write_new
from govkit.widgets import drafts
from govkit.widgets.cells import INPUT_LAYOUT, CellInput, parse_cell
from govkit.widgets.grid import VALUE_WIDTH, part_grid
from govkit.widgets.keys import KeyboardHelper
from govkit.widgets.merge import Change, apply, changed_places, differences, three_way
from govkit.widgets.prose import ProseTools
from govkit.widgets.style import CSS
from govkit.widgets.totals import computed_totals

Checker = Callable[[Report, Report | None], list[Finding]]
TABLE_IDS = ("二", "三", "四")
LABEL_WIDTHS = {"二": ["9em", "8em"], "三": ["4.5em", "9em", "17em"], "四": []}
META_TAB, PROSE_TAB = 0, 1
SHOWN_CHANGES = 30
WIDE_TABLE = 12  # columns beyond which a table's value columns shrink to fit the window
_NAMED_INVALID = 3  # invalid cells the status line names; a refused save lists them all beyond that


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _stronger(a: str, b: str) -> str:
    order = ["", "area", "warning", "error"]
    return max(a, b, key=order.index)


def _listing(changes: list[Change], old: str, new: str) -> str:
    """An HTML list of changed places: ``label：old X → new Y``."""
    items = [
        f"<li>{escape(c.label)}：{old} {escape(c.old)} → {new} {escape(c.new)}</li>" for c in changes[:SHOWN_CHANGES]
    ]
    if len(changes) > SHOWN_CHANGES:
        items.append(f"<li>……另有 {len(changes) - SHOWN_CHANGES} 处</li>")
    return f"<ul style='margin:2px 0'>{''.join(items)}</ul>"


def copy_path(path: Path, now: datetime | None = None) -> Path:
    """Where 另存副本 writes: ``<name>.副本-<timestamp>.yaml`` beside the file, never an existing file."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.副本-{stamp}{path.suffix or '.yaml'}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.副本-{stamp}-{n}{path.suffix or '.yaml'}")
        n += 1
    return candidate


class ReportEditor:
    """Edit one agency-year data file: metadata, the six sections, tables 二 三 四.

    Args:
        data_file: the agency's data file (``params/<year>/<agency>.yaml``).
        checker: the checks to run after every edit (default :func:`govkit.checks.run_checks`).
        params: the folder holding the ``<year>/`` folders, to find last year's report and to create
            next year's (default: two levels above ``data_file``).

    Attributes:
        report: the report as edited (None if the file could not be opened).
        base: the report as last read from or written to disk (what "unsaved" is measured against).
        cells: the input of every table cell, keyed by (table, row path, column path).
        sections: the text area of each section id (and ``preamble``).
        findings: the findings of the last check run.
        conflicts: places both this editor and someone else changed, still to be decided.
        draft: the draft found when the file was opened, until restored or discarded.
    """

    def __init__(self, data_file: str | Path, checker: Checker = run_checks, params: str | Path | None = None):
        self.path = Path(os.path.abspath(Path(data_file).expanduser()))
        self.params = Path(os.path.abspath(params)) if params is not None else self.path.parent.parent
        self.checker = checker
        self.report: Report | None = None
        self.base: Report | None = None
        self.previous: Report | None = None
        self.previous_path: Path | None = None
        self.cells: dict[tuple[str, RowPath, ColPath], CellInput] = {}
        self.sections: dict[str, widgets.Textarea] = {}
        self.meta: dict[str, widgets.Widget] = {}
        self.findings: list[Finding] = []
        self.finding_buttons: list[tuple[Finding, widgets.Button | None]] = []
        self._finding_rows: dict[Finding, tuple[widgets.Widget, widgets.Button | None]] = {}
        self.conflicts: list[Change] = []
        self.theirs: Report | None = None
        self.draft: Report | None = None
        self.draft_typed: dict[tuple, str] = {}
        self.draft_error: str | None = None
        self.disk_digest: str | None = None
        self.check_error: str | None = None
        self.saves = 0
        self.edits = 0
        self.error: str | None = None
        self._dirty = False
        self._target: widgets.DOMWidget | None = None
        self._message = ""
        self._message_kind = ""

        self.root = widgets.VBox()
        self.root.add_class("govkit-editor")
        self.style = widgets.HTML(CSS)
        self.keys = KeyboardHelper()
        self.title = widgets.HTML()
        self.status = widgets.HTML()
        self.status.add_class("govkit-status")
        self.save_button = self._button("保存", "save", "保存到数据文件（Ctrl+S）", button_style="primary")
        self.autosum_button = self._button("自动计算合计", "autosum", "按各分项计算表三、表四的总计")
        self.reload_button = self._button("重新加载", "reload", "从磁盘重新读取数据文件")
        self.next_button = self._button(
            "另存为下一年度", "next", "以本报告为上年，新建下一年度的数据文件（结转数据自动填入；本文件不变）"
        )
        self.confirm_reload_button = self._button("确认重新加载", "confirm-reload", "", button_style="danger")
        self.cancel_reload_button = self._button("取消", "cancel-reload", "")
        self.restore_button = self._button("恢复草稿", "restore", "把草稿中的修改恢复到编辑器中", "warning")
        self.discard_button = self._button("丢弃草稿", "discard", "删除草稿，使用数据文件中的内容")
        self.save_button.on_click(lambda _: self.save())
        self.autosum_button.on_click(lambda _: self.autosum())
        self.reload_button.on_click(lambda _: self.reload())
        self.next_button.on_click(lambda _: self.create_next_year())
        self.confirm_reload_button.on_click(lambda _: self.reload(confirmed=True))
        self.cancel_reload_button.on_click(lambda _: self._hide(self.confirm_box))  # type: ignore[has-type]
        self.restore_button.on_click(lambda _: self.restore_draft())
        self.discard_button.on_click(lambda _: self.discard_draft())
        self.toolbar = widgets.HBox([self.save_button, self.autosum_button, self.reload_button, self.next_button])
        self.draft_message = widgets.HTML()
        self.draft_box = widgets.VBox([self.draft_message, widgets.HBox([self.restore_button, self.discard_button])])
        self.draft_box.add_class("govkit-draft")
        self.conflict_message = widgets.HTML()
        self.conflict_list = widgets.VBox()
        self.conflict_box = widgets.VBox([self.conflict_message, self.conflict_list])
        self.conflict_box.add_class("govkit-conflict")
        self.confirm_box = widgets.HBox(
            [
                widgets.HTML("本地修改尚未保存，重新加载将丢弃这些修改。"),
                self.confirm_reload_button,
                self.cancel_reload_button,
            ]
        )
        for box in (self.draft_box, self.conflict_box, self.confirm_box):
            self._hide(box)
        self.findings_title = widgets.HTML()
        self.findings_list = widgets.VBox()
        self.findings_box = widgets.VBox([self.findings_title, self.findings_list])
        self.findings_box.add_class("govkit-findings")
        self.tabs = widgets.Tab()
        self._pending_grids: dict[str, tuple[widgets.VBox, list[widgets.Widget]]] = {}
        self._cell_style = TextStyle()
        self._cell_layout = widgets.Layout(**INPUT_LAYOUT)
        self._open()

    @staticmethod
    def _button(description: str, name: str, tooltip: str, button_style: str = "") -> widgets.Button:
        button = widgets.Button(
            description=description,
            tooltip=tooltip or None,
            button_style=button_style,
            layout=widgets.Layout(width="auto"),
        )
        button.add_class(f"govkit-{name}")
        return button

    # -----------------------------------------------------------------------------------------
    # Display

    @property
    def widget(self) -> widgets.VBox:
        """The editor's top widget."""
        return self.root

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.root)

    @staticmethod
    def _hide(widget: widgets.Widget) -> None:
        widget.layout.display = "none"

    @staticmethod
    def _show(widget: widgets.Widget) -> None:
        widget.layout.display = None

    @property
    def dirty(self) -> bool:
        """Whether the report differs from the file as last read or written (typing a value back is clean)."""
        return self._dirty

    def unsaved(self) -> list[Change]:
        """Every place that differs from the file as last read or written."""
        if self.report is None or self.base is None:
            return []
        return differences(self.base, self.report)

    def invalid(self) -> list[CellInput]:
        """The cells whose text is not a valid value (the report keeps their last valid value)."""
        return [cell for cell in self.cells.values() if cell.error]

    # -----------------------------------------------------------------------------------------
    # Opening and building

    def _read_report(self) -> tuple[bytes, Report]:
        """The file's bytes (to notice later changes on disk) and the report they hold."""
        data = _read(self.path)
        if data is None:
            raise DataFileError(self.path, "文件不存在或无法读取")
        return data, datafile.loads(data, self.path)

    def _open(self) -> bool:
        try:
            data, report = self._read_report()
        except GovkitError as exc:
            self.report = None
            self.root.children = (self.style, widgets.HTML(f"<b>无法打开数据文件</b>：{escape(str(exc))}"))
            self.error = str(exc)
            return False
        self.error = None
        self._adopt(data, report)
        self._offer_draft()
        self._set_status("")
        return True

    def _adopt(self, data: bytes, report: Report) -> None:
        """Make the report just read from disk the one being edited, with its checks."""
        report.source = self.path
        self.report = report
        self.base = report.copy()
        self.disk_digest = drafts.digest(data)
        self._dirty = False
        self.conflicts, self.theirs = [], None
        self._load_previous()
        self._build()
        self._recheck()

    def _offer_draft(self) -> None:
        """Show 恢复草稿 / 丢弃草稿 when a draft beside the file differs from it."""
        assert self.report is not None
        try:
            found = drafts.read_draft(self.path, self.report)
        except GovkitError as exc:
            self.draft_error = f"草稿文件无法读取（{drafts.draft_path(self.path).name}）：{exc}"
            self._message, self._message_kind = self.draft_error, "warning"
            return
        if found is None:
            return
        draft, base, typed = found
        changes = differences(self.report, draft)
        if not changes and not typed:
            drafts.remove_draft(self.path)
            return
        self.draft, self.draft_typed = draft, typed
        invalid = "".join(
            f"<li>{escape(self.cells[key].place)}：输入无效的内容「{escape(text)}」（恢复后仍须改正）</li>"
            for key, text in typed.items()
            if key in self.cells
        )
        invalid_list = f"<ul style='margin:2px 0'>{invalid}</ul>" if invalid else ""
        stale = (
            "<br><b>注意：草稿之后数据文件又被修改过；恢复草稿时以下各处以草稿为准。</b>"
            if base and base != self.disk_digest
            else ""
        )
        when = datetime.fromtimestamp(drafts.draft_path(self.path).stat().st_mtime)
        self.draft_message.value = (
            f"<b style='color:#8a5a00'>发现未保存的草稿（{when:%Y-%m-%d %H:%M:%S}，上次编辑未保存即中断，"
            f"例如内核停止）。</b>草稿与数据文件有 {len(changes)} 处不同（数据文件 → 草稿）："
            f"{_listing(changes, '文件', '草稿')}{invalid_list}{stale}"
        )
        self._show(self.draft_box)

    def restore_draft(self) -> bool:
        """Take the draft's content into the editor (unsaved until 保存); the data file is not touched."""
        if self.report is None or self.draft is None:
            return False
        changes = differences(self.report, self.draft)
        for change in changes:
            self._apply(change.place, self.draft)
        self.draft = None
        self._hide(self.draft_box)
        self._edited()
        for key, text in self.draft_typed.items():
            if key in self.cells:
                self.cells[key].enter(text)  # shown as typed, marked invalid again
        self.draft_typed = {}
        self._set_status(f"已恢复草稿：{len(changes)} 处修改（尚未保存，请点击「保存」）", "ok")
        return True

    def discard_draft(self) -> None:
        """Delete the draft; the editor keeps the data file's content."""
        drafts.remove_draft(self.path)
        self.draft = None
        self._hide(self.draft_box)
        self._set_status("已丢弃草稿", "ok")

    def _apply(self, place: tuple, source: Report) -> None:
        """Set one place of the edited report to its value in ``source`` and show it."""
        assert self.report is not None
        apply(self.report, place, source)
        kind = place[0]
        if kind == "cell":
            _, table_id, row, col = place
            cell = self.cells.get((table_id, row, col))
            if cell is not None:
                raw = self.report.raw_text(table_id, row, col)
                if raw is not None:
                    cell.show_raw(raw)
                else:
                    cell.set_value(self.report.cells[table_id][(row, col)])
        elif kind == "section" and place[1] in self.sections:
            area = self.sections[place[1]]
            area.unobserve_all("value")
            area.value = self.report.sections.get(place[1], "")
            area.observe(lambda change, sid=place[1]: self._section_changed(sid, change["new"]), "value")
        elif kind == "meta" and place[1] in self.meta:
            self._show_meta(place[1])

    def _load_previous(self) -> None:
        assert self.report is not None
        meta = self.report.meta
        self.previous, self.previous_path = None, None
        found = datafile.find_agency_file(self.params, meta.agency, meta.year - 1, self.path.name)
        if found is None:
            return
        try:
            previous = datafile.load(found)
        except GovkitError as exc:
            self._message, self._message_kind = f"上年报告无法读取，未做跨年检查：{exc}", "warning"
            return
        if previous.meta.agency == meta.agency and Path(os.path.abspath(found)) != self.path:
            self.previous, self.previous_path = previous, found

    def _build(self) -> None:
        report = self.report
        assert report is not None
        self.cells.clear()
        self.sections.clear()
        self.meta.clear()
        self._target = None
        self.findings = []
        self.finding_buttons = []
        self._finding_rows = {}
        self._pending_grids = {}
        self.findings_list.children = ()
        selected = self.tabs.selected_index
        pages = [self._meta_page(report), self._prose_page(report)]
        titles = ["基本信息", "正文"]
        for table_id in TABLE_IDS:
            pages.append(self._table_page(report, table_id))
            titles.append(f"表{table_id}")
        self.tabs = widgets.Tab(children=pages, titles=tuple(titles))
        self.tabs.observe(self._tab_shown, "selected_index")
        if selected is not None and selected < len(pages):
            self.tabs.selected_index = selected
            self._tab_shown({"new": selected})
        self._refresh_title()
        self.root.children = (
            self.style,
            self.keys.widget,
            self.title,
            self.toolbar,
            self.status,
            self.draft_box,
            self.conflict_box,
            self.confirm_box,
            self.tabs,
            self.findings_box,
        )

    def _tab_shown(self, change: dict) -> None:
        if change["new"] == PROSE_TAB:
            self.prose_tools.load_options()
        elif isinstance(change["new"], int) and change["new"] >= 2:
            self.show_table(TABLE_IDS[change["new"] - 2])

    def _refresh_title(self) -> None:
        report = self.report
        assert report is not None
        fmt = report.format
        previous = (
            f"上年报告：{escape(str(self.previous_path))}（用于跨年检查）"
            if self.previous_path
            else f"未找到 {report.meta.year - 1} 年的报告，跨年检查未运行"
        )
        self.title.value = (
            f"<h3 style='margin:4px 0'>{escape(report.title)}</h3>"
            f"<div>数据文件：{escape(str(self.path))}<br>格式：{escape(fmt.name)}（{escape(fmt.document)}）"
            f"<br>{previous}</div>"
        )

    def _meta_page(self, report: Report) -> widgets.Widget:
        m = report.meta
        style = {"description_width": "7em"}
        wide = widgets.Layout(width="36em")
        self.meta = {
            "agency": widgets.Text(
                value=m.agency, description="机关全称", continuous_update=False, style=style, layout=wide
            ),
            "short_name": widgets.Text(
                value=m.short_name or "", description="简称", continuous_update=False, style=style, layout=wide
            ),
            "level": widgets.Dropdown(options=list(LEVELS), value=m.level, description="机关层级", style=style),
            "district": widgets.Text(
                value=m.district or "", description="所属地区", continuous_update=False, style=style, layout=wide
            ),
            "year": widgets.Text(value=str(m.year), description="年度", continuous_update=False, style=style),
            "published": widgets.DatePicker(value=m.published, description="发布日期", style=style),
        }
        self.meta["agency"].add_class("govkit-meta-agency")
        self.meta["year"].add_class("govkit-meta-year")
        for name, widget in self.meta.items():
            widget.observe(lambda change, name=name: self._meta_changed(name, change["new"]), "value")
        self.identity_note = widgets.HTML(
            "年度和机关全称决定数据文件的位置（params/年度/机关全称.yaml），不在打开的文件中修改；"
            "改写后点击右侧按钮，另存为该年度或该机关的新数据文件（本文件不变，已有的文件不会被覆盖）。"
        )
        self.save_as_year_button = self._button(
            "另存为该年度", "save-as-year", "按「从上年新建」的规则新建该年度的数据文件"
        )
        self.save_as_agency_button = self._button(
            "另存为其他机关", "save-as-agency", "把当前内容另存为该机关的数据文件"
        )
        self.save_as_year_button.on_click(lambda _: self.save_as_year())
        self.save_as_agency_button.on_click(lambda _: self.save_as_agency())
        self._hide(self.save_as_year_button)
        self._hide(self.save_as_agency_button)
        return widgets.VBox(
            [
                self.identity_note,
                widgets.HBox([self.meta["agency"], self.save_as_agency_button]),
                widgets.HBox([self.meta["year"], self.save_as_year_button]),
                self.meta["short_name"],
                self.meta["level"],
                self.meta["district"],
                self.meta["published"],
            ]
        )

    def _show_meta(self, name: str) -> None:
        assert self.report is not None
        value = getattr(self.report.meta, name)
        widget = self.meta[name]
        shown = str(value) if name == "year" else value or "" if isinstance(widget, widgets.Text) else value
        if widget.value != shown:
            widget.unobserve_all("value")
            widget.value = shown
            widget.observe(lambda change, name=name: self._meta_changed(name, change["new"]), "value")

    def _prose_page(self, report: Report) -> widgets.Widget:
        items: list[widgets.Widget] = []
        entries = [(PREAMBLE, "前言（可选）")] + [(s.id, s.title) for s in report.format.sections]
        for sid, title in entries:
            area = widgets.Textarea(
                value=report.sections.get(sid, ""),
                continuous_update=False,
                layout=widgets.Layout(width="100%", height="3em" if sid == PREAMBLE else "9em"),
            )
            area.observe(lambda change, sid=sid: self._section_changed(sid, change["new"]), "value")
            self.sections[sid] = area
            items += [widgets.HTML(f"<b>{escape(title)}</b>"), area]
        self.prose_tools = ProseTools(report, self.sections)
        for sid, area in self.sections.items():
            items.insert(items.index(area) + 1, self.prose_tools.preview(sid))
        return widgets.VBox([self.prose_tools.toolbar, *items])

    def _table_page(self, report: Report, table_id: str) -> widgets.Widget:
        table = report.table(table_id)
        section = next((s for s in report.format.sections if s.table == table_id), None)
        heading = widgets.HTML(f"<b>{escape(section.title if section else table.title)}</b>")
        fill = self._button(
            "其余空白填 0", f"fill-zero-t{TABLE_IDS.index(table_id) + 2}", f"把表{table_id}中其余空白单元格一次填为 0"
        )
        fill.on_click(lambda _, t=table_id: self.fill_blanks(t))
        grids: list[widgets.Widget] = [widgets.HBox([heading, fill])]
        rows = report.rows(table_id)
        index = {row: i for i, row in enumerate(rows)}
        cells = report.cells[table_id]
        for part in table.parts:
            part_rows = [row for row in rows if table.part_of(report.official_row(table_id, row)) is part]
            boxes = {}
            leaves = part.leaf_columns()
            for row in part_rows:
                for c, (col, spec) in enumerate(leaves):
                    cell = CellInput(
                        table_id,
                        (row, col),
                        spec,
                        cells.get((row, col)),
                        self._cell_changed,
                        raw=report.raw_text(table_id, row, col),
                        style=self._cell_style,
                        layout=self._cell_layout,
                    )
                    # a stable DOM handle for browser tests and user styles: table, row index, column index
                    cell.box.add_class(f"govkit-t{TABLE_IDS.index(table_id) + 2}-r{index[row]}-c{c}")
                    self.cells[(table_id, row, col)] = cell
                    boxes[(row, col)] = cell.box
            widths = LABEL_WIDTHS.get(table_id, [])
            depth = max((len(r) - (1 if part.caption else 0) for r in part_rows), default=0)
            widths = (widths + ["8em"] * depth)[:depth] if widths or depth else []
            wide = len(leaves) + len(widths) > WIDE_TABLE  # 表四's 15 columns: share the window, no sideways scrolling
            grids.append(
                part_grid(
                    part,
                    part_rows,
                    boxes,
                    corner=table.corner,
                    label_widths=widths or None,
                    value_width="minmax(4.6em, 1fr)" if wide else VALUE_WIDTH,
                    width="100%" if wide else "max-content",
                )
            )
        # the grids join the page when its tab is first shown: the browser then draws one table, not three
        page = widgets.VBox([grids[0]], layout=widgets.Layout(overflow="auto"))
        page.add_class(f"govkit-page-t{TABLE_IDS.index(table_id) + 2}")
        self._pending_grids[table_id] = (page, grids)
        return page

    def show_table(self, table_id: str) -> None:
        """Put a table's grids on its page (done when its tab is first shown)."""
        page, grids = self._pending_grids.pop(table_id, (None, None))
        if page is not None and grids is not None:
            page.children = tuple(grids)

    # -----------------------------------------------------------------------------------------
    # Edits

    def _edited(self) -> None:
        self._dirty = bool(self.base is not None and self.report is not None and changed_places(self.base, self.report))
        self._message, self._message_kind = "", ""
        self.prose_tools.refresh()
        self._recheck()
        self._write_draft()
        self._set_status("")

    def _write_draft(self) -> None:
        """Keep every valid edit in the draft beside the file; no draft when nothing is unsaved."""
        if self.report is None:
            return
        try:
            typed = {(c.table_id, *c.key): c.text for c in self.invalid()}
            if self._dirty or typed:
                assert self.base is not None
                drafts.write_draft(self.path, self.base, self.report, self.disk_digest, typed)
            elif self.draft is None:
                drafts.remove_draft(self.path)
            self.draft_error = None
        except (OSError, GovkitError) as exc:
            self.draft_error = f"草稿未能写入（{getattr(exc, 'strerror', None) or exc}）：内核停止时未保存的修改会丢失"

    def _cell_changed(self, cell: CellInput) -> None:
        assert self.report is not None
        self.edits += 1
        if cell.error is None:
            row, col = cell.key
            self.report.set(cell.table_id, row, col, cell.value)
            self.prose_tools.picked(cell)
            self._edited()
        else:
            self._refresh_findings_title()
            self._write_draft()
            self._message = ""  # the status line names the cell and its reason among the invalid ones
            self._set_status("")

    def _section_changed(self, sid: str, text: str) -> None:
        assert self.report is not None
        self.edits += 1
        self.report.sections[sid] = text.strip("\n")
        self._edited()

    def _meta_changed(self, name: str, value: object) -> None:
        report = self.report
        assert report is not None
        self.edits += 1
        m = report.meta
        if name in ("agency", "year"):
            self._identity_typed()
            return
        if name in ("short_name", "district"):
            setattr(m, name, str(value).strip() or None)
        else:
            setattr(m, name, value)
        self._refresh_title()
        self._edited()

    def _identity_typed(self) -> None:
        """年度 or 机关全称 typed: offer 另存为, never change the open file's identity."""
        assert self.report is not None
        m = self.report.meta
        agency = str(self.meta["agency"].value).strip()
        year_text = str(self.meta["year"].value).strip()
        (self._show if agency != m.agency else self._hide)(self.save_as_agency_button)
        (self._show if year_text != str(m.year) else self._hide)(self.save_as_year_button)
        self.save_as_year_button.description = f"另存为 {year_text} 年度" if year_text.isdigit() else "另存为该年度"
        if agency != m.agency or year_text != str(m.year):
            self._set_status(
                f"年度和机关全称不在打开的文件中修改（本文件仍为 {m.year} 年「{m.agency}」，保存时不变）；"
                "如需新的年度或机关，请点击「另存为」按钮",
                "warning",
            )

    # -----------------------------------------------------------------------------------------
    # Identity: save as another year or agency

    def save_as_year(self) -> Path | None:
        """Create the data file of the year typed in 年度, from this report as last year (govkit new's rule)."""
        if self.report is None:
            return None
        text = str(self.meta["year"].value).strip()
        if not text.isdigit():
            self._set_status(f"未另存：年度「{text}」不是年份", "error")
            return None
        return self.create_next_year(int(text))

    def save_as_agency(self) -> Path | None:
        """Write the current content as the data file of the agency typed in 机关全称 (same year)."""
        if self.report is None:
            return None
        agency = str(self.meta["agency"].value).strip()
        if self.invalid():
            self._refuse_invalid("未另存")
            return None
        try:
            target = copy_for_agency(self.report, agency, self.params)
        except GovkitError as exc:
            self._set_status(f"未另存为「{agency}」：{exc}", "error")
            return None
        self._set_status(f"已另存为「{agency}」的数据文件：{target}（本文件不变）", "ok")
        return target

    # -----------------------------------------------------------------------------------------
    # Checks

    def _recheck(self) -> None:
        assert self.report is not None
        try:
            findings = list(self.checker(self.report, self.previous))
            self.check_error = None
        except Exception as exc:  # noqa: BLE001 - a broken rule must not take the editor down
            findings = []
            self.check_error = f"检查规则运行出错：{type(exc).__name__}: {exc}"
        if findings != self.findings or not self.finding_buttons and findings:
            self.findings = findings
            self._show_findings()
        self._mark()
        self._refresh_findings_title()

    def targets(self, finding: Finding) -> list[CellInput | widgets.Textarea]:
        """The inputs a finding is about: table cells (a row or column prefix covers several), or a section."""
        found: list[CellInput | widgets.Textarea] = []
        if finding.table in TABLE_IDS and (finding.row or finding.column):
            row, col = tuple(finding.row), tuple(finding.column)
            found += [
                cell
                for (table_id, r, c), cell in self.cells.items()
                if table_id == finding.table and r[: len(row)] == row and c[: len(col)] == col
            ]
        if finding.section in self.sections:
            found.append(self.sections[finding.section])
        return found

    def _mark(self) -> None:
        marks: dict[tuple[str, RowPath, ColPath], tuple[str, list[str]]] = {}
        section_marks: dict[str, tuple[str, list[str]]] = {}
        for finding in self.findings:
            text = f"[{finding.severity_label}] {finding.message}"
            targets = self.targets(finding)
            cells = [t for t in targets if isinstance(t, CellInput)]
            for target in targets:
                if isinstance(target, CellInput):
                    key = (target.table_id, *target.key)
                    level = finding.severity if len(cells) == 1 else "area"
                    severity, messages = marks.get(key, ("", []))
                    marks[key] = (_stronger(severity, level), [*messages, text])
                else:
                    sid = next(s for s, area in self.sections.items() if area is target)
                    severity, messages = section_marks.get(sid, ("warning", []))
                    section_marks[sid] = (
                        "error" if "error" in (severity, finding.severity) else "warning",
                        [*messages, text],
                    )
        for key, cell in self.cells.items():
            severity, messages = marks.get(key, ("", []))
            cell.mark(severity or None, messages)
        for sid, area in self.sections.items():
            severity, messages = section_marks.get(sid, ("", []))
            for name in ("govkit-bad", "govkit-warn"):
                if name in area._dom_classes:
                    area.remove_class(name)
            if severity:
                area.add_class("govkit-bad" if severity == "error" else "govkit-warn")
            tooltip = "\n".join(messages) or None
            if area.tooltip != tooltip:
                area.tooltip = tooltip

    def _show_findings(self) -> None:
        rows: list[widgets.Widget] = []
        self.finding_buttons = []
        cache: dict[Finding, tuple[widgets.Widget, widgets.Button | None]] = {}
        for finding in sorted(self.findings, key=lambda f: f.severity != "error"):
            row, button = self._finding_rows.get(finding) or self._finding_row(finding)
            cache[finding] = (row, button)
            rows.append(row)
            self.finding_buttons.append((finding, button))
        self._finding_rows = cache  # rows of findings still there are reused: a new widget costs a round trip
        self.findings_list.children = tuple(rows)

    def _finding_row(self, finding: Finding) -> tuple[widgets.Widget, widgets.Button | None]:
        kind = finding.severity_label
        place = finding.place or "整份报告"
        said = finding.message if place in finding.message else f"{place}：{finding.message}"
        text = widgets.HTML(f"<b>[{kind}]</b> {escape(said)} <span style='color:#888'>({escape(finding.rule)})</span>")
        text.add_class(f"govkit-finding-{finding.severity}")
        if not self.targets(finding):
            return widgets.HBox([text]), None
        button = widgets.Button(description="定位", tooltip=f"转到 {place}", layout=widgets.Layout(width="4.5em"))
        button.on_click(lambda _, f=finding: self.goto(f))
        return widgets.HBox([button, text]), button

    def _refresh_findings_title(self) -> None:
        errors = sum(1 for f in self.findings if f.severity == "error")
        warnings = len(self.findings) - errors
        blanks = sum(1 for cell in self.cells.values() if cell.value is None)
        invalid = sum(1 for cell in self.cells.values() if cell.error)
        parts = [f"检查结果：{errors} 个错误，{warnings} 个警告" if self.findings else "检查结果：未发现问题"]
        if blanks:
            parts.append(f"{blanks} 个空白单元格（黄色）")
        if invalid:
            parts.append(f"{invalid} 个单元格输入无效")
        if self.previous is None:
            parts.append("无上年报告，跨年检查未运行")
        html = "；".join(parts)
        if self.check_error:
            html += f"<br><span style='color:#b71c1c'>{escape(self.check_error)}</span>"
        self.findings_title.value = f"<b>{html}</b>" if self.findings or self.check_error else html

    def goto(self, finding: Finding) -> bool:
        """Bring the user to the first input a finding is about: switch tab, focus the input."""
        targets = self.targets(finding)
        if not targets:
            return False
        target = targets[0]
        # ipywidgets 8.1's numeric text views ignore focus(): the outline shows the cell in any case
        if self._target is not None and "govkit-target" in self._target._dom_classes:
            self._target.remove_class("govkit-target")
        if isinstance(target, CellInput):
            self.tabs.selected_index = 2 + TABLE_IDS.index(target.table_id)
            self._target = target.box
        else:
            self.tabs.selected_index = PROSE_TAB
            self._target = target
        self._target.add_class("govkit-target")
        target.focus()
        return True

    # -----------------------------------------------------------------------------------------
    # Commands

    def cell(self, table_id: str, row: RowPath, col: ColPath) -> CellInput:
        """The input of one cell."""
        return self.cells[(table_id, tuple(row), tuple(col))]

    def autosum(self) -> int:
        """Fill every total from its parts; return how many cells changed."""
        if self.report is None:
            return 0
        changes = computed_totals(self.report)
        overruled = []
        for table_id, row, col, old, new in changes:
            self.cells[(table_id, row, col)].set_value(new)
            if old not in (None, 0):
                overruled.append(f"{' / '.join([f'表{table_id}', *[r for r in row if r], *col])}（原 {old} → {new}）")
        if changes:
            self._edited()
            text = f"已自动计算合计：更新了 {len(changes)} 个单元格"
            if overruled:
                text += "；其中原填写值与分项之和不符、已改为计算值：" + "；".join(overruled)
            self._set_status(text, "ok")
        else:
            self._set_status("合计均与分项之和一致，无需更新", "ok")
        return len(changes)

    def fill_blanks(self, table_id: str) -> list[CellInput]:
        """Fill every remaining blank cell of a table with 0 and list them (cells with invalid text are left)."""
        if self.report is None:
            return []
        filled = [c for c in self.cells.values() if c.table_id == table_id and c.value is None and not c.error]
        for cell in filled:
            cell.set_value(parse_cell("0", cell.spec))
            self.report.set(cell.table_id, *cell.key, cell.value)
        if not filled:
            self._set_status(f"表{table_id}没有空白单元格", "ok")
            return []
        self._edited()
        names = "；".join(c.place for c in filled[:SHOWN_CHANGES])
        more = f"……共 {len(filled)} 个" if len(filled) > SHOWN_CHANGES else ""
        self._set_status(f"已把表{table_id}中 {len(filled)} 个空白单元格填为 0：{names}{more}", "ok")
        return filled

    def disk_changed(self) -> bool:
        """Whether the file on disk differs from what the editor read or last wrote."""
        return drafts.digest(_read(self.path)) != self.disk_digest

    def _refuse_invalid(self, what: str) -> None:
        invalid = self.invalid()
        if len(invalid) <= _NAMED_INVALID:  # the status line already names each of them with its reason
            self._set_status(f"{what}：请先改正前面列出的无效输入", "error")
            return
        listed = "；".join(f"{cell.place}（{cell.error}）" for cell in invalid)
        self._set_status(f"{what}：有 {len(invalid)} 个单元格输入无效，请先改正——{listed}", "error")

    def save(self) -> bool:
        """Write the data file atomically, merging with changes made on disk meanwhile.

        Refused while a cell holds invalid text or while places both sides changed are undecided.
        Returns whether the data file now holds the edited report.
        """
        self.saves += 1
        if self.report is None:
            self._set_status("未保存：数据文件未能打开", "error")
            return False
        if self.invalid():
            self._refuse_invalid("未保存")
            return False
        if self.conflicts:
            self._set_status(f"未保存：还有 {len(self.conflicts)} 处双方都修改过，请先逐一选择", "error")
            return False
        try:
            with drafts.locked(self.path):
                data = _read(self.path)
                if drafts.digest(data) != self.disk_digest:
                    return self._merge_from_disk(data)
                if not self.dirty:
                    self._saved(data.decode("utf-8") if data is not None else "")
                    self._set_status("没有需要保存的修改（数据文件未改动）", "ok")
                    return True
                text = datafile.dumps(self.report)
                fs.atomic_write(self.path, text)
        except (OSError, GovkitError) as exc:  # a disk problem, or content that could not be opened again
            self._set_status(f"保存失败：{getattr(exc, 'strerror', None) or exc}；磁盘上的原文件未改动", "error")
            return False
        self._saved(text)
        self._set_status(f"已保存（{datetime.now():%H:%M:%S}）", "ok")
        return True

    def _saved(self, text: str) -> None:
        assert self.report is not None
        self.disk_digest = drafts.digest(text.encode("utf-8"))
        self.base = self.report.copy()
        self._dirty = False
        self.draft = None
        self._hide(self.draft_box)
        self._hide(self.conflict_box)
        drafts.remove_draft(self.path)

    def _merge_from_disk(self, data: bytes | None) -> bool:
        """The file changed since it was read (lock held): merge, write if nothing collides, else ask."""
        assert self.report is not None and self.base is not None
        if data is None:
            self._set_status("未保存：数据文件已被删除或无法读取；本地修改保留在草稿中", "error")
            return False
        try:
            theirs = datafile.loads(data, self.path)
        except GovkitError as exc:
            self._set_status(f"未保存：磁盘上的数据文件已被改动且无法读取（{exc}）；本地修改保留在草稿中", "error")
            return False
        merge = three_way(self.base, theirs, self.report)
        if merge.report is None:
            self._set_status("未保存：磁盘上的文件改动了表格结构，无法自动合并；本地修改保留在草稿中", "error")
            return False
        for change in merge.taken:
            self._apply(change.place, theirs)
        theirs.source = self.path
        self.base = theirs
        self.disk_digest = drafts.digest(data)
        self.theirs = theirs
        taken = (
            f"已并入他人在磁盘上的 {len(merge.taken)} 处修改：{_listing(merge.taken, '原', '对方')}"
            if merge.taken
            else ""
        )
        if merge.conflicts:
            self.conflicts = list(merge.conflicts)
            self._dirty = bool(
                self.base is not None and self.report is not None and changed_places(self.base, self.report)
            )
            self._write_draft()
            self._show_conflicts(taken)
            self._set_status(
                f"未保存：数据文件在打开后被他人修改，有 {len(self.conflicts)} 处双方都改过，请逐一选择", "error"
            )
            return False
        self._hide(self.conflict_box)
        text = datafile.dumps(self.report)
        fs.atomic_write(self.path, text)
        self._saved(text)
        self._recheck()
        kept = f"；本地的 {len(merge.kept)} 处修改一并保存" if merge.kept else ""
        self._set_status(
            f"已合并保存（{datetime.now():%H:%M:%S}）：数据文件在打开后被他人修改，"
            f"已并入对方的 {len(merge.taken)} 处修改{kept}",
            "ok",
        )
        return True

    def _show_conflicts(self, taken: str) -> None:
        self.conflict_message.value = (
            "<b style='color:#b71c1c'>数据文件在打开后被他人或其他程序修改。</b>"
            f"{taken}以下各处双方都改过且不同，请逐一选择保留哪一方；选择完毕后自动保存，其他修改均保留："
        )
        rows = []
        for change in self.conflicts:
            text = widgets.HTML(
                f"{escape(change.label)}：对方 <b>{escape(change.old)}</b>　／　我的 <b>{escape(change.new)}</b>"
            )
            theirs = self._button("用对方的", "use-theirs", f"{change.label} 采用对方的 {change.old}", "warning")
            mine = self._button("用我的", "use-mine", f"{change.label} 保留我的 {change.new}", "info")
            theirs.on_click(lambda _, c=change: self.resolve(c.place, "theirs"))
            mine.on_click(lambda _, c=change: self.resolve(c.place, "mine"))
            row = widgets.HBox([text, theirs, mine])
            row.add_class("govkit-conflict-row")
            rows.append(row)
        self.conflict_list.children = tuple(rows)
        self._show(self.conflict_box)

    def resolve(self, place: tuple, choice: str) -> bool:
        """Decide one place both sides changed: ``"theirs"`` or ``"mine"``; save once all are decided."""
        change = next((c for c in self.conflicts if c.place == place), None)
        if change is None or self.theirs is None:
            return False
        if choice == "theirs":
            self._apply(place, self.theirs)
        self.conflicts.remove(change)
        if self.conflicts:
            self._show_conflicts("")
            self._edited()
            return True
        self._hide(self.conflict_box)
        self._edited()
        self.save()
        return True

    def save_copy(self) -> Path | None:
        """Write the current content to a new copy beside the data file; the data file is not touched."""
        if self.report is None:
            return None
        target = copy_path(self.path)
        try:
            fs.atomic_write(target, datafile.dumps(self.report))
        except (OSError, GovkitError) as exc:
            self._set_status(f"另存副本失败：{getattr(exc, 'strerror', None) or exc}", "error")
            return None
        self._set_status(f"已另存副本：{target}（原数据文件未改动）", "ok")
        return target

    def reload(self, confirmed: bool = False) -> bool:
        """Read the data file again; with unsaved edits, only after confirmation (the draft is removed)."""
        if (self.dirty or self.invalid()) and not confirmed:
            self._show(self.confirm_box)
            self._set_status("请确认是否放弃本地修改", "error")
            return False
        self._hide(self.confirm_box)
        try:
            data, report = self._read_report()
        except GovkitError as exc:
            self._set_status(f"无法重新加载：{exc}", "error")
            return False
        self._adopt(data, report)
        drafts.remove_draft(self.path)
        self.draft = None
        self._hide(self.draft_box)
        self._hide(self.conflict_box)
        self._set_status(f"已重新加载（{datetime.now():%H:%M:%S}）", "ok")
        return True

    def create_next_year(self, year: int | None = None) -> Path | None:
        """Create a later year's data file from this report (saved content on disk, not unsaved edits)."""
        if self.report is None:
            return None
        year = self.report.meta.year + 1 if year is None else year
        try:
            previous = datafile.load(self.path)
            report = new_from_previous(previous, year)
            target = datafile.default_path(self.params, report.meta)
            write_new(target, datafile.dumps(report))
        except GovkitError as exc:
            self._set_status(f"未能新建 {year} 年报告：{exc}", "error")
            return None
        note = "（按磁盘上已保存的内容结转；本地未保存的修改未计入）" if self.dirty else ""
        self._set_status(f"已新建 {year} 年报告：{target}{note}；本文件不变", "ok")
        return target

    # -----------------------------------------------------------------------------------------

    def _set_status(self, message: str, kind: str = "") -> None:
        if message:
            self._message, self._message_kind = message, kind
        invalid = len(self.invalid())
        parts = []
        if invalid:
            named = "；".join(f"{c.place}（{c.error}）" for c in self.invalid()[:_NAMED_INVALID])
            named += "……" if invalid > _NAMED_INVALID else ""
            parts.append(
                f"<span style='color:#b71c1c;font-weight:bold'>● 有 {invalid} 个单元格输入无效，不能保存："
                f"{escape(named)}</span>"
            )
        if self.conflicts:
            parts.append(f"<span style='color:#b71c1c;font-weight:bold'>● 有 {len(self.conflicts)} 处待选择</span>")
        if self.dirty:
            parts.append("<span style='color:#b71c1c;font-weight:bold'>● 有未保存的修改（已存草稿）</span>")
        elif not invalid and self.draft is not None:  # the file is saved, but an earlier session's edits wait
            parts.append(
                "<span style='color:#8a5a00;font-weight:bold'>● 有一份草稿未恢复：请在下方选择恢复或丢弃</span>"
            )
        elif not invalid:
            parts.append("<span style='color:#1b5e20'>所有修改均已保存</span>")
        if self.draft_error:
            parts.append(f"<span style='color:#b71c1c'>{escape(self.draft_error)}</span>")
        if self._message:
            color = {"error": "#b71c1c", "ok": "#1b5e20", "warning": "#8a5a00"}.get(self._message_kind, "#333")
            parts.append(f"<span style='color:{color}'>{escape(self._message)}</span>")
        # the counter lets the page notice a save the kernel never answered (a dead kernel)
        self.status.value = " — ".join(parts) + (
            f"<span class='govkit-saves' data-saves='{self.saves}' data-edits='{self.edits}'></span>"
        )
        bad = bool(self.dirty or invalid or self.conflicts)
        classes = [c for c in self.status._dom_classes if c not in ("govkit-status-dirty", "govkit-status-ok")]
        self.status._dom_classes = (*classes, "govkit-status-dirty" if bad else "govkit-status-ok")


__all__ = ["ReportEditor", "copy_path"]
