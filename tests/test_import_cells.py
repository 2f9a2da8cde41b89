"""Issue 14: a number is never put in a cell whose place is not certain; typed text is never lost.

Fixtures of our own making (tests/fixtures/import_cells, built from the govkit-made import fixtures)
each have the expected data file and the expected findings. Every fixture is also scored against
the true data: cells right, wrong (must be none) and flagged (left blank, named by a finding).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govkit import datafile
from govkit.checks import run_checks
from govkit.importers import ImportResult, import_bytes, import_file
from govkit.model import Report

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CELLS = FIXTURES / "import_cells"
TRUTH = {
    "pipes": FIXTURES / "import" / "flattened_pipes_2021.expected.yaml",
    "street": FIXTURES / "import" / "text_2021_street.expected.yaml",
}
# fixture → (true data, cells right, wrong, flagged)
CASES = {
    "row_missing_cell_2021": ("pipes", 196, 0, 4),  # 规章 7 | 26 (废止 lost); 予以公开 lost its 科研机构
    "t4_one_line_2021": ("pipes", 200, 0, 0),  # table 四 as 15 numbers on one line under two header lines
    "stray_number_line_2021": ("pipes", 200, 0, 0),  # a lone "5" between two table-三 rows
    "stray_number_cells_2021": ("street", 200, 0, 0),  # one cell per line: a stray "2" after a row's values
    "shifted_cell_2021": ("street", 199, 0, 1),  # a row's 总计 printed after the next row's label
    "no_unit_2021": ("pipes", 200, 0, 0),  # 本年收费金额 without a unit
    "abc_minus2_2021": ("pipes", 198, 0, 2),  # abc and -2 typed in table 二
}


def score(got: Report, want: Report) -> tuple[int, int, int, list]:
    right = wrong = 0
    flagged = []
    for table in ("二", "三", "四"):
        for key, value in want.cells[table].items():
            mine = got.cells[table].get(key)
            if mine is None:
                flagged.append((table, key))
            elif mine == value:
                right += 1
            else:
                wrong += 1
    return right, wrong, len(flagged), flagged


def named(result: ImportResult, table: str, row: tuple, column: tuple) -> bool:
    """Whether some finding names the cell's row (or, for table 四's one row, the table)."""
    return any(f.table == table and (f.row == row or (not row and not f.row)) for f in result.findings)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_gives_its_expected_data_file_and_findings(name: str) -> None:
    result = import_file(CELLS / f"{name}.txt")
    assert datafile.dumps(result.report) == (CELLS / f"{name}.expected.yaml").read_text(encoding="utf-8")
    want = json.loads((CELLS / f"{name}.findings.json").read_text(encoding="utf-8"))
    got = [{"rule": f.rule, "place": f.place, "line": f.line, "message": f.message} for f in result.findings]
    assert got == want


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_cells_are_right_or_flagged_never_wrong(name: str) -> None:
    truth, right, wrong, flagged = CASES[name]
    result = import_file(CELLS / f"{name}.txt")
    r, w, f, blanks = score(result.report, datafile.load(TRUTH[truth]))
    assert (r, w, f) == (right, wrong, flagged)
    for table, (row, column) in blanks:
        assert named(result, table, row, column), (table, row, column)
    assert all(f.line for f in result.findings if f.table and f.rule != "import-missing-table")


def test_row_missing_its_middle_cell_is_not_filled_from_the_left() -> None:
    result = import_file(CELLS / "row_missing_cell_2021.txt")
    row = ("第二十条第（一）项", "规章")
    cells = [result.report.cells["二"][(row, (c,))] for c in ("本年制发件数", "本年废止件数", "现行有效件数")]
    assert cells == [None, None, None]
    (x,) = [f for f in result.findings if f.row == row]
    assert x.rule == "import-missing-cell" and "（7 26）" in x.message and x.line == 10


def test_placed_by_the_column_sums() -> None:
    result = import_file(CELLS / "row_missing_cell_2021.txt")
    f = result.report.format
    row = f.row("三", "outcomes", "disclosed")
    values = [result.report.cells["三"][(row, c)] for c, _ in f.table("三").parts[0].leaf_columns()]
    assert values == [0, 26, None, 1, 0, 1, 46]
    (x,) = [x for x in result.findings if x.row == row]
    assert x.column == f.column("三", "research") and "留空的栏目：科研机构" in x.message


def test_stray_number_is_reported_never_adopted() -> None:
    result = import_file(CELLS / "stray_number_line_2021.txt")
    (x,) = result.findings
    assert (x.rule, x.table, x.actual, x.line) == ("import-stray-value", "三", "5", 28)
    cells = import_file(CELLS / "stray_number_cells_2021.txt")
    (extra,) = [x for x in cells.findings if x.rule == "import-extra-cells"]
    assert "「2」不属于本行，未导入" in extra.message and extra.row[-1] == "8.属于行政查询事项"


def test_amount_without_a_unit_is_kept_as_written_and_flagged() -> None:
    result = import_file(CELLS / "no_unit_2021.txt")
    f = result.report.format
    cell = (f.row("二", "art20_8", "fees"), f.column("二", "fee_amount", part="art20_8"))
    assert str(result.report.cells["二"][cell]) == "10.4323"
    (x,) = result.findings
    assert x.rule == "import-amount-unit-unknown" and (x.row, x.column) == cell and "金额单位不明" in x.message
    assert x.severity == "warning" and x.line == 21


def test_amount_under_a_header_in_yuan_is_converted_with_a_note() -> None:
    text = (FIXTURES / "import" / "flattened_pipes_2021.txt").read_text(encoding="utf-8")
    text = text.replace("本年收费金额（单位：万元）", "本年收费金额（单位：元）").replace(
        "收费 | 10.4323", "收费 | 104323"
    )
    result = import_bytes(text.encode("utf-8"), "元.txt")
    f = result.report.format
    cell = (f.row("二", "art20_8", "fees"), f.column("二", "fee_amount", part="art20_8"))
    assert str(result.report.cells["二"][cell]) == "10.4323"
    (x,) = [x for x in result.findings if x.rule == "import-unit-converted"]
    assert x.message == "「104323」（表头单位为元）按 10.4323 万元导入" and x.line == 21
    assert "import-amount-unit-unknown" not in {x.rule for x in result.findings}


def test_unreadable_text_is_kept_in_the_data_file_and_named_by_the_check(tmp_path: Path) -> None:
    result = import_file(CELLS / "abc_minus2_2021.txt")
    row = ("第二十条第（一）项", "规章")
    assert result.report.raw["二"] == {(row, ("本年制发件数",)): "abc", (row, ("本年废止件数",)): "-2"}
    text = datafile.dumps(result.report)
    assert "规章: {本年制发件数: {raw: 'abc'}, 本年废止件数: {raw: '-2'}, 现行有效件数: 26}" in text
    path = datafile.save(result.report, tmp_path / "x.yaml")
    loaded = datafile.load(path)
    assert loaded.raw == result.report.raw
    assert datafile.dumps(loaded) == text  # load → save keeps every byte
    found = run_checks(loaded)
    assert not [x for x in found if x.rule == "cell-blank"]
    bad = {(x.row, x.column): x.message for x in found if x.rule == "cell-unreadable"}
    assert "「abc」不是数字" in bad[(row, ("本年制发件数",))]
    assert "「-2」" in bad[(row, ("本年废止件数",))]


def test_a_typed_value_replaces_the_raw_text() -> None:
    result = import_file(CELLS / "abc_minus2_2021.txt")
    report = result.report
    row = ("第二十条第（一）项", "规章")
    report.set("二", row, ("本年制发件数",), 7)
    assert (row, ("本年制发件数",)) not in report.raw["二"]
    assert "{raw: 'abc'}" not in datafile.dumps(report)


@pytest.mark.parametrize(
    "cell",
    ["{raw: ''}", "{raw: 12}", "{raw: 'a', other: 1}", "{rwa: 'a'}"],
)
def test_bad_raw_cells_are_refused_with_the_place(cell: str) -> None:
    text = (CELLS / "abc_minus2_2021.expected.yaml").read_text(encoding="utf-8")
    text = text.replace("本年制发件数: {raw: 'abc'}", f"本年制发件数: {cell}")
    with pytest.raises(datafile.DataFileError) as info:
        datafile.loads(text)
    assert "规章" in str(info.value) or "本年制发件数" in str(info.value)


def test_cli_names_the_source_line(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from govkit.cli.import_ import command

    app = typer.Typer()
    app.command("import")(command)
    app.command("unused")(lambda: None)  # two commands: typer keeps the sub-command name
    done = CliRunner().invoke(app, ["import", str(CELLS / "row_missing_cell_2021.txt"), "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert (
        "import-missing-cell 表二 / 第二十条第（一）项 / 规章（原文第 10 行）：行「规章」有 2 个数值（7 26）"
        in done.output
    )


def test_strict_refuses_an_amount_of_unknown_unit() -> None:
    result = import_file(CELLS / "no_unit_2021.txt")
    assert [f.rule for f in result.incomplete] == ["import-amount-unit-unknown"]
