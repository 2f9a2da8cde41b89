"""The editor keeps exactly what people type (issue 12), driven through its widget models (no browser)."""

from __future__ import annotations

import shutil
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit import datafile
from govkit.checks import run_checks
from govkit.model import Report
from govkit.newreport import create_next
from govkit.widgets import ReportEditor, drafts
from govkit.widgets.merge import differences, three_way

# (typed, value kept in the report, text shown afterwards, error expected) for a count cell holding 0
TYPED = [
    ("1.5", 0, "1.5", "不是整数"),
    ("1e3", 0, "1e3", "不是整数"),
    ("-5", 0, "-5", "不能为负数"),
    ("abc", 0, "abc", "不是数字"),
    ("１２３", 123, "123", None),
    ("1,000", 1000, "1000", None),
    ("99999999999999999999", 0, "99999999999999999999", "过大"),
    ("12a", 0, "12a", "不是数字"),
]


def cli_check(path: Path) -> str:
    from govkit.cli import _register, app

    if not any(c.name == "check" for c in app.registered_commands):
        _register()
    return CliRunner().invoke(app, ["check", str(path)]).output


@pytest.fixture
def data_file(tmp_path: Path, example_path: Path) -> Path:
    target = tmp_path / "params" / "2020" / example_path.name
    target.parent.mkdir(parents=True)
    shutil.copy(example_path, target)
    return target


def received(report: Report) -> tuple:
    fmt = report.format
    return fmt.row("三", "received"), fmt.column("三", "natural")


@pytest.mark.parametrize(("typed", "kept", "shown", "error"), TYPED)
def test_typed_text_is_kept_exactly_or_refused(data_file: Path, typed: str, kept: int, shown: str, error) -> None:
    editor = ReportEditor(data_file)
    row, col = received(editor.report)
    cell = editor.cell("三", row, col)
    before = data_file.read_bytes()
    cell.widget.value = typed
    assert cell.widget.value == shown  # the typed text stays until valid; valid text is shown canonically
    assert cell.value == kept and editor.report.get("三", row, col) == kept
    if error:
        assert cell.error and error in cell.error and "govkit-invalid" in cell.widget._dom_classes
        assert error in (cell.widget.tooltip or "")
        assert not editor.save()
        assert data_file.read_bytes() == before
        status = editor.status.value
        assert "输入无效" in status and cell.place in status and error in status
        assert status.count(cell.error) == 1, status  # named once, with its cell
        assert "所有修改均已保存" not in status  # never "all saved" next to an invalid cell
    else:
        assert cell.error is None and editor.save()
        assert datafile.load(data_file).get("三", row, col) == kept


