"""The Excel export: official layout, protection, validation, no formulas from text, exact round trip."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from govkit import datafile
from govkit.importers import import_bytes, import_file
from govkit.model import PREAMBLE, Report
from govkit.synthetic import synthetic_report
from govkit.xlsx import META_SHEET, TEXT_SHEET, workbook_bytes


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govkit", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def assert_round_trip(report: Report, back: Report) -> None:
    assert back.meta == report.meta
    assert back.format.version == report.format.version
    assert back.subrows == report.subrows
    for table in ("二", "三", "四"):
        assert back.cells[table] == report.cells[table]
    assert {k: v for k, v in back.sections.items() if v} == {k: v for k, v in report.sections.items() if v}


@pytest.mark.parametrize("year", [2020, 2023])
def test_workbook_round_trips_synthetic_reports(year: int) -> None:
    report = synthetic_report("示例镇", year, seed=5)
    report.sections.update({PREAMBLE: "前言一段。", "一": "第一段。\n第二段。", "五": "问题。", "六": "无"})
    result = import_bytes(workbook_bytes(report), "示例镇.xlsx")
    assert_round_trip(report, result.report)
    assert result.findings == []


def test_workbook_round_trips_the_example_with_subrows_blanks_and_formula_like_text(example_report: Report) -> None:
    report = example_report
    report.sections["五"] = '=HYPERLINK("http://x")\n+1\n-2 减少\n@SUM(A1)'
    report.meta.short_name = "=cmd|' /C calc'!A0"
    row = ("第二十条第（五）项", "其他对外管理服务事项", "行政确认")
    report.cells["二"][(row, ("本年增/减",))] = -3
    report.cells["二"][(row, ("处理决定数量",))] = None
    data = workbook_bytes(report)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} became a formula"
    result = import_bytes(data, "穆家峪镇.xlsx")
    assert_round_trip(report, result.report)
    assert [(f.rule, f.row) for f in result.incomplete] == [("import-missing-cell", row)]


def test_workbook_layout_is_official_and_protected(example_report: Report) -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(example_report)))
    assert book.sheetnames == [META_SHEET, TEXT_SHEET, "表二", "表三", "表四"]
    t3 = book["表三"]
    merged = {str(r) for r in t3.merged_cells.ranges}
    assert {"A1:C3", "D1:J1", "E2:I2", "D2:D3", "J2:J3"} <= merged
    assert t3["A1"].value.startswith("（本列数据的勾稽关系为")
    assert t3["A4"].value == "一、本年新收政府信息公开申请数量"
    t4 = book["表四"]
    assert {"A1:E1", "F1:O1", "A2:A3", "F2:J2", "K2:O2"} <= {str(r) for r in t4.merged_cells.ranges}
    for ws in (t3, t4, book["表二"], book[META_SHEET], book[TEXT_SHEET]):
        assert ws.protection.sheet
    assert t3["A4"].protection.locked and not t3["D4"].protection.locked
    rules = {(dv.type, dv.operator, dv.formula1) for dv in book["表二"].data_validations.dataValidation}
    assert ("whole", "greaterThanOrEqual", "0") in rules
    assert ("whole", "between", "-999999999") in rules
    assert ("decimal", "greaterThanOrEqual", "0") in rules
    covered = " ".join(str(dv.sqref) for dv in t3.data_validations.dataValidation)
    assert "D4" in covered and "J26" in covered


def test_cli_export_then_import_gives_the_same_file(tmp_path: Path, params_copy: Path) -> None:
    done = run("export", str(params_copy), "--xlsx", str(tmp_path / "xlsx"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    book = tmp_path / "xlsx" / "2020" / "北京市密云区穆家峪镇.xlsx"
    assert book.exists()
    done = run("import", str(book), "--out", str(tmp_path / "back"), "--strict", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    back = tmp_path / "back" / "2020" / "北京市密云区穆家峪镇.yaml"
    assert back.read_text(encoding="utf-8") == (params_copy / "2020" / "北京市密云区穆家峪镇.yaml").read_text(
        encoding="utf-8"
    )


def test_cli_export_needs_a_target_and_reports_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: [\n", encoding="utf-8")
    done = run("export", str(bad), "--xlsx", str(tmp_path / "x"), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "bad.yaml" in done.stderr
    done = run("export", str(bad), cwd=tmp_path)
    assert done.returncode == 2 and "--xlsx" in done.stderr


def test_rendered_html_imports_back(example_report: Report) -> None:
    render = pytest.importorskip("govkit.render")
    for report in (example_report, synthetic_report("示例街道", 2022, seed=3, level="街道")):
        report.sections.setdefault("五", "")
        result = import_bytes(render.render_page(report).encode("utf-8"), "rendered.html")
        back = result.report
        assert (back.meta.agency, back.meta.year, back.format.version) == (
            report.meta.agency,
            report.meta.year,
            report.format.version,
        )
        assert back.subrows == report.subrows
        for table in ("二", "三", "四"):
            assert back.cells[table] == report.cells[table]
        for key in (PREAMBLE, "一", "五", "六"):
            assert back.sections.get(key, "") == report.sections.get(key, "")


def test_cli_import_prints_findings_and_strict_refuses(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parent / "fixtures"
    cut = fixtures / "import" / "cutoff_after_table3_2020.txt"
    done = run("import", str(cut), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "import-missing-table" in done.stdout and "表四" in done.stdout
    assert (tmp_path / "o" / "2020" / "北京市密云区穆家峪镇.yaml").exists()
    done = run("import", str(cut), "--out", str(tmp_path / "s"), "--strict", cwd=tmp_path)
    assert done.returncode == 1
    assert not (tmp_path / "s").exists()
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 10)
    done = run("import", str(junk), str(fixtures / "seed_mujiayu_2020.txt"), "--out", str(tmp_path / "j"), cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "junk.bin" in done.stderr
    assert (tmp_path / "j" / "2020" / "北京市密云区穆家峪镇.yaml").exists()
    imported = datafile.load(tmp_path / "j" / "2020" / "北京市密云区穆家峪镇.yaml")
    assert imported.meta.agency == "北京市密云区穆家峪镇"
    assert import_file(fixtures / "seed_mujiayu_2020.txt").report.cells == imported.cells
