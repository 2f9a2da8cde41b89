"""The report editor, driven through its widget models (no browser)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import ipywidgets as widgets
import pytest

from govkit import datafile
from govkit.checks import Finding
from govkit.model import Report
from govkit.synthetic import synthetic_report
from govkit.widgets import ReportEditor
from govkit.widgets.cells import parse_cell
from govkit.widgets.totals import computed_totals


@pytest.fixture
def data_file(tmp_path: Path, example_path: Path) -> Path:
    target = tmp_path / "params" / "2020" / example_path.name
    target.parent.mkdir(parents=True)
    shutil.copy(example_path, target)
    return target


def ids(report: Report):
    fmt = report.format
    return fmt.row("三", "received"), fmt.column("三", "natural"), fmt.column("三", "total")


def findings_on(editor: ReportEditor, table: str, row, col) -> list[Finding]:
    """Errors about exactly this cell (prose warnings may point at it too)."""
    return [
        f
        for f in editor.findings
        if f.severity == "error" and f.table == table and tuple(f.row) == row and tuple(f.column) == col
    ]


def test_layout_follows_the_official_form(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    report = editor.report
    assert report is not None
    # one input per official cell (table 二 with its local sub-rows), none more
    expected = sum(len(report.columns(t, row)) for t in ("二", "三", "四") for row in report.rows(t))
    assert len(editor.cells) == expected
    t3 = editor.tabs.children[3]
    assert len(t3.children) == 1  # the grids join the page when its tab is first shown
    editor.tabs.selected_index = 3
    labels = [w.value for grid in t3.children[1:] for w in grid.children if isinstance(w, widgets.HTML)]
    fmt = report.format
    for _, row, col, _ in fmt.table("三").cells():
        assert all(label in labels for label in row) and all(label in labels for label in col)
    assert fmt.table("三").corner in labels
    # merged header: 法人或其他组织 spans its five columns, 三、本年度办理结果 spans every outcome row
    legal = next(
        w for g in t3.children[1:] for w in g.children if isinstance(w, widgets.HTML) and w.value == "法人或其他组织"
    )
    start, col_start, end, col_end = (int(x) for x in legal.layout.grid_area.split("/"))
    assert (end - start, col_end - col_start) == (1, 5)
    outcomes = next(
        w
        for g in t3.children[1:]
        for w in g.children
        if isinstance(w, widgets.HTML) and w.value == "三、本年度办理结果"
    )
    start, _, end, _ = (int(x) for x in outcomes.layout.grid_area.split("/"))
    outcome_rows = [r for r in report.rows("三") if r[0] == "三、本年度办理结果"]
    assert end - start == len(outcome_rows)
    # input types follow the column types
    received, natural, _ = ids(report)
    # every cell is a text box read by the cell model: browser number boxes rewrite what is typed
    assert all(type(c.widget) is widgets.Text for c in editor.cells.values())
    assert editor.cell("三", received, natural).widget.value == "0"
    amount = next(c for c in editor.cells.values() if c.spec.type == "amount")
    assert isinstance(amount.widget, widgets.Text) and amount.widget.value == "0.0000"
    # local sub-rows of table 二 are there
    assert any(len(key[1]) == 3 and key[1][-1] == "行政检查" for key in editor.cells)
    assert editor.meta["level"].value == "乡镇" and editor.meta["agency"].value == "北京市密云区穆家峪镇"
    assert "2020年" in editor.sections["一"].value


def test_wrong_total_is_found_marked_and_cleared(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    received, natural, total = ids(editor.report)
    cell = editor.cell("三", received, total)
    assert not findings_on(editor, "三", received, total)
    cell.widget.value = "5"
    assert editor.dirty and "有未保存的修改" in editor.status.value
    found = findings_on(editor, "三", received, total)
    assert found and found[0].severity == "error"
    assert "govkit-bad" in cell.widget._dom_classes
    assert found[0].message in (cell.widget.tooltip or "")
    # the column-wide balance finding marks the rest of the column lightly, not as the culprit
    carried = editor.report.format.row("三", "carried_in")
    other = editor.cell("三", carried, total).widget
    assert "govkit-area" in other._dom_classes and "govkit-bad" not in other._dom_classes
    panel = " ".join(
        w.value for row in editor.findings_list.children for w in row.children if isinstance(w, widgets.HTML)
    )
    assert found[0].message in panel
    # the finding's button brings the user to the cell
    editor.tabs.selected_index = 0
    button = next(b for f, b in editor.finding_buttons if f == found[0])
    assert button is not None
    button.click()
    assert editor.tabs.selected_index == 3
    assert "govkit-target" in cell.box._dom_classes
    # fixing it clears finding and mark
    cell.widget.value = "0"
    assert not findings_on(editor, "三", received, total)
    assert "govkit-bad" not in cell.widget._dom_classes


def shown(editor: ReportEditor, target: widgets.Widget) -> bool:
    """Whether ``target`` is part of what the editor displays (reachable from its top widget)."""
    todo = [editor.widget]
    while todo:
        w = todo.pop()
        if w is target:
            return True
        todo.extend(getattr(w, "children", ()))
    return False


def test_autosum_fills_totals_and_saves(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    report = editor.report
    fmt = report.format
    received, natural, total = ids(report)
    editor.cell("三", received, natural).widget.value = "7"
    assert findings_on(editor, "三", received, total)  # 总计 not updated by itself
    assert editor.cell("三", received, total).value == 0
    assert shown(editor, editor.autosum_button)
    editor.autosum_button.click()
    assert editor.cell("三", received, total).value == 7
    assert editor.cell("三", received, total).widget.value == "7"
    assert not findings_on(editor, "三", received, total)
    review_total = fmt.column("四", "review", "total")
    editor.cell("四", (), review_total).widget.value = "9"
    assert findings_on(editor, "四", (), review_total)
    assert "govkit-bad" in editor.cell("四", (), review_total).widget._dom_classes
    editor.autosum_button.click()
    assert editor.cell("四", (), review_total).value == 1
    assert "原 9 → 1" in editor.status.value  # a typed total that disagreed is named, not silently replaced
    editor.save_button.click()
    assert not editor.dirty and "已保存" in editor.status.value
    saved = datafile.load(data_file)
    assert saved.get("三", received, natural) == 7 and saved.get("三", received, total) == 7
    assert saved.get("四", (), review_total) == 1
    text = data_file.read_text(encoding="utf-8")
    assert "一、本年新收政府信息公开申请数量: {自然人: 7," in text  # layout kept


def test_computed_totals_on_a_consistent_report_change_nothing() -> None:
    report = synthetic_report("示例镇甲", 2022)
    assert computed_totals(report) == []
    row = report.format.row("三", "outcomes", "disclosed")
    col = report.format.column("三", "natural")
    report.set("三", row, col, report.get("三", row, col) + 2)
    changed = {(t, r, c) for t, r, c, _, _ in computed_totals(report)}
    assert ("三", report.format.row("三", "outcomes", "total"), col) in changed
    assert ("三", row, report.format.column("三", "total")) in changed


def test_amounts_stay_decimal_and_invalid_input_blocks_saving(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    amount = next(c for c in editor.cells.values() if c.spec.type == "amount")
    before = data_file.read_bytes()
    amount.widget.value = "12.34567"
    assert amount.error and "4 位小数" in amount.error
    assert "govkit-invalid" in amount.widget._dom_classes
    assert not editor.save()
    assert data_file.read_bytes() == before
    amount.widget.value = "0.1"
    amount.widget.value = "12.3457"
    assert amount.error is None and amount.value == Decimal("12.3457")
    assert editor.save()
    saved = datafile.load(data_file)
    assert saved.cells["二"][amount.key] == Decimal("12.3457")
    assert "采购总金额: 12.3457}" in data_file.read_text(encoding="utf-8")


def test_parse_cell_bounds(example_report: Report) -> None:
    specs = {s.type: s for _, _, _, s in example_report.format.table("二").cells()}
    assert parse_cell("", specs["count"]) is None
    assert parse_cell("1,200", specs["count"]) == 1200
    assert parse_cell("-3", specs["signed"]) == -3
    for text, spec in [
        ("-1", "count"),
        ("1.5", "count"),
        ("abc", "signed"),
        ("-0.1", "amount"),
        ("NaN", "amount"),
        ("1e12", "amount"),
    ]:
        with pytest.raises(ValueError):
            parse_cell(text, specs[spec])
    assert parse_cell("0.0001", specs["amount"]) == Decimal("0.0001")


def test_blank_cells_are_shown_flagged_and_fillable(data_file: Path) -> None:
    text = data_file.read_text(encoding="utf-8").replace(
        "一、本年新收政府信息公开申请数量: {自然人: 0,", "一、本年新收政府信息公开申请数量: {自然人: ~,"
    )
    data_file.write_text(text, encoding="utf-8")
    editor = ReportEditor(data_file)
    received, natural, _ = ids(editor.report)
    cell = editor.cell("三", received, natural)
    assert cell.value is None and isinstance(cell.widget, widgets.Text) and cell.widget.value == ""
    assert "govkit-blank" in cell.widget._dom_classes
    assert "空白" in editor.findings_title.value
    cell.widget.value = "3"
    assert cell.value == 3 and cell.widget.value == "3"
    assert "govkit-blank" not in cell.widget._dom_classes
    assert editor.save()
    assert datafile.load(data_file).get("三", received, natural) == 3


def test_concurrent_change_merges_then_reload_asks_first(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    received, natural, _ = ids(editor.report)
    editor.cell("三", received, natural).widget.value = "4"
    # another analyst edits another place of the file meanwhile
    theirs = data_file.read_text(encoding="utf-8").replace("short_name: 穆家峪镇", "short_name: 穆家峪")
    data_file.write_text(theirs, encoding="utf-8")
    editor.save_button.click()
    saved = datafile.load(data_file)
    assert saved.meta.short_name == "穆家峪" and saved.get("三", received, natural) == 4
    assert "已合并保存" in editor.status.value and not editor.dirty
    assert editor.meta["short_name"].value == "穆家峪"
    # reload: asks first when there are unsaved edits, then shows the file's content
    editor.cell("三", received, natural).widget.value = "6"
    editor.reload_button.click()
    assert editor.confirm_box.layout.display is None and editor.cell("三", received, natural).value == 6
    editor.confirm_reload_button.click()
    assert not editor.dirty and editor.cell("三", received, natural).value == 4
    assert editor.confirm_box.layout.display == "none"


def test_prose_and_meta_edits_are_saved(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    editor.sections["六"].value = "无其他需要报告的事项。"
    editor.meta["level"].value = "街道"
    editor.meta["published"].value = __import__("datetime").date(2021, 1, 20)
    assert editor.save()
    saved = datafile.load(data_file)
    assert saved.sections["六"] == "无其他需要报告的事项。"
    assert saved.meta.level == "街道" and str(saved.meta.published) == "2021-01-20"


def test_cross_year_checks_use_last_years_file(tmp_path: Path) -> None:
    params = tmp_path / "params"
    previous = synthetic_report("示例镇乙", 2021, seed=1)
    datafile.save(previous, datafile.default_path(params, previous.meta))
    over = previous.format.row("三", "carried_over")
    carried = {col: previous.get("三", over, col) for col in previous.columns("三", over)}
    current = synthetic_report("示例镇乙", 2022, seed=2, carried_in=carried)
    path = datafile.save(current, datafile.default_path(params, current.meta))
    editor = ReportEditor(path)
    assert editor.previous_path is not None and editor.previous is not None
    assert not [f for f in editor.findings if f.severity == "error"]
    carried_in = current.format.row("三", "carried_in")
    natural = current.format.column("三", "natural")
    cell = editor.cell("三", carried_in, natural)
    cell.widget.value = str(cell.value + 1)
    assert any(f.rule == "carryover" for f in editor.findings), [f.rule for f in editor.findings]


def test_section_findings_mark_the_text_area(data_file: Path) -> None:
    def checker(report: Report, previous: Report | None) -> list[Finding]:
        if "待补充" in report.sections["五"]:
            return [Finding(rule="t", severity="warning", message="第五部分未写完", section="五")]
        return []

    editor = ReportEditor(data_file, checker=checker)
    editor.sections["五"].value = "待补充"
    assert "govkit-warn" in editor.sections["五"]._dom_classes
    assert editor.goto(editor.findings[0]) and editor.tabs.selected_index == 1
    editor.sections["五"].value = "已写完。"
    assert not editor.findings and "govkit-warn" not in editor.sections["五"]._dom_classes


def test_a_broken_rule_does_not_break_the_editor(data_file: Path) -> None:
    def checker(report: Report, previous: Report | None) -> list[Finding]:
        raise RuntimeError("boom")

    editor = ReportEditor(data_file, checker=checker)
    assert "检查规则运行出错" in editor.findings_title.value
    assert editor.save()


def test_unreadable_file_gives_a_chinese_message(tmp_path: Path) -> None:
    bad = tmp_path / "坏.yaml"
    bad.write_text("meta: [\n", encoding="utf-8")
    editor = ReportEditor(bad)
    assert editor.report is None and "YAML" in editor.error
    assert "无法打开数据文件" in editor.widget.children[-1].value
    assert not editor.save()


def test_next_year_button(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    assert shown(editor, editor.next_button) and editor.next_button.description == "另存为下一年度"
    editor.next_button.click()
    target = data_file.parent.parent / "2021" / data_file.name
    assert target.is_file() and "已新建 2021 年报告" in editor.status.value
    assert datafile.load(target).format.version == "2021"
    editor.next_button.click()
    assert "文件已存在" in editor.status.value


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    import govkit.fs as fs
    from govkit.widgets import ReportEditor

    editor = ReportEditor(sys.argv[1])
    row = editor.report.format.row("三", "received")
    col = editor.report.format.column("三", "natural")
    editor.cell("三", row, col).widget.value = "99"

    real_replace = fs.os.replace
    def slow_replace(src, dst):
        print("TEMP-WRITTEN", src, flush=True)
        time.sleep(60)  # killed here: the temporary file is complete, the rename has not happened
        real_replace(src, dst)
    fs.os.replace = slow_replace
    editor.save_button.click()
    print("SAVED", flush=True)
""")


def test_killed_save_leaves_the_old_file_intact(data_file: Path, tmp_path: Path) -> None:
    before = data_file.read_bytes()
    script = tmp_path / "kill_save.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(data_file)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("TEMP-WRITTEN"), line
        temp = Path(line.split(" ", 1)[1].strip())
        assert temp.is_file() and b"99" in temp.read_bytes()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert data_file.read_bytes() == before
    report = datafile.load(data_file)
    assert report.get("三", report.format.row("三", "received"), report.format.column("三", "natural")) == 0
    # the leftover temporary file is hidden and never taken for a data file
    assert temp not in datafile.discover([data_file.parent])
