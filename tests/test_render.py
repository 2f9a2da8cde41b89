"""The static HTML of a report: official labels, every number, merged cells, escaping, review marks."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from govkit.findings import Finding
from govkit.render import load_for_render, render_fragment, render_page
from govkit.render.jsonio import findings_to_records, report_to_dict
from govkit.synthetic import synthetic_report
from tests.conftest import EXAMPLE


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def text(cell) -> str:
    return cell.get_text(strip=True)


def table(soup: BeautifulSoup, table_id: str):
    return soup.select_one(f'table[data-table="{table_id}"]')


def cell_by_text(tbl, label: str):
    found = [c for c in tbl.find_all(["th", "td"]) if text(c) == label]
    assert found, f"{label} not in table"
    return found[0]


def span(cell) -> tuple[int, int]:
    return int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))


def grid_widths(tbl) -> list[int]:
    """Occupied grid columns of each row, honouring rowspans from rows above."""
    carry: dict[int, int] = {}
    widths = []
    for tr in tbl.find_all("tr"):
        col, cells = 0, tr.find_all(["th", "td"], recursive=False)
        width = 0
        pending = dict(carry)
        for c in cells:
            while pending.get(col, 0) > 0:
                col += 1
                width += 1
            r, s = span(c)
            for k in range(col, col + s):
                if r > 1:
                    carry[k] = r
            col += s
            width += s
        while pending.get(col, 0) > 0:
            col += 1
            width += 1
        widths.append(width)
        carry = {k: v - 1 for k, v in carry.items() if v - 1 > 0}
    return widths


def assert_official_layout(soup: BeautifulSoup, report) -> None:
    """Every label, every number, the order of sections, and the official merges."""
    fmt = report.format
    assert text(soup.find("h1")) == report.title
    titles = [text(h) for h in soup.select(".govkit-section > h2")]
    assert titles == [s.title for s in fmt.sections]
    for table_id, spec in fmt.tables.items():
        tbl = table(soup, table_id)
        assert tbl is not None
        labels = {text(c) for c in tbl.find_all("th")}
        for part in spec.parts:
            if part.caption:
                assert part.caption in labels
            if part.label_header:
                assert part.label_header in labels
            for row, _ in part.leaf_rows():
                for label in row:
                    assert label in labels, label
            for col, cspec in part.leaf_columns():
                for label in col[:-1]:
                    assert label in labels, label
                assert cspec.printed in labels, cspec.printed
        if spec.corner:
            assert spec.corner in labels
        # Every value, in reading order, right-aligned.
        data_rows = [tr for tr in tbl.find_all("tr") if tr.find("td")]
        rows = report.rows(table_id)
        assert len(data_rows) == len(rows)
        for tr, row in zip(data_rows, rows, strict=True):
            if row:
                assert text(tr.find_all("th")[-1]) == row[-1]
            shown = [text(td) for td in tr.find_all("td")]
            expected = []
            for col, cspec in spec.part_of(row).leaf_columns():
                value = report.cells[table_id][(row, col)]
                expected.append(f"{value:.{cspec.display_decimals}f}" if cspec.display_decimals else str(value))
            assert shown == expected, row
            assert all("govkit-num" in td["class"] for td in tr.find_all("td"))
        widths = grid_widths(tbl)
        assert len(set(widths)) == 1, (table_id, widths)
    t3 = table(soup, "三")
    assert span(cell_by_text(t3, spec_corner(fmt))) == (3, 3)
    assert span(cell_by_text(t3, "申请人情况")) == (1, 7)
    assert span(cell_by_text(t3, "自然人")) == (2, 1)
    assert span(cell_by_text(t3, "法人或其他组织")) == (1, 5)
    assert span(t3.thead.find_all("th", string="总计")[0]) == (2, 1)
    assert span(cell_by_text(t3, "一、本年新收政府信息公开申请数量")) == (1, 3)
    assert span(cell_by_text(t3, "四、结转下年度继续办理")) == (1, 3)
    assert span(cell_by_text(t3, "（三）不予公开")) == (8, 1)
    assert span(cell_by_text(t3, "（四）无法提供")) == (3, 1)
    assert span(cell_by_text(t3, "（五）不予处理")) == (5, 1)
    assert span(cell_by_text(t3, "（一）予以公开")) == (1, 2)
    assert span(cell_by_text(t3, "（七）总计")) == (1, 2)
    t4 = table(soup, "四")
    assert span(cell_by_text(t4, "行政复议")) == (1, 5)
    assert span(cell_by_text(t4, "行政诉讼")) == (1, 10)
    assert span(cell_by_text(t4, "未经复议直接起诉")) == (1, 5)
    assert span(cell_by_text(t4, "复议后起诉")) == (1, 5)
    assert [span(c) for c in t4.thead.find_all("tr")[1].find_all("th")[:5]] == [(2, 1)] * 5
    assert len(t4.tbody.find_all("td")) == 15
    t2 = table(soup, "二")
    width = grid_widths(t2)[0]
    for part in fmt.table("二").parts:
        assert span(cell_by_text(t2, part.caption)) == (1, width)


def spec_corner(fmt) -> str:
    return fmt.table("三").corner


@pytest.fixture(scope="module")
def example():
    report, _previous, findings = load_for_render(EXAMPLE)
    return report, findings, soup_of(render_page(report, findings))


def test_example_page_has_the_official_layout(example):
    report, _, soup = example
    assert report.format.version == "2019"
    assert_official_layout(soup, report)
    t3 = table(soup, "三")
    assert span(cell_by_text(t3, "三、本年度办理结果")) == (20, 1)
    assert span(cell_by_text(t3, "（六）其他处理")) == (1, 2)


def test_example_prose_and_local_subrows(example):
    report, _, soup = example
    preamble = soup.select(".govkit-preamble")
    assert [text(p) for p in preamble] == [report.sections["preamble"]]
    first = soup.select_one('.govkit-section[data-section="一"]')
    assert len(first.find_all("p")) == len(report.sections["一"].splitlines()) == 8
    t2 = table(soup, "二")
    assert span(cell_by_text(t2, "其他对外管理服务事项")) == (2, 1)
    assert span(cell_by_text(t2, "行政检查")) == (1, 1)
    assert span(cell_by_text(t2, "行政许可")) == (1, 2)
    assert cell_by_text(t2, "采购总金额（万元，保留四位小数）")
    amount = t2.find("td", class_="govkit-amount")
    assert text(amount) == "0.0000"


def test_2021_report_layout():
    report = synthetic_report("示例镇二", 2021)
    soup = soup_of(render_page(report))
    assert_official_layout(soup, report)
    t3 = table(soup, "三")
    assert span(cell_by_text(t3, "三、本年度办理结果")) == (22, 1)
    assert span(cell_by_text(t3, "（六）其他处理")) == (3, 1)
    assert "第二十条第（九）项" not in soup.get_text()


def test_amounts_print_their_decimals():
    report = synthetic_report("示例镇三", 2020)
    row = report.format.row("二", "art20_9", "procurement")
    col = report.format.column("二", "procurement_amount", part="art20_9")
    report.set("二", row, col, Decimal("12.5"))
    soup = soup_of(render_fragment(report))
    assert text(table(soup, "二").find("td", class_="govkit-amount")) == "12.5000"


def test_text_is_escaped():
    report = synthetic_report("示例镇<script>alert(1)</script>", 2021)
    report.sections["一"] = "第一行<script>alert('x')</script>\n<b>第二行</b> & 更多"
    html = render_page(report)
    soup = soup_of(html)
    assert soup.find("script") is None and soup.find("b") is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    paragraphs = [text(p) for p in soup.select('.govkit-section[data-section="一"] p')]
    assert paragraphs == ["第一行<script>alert('x')</script>", "<b>第二行</b> & 更多"]


def test_page_is_self_contained_and_print_ready(example):
    report, findings, _ = example
    html = render_page(report, findings)
    assert "http" not in html and "url(" not in html and "<link" not in html and "<script" not in html
    assert re.search(r"@page\s*{\s*size:\s*A4", html)
    assert "thead { display: table-header-group; }" in html
    stack = re.search(r"font-family: ([^;]+);", html).group(1)
    assert stack.split(",")[0].strip() in ('"SimSun"', '"宋体"', '"FangSong"', '"仿宋"')
    assert stack.endswith('"Noto Serif CJK SC", "Noto Sans CJK SC"')
    assert render_page(report, findings) == html


def test_review_mode_lists_and_marks_findings(example):
    report = example[0]
    outcomes = ("三、本年度办理结果", "（三）不予公开")
    findings = [
        Finding(
            "t-cell",
            "error",
            "总计与各项之和不符<x>",
            table="三",
            row=("一、本年新收政府信息公开申请数量",),
            column=("申请人情况", "总计"),
            expected="3",
            actual="4",
        ),
        Finding("t-group", "warning", "不予公开各项有误", table="三", row=outcomes),
        Finding("t-four", "error", "复议总计不符", table="四", row=(), column=("行政复议", "总计")),
        Finding("t-prose", "warning", "正文数字与表格不符", section="一"),
    ]
    publish = soup_of(render_fragment(report, findings, mode="publish"))
    assert publish.select(".govkit-findings") == [] and publish.select("[class*=govkit-flag]") == []
    soup = soup_of(render_fragment(report, findings, mode="review"))
    box = soup.select_one(".govkit-findings")
    assert "2 个错误，2 个警告" in text(box.h2)
    items = [text(li) for li in box.find_all("li")]
    assert len(items) == 4 and "【错误】" in items[0] and "总计与各项之和不符<x>" in items[0]
    assert "应为 3，实为 4" in items[0]
    errors = soup.select("td.govkit-flag-error")
    assert len(errors) == 2
    assert "总计与各项之和不符" in errors[0]["title"]
    t3 = table(soup, "三")
    received = cell_by_text(t3, "一、本年新收政府信息公开申请数量").parent
    assert "govkit-flag-error" in received.find_all("td")[-1]["class"]
    assert "govkit-flag-error" not in received.find_all("td")[0]["class"]
    assert len(t3.select("td.govkit-flag-warning")) == 8 * 7
    assert "govkit-flag-label" in cell_by_text(t3, "（三）不予公开")["class"]
    t4 = table(soup, "四")
    assert "govkit-flag-error" in t4.find_all("td")[4]["class"]


def test_unknown_mode_is_refused(example):
    with pytest.raises(ValueError, match="未知的模式"):
        render_fragment(example[0], mode="draft")


def test_json_records(example):
    report, findings, _ = example
    data = report_to_dict(report)
    assert data["title"] == report.title and data["format"] == "2019"
    rows = {tuple(r["row"]): r for r in data["tables"]["二"]}
    sub = rows[("第二十条第（五）项", "其他对外管理服务事项", "行政确认")]
    assert sub["official_row"] == ["第二十条第（五）项", "其他对外管理服务事项"]
    amount = rows[("第二十条第（九）项", "政府集中采购")]["cells"][1]
    assert amount["value"] == "0.0000" and amount["type"] == "amount"
    f = Finding("r", "error", "消息", table="三", row=("a", "b"), column=("c",))
    assert findings_to_records([f])[0]["row"] == ["a", "b"]
    assert findings_to_records([f])[0]["place"] == "表三 / a / b / c"


@pytest.mark.parametrize("year", [2020, 2021])
def test_table_three_corner_prints_the_official_rule(year):
    # The corner text is a fact of both formats (reference/format.md, table 三), not read from our YAML here.
    soup = soup_of(render_page(synthetic_report("示例镇三", year)))
    corner = table(soup, "三").select_one("th.govkit-corner")
    assert text(corner) == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert span(corner) == (3, 3)


def test_primed_kernel_reuses_what_the_worker_loaded(tmp_path, monkeypatch):
    """The notebook's load_for_render takes the worker's objects: no second load, same result."""
    import shutil

    from govkit import datafile
    from govkit.render import inputs

    path = tmp_path / "2020" / EXAMPLE.name
    path.parent.mkdir()
    shutil.copy(EXAMPLE, path)
    loaded, code = inputs.load_and_prime_code(path)
    payload = code.split("prime(", 1)[1].rstrip(")")
    loads = []
    real = datafile.load
    monkeypatch.setattr(datafile, "load", lambda p, *a, **k: loads.append(p) or real(p, *a, **k))
    inputs.prime(eval(payload))  # noqa: S307 - the literal the kernel would run
    again = load_for_render(str(path.resolve()))
    assert loads == []
    assert again[2] == loaded[2] and render_page(again[0], again[2]) == render_page(loaded[0], loaded[2])
    # A file changed after priming is loaded again, never served stale.
    inputs.prime(eval(payload))  # noqa: S307
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load_for_render(str(path.resolve()))
    assert loads == [str(path.resolve())]
