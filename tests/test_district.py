"""The district overview's computations, the demo data set and the chart font (fast tests)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from govkit import charts, datafile
from govkit.checks import run_checks
from govkit.district import DistrictError, DistrictView, load_district
from govkit.formats import format_for_year
from govkit.model import Report
from govkit.synthetic import SYNTHETIC_MARK, synthetic_report

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "examples" / "synthetic"
EXAMPLE = ROOT / "params" / "2020" / "北京市密云区穆家峪镇.yaml"


def load_demo_script():
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = module
    spec.loader.exec_module(module)
    return module


def expected_sums(reports: list[Report], year: int) -> dict[tuple[str, tuple, tuple], object]:
    """Roll-up sums computed straight from the data, by label path, independently of govkit.district.

    Reports in the other format add in only where the meaning is the same: identical labels in
    tables 三 and 四, and table 二's decision counts (labelled 处理决定数量 in 2019, 本年处理决定数量 in 2021).
    """
    fmt = format_for_year(year)
    same_in_2019 = {
        ("第二十条第（五）项", "行政许可"),
        ("第二十条第（六）项", "行政处罚"),
        ("第二十条第（六）项", "行政强制"),
    }
    sums: dict = {}
    for table_id in ("二", "三", "四"):
        for part in fmt.table(table_id).parts:
            for row, _ in part.leaf_rows():
                for col, spec in part.leaf_columns():
                    if spec.type == "signed":
                        sums[(table_id, row, col)] = None
                        continue
                    total = Decimal(0) if spec.type == "amount" else 0
                    for r in reports:
                        if r.format.version == fmt.version:
                            value = r.get(table_id, row, col)
                        elif table_id in ("三", "四"):
                            value = r.cells[table_id].get((row, col))
                        elif row in same_in_2019 and col == ("本年处理决定数量",):
                            value = r.get(table_id, row, ("处理决定数量",))
                        else:
                            value = None
                        total += value or 0
                    sums[(table_id, row, col)] = total
    return sums


def printed(value) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def parse_rollup(html: str, year: int) -> dict[tuple[str, tuple, tuple], str]:
    """Read the roll-up tables back: value rows in reading order, value cells in column order."""
    soup = BeautifulSoup(html, "lxml")
    fmt = format_for_year(year)
    out = {}
    for table_id in ("二", "三", "四"):
        table = soup.select_one(f'table[data-rollup][data-table="{table_id}"]')
        assert table is not None, table_id
        value_rows = [tr.find_all("td") for tr in table.find_all("tr") if tr.find_all("td")]
        expected_rows = [(part, row) for part in fmt.table(table_id).parts for row, _ in part.leaf_rows()]
        assert len(value_rows) == len(expected_rows), table_id
        for tds, (part, row) in zip(value_rows, expected_rows, strict=True):
            cols = [col for col, _ in part.leaf_columns()]
            assert len(tds) == len(cols)
            for td, col in zip(tds, cols, strict=True):
                out[(table_id, row, col)] = td.get_text(strip=True)
    return out


def check_rollup_page(html: str, year: int, reports: list[Report]) -> None:
    fmt = format_for_year(year)
    shown = parse_rollup(html, year)
    for key, value in expected_sums(reports, year).items():
        spec = dict(fmt.table(key[0]).part_of(key[1]).leaf_columns())[key[2]]
        want = printed(value)
        if isinstance(value, Decimal) and spec.display_decimals is not None:
            want = f"{value:.{spec.display_decimals}f}"
        assert shown[key] == want, key


@pytest.fixture(scope="module")
def view_2022() -> DistrictView:
    return DistrictView.load([ROOT / "params", SYNTHETIC])


def test_rollup_2020_includes_the_real_example():
    view = DistrictView.load([ROOT / "params", SYNTHETIC], year=2020)
    reports = [datafile.load(p) for p in sorted((SYNTHETIC / "2020").glob("*.yaml"))] + [datafile.load(EXAMPLE)]
    assert "北京市密云区穆家峪镇" in view.rollup.agencies and len(view.rollup.agencies) == 9
    check_rollup_page(view.rollup_html(), 2020, reports)
    assert view.rollup.left_out == []


def test_rollup_2022_maps_the_old_format_by_ids(view_2022):
    reports = [datafile.load(p) for p in sorted((SYNTHETIC / "2022").glob("*.yaml"))]
    check_rollup_page(view_2022.rollup_html(), 2022, reports)
    assert view_2022.rollup.other_format == ["示例镇三"]
    left = {(x.agency, x.table, x.row) for x in view_2022.rollup.left_out}
    assert ("示例镇三", "三", "三、本年度办理结果 / （六）其他处理") in left
    assert ("示例镇三", "二", "第二十条第（九）项 / 政府集中采购") in left
    assert all(x.agency == "示例镇三" for x in view_2022.rollup.left_out)
    assert not any(x.table == "四" for x in view_2022.rollup.left_out)


def test_rollup_lists_blank_cells_and_sums_split_rows():
    a, b = synthetic_report("示例镇一", 2022), synthetic_report("示例镇二", 2022)
    fmt = a.format
    received, natural = fmt.row("三", "received"), fmt.column("三", "natural")
    b.set("三", received, natural, None)
    penalty, decisions = fmt.row("二", "art20_6", "penalty"), fmt.column("二", "decisions", part="art20_6")
    a.split_row("二", penalty, ["罚款", "警告"])
    a.set("二", (*penalty, "罚款"), decisions, 3)
    a.set("二", (*penalty, "警告"), decisions, 4)
    from govkit.district import rollup

    r = rollup([a, b], 2022, "示例区")
    assert r.report.get("三", received, natural) == a.get("三", received, natural)
    assert r.report.get("二", penalty, decisions) == 7 + b.get("二", penalty, decisions)
    assert [(x.agency, x.reason) for x in r.left_out] == [("示例镇二", "空白单元格")]


def test_status_matrix_matches_run_checks(view_2022):
    soup = BeautifulSoup(view_2022.status_html(), "lxml")
    rows = soup.select("table.gk-status tr[data-agency]")
    assert len(rows) == 8
    for report in view_2022.district.current:
        previous_file = SYNTHETIC / "2021" / f"{report.meta.agency}.yaml"
        previous = datafile.load(previous_file) if previous_file.exists() else None
        findings = run_checks(datafile.load(report.source), previous)
        row = soup.select_one(f'table.gk-status tr[data-agency="{report.meta.agency}"]')
        for td in row.select("td[data-rule]"):
            rule = td["data-rule"]
            mine = findings if rule == "*" else [f for f in findings if f.rule == rule]
            assert int(td["data-errors"]) == sum(f.severity == "error" for f in mine), (report.meta.agency, rule)
            assert int(td["data-warnings"]) == sum(f.severity == "warning" for f in mine), (report.meta.agency, rule)


def test_planted_problems_are_found(view_2022):
    assert ("示例局二", "无法提供") in {(o.agency, o.outcome) for o in view_2022.outliers}
    status = {c.agency: c.status for c in view_2022.carry_over}
    assert status["示例街道一"] == "不一致"
    assert sum(s == "一致" for s in status.values()) == 7
    html = view_2022.comparison_html()
    cell = BeautifulSoup(html, "lxml").select_one('tr[data-agency="示例局二"] td[data-metric="无法提供"]')
    assert "gk-outlier" in cell["class"]


def test_outlier_rule_ignores_small_agencies_and_spread():
    from govkit.district.compare import comparison, outliers

    reports = [synthetic_report(f"示例镇{i}", 2022, seed=3) for i in range(6)]
    base = {o.agency for o in outliers(comparison(reports))}
    small = synthetic_report("示例镇小", 2022, seed=3)
    fmt = small.format
    for row in small.rows("三"):
        for col in small.columns("三", row):
            small.set("三", row, col, 0)
    not_held = fmt.row("三", "outcomes", "unavailable", "not_held")
    for row in (fmt.row("三", "received"), not_held, fmt.row("三", "outcomes", "total")):
        small.set("三", row, fmt.column("三", "natural"), 3)
        small.set("三", row, fmt.column("三", "total"), 3)
    found = {o.agency for o in outliers(comparison([*reports, small]))}
    assert "示例镇小" not in found  # 100% 无法提供, but only 3 applications
    assert found == base


def test_trends_cross_the_format_change(view_2022):
    t = view_2022.trends
    assert list(t.columns) == [2020, 2021, 2022]
    by_year = {y: [datafile.load(p) for p in (SYNTHETIC / str(y)).glob("*.yaml")] for y in (2020, 2021, 2022)}
    by_year[2020].append(datafile.load(EXAMPLE))
    for year, reports in by_year.items():
        received = sum(r.get("三", ("一、本年新收政府信息公开申请数量",), ("申请人情况", "总计")) for r in reports)
        assert t.at["本年新收申请", year] == received
        other = 0
        for r in reports:
            rows = [row for row in r.rows("三") if row[:2] == ("三、本年度办理结果", "（六）其他处理")]
            other += sum(r.get("三", row, ("申请人情况", "总计")) for row in rows)
        assert t.at["其他处理", year] == other
        review = sum(r.get("四", (), ("行政复议", "总计")) for r in reports)
        assert t.at["行政复议", year] == review


def test_load_district_errors(tmp_path):
    with pytest.raises(DistrictError, match="没有可读取的数据文件"):
        load_district([tmp_path])
    (tmp_path / "2020").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "2020" / "a.yaml")
    shutil.copy(EXAMPLE, tmp_path / "2020" / "b.yaml")
    with pytest.raises(DistrictError, match="同一机关同一年度只能有一个文件"):
        load_district([tmp_path])
    (tmp_path / "2020" / "b.yaml").write_text("meta: [", encoding="utf-8")
    district = load_district([tmp_path])
    assert len(district.errors) == 1 and "b.yaml" in str(district.errors[0])
    assert "b.yaml" in DistrictView(district).header_html()
    with pytest.raises(DistrictError, match="没有 2019 年度的数据文件"):
        load_district([tmp_path], year=2019)


def test_demo_is_deterministic_and_committed_files_are_current(tmp_path):
    demo = load_demo_script()
    assert demo.main(["--seed", "1", "--out", str(tmp_path / "a")]) == 0
    generated = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert len(generated) == 24
    for rel in generated:
        assert (tmp_path / "a" / rel).read_bytes() == (SYNTHETIC / rel).read_bytes(), rel
    other = [datafile.dumps(r) for r in demo.build(2)]
    assert other != [(tmp_path / "a" / rel).read_text(encoding="utf-8") for rel in generated]
    for rel in generated:
        report = datafile.load(tmp_path / "a" / rel)
        assert report.meta.agency.startswith("示例") and SYNTHETIC_MARK in report.sections["一"]
    assert "合成" in (SYNTHETIC / "README.md").read_text(encoding="utf-8")


def test_chart_font_is_noto_cjk():
    path = charts.check_cjk_font("政府信息公开申请 予以公开 无法提供 不予处理")
    assert "NotoSansCJK" in Path(path).name or "NotoSerifCJK" in Path(path).name
    with pytest.raises(charts.FontMissing, match="缺少字形"):
        charts.check_cjk_font("\U0001f600")


def test_chart_font_survives_a_stale_cache(monkeypatch):
    from matplotlib import font_manager

    stale = [f for f in font_manager.fontManager.ttflist if not charts._cjk_file(f.fname)]  # no CJK font known
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    font_manager.fontManager._findfont_cached.cache_clear()
    monkeypatch.setattr(charts, "_ready", False)
    assert charts.cjk_font_path() is None
    assert "CJK" in Path(charts.setup_fonts()).name
    font_manager.fontManager._findfont_cached.cache_clear()


def test_agencies_in_the_district_order_grouped_by_level(view_2022):
    """Levels as in the index (部门, 街道, 乡镇), Chinese numerals by value within a level."""
    names = [r.meta.agency for r in view_2022.district.current]
    assert names == ["示例局一", "示例局二", "示例局三", "示例街道一", "示例街道二", "示例镇一", "示例镇二", "示例镇三"]
    rows = BeautifulSoup(view_2022.status_html(), "lxml").select("table.gk-status tr[data-agency]")
    assert [tr["data-agency"] for tr in rows] == names


def test_order_file_of_the_params_folder_comes_first(tmp_path):
    for name in ("示例局一", "示例局二", "示例局三"):
        (tmp_path / "2022").mkdir(exist_ok=True)
        shutil.copy(SYNTHETIC / "2022" / f"{name}.yaml", tmp_path / "2022" / f"{name}.yaml")
    (tmp_path / "order.txt").write_text("示例局三\n", encoding="utf-8")
    names = [r.meta.agency for r in load_district([tmp_path]).current]
    assert names == ["示例局三", "示例局一", "示例局二"]


def test_status_matrix_headed_by_chinese_titles_with_ids_in_tooltips(view_2022):
    from govkit.checks import registry

    heads = BeautifulSoup(view_2022.status_html(), "lxml").select("table.gk-status thead th[data-rule]")
    assert [th["data-rule"] for th in heads] == [r.id for r in registry]
    for th, rule in zip(heads, registry, strict=True):
        assert th.get_text() == rule.title and re.fullmatch(r"[\u4e00-\u9fff（）/、]+", rule.title), rule.id
        assert th["title"].startswith(f"{rule.id}：")


def test_agencies_link_to_their_reports_or_say_why_not():
    view = DistrictView.load(
        [SYNTHETIC],
        links={
            "示例局一": {"href": "2022/%E7%A4%BA%E4%BE%8B%E5%B1%80%E4%B8%80.html", "status": "通过"},
            "示例镇三": {"href": None, "status": "生成失败"},
        },
    )
    for html in (view.status_html(), view.comparison_html(), view.trends_html()):
        soup = BeautifulSoup(html, "lxml")
        first = soup.select_one('tr[data-agency="示例局一"] th.gk-agency')
        assert [a["href"] for a in first.select("a")] == ["2022/%E7%A4%BA%E4%BE%8B%E5%B1%80%E4%B8%80.html"]
        held = soup.select_one('tr[data-agency="示例镇三"] th.gk-agency')
        assert held.select("a") == [] and held.get_text() == "示例镇三（生成失败）"
        other = soup.select_one('tr[data-agency="示例局二"] th.gk-agency')
        assert other.select("a") == [] and other.get_text() == "示例局二"


def test_district_links_from_batch_results():
    from govkit.batch.index import district_links
    from govkit.batch.models import Result

    results = [
        Result("p/2022/a.yaml", agency="示例局一", year=2022, html="2022/示例局一.html"),
        Result("p/2022/b.yaml", agency="示例局二", year=2022, html="2022/示例局二.html", errors=1),
        Result("p/2022/c.yaml", status="failed", agency="示例局三", year=2022),
        Result("p/2022/d.yaml", agency="示例镇一", year=2022, html="2022/示例镇一.html"),
        Result("p/2021/a.yaml", agency="示例局一", year=2021, html="2021/示例局一.html"),
    ]
    links = district_links(results, statuses={"p/2022/d.yaml": "pending"})
    assert links[2022] == {
        "示例局一": {"href": "2022/%E7%A4%BA%E4%BE%8B%E5%B1%80%E4%B8%80.html", "status": "通过"},
        "示例局二": {"href": "2022/%E7%A4%BA%E4%BE%8B%E5%B1%80%E4%BA%8C.html", "status": "有错误"},
        "示例局三": {"href": None, "status": "生成失败"},
        "示例镇一": {"href": None, "status": "待审核"},
    }
    assert links[2021]["示例局一"]["href"] == "2021/%E7%A4%BA%E4%BE%8B%E5%B1%80%E4%B8%80.html"


def test_headings_are_numbered_once(view_2022):
    """The page's own parts are not numbered; the only numerals are the official table titles' (二、三、四、)."""
    soup = BeautifulSoup(view_2022.html(), "lxml")
    numeral = re.compile(r"^[一二三四五六七八九十]+、")
    assert [h.get_text() for h in soup.select("h2")] == ["检查情况", "全区汇总", "各机关比较", "历年变化与跨年度衔接"]
    numbered = [h.get_text() for h in soup.select("h2, h3") if numeral.match(h.get_text())]
    assert [numeral.match(t).group(0) for t in numbered] == ["二、", "三、", "四、"]
    assert all(not numeral.match(numeral.sub("", t, count=1)) for t in numbered)
