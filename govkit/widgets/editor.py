"""The report editor: one agency-year data file, edited in place with live checks.

The data file is the only source of truth: the editor reads it when opened, writes it on 保存, and
never relies on widget state stored in a notebook. Saving refuses when the file changed on disk
since it was read (another analyst, a text editor) and offers to reload or to save a copy instead.
Only core ipywidgets are used, so the editor runs the same in JupyterLab and in Voila.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path

import ipywidgets as widgets

from govkit import datafile, fs
from govkit.checks import Finding, run_checks
from govkit.errors import DataFileError, GovkitError
from govkit.formats import ColPath, RowPath
from govkit.model import LEVELS, PREAMBLE, Report
from govkit.newreport import new_from_previous, write_new
from govkit.widgets.cells import CellInput
from govkit.widgets.grid import part_grid
from govkit.widgets.prose import ProseTools
from govkit.widgets.style import CSS
from govkit.widgets.totals import computed_totals

Checker = Callable[[Report, Report | None], list[Finding]]
TABLE_IDS = ("二", "三", "四")
LABEL_WIDTHS = {"二": ["9em", "8em"], "三": ["4.5em", "9em", "17em"], "四": []}
META_TAB, PROSE_TAB = 0, 1


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _stronger(a: str, b: str) -> str:
    order = ["", "area", "warning", "error"]
    return max(a, b, key=order.index)


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
        cells: the input of every table cell, keyed by (table, row path, column path).
        sections: the text area of each section id (and ``preamble``).
        findings: the findings of the last check run.
        dirty: whether there are edits not yet saved.
    """

    def __init__(self, data_file: str | Path, checker: Checker = run_checks, params: str | Path | None = None):
        self.path = Path(data_file).expanduser().absolute()
        self.params = Path(params) if params is not None else self.path.parent.parent
        self.checker = checker
        self.report: Report | None = None
        self.previous: Report | None = None
        self.previous_path: Path | None = None
        self.cells: dict[tuple[str, RowPath, ColPath], CellInput] = {}
        self.sections: dict[str, widgets.Textarea] = {}
        self.meta: dict[str, widgets.Widget] = {}
        self.findings: list[Finding] = []
        self.finding_buttons: list[tuple[Finding, widgets.Button | None]] = []
        self.dirty = False
        self.disk_digest: str | None = None
        self.check_error: str | None = None
        self._marked_sections: set[str] = set()
        self._target: widgets.DOMWidget | None = None
        self._message = ""
        self._message_kind = ""

        self.root = widgets.VBox()
        self.root.add_class("govkit-editor")
        self.style = widgets.HTML(CSS)
        self.title = widgets.HTML()
        self.status = widgets.HTML()
        self.save_button = widgets.Button(description="保存", button_style="primary", tooltip="保存到数据文件")
        self.autosum_button = widgets.Button(description="自动计算合计", tooltip="按各分项计算表三、表四的总计")
        self.reload_button = widgets.Button(description="重新加载", tooltip="从磁盘重新读取数据文件")
        self.copy_button = widgets.Button(description="另存副本", tooltip="把当前内容另存为同目录下的副本文件")
        self.next_button = widgets.Button(
            description="从上年新建下一年",
            layout=widgets.Layout(width="auto"),
            tooltip="以本报告为上年，新建下一年度的数据文件（结转数据自动填入）",
        )
        self.confirm_reload_button = widgets.Button(description="确认重新加载", button_style="danger")
        self.cancel_reload_button = widgets.Button(description="取消")
        self.conflict_reload_button = widgets.Button(
            description="重新加载", button_style="warning", tooltip="放弃本地修改，读取磁盘上的新内容"
        )
        self.conflict_copy_button = widgets.Button(
            description="另存副本", button_style="info", tooltip="本地修改另存为副本，原文件不动"
        )
        self.save_button.on_click(lambda _: self.save())
        self.autosum_button.on_click(lambda _: self.autosum())
        self.reload_button.on_click(lambda _: self.reload())
        self.copy_button.on_click(lambda _: self.save_copy())
        self.next_button.on_click(lambda _: self.create_next_year())
        self.confirm_reload_button.on_click(lambda _: self.reload(confirmed=True))
        self.cancel_reload_button.on_click(lambda _: self._hide(self.confirm_box))
        self.conflict_reload_button.on_click(lambda _: self.reload())
        self.conflict_copy_button.on_click(lambda _: self.save_copy())
        for button, name in [
            (self.save_button, "save"),
            (self.autosum_button, "autosum"),
            (self.reload_button, "reload"),
            (self.copy_button, "copy"),
            (self.next_button, "next"),
        ]:
            button.add_class(f"govkit-{name}")
        self.toolbar = widgets.HBox(
            [self.save_button, self.autosum_button, self.reload_button, self.copy_button, self.next_button]
        )
        self.conflict_message = widgets.HTML()
        self.conflict_box = widgets.HBox(
            [self.conflict_message, self.conflict_reload_button, self.conflict_copy_button]
        )
        self.confirm_box = widgets.HBox(
            [
                widgets.HTML("本地修改尚未保存，重新加载将丢弃这些修改。"),
                self.confirm_reload_button,
                self.cancel_reload_button,
            ]
        )
        self._hide(self.conflict_box)
        self._hide(self.confirm_box)
        self.findings_title = widgets.HTML()
        self.findings_list = widgets.VBox()
        self.findings_box = widgets.VBox([self.findings_title, self.findings_list])
        self.findings_box.add_class("govkit-findings")
        self.tabs = widgets.Tab()
        self._open()

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
        self._set_status("")
        return True

    def _adopt(self, data: bytes, report: Report) -> None:
        """Make the report just read from disk the one being edited, with its checks."""
        report.source = self.path
        self.report = report
        self.disk_digest = _digest(data)
        self._load_previous()
        self._build()
        self.dirty = False
        self._recheck()

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
        if previous.meta.agency == meta.agency:
            self.previous, self.previous_path = previous, found

    def _build(self) -> None:
        report = self.report
        assert report is not None
        self.cells.clear()
        self.sections.clear()
        self.meta.clear()
        self._marked_sections.clear()
        self._target = None
        self.findings = []
        self.finding_buttons = []
        self.findings_list.children = ()
        selected = self.tabs.selected_index
        pages = [self._meta_page(report), self._prose_page(report)]
        titles = ["基本信息", "正文"]
        for table_id in TABLE_IDS:
            pages.append(self._table_page(report, table_id))
            titles.append(f"表{table_id}")
        self.tabs = widgets.Tab(children=pages, titles=tuple(titles))
        if selected is not None and selected < len(pages):
            self.tabs.selected_index = selected
        self._refresh_title()
        self.root.children = (
            self.style,
            self.title,
            self.toolbar,
            self.status,
            self.conflict_box,
            self.confirm_box,
            self.tabs,
            self.findings_box,
        )

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
            "year": widgets.BoundedIntText(
                value=m.year, min=2008, max=2100, description="年度", continuous_update=False, style=style
            ),
            "published": widgets.DatePicker(value=m.published, description="发布日期", style=style),
        }
        for name, widget in self.meta.items():
            widget.observe(lambda change, name=name: self._meta_changed(name, change["new"]), "value")
        return widgets.VBox(list(self.meta.values()))

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
        grids: list[widgets.Widget] = [heading]
        rows = report.rows(table_id)
        for part in table.parts:
            part_rows = [row for row in rows if table.part_of(report.official_row(table_id, row)) is part]
            boxes = {}
            for row in part_rows:
                for c, (col, spec) in enumerate(part.leaf_columns()):
                    cell = CellInput(
                        table_id,
                        (row, col),
                        spec,
                        report.cells[table_id].get((row, col)),
                        self._cell_changed,
                        raw=report.raw_text(table_id, row, col),
                    )
                    # a stable DOM handle for browser tests and user styles: table, row index, column index
                    cell.box.add_class(f"govkit-t{TABLE_IDS.index(table_id) + 2}-r{rows.index(row)}-c{c}")
                    self.cells[(table_id, row, col)] = cell
                    boxes[(row, col)] = cell.box
            widths = LABEL_WIDTHS.get(table_id, [])
            depth = max((len(r) - (1 if part.caption else 0) for r in part_rows), default=0)
            widths = (widths + ["8em"] * depth)[:depth] if widths or depth else []
            grids.append(part_grid(part, part_rows, boxes, corner=table.corner, label_widths=widths or None))
        return widgets.VBox(grids, layout=widgets.Layout(overflow="auto"))

    # -----------------------------------------------------------------------------------------
    # Edits

    def _edited(self) -> None:
        self.dirty = True
        self._message, self._message_kind = "", ""
        self.prose_tools.refresh()
        self._recheck()
        self._set_status("")

    def _cell_changed(self, cell: CellInput) -> None:
        assert self.report is not None
        if cell.error is None:
            row, col = cell.key
            self.report.set(cell.table_id, row, col, cell.value)
            self.prose_tools.picked(cell)
            self._edited()
        else:
            self._set_status(f"{cell.place}：{cell.error}", "error")

    def _section_changed(self, sid: str, text: str) -> None:
        assert self.report is not None
        self.report.sections[sid] = text.strip("\n")
        self._edited()

    def _meta_changed(self, name: str, value: object) -> None:
        report = self.report
        assert report is not None
        m = report.meta
        if name in ("agency", "short_name", "district"):
            text = str(value).strip()
            if name == "agency" and not text:
                self._set_status("机关全称不能为空（未采用）", "error")
                return
            setattr(m, name, text or None) if name != "agency" else setattr(m, name, text)
        elif name == "year":
            m.year = int(value)  # type: ignore[call-overload]
        else:
            setattr(m, name, value)
        if name in ("agency", "year"):
            self._load_previous()
        self._refresh_title()
        self._edited()

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
            severity, messages = marks.get(key, (None, []))
            cell.mark(severity or None, messages)
        for sid, area in self.sections.items():
            severity, messages = section_marks.get(sid, (None, []))
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
        for finding in sorted(self.findings, key=lambda f: f.severity != "error"):
            kind = finding.severity_label
            place = finding.place or "整份报告"
            said = finding.message if place in finding.message else f"{place}：{finding.message}"
            text = widgets.HTML(
                f"<b>[{kind}]</b> {escape(said)} <span style='color:#888'>({escape(finding.rule)})</span>"
            )
            text.add_class(f"govkit-finding-{finding.severity}")
            button: widgets.Button | None = None
            if self.targets(finding):
                button = widgets.Button(
                    description="定位", tooltip=f"转到 {place}", layout=widgets.Layout(width="4.5em")
                )
                button.on_click(lambda _, f=finding: self.goto(f))
                rows.append(widgets.HBox([button, text]))
            else:
                rows.append(widgets.HBox([text]))
            self.finding_buttons.append((finding, button))
        self.findings_list.children = tuple(rows)

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

    def disk_changed(self) -> bool:
        """Whether the file on disk differs from what the editor read or last wrote."""
        return _digest(_read(self.path)) != self.disk_digest

    def save(self) -> bool:
        """Write the data file atomically; refuse if it changed on disk or an input is invalid."""
        if self.report is None:
            return False
        invalid = [cell.place for cell in self.cells.values() if cell.error]
        if invalid:
            self._set_status(f"有 {len(invalid)} 个单元格输入无效（{'；'.join(invalid[:3])}），请先改正再保存", "error")
            return False
        if self.disk_changed():
            self.conflict_message.value = (
                "<b style='color:#b71c1c'>数据文件在打开后已被修改（他人或其他程序），"
                "为免覆盖，未保存。</b>可重新加载（放弃本地修改）或另存副本："
            )
            self._show(self.conflict_box)
            self._set_status("未保存：磁盘上的文件已被修改", "error")
            return False
        try:
            text = datafile.dumps(self.report)
            fs.atomic_write(self.path, text)
        except (OSError, GovkitError) as exc:  # a disk problem, or content that could not be opened again
            self._set_status(f"保存失败：{getattr(exc, 'strerror', None) or exc}；磁盘上的原文件未改动", "error")
            return False
        self.disk_digest = _digest(text.encode("utf-8"))
        self.dirty = False
        self._hide(self.conflict_box)
        self._set_status(f"已保存（{datetime.now():%H:%M:%S}）", "ok")
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
        """Read the data file again; with unsaved edits, only after confirmation."""
        if self.dirty and not confirmed:
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
        self._hide(self.conflict_box)
        self._set_status(f"已重新加载（{datetime.now():%H:%M:%S}）", "ok")
        return True

    def create_next_year(self) -> Path | None:
        """Create next year's data file from this report (saved content on disk, not unsaved edits)."""
        if self.report is None:
            return None
        year = self.report.meta.year + 1
        try:
            previous = datafile.load(self.path)
            report = new_from_previous(previous, year)
            target = datafile.default_path(self.params, report.meta)
            write_new(target, datafile.dumps(report))
        except GovkitError as exc:
            self._set_status(f"未能新建 {year} 年报告：{exc}", "error")
            return None
        note = "（按磁盘上已保存的内容结转；本地未保存的修改未计入）" if self.dirty else ""
        self._set_status(f"已新建 {year} 年报告：{target}{note}", "ok")
        return target

    # -----------------------------------------------------------------------------------------

    def _set_status(self, message: str, kind: str = "") -> None:
        if message:
            self._message, self._message_kind = message, kind
        parts = []
        if self.dirty:
            parts.append("<span style='color:#b71c1c;font-weight:bold'>● 有未保存的修改</span>")
        else:
            parts.append("<span style='color:#1b5e20'>所有修改均已保存</span>")
        if self._message:
            color = {"error": "#b71c1c", "ok": "#1b5e20", "warning": "#8a5a00"}.get(self._message_kind, "#333")
            parts.append(f"<span style='color:{color}'>{escape(self._message)}</span>")
        self.status.value = " — ".join(parts)
        for name in ("govkit-status-dirty", "govkit-status-ok"):
            if name in self.status._dom_classes:
                self.status.remove_class(name)
        self.status.add_class("govkit-status-dirty" if self.dirty else "govkit-status-ok")


__all__ = ["ReportEditor", "copy_path"]
