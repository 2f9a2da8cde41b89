"""Word and Excel files as townships send them: merged cells, one sheet per table, titles in cells."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest

from govkit.importers import import_bytes
from govkit.model import Report
from govkit.synthetic import synthetic_report


def _report() -> Report:
    report = synthetic_report("北京市示例区示例乡", 2022, seed=9)
    report.meta.short_name, report.meta.district = "示例乡", "北京市示例区"
    return report


def _rows_三(report: Report) -> list[tuple]:
    return report.rows("三")


def word_file(report: Report) -> bytes:
    """A Word report with the official merges: captions across, group labels down, 结果维持 headers down."""
    d = docx.Document()
    d.add_paragraph(report.meta.agency)
    d.add_paragraph(f"{report.meta.year}年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("　　全年工作有序推进，主动公开信息若干条。")
    d.add_paragraph("二、主动公开政府信息情况")
    t2 = report.format.table("二")
    table = d.add_table(rows=0, cols=4)
    for part in t2.parts:
        cells = table.add_row().cells
        cells[0].merge(cells[3]).text = part.caption
        columns = part.leaf_columns()
        cells = table.add_row().cells
        cells[0].text = part.label_header
        for n, (_, spec) in enumerate(columns):
            target = cells[1 + n] if len(columns) == 3 else cells[1].merge(cells[3])
            target.text = spec.printed
        for row in report.rows("二"):
            if row[0] != part.caption:
                continue
            cells = table.add_row().cells
            cells[0].text = row[-1]
            values = [str(report.cells["二"][(row, col)]) for col, _ in columns]
            if len(columns) == 3:
                for n, text in enumerate(values):
                    cells[1 + n].text = text
            else:
                cells[1].merge(cells[3]).text = values[0]
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows = _rows_三(report)
    table = d.add_table(rows=3 + len(rows), cols=10)
    table.cell(0, 0).merge(table.cell(2, 2)).text = report.format.table("三").corner
    table.cell(0, 3).merge(table.cell(0, 9)).text = "申请人情况"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "自然人"
    table.cell(1, 4).merge(table.cell(1, 8)).text = "法人或其他组织"
    table.cell(1, 9).merge(table.cell(2, 9)).text = "总计"
    for n, label in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        table.cell(2, 4 + n).text = label
    done: set[tuple] = set()
    for r, row in enumerate(rows, start=3):
        for level in range(len(row)):
            prefix = row[: level + 1]
            if prefix in done:
                continue
            done.add(prefix)
            span = sum(1 for other in rows if other[: level + 1] == prefix)
            last_col = 2 if level == len(row) - 1 else level
            table.cell(r, level).merge(table.cell(r + span - 1, last_col)).text = row[level]
        for n, col in enumerate(report.columns("三", row)):
            table.cell(r, 3 + n).text = str(report.cells["三"][(row, col)])
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table = d.add_table(rows=4, cols=15)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "行政复议"
    table.cell(0, 5).merge(table.cell(0, 14)).text = "行政诉讼"
    for n, label in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
        table.cell(1, n).merge(table.cell(2, n)).text = label
        table.cell(2, 5 + n).text = label
        table.cell(2, 10 + n).text = label
    table.cell(1, 5).merge(table.cell(1, 9)).text = "未经复议直接起诉"
    table.cell(1, 10).merge(table.cell(1, 14)).text = "复议后起诉"
    row = report.rows("四")[0]
    for n, (col, _) in enumerate(report.format.table("四").parts[0].leaf_columns()):
        table.cell(3, n).text = str(report.cells["四"][(row, col)])
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("宣传不够深入。")
    d.add_paragraph("六、其他需要报告的事项")
    d.add_paragraph("无")
    stream = io.BytesIO()
    d.save(stream)
    return stream.getvalue()


def excel_file(report: Report) -> bytes:
    """A workbook as a township might build it: a title row, then one sheet per table with merges."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "主动公开"
    ws.append([report.meta.title])
    ws.merge_cells("A1:D1")
    for part in report.format.table("二").parts:
        ws.append([part.caption])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=4)
        columns = part.leaf_columns()
        ws.append([part.label_header, *[spec.printed for _, spec in columns]])
        for row in report.rows("二"):
            if row[0] == part.caption:
                values = [report.cells["二"][(row, col)] for col, _ in columns]
                ws.append([row[-1], *[float(v) if not isinstance(v, int) else v for v in values]])
                if len(columns) == 1:
                    ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=4)
    ws = book.create_sheet("依申请")
    ws.append(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, None, "申请人情况"])
    ws.append([None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"])
    ws.append([None, None, None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
    ws.merge_cells("A1:C3")
    ws.merge_cells("D1:J1")
    ws.merge_cells("E2:I2")
    for row in report.rows("三"):
        labels = list(row) + [None] * (3 - len(row))
        ws.append([*labels, *[report.cells["三"][(row, col)] for col in report.columns("三", row)]])
    ws = book.create_sheet("复议诉讼")
    ws.append(["行政复议", None, None, None, None, "行政诉讼"])
    ws.append(
        [
            "结果维持",
            "结果纠正",
            "其他结果",
            "尚未审结",
            "总计",
            "未经复议直接起诉",
            None,
            None,
            None,
            None,
            "复议后起诉",
        ]
    )
    ws.append([None] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
    row = report.rows("四")[0]
    ws.append([report.cells["四"][(row, col)] for col, _ in report.format.table("四").parts[0].leaf_columns()])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _same(got: Report, want: Report) -> None:
    assert (got.meta.agency, got.meta.year, got.meta.level, got.meta.short_name, got.meta.district) == (
        want.meta.agency,
        want.meta.year,
        want.meta.level,
        want.meta.short_name,
        want.meta.district,
    )
    assert got.format.version == want.format.version
    for table in ("二", "三", "四"):
        assert got.cells[table] == want.cells[table], table


def test_word_file_with_merged_cells() -> None:
    report = _report()
    result = import_bytes(word_file(report), "示例乡.docx")
    assert result.kind == "Word"
    _same(result.report, report)
    assert result.report.sections["五"] == "宣传不够深入。"
    assert result.report.sections["一"] == "全年工作有序推进，主动公开信息若干条。"
    assert result.incomplete == []


def test_excel_file_from_a_township() -> None:
    report = _report()
    result = import_bytes(excel_file(report), "示例乡.xlsx")
    assert result.kind == "Excel"
    _same(result.report, report)
    # a bare workbook has no prose: every section is listed as missing, nothing else
    assert {f.rule for f in result.incomplete} == {"import-missing-section"}


@pytest.mark.parametrize("cut", [10, 100, 1000, 3000])
def test_truncated_office_files_are_clean_errors(cut: int) -> None:
    from govkit.errors import ImportFailed

    for data in (word_file(_report()), excel_file(_report())):
        with pytest.raises(ImportFailed):
            import_bytes(data[:cut], "截断")


def test_word_vertically_merged_value_cell_does_not_shift_the_row() -> None:
    """A value cell merged down into the next row (issue 16): the row keeps its columns, the cell is flagged."""
    report = _report()
    data = word_file(report)
    d = docx.Document(io.BytesIO(data))
    table = d.tables[1]  # table 三: 3 header rows, then one row per official row, values from column 3
    first, second, column = 3, 4, 3 + 3  # two consecutive value rows; merge a middle value cell (科研机构) down
    upper = report.rows("三")[0]
    table.cell(first, column).merge(table.cell(second, column))
    table.cell(first, column).text = str(report.cells["三"][(upper, report.columns("三", upper)[3])])
    stream = io.BytesIO()
    d.save(stream)
    result = import_bytes(stream.getvalue(), "示例乡.docx")
    row = report.rows("三")[1]
    columns = report.columns("三", row)
    got = result.report.cells["三"]
    # every other cell of the merged row is in its own column (nothing shifted left)
    others = [col for n, col in enumerate(columns) if n != 3]
    assert [got[(row, col)] for col in others] == [report.cells["三"][(row, col)] for col in others]
    assert got[(row, columns[3])] is None
    assert any(f.row == row and f.rule.startswith("import-") for f in result.incomplete)
