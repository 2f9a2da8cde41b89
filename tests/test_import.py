"""Importing published reports: the seed, fixtures in every input shape, and hostile input."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from govkit import datafile
from govkit.errors import ImportFailed
from govkit.importers import import_bytes, import_file
from govkit.model import PREAMBLE, Report

FIXTURES = Path(__file__).resolve().parent / "fixtures"
IMPORT = FIXTURES / "import"
SEED = FIXTURES / "seed_mujiayu_2020.txt"


def assert_same_tables(got: Report, want: Report) -> None:
    assert got.format.version == want.format.version
    assert got.subrows == want.subrows
    for table in ("二", "三", "四"):
        diff = {k: (got.cells[table].get(k), v) for k, v in want.cells[table].items() if got.cells[table].get(k) != v}
        assert not diff, f"表{table}: {diff}"
        assert set(got.cells[table]) == set(want.cells[table])


def assert_same_meta(got: Report, want: Report, published: bool = True) -> None:
    fields = ("agency", "year", "level", "short_name", "district") + (("published",) if published else ())
    assert {f: getattr(got.meta, f) for f in fields} == {f: getattr(want.meta, f) for f in fields}


def rules(result) -> list[str]:
    return [f.rule for f in result.findings]


def test_seed_gives_the_bundled_example(example_report: Report) -> None:
    result = import_file(SEED)
    assert_same_meta(result.report, example_report)
    assert_same_tables(result.report, example_report)
    for key in (PREAMBLE, "一", "五", "六"):
        assert result.report.sections[key] == example_report.sections[key]
    assert result.incomplete == []
    # the seed's table 二 splits 其他对外管理服务事项 into local sub-rows
    assert result.report.subrows["二"] == {("第二十条第（五）项", "其他对外管理服务事项"): ["行政检查", "行政确认"]}


def test_seed_imports_to_the_same_data_file_bytes(tmp_path: Path, example_path: Path) -> None:
    result = import_file(SEED)
    target = datafile.save(result.report, datafile.default_path(tmp_path, result.report.meta))
    assert target == tmp_path / "2020" / "北京市密云区穆家峪镇.yaml"
    assert target.read_text(encoding="utf-8") == example_path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name",
    [
        "text_2021_street.txt",  # seed shape, 2021 format: full-width digits, 1,234, 总 计, 结/果/维/持, variant headings
        "flattened_pipes_2021.txt",  # every row on one line, cells separated by |
        "gbk_tabs_2020_bureau.txt",  # GBK-encoded, CRLF, rows flattened with tabs
        "html_merged_cells_2019.html",  # rowspan/colspan not lining up with headers, 251000元, "/", page chrome
    ],
)
def test_fixture_imports_exactly(name: str) -> None:
    result = import_file(IMPORT / name)
    want = datafile.load(IMPORT / name.replace(".txt", ".expected.yaml").replace(".html", ".expected.yaml"))
    assert_same_meta(result.report, want)
    assert_same_tables(result.report, want)
    for key in (PREAMBLE, "一", "五", "六"):
        assert result.report.sections[key] == want.sections[key], key
    assert "import-missing-section" not in rules(result)


def test_text_2021_reads_variants_without_findings() -> None:
    result = import_file(IMPORT / "text_2021_street.txt")
    assert result.report.format.version == "2021"
    # the only variant evaluators object to is the altered header (擅自修改表头)
    assert [(f.rule, f.actual) for f in result.findings] == [("import-header-variant", "现行有效件数 (历史累计)")]
    row = ("第二十条第（一）项", "行政规范性文件")
    assert result.report.cells["二"][(row, ("现行有效件数",))] == 1234


def test_html_reports_every_blank_and_converted_cell() -> None:
    result = import_file(IMPORT / "html_merged_cells_2019.html")
    report = result.report
    assert result.kind == "网页"
    amount = (
        report.format.row("二", "art20_9", "procurement"),
        report.format.column("二", "procurement_amount", part="art20_9"),
    )
    assert report.cells["二"][amount] == Decimal("25.1000")  # 251000元 in 万元, with the format's 4 decimals
    assert str(report.cells["二"][amount]) == "25.1000"
    converted = [f for f in result.findings if f.rule == "import-unit-converted"]
    assert len(converted) == 1 and "251000元" in converted[0].message and converted[0].row == amount[0]
    total = report.format.column("三", "total")
    blanks = {f.row[-1] for f in result.incomplete if f.table == "三" and f.column == total}
    assert blanks == {"（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"}
    assert report.meta.published.isoformat() == "2020-01-31"
    assert "ICP" not in "".join(report.sections.values())
    assert "相关链接" not in report.sections["六"]


def test_cut_off_report_lists_what_is_missing(example_report: Report) -> None:
    result = import_file(IMPORT / "cutoff_after_table3_2020.txt")
    report = result.report
    for table in ("二", "三"):
        assert report.cells[table] == example_report.cells[table]
    assert all(v is None for v in report.cells["四"].values())
    missing = {(f.rule, f.table or f.section) for f in result.findings}
    assert ("import-missing-table", "四") in missing
    assert {("import-missing-section", s) for s in ("四", "五", "六")} <= missing
    assert report.sections["一"] == example_report.sections["一"]


def test_rows_cut_off_and_unreadable_cells_are_listed() -> None:
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("\t规范性文件\n\t10\n\t2\n\t21\n", "\t规范性文件\n\t10\n\t—\n")
    text = text.replace("\t（六）其他处理\n", "\t（六）其他\n")  # a label that is not in the format
    text = text.replace("\t规章\n\t0\n\t0\n\t0\n", "\t规章\n\t0\n\t—\n\t0\n")
    result = import_bytes(text.encode("utf-8"), "变形.txt")
    report = result.report
    row = ("第二十条第（一）项", "规范性文件")
    # two values for three columns: which column lost its value is not certain, so none is filled
    assert [report.cells["二"][(row, (c,))] for c in ("本年新制作数量", "本年新公开数量", "对外公开总数量")] == [
        None
    ] * 3
    [cut] = [f for f in result.findings if f.rule == "import-missing-cell" and f.row == row]
    assert "10 —" in cut.message and "留空" in cut.message
    rules_row = ("第二十条第（一）项", "规章")
    assert report.cells["二"][(rules_row, ("本年新公开数量",))] is None
    assert report.raw["二"][(rules_row, ("本年新公开数量",))] == "—"  # the text typed is kept
    found = {(f.rule, f.row) for f in result.findings}
    assert ("import-unreadable-cell", rules_row) in found
    # "（六）其他" is not the official label: its numbers are refused and named, never guessed into 其他处理.
    other = ("三、本年度办理结果", "（六）其他处理")
    assert ("import-missing-row", other) in found and ("import-label-variant", other) not in found
    assert all(v is None for (r, _), v in report.cells["三"].items() if r == other)
    assert any("「（六）其他」" in f.message and "未导入" in f.message for f in result.findings)


def test_unreadable_cell_in_a_flattened_row() -> None:
    text = (IMPORT / "flattened_pipes_2021.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith("行政处罚 |"))
    lines[n] = "行政处罚 | 不详"
    result = import_bytes("\n".join(lines).encode("utf-8"), "不详.txt")
    row = ("第二十条第（六）项", "行政处罚")
    assert result.report.cells["二"][(row, ("本年处理决定数量",))] is None
    bad = [f for f in result.findings if f.rule == "import-unreadable-cell"]
    assert [(f.row, f.actual) for f in bad] == [(row, "不详")]


def test_wrong_format_for_the_year_is_kept_and_reported() -> None:
    text = SEED.read_text(encoding="utf-8").replace("2020年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告")
    result = import_bytes(text.encode("utf-8"), "旧格式.txt")
    assert result.report.meta.year == 2022
    assert result.report.format.version == "2019"
    assert "import-old-format" in rules(result)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\n  ",
        bytes(random.Random(1).randrange(256) for _ in range(5000)),
        bytes(random.Random(2).randrange(256) for _ in range(300)),
        b"PK\x03\x04" + bytes(random.Random(3).randrange(256) for _ in range(400)),
        b"\xd0\xcf\x11\xe0 old word",
        b"%PDF-1.4 ...",
        "这是一段与年度报告无关的中文文字。".encode(),
        "<html><body><p>欢迎访问</p></body></html>".encode(),
        b"\x00\x01\x02 binary",
    ],
)
def test_unreadable_input_is_one_clean_error(data: bytes) -> None:
    with pytest.raises(ImportFailed) as info:
        import_bytes(data, "坏文件")
    assert "\n" not in str(info.value) and "坏文件" in str(info.value)


def test_truncated_inputs_never_crash() -> None:
    sources = [SEED, *sorted(IMPORT.glob("*.txt")), *sorted(IMPORT.glob("*.html"))]
    for source in sources:
        data = source.read_bytes()
        for cut in range(0, len(data), max(1, len(data) // 20)):
            try:
                result = import_bytes(data[:cut], source.name)
            except ImportFailed:
                continue
            assert result.report.meta.agency
            datafile.loads(datafile.dumps(result.report))  # whatever was imported is a valid data file


def test_shuffled_lines_never_crash() -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    rng = random.Random(7)
    for _ in range(30):
        sample = lines[:]
        rng.shuffle(sample)
        try:
            result = import_bytes("\n".join(sample).encode("utf-8"), "乱序.txt")
        except ImportFailed:
            continue
        datafile.loads(datafile.dumps(result.report))
