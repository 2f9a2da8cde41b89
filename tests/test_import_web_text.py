"""Text copied from real report pages, where tables arrive flattened with "|" (excerpts, cut off)."""

from pathlib import Path

from govkit.importers import import_file

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_one_cell_per_line_ending_in_pipe():
    # 汉阳区政府办 2022: each cell on its own line ending in " |", a lone "|" for a blank cell or a new row;
    # the published 规章 row really has a blank 现行有效件数 (and the header says "现行有效件数 (历史累计)").
    result = import_file(FIXTURES / "pipe_cell_per_line_cut_2022.txt")
    r = result.report
    f = r.format
    assert f.version == "2021" and r.meta.year == 2022
    block = "第二十条第（一）项"
    assert [
        r.get("二", (block, "行政规范性文件"), c) for c in (("本年制发件数",), ("本年废止件数",), ("现行有效件数",))
    ] == [5, 12, 8]
    assert r.get("二", (block, "规章"), ("本年制发件数",)) == 0
    assert r.get("二", (block, "规章"), ("现行有效件数",)) is None
    assert any(x.rule == "import-missing-cell" and x.row == (block, "规章") for x in result.findings)
    received = [r.get("三", f.row("三", "received"), c) for c, _ in f.table("三").parts[0].leaf_columns()]
    assert received == [8, 0, 0, 0, 0, 0, 8]
    assert r.get("三", f.row("三", "carried_in"), f.column("三", "total")) == 0
    assert r.get("三", f.row("三", "outcomes", "disclosed"), f.column("三", "total")) is None  # cut off here
    assert "import-missing-table" in {x.rule for x in result.findings}  # table 四 never came
    assert "共收到8份政府信息公开申请" in r.sections["三"]


def test_rows_flattened_with_pipes():
    # 杨凌示范区审计局 2022: one table row per line, cells separated by " | ", cut off inside table 三.
    result = import_file(FIXTURES / "pipe_rows_cut_2022.txt")
    r = result.report
    assert r.format.version == "2021" and r.meta.year == 2022
    assert r.get("二", ("第二十条第（一）项", "行政规范性文件"), ("现行有效件数",)) == 0
    assert r.get("二", ("第二十条第（八）项", "行政事业性收费"), ("本年收费金额（单位：万元）",)) == 0
    assert r.get("三", r.format.row("三", "received"), r.format.column("三", "total")) is None
    missing = {x.rule for x in result.findings}
    assert {"import-missing-table", "import-missing-section"} <= missing
