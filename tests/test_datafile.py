from decimal import Decimal

from govkit import datafile
from govkit.formats import load_format


def test_example_loads_with_seed_numbers(example_report):
    r = example_report
    f = r.format
    assert f.version == "2019"
    assert r.meta.title == "北京市密云区穆家峪镇2020年政府信息公开工作年度报告"
    assert r.get("二", ("第二十条第（一）项", "规范性文件"), ("对外公开总数量",)) == 21
    assert r.subrows["二"][("第二十条第（五）项", "其他对外管理服务事项")] == ["行政检查", "行政确认"]
    amount = r.get("二", ("第二十条第（九）项", "政府集中采购"), ("采购总金额",))
    assert isinstance(amount, Decimal) and str(amount) == "0.0000"
    assert r.get("三", f.row("三", "carried_in"), f.column("三", "total")) == 1
    assert r.get("四", (), f.column("四", "review", "corrected")) == 1


def test_round_trip_is_byte_identical(example_path, tmp_path):
    original = example_path.read_bytes()
    copy = tmp_path / "x.yaml"
    copy.write_bytes(original)
    datafile.save(datafile.load(copy))
    assert copy.read_bytes() == original


def test_comments_survive_an_edit(example_path, tmp_path):
    text = example_path.read_text(encoding="utf-8").replace("  year: 2020\n", "  year: 2020  # 报告年度\n")
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    report = datafile.load(path)
    f = report.format
    report.set("三", f.row("三", "received"), f.column("三", "natural"), 5)
    datafile.save(report)
    after = path.read_text(encoding="utf-8")
    assert "# 报告年度" in after
    assert "一、本年新收政府信息公开申请数量: {自然人: 5," in after


def test_decimal_amounts_stay_exact(tmp_path):
    from govkit.model import Meta, Report

    report = Report.blank(Meta(agency="示例局", year=2022, level="部门"), load_format("2021"))
    row, col = ("第二十条第（八）项", "行政事业性收费"), ("本年收费金额（单位：万元）",)
    report.set("二", row, col, Decimal("0.0001"))
    path = datafile.save(report, tmp_path / "a.yaml")
    again = datafile.load(path)
    assert again.get("二", row, col) == Decimal("0.0001")
    assert "本年收费金额（单位：万元）: 0.0001}" in path.read_text(encoding="utf-8")


def test_last_years_file_is_found_under_any_name(tmp_path, example_report):
    from govkit.checks.files import check_paths
    from govkit.newreport import new_from_previous
    from govkit.render.inputs import previous_path

    last = datafile.save(example_report, tmp_path / "2020" / "穆家峪镇-2020年报.yaml")  # not the canonical name
    report = new_from_previous(example_report, 2021)
    f = report.format
    report.set("三", f.row("三", "carried_in"), f.column("三", "total"), 5)  # contradicts last year's 0
    this = datafile.save(report, datafile.default_path(tmp_path, report.meta))
    assert datafile.find_agency_file(tmp_path, report.meta.agency, 2020) == last
    assert previous_path(this, report) == last
    [result] = [r for r in check_paths([this])]
    assert any(x.rule == "carryover" for x in result.findings)
