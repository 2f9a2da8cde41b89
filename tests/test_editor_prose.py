"""The editor's prose helpers: live filled text, inserting a cell's reference and standard paragraphs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govkit import datafile
from govkit.references import fill
from govkit.widgets import ReportEditor


@pytest.fixture
def data_file(tmp_path: Path, example_path: Path) -> Path:
    target = tmp_path / "params" / "2020" / example_path.name
    target.parent.mkdir(parents=True)
    shutil.copy(example_path, target)
    return target


def test_filled_sentence_shows_live_and_follows_the_tables(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    tools = editor.prose_tools
    editor.sections["一"].value += "\n本年共收到申请{{表三 一 总计}}件，结转{{表三 二 总计}}件。"
    assert "本年共收到申请<b>0</b>件，结转<b>1</b>件。" in tools.preview("一").value
    fmt = editor.report.format
    cell = editor.cell("三", fmt.row("三", "carried_in"), fmt.column("三", "total"))
    cell.widget.value = "2"
    assert "结转<b>2</b>件" in tools.preview("一").value
    # the picker follows the last cell edited
    assert tools.cell_picker.value == "{{表三 二 总计}}"
    editor.sections["三"].value = "见{{表三 九 总计}}。"
    assert "govkit-ref-bad" in tools.preview("三").value
    assert any(f.rule == "prose-reference" and f.section == "三" for f in editor.findings)


def test_insert_reference_and_standard_paragraph_then_save(data_file: Path) -> None:
    editor = ReportEditor(data_file)
    tools = editor.prose_tools
    fmt = editor.report.format
    editor.cell("四", (), fmt.column("四", "review", "upheld")).widget.value = "1"
    assert tools.cell_picker.value == "{{表四 行政复议 结果维持}}"
    tools.section_picker.value = "四"
    editor.sections["四"].value = "复议结果维持"
    assert tools.insert_reference() == "{{表四 行政复议 结果维持}}"
    assert editor.sections["四"].value == "复议结果维持{{表四 行政复议 结果维持}}"
    tools.section_picker.value = "三"
    assert tools.insert_standard()
    text = editor.sections["三"].value
    assert text.startswith("本年度，本机关共收到政府信息公开申请{{表三 一 总计}}件")
    tools.section_picker.value = "一"
    assert not tools.insert_standard()  # section 一 has no standard paragraph
    assert all(f.rule != "prose-reference" for f in editor.findings)
    assert editor.save()
    saved = datafile.load(data_file)
    assert saved.sections["三"] == text  # the data file keeps the references
    assert "共收到政府信息公开申请0件" in fill(saved, saved.sections["三"])