def test_save_names_every_invalid_cell_and_typing_back_is_clean(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    row, col = received(editor.report)
    total = editor.report.format.column("三", "total")
    editor.cell("三", row, col).widget.value = "1.5"
    editor.cell("三", row, total).widget.value = "x"
    assert not editor.save()
    assert editor.cell("三", row, col).place in editor.status.value
    assert editor.cell("三", row, total).place in editor.status.value
    assert "2 个单元格输入无效" in editor.status.value
    editor.cell("三", row, col).widget.value = "0"
    editor.cell("三", row, total).widget.value = "0"
    assert not editor.dirty and "所有修改均已保存" in editor.status.value and "未保存" not in editor.status.value
    editor.cell("三", row, col).widget.value = "3"
    editor.cell("三", row, col).widget.value = "0"  # typed back: nothing to save
    assert not editor.dirty and not drafts.draft_path(data_file).exists()


def test_amounts_keep_the_formats_four_decimals(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    amount = next(c for c in editor.cells.values() if c.spec.type == "amount")
    amount.widget.value = "１２.５"
    assert amount.widget.value == "12.5000" and amount.value == Decimal("12.5000")
    assert editor.save()
    assert "采购总金额: 12.5000}" in data_file.read_text(encoding="utf-8")


def test_raw_import_text_is_shown_invalid(data_file: Path) -> None:
    text = data_file.read_text(encoding="utf-8").replace(
        "一、本年新收政府信息公开申请数量: {自然人: 0,", "一、本年新收政府信息公开申请数量: {自然人: {raw: '十二'},"
    )
    data_file.write_text(text, encoding="utf-8")
    editor = ReportEditor(data_file)
    cell = editor.cell("三", *received(editor.report))
    assert cell.widget.value == "十二" and cell.error and "导入时的原文" in cell.error
    assert not editor.save()
    cell.widget.value = "12"
    assert editor.save() and datafile.load(data_file).get("三", *received(editor.report)) == 12


def test_path_is_shown_without_dots(data_file: Path) -> None:
    odd = data_file.parent / ".." / "2020" / data_file.name
    editor = ReportEditor(odd)
    assert ".." not in editor.title.value and str(data_file) in editor.title.value


def test_year_is_not_a_free_field_and_save_as_never_overwrites(data_file: Path) -> None:
    before = data_file.read_bytes()
    editor = ReportEditor(data_file)
    editor.meta["year"].value = "2021"
    assert editor.report.meta.year == 2020 and "另存为" in editor.status.value
    assert editor.save()
    assert data_file.read_bytes() == before  # the 2020 file is byte-identical
    assert editor.save_as_year_button.layout.display is None
    editor.save_as_year_button.click()
    target = data_file.parent.parent / "2021" / data_file.name
    assert target.is_file() and datafile.load(target).meta.year == 2021
    assert data_file.read_bytes() == before
    written = target.read_bytes()
    editor.save_as_year_button.click()  # again: refused with a reason, nothing overwritten
    assert "文件已存在" in editor.status.value and target.read_bytes() == written
    editor.meta["year"].value = "2019"
    editor.save_as_year_button.click()
    assert "应晚于" in editor.status.value and not (data_file.parent.parent / "2019").exists()


def test_save_as_other_agency(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    editor.meta["agency"].value = "北京市密云区溪翁庄镇"
    assert editor.report.meta.agency == "北京市密云区穆家峪镇"
    editor.save_as_agency_button.click()
    target = data_file.parent / "北京市密云区溪翁庄镇.yaml"
    assert target.is_file() and datafile.load(target).meta.agency == "北京市密云区溪翁庄镇"
    editor.save_as_agency_button.click()
    assert "文件已存在" in editor.status.value


def test_folder_year_or_name_disagreeing_with_meta_is_reported(data_file: Path) -> None:
    wrong = data_file.parent.parent / "2021" / data_file.name
    wrong.parent.mkdir()
    shutil.copy(data_file, wrong)
    renamed = data_file.with_name("穆家峪.yaml")
    shutil.copy(data_file, renamed)
    output = cli_check(data_file.parent.parent)
    assert "file-year" in output and "file-name" in output
    rules = {f.rule for f in run_checks(datafile.load(wrong))}
    assert "file-year" in rules
    assert not {"file-year", "file-name"} & {f.rule for f in run_checks(datafile.load(data_file))}


def test_every_valid_edit_goes_to_a_hidden_draft_restored_on_next_open(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    row, col = received(editor.report)
    total = editor.report.format.column("三", "total")
    editor.cell("三", row, col).widget.value = "7"
    editor.cell("三", row, total).widget.value = "7"
    editor.sections["六"].value = "无。"
    draft = drafts.draft_path(data_file)
    assert draft.is_file() and draft.name.startswith(".")
    # the draft is never taken for an agency's file
    assert draft not in datafile.discover([data_file.parent.parent])
    del editor  # the kernel dies: nothing was saved
    again = ReportEditor(data_file)
    assert again.draft_box.layout.display is None
    listed = again.draft_message.value
    assert "3 处不同" in listed and "自然人" in listed and "第六部分" in listed
    again.restore_button.click()
    assert again.cell("三", row, col).value == 7 and again.sections["六"].value == "无。" and again.dirty
    assert again.save() and not draft.exists()
    saved = datafile.load(data_file)
    assert saved.get("三", row, col) == 7 and saved.get("三", row, total) == 7 and saved.sections["六"] == "无。"


def test_discarding_a_draft_keeps_the_file(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    editor.cell("三", *received(editor.report)).widget.value = "7"
    before = data_file.read_bytes()
    again = ReportEditor(data_file)
    # the file is saved, but the edits of the earlier session are not: never "all saved" then
    assert "所有修改均已保存" not in again.status.value and "草稿未恢复" in again.status.value
    again.discard_button.click()
    assert "所有修改均已保存" in again.status.value
    assert not drafts.draft_path(data_file).exists() and again.cell("三", *received(again.report)).value == 0
    assert data_file.read_bytes() == before


def edit_outside(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_conflict_on_one_cell_is_asked_and_everything_else_merges(data_file: Path) -> None:
    original = data_file.read_bytes()
    for choice, expected in [("theirs", 20), ("mine", 30)]:
        data_file.write_bytes(original)
        editor = ReportEditor(data_file)
        fmt = editor.report.format
        row, col = received(editor.report)
        carried = fmt.row("三", "carried_in")
        # mine: B = 本年新收/自然人, C = 上年结转/自然人
        editor.cell("三", row, col).widget.value = "5"
        editor.cell("三", carried, col).widget.value = "30"
        # theirs (on disk): A = short name, C = 上年结转/自然人
        text = data_file.read_text(encoding="utf-8")
        assert "{自然人: 1" in text
        text = text.replace("short_name: 穆家峪镇", "short_name: 穆家峪", 1)
        text = text.replace(
            "二、上年结转政府信息公开申请数量: {自然人: 1", "二、上年结转政府信息公开申请数量: {自然人: 20", 1
        )
        data_file.write_text(text, encoding="utf-8")
        assert not editor.save()
        assert [c.label for c in editor.conflicts] == [editor.cell("三", carried, col).place]
        assert editor.conflict_box.layout.display is None
        assert "对方 <b>20</b>" in editor.conflict_list.children[0].children[0].value
        assert datafile.load(data_file).get("三", carried, col) == 20  # nothing written while asking
        button = editor.conflict_list.children[0].children[0 + (1 if choice == "theirs" else 2)]
        button.click()
        saved = datafile.load(data_file)
        assert saved.get("三", carried, col) == expected
        assert saved.get("三", row, col) == 5 and saved.meta.short_name == "穆家峪"
        assert not editor.dirty and not drafts.draft_path(data_file).exists()


def test_three_way_merge_logic(example_report: Report) -> None:
    base = example_report
    fmt = base.format
    row, col = fmt.row("三", "received"), fmt.column("三", "natural")
    total = fmt.column("三", "total")
    theirs, mine = base.copy(), base.copy()
    theirs.set("三", row, col, 1)
    mine.set("三", row, total, 2)
    merge = three_way(base, theirs, mine)
    assert not merge.conflicts and merge.report is not None
    assert merge.report.get("三", row, col) == 1 and merge.report.get("三", row, total) == 2
    mine.set("三", row, col, 3)
    merge = three_way(base, theirs, mine)
    assert [c.place for c in merge.conflicts] == [("cell", "三", row, col)]
    assert differences(base, base.copy()) == []


def test_two_saves_at_once_never_both_succeed_over_each_other(data_file: Path) -> None:
    first, second = ReportEditor(data_file), ReportEditor(data_file)
    row, col = received(first.report)
    first.cell("三", row, col).widget.value = "1"
    second.cell("三", row, col).widget.value = "2"
    results: dict[str, bool] = {}
    barrier = threading.Barrier(2)

    def save(name: str, editor: ReportEditor) -> None:
        barrier.wait()
        results[name] = editor.save()

    threads = [threading.Thread(target=save, args=(n, e)) for n, e in [("a", first), ("b", second)]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # both changed the same cell: exactly one save wins, the other is asked (never a silent overwrite)
    assert sorted(results.values()) == [False, True]
    loser = first if not results["a"] else second
    assert loser.conflicts and datafile.load(data_file).get("三", row, col) == (1 if results["a"] else 2)


def test_new_leaves_non_carried_cells_blank_check_lists_them_and_fill_zero(tmp_path: Path, example_path: Path) -> None:
    params = tmp_path / "params"
    (params / "2020").mkdir(parents=True)
    shutil.copy(example_path, params / "2020" / example_path.name)
    target = create_next(params / "2020" / example_path.name, 2021, params)
    report = datafile.load(target)
    assert "~" in target.read_text(encoding="utf-8")
    fmt = report.format
    assert report.get("三", fmt.row("三", "received"), fmt.column("三", "natural")) is None
    carried = report.get("三", fmt.row("三", "carried_in"), fmt.column("三", "natural"))
    assert carried is not None  # carried over from last year's 结转下年度继续办理
    blank_findings = [f for f in run_checks(report) if f.rule == "cell-blank"]
    assert blank_findings
    assert "cell-blank" in cli_check(target)
    editor = ReportEditor(target)
    blanks = [c for c in editor.cells.values() if c.table_id == "三" and c.value is None]
    assert blanks
    editor.fill_blanks("三")
    assert all(c.value is not None for c in editor.cells.values() if c.table_id == "三")
    assert f"{len(blanks)} 个空白单元格填为 0" in editor.status.value and blanks[0].place in editor.status.value
    assert editor.cell("三", fmt.row("三", "carried_in"), fmt.column("三", "natural")).value == carried
    assert editor.save()
    saved = datafile.load(target)
    assert all(v is not None for v in saved.cells["三"].values())


@pytest.mark.parametrize(
    "text",
    [
        "meta: [\n",
        "meta:\n  agency: a\n   year: 1\n",
        "meta: {agency: x\n",
        "meta:\n\tagency: x\n",
        "a: 'x\n",
        "a: *b\n",
    ],
)
def test_yaml_errors_are_told_in_chinese(tmp_path: Path, text: str) -> None:
    import re

    bad = tmp_path / "坏.yaml"
    bad.write_text(text, encoding="utf-8")
    editor = ReportEditor(bad)
    assert editor.report is None and editor.error
    message = editor.error.replace(str(bad), "").replace("YAML", "").replace("Tab", "")
    assert "语法错误" in message and not re.search("[A-Za-z]", message), message


def test_value_boxes_flow_into_exactly_the_slots_labels_leave(data_file: Path) -> None:
    """Cells carry no grid position: headers and labels must cover every slot but the value block."""
    import ipywidgets as widgets

    editor = ReportEditor(data_file)
    for index in (2, 3, 4):
        editor.tabs.selected_index = index
        for grid in editor.tabs.children[index].children[1:]:
            boxes = [w for w in grid.children if "govkit-cell" in w._dom_classes]
            labels = [w for w in grid.children if isinstance(w, widgets.HTML)]
            covered: set[tuple[int, int]] = set()
            for label in labels:
                r0, c0, r1, c1 = (int(x) for x in label.layout.grid_area.split("/"))
                slots = {(r, c) for r in range(r0, r1) for c in range(c0, c1)}
                assert not slots & covered, label.value
                covered |= slots
            width = max(c for _, c in covered)
            free_first_row = min(r for r in range(1, 1000) if any((r, c) not in covered for c in range(1, width + 1)))
            value_cols = [c for c in range(1, width + 1) if (free_first_row, c) not in covered]
            # every free slot lies in the value block, one per box, in reading order
            data_rows = len(boxes) // len(value_cols)
            block = {(r, c) for r in range(free_first_row, free_first_row + data_rows) for c in value_cols}
            everything = {(r, c) for r in range(1, free_first_row + data_rows) for c in range(1, width + 1)}
            assert everything - covered == block and len(block) == len(boxes)
            assert value_cols == list(range(value_cols[0], width + 1))  # the value columns are the rightmost


def test_invalid_text_is_kept_in_the_draft_too(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    row, col = received(editor.report)
    editor.cell("三", row, col).widget.value = "1.5"
    assert drafts.draft_path(data_file).is_file()
    again = ReportEditor(data_file)
    assert "输入无效的内容「1.5」" in again.draft_message.value
    again.restore_button.click()
    cell = again.cell("三", row, col)
    assert cell.widget.value == "1.5" and cell.error and cell.value == 0
    assert "不能保存" in again.status.value and cell.place in again.status.value
