"""The batch index: agencies by level and natural order (or the district's own order), problems named, links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from govkit.batch.index import write_index
from govkit.batch.models import Options, Result
from govkit.errors import GovkitError
from govkit.ordering import agency_key, chinese_number, natural_key, read_order


def result(params: Path, agency: str, year: int, level: str, **kw) -> Result:
    data_file = params / str(year) / f"{agency}.yaml"
    stem = f"{year}/{agency}"
    fields = {"html": f"{stem}.html", "pdf": f"{stem}.pdf", "json": f"{stem}.json", **kw}
    return Result(data_file=str(data_file), agency=agency, year=year, level=level, title=f"{agency}{year}", **fields)


def names_by_year(soup: BeautifulSoup) -> dict[str, list[str]]:
    return {
        section["data-year"]: [
            th.get_text(strip=True) for th in section.select("tr.govkit-report-row th.govkit-agency")
        ]
        for section in soup.select("section.govkit-year")
    }


def levels_by_year(soup: BeautifulSoup) -> dict[str, list[str]]:
    return {
        section["data-year"]: [tbody["data-level"] for tbody in section.select("tbody")]
        for section in soup.select("section.govkit-year")
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十三", 23),
        ("一百零五", 105),
        ("二〇二一", 2021),
        ("两", 2),
    ],
)
def test_chinese_numerals_have_their_value(text, value):
    assert chinese_number(text) == value


def test_natural_order():
    names = ["示例局三", "示例局十一", "示例局一", "示例局二", "示例局10", "示例局2"]
    assert sorted(names, key=natural_key) == ["示例局一", "示例局2", "示例局二", "示例局三", "示例局10", "示例局十一"]
    assert sorted(["示例局三", "示例局一", "示例局二"]) == ["示例局一", "示例局三", "示例局二"]  # code points: wrong
    assert agency_key("示例镇一", "乡镇", []) > agency_key("示例街道二", "街道", [])
    assert agency_key("示例局九", "部门", ["示例局九"]) < agency_key("示例局一", "部门", ["示例局九"])


def test_index_orders_by_level_then_natural_order(tmp_path):
    params = tmp_path / "params"
    results = [
        result(params, name, 2022, level)
        for name, level in [
            ("示例镇二", "乡镇"),
            ("示例局三", "部门"),
            ("示例街道一", "街道"),
            ("示例局一", "部门"),
            ("示例镇一", "乡镇"),
            ("某区人民政府", "区县政府"),
            ("示例局二", "部门"),
            ("示例中心", "其他"),
        ]
    ]
    write_index(results, tmp_path, Options())
    soup = BeautifulSoup((tmp_path / "index.html").read_text(encoding="utf-8"), "lxml")
    names = names_by_year(soup)["2022"]
    print("index order:", names)
    assert names.index("示例局一") < names.index("示例局二") < names.index("示例局三")
    assert names == [
        "某区人民政府",
        "示例局一",
        "示例局二",
        "示例局三",
        "示例街道一",
        "示例镇一",
        "示例镇二",
        "示例中心",
    ]
    assert levels_by_year(soup)["2022"] == ["区县政府", "部门", "街道", "乡镇", "其他"]
    groups = {tb["data-level"]: [th.get_text() for th in tb.select("th.govkit-agency")] for tb in soup.select("tbody")}
    assert groups["部门"] == ["示例局一", "示例局二", "示例局三"]  # levels grouped, each under its heading
    assert soup.find("html")["lang"] == "zh-CN"


def test_order_file_puts_the_district_order_first(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    (params / "order.txt").write_text("# 本区机关顺序\n示例局三\n\n示例局一\n", encoding="utf-8")
    results = [result(params, name, 2022, "部门") for name in ("示例局一", "示例局二", "示例局三", "示例局四")]
    write_index(results, tmp_path, Options())
    soup = BeautifulSoup((tmp_path / "index.html").read_text(encoding="utf-8"), "lxml")
    assert names_by_year(soup)["2022"] == ["示例局三", "示例局一", "示例局二", "示例局四"]


def test_order_file_problems_are_refused_with_the_line(tmp_path):
    path = tmp_path / "order.txt"
    path.write_text("示例局一\n示例局二\n示例局一\n", encoding="utf-8")
    with pytest.raises(GovkitError, match="第 3 行.*示例局一.*第 1 行"):
        read_order(path)
    path.write_bytes("示例局一".encode("gbk"))
    with pytest.raises(GovkitError, match="UTF-8"):
        read_order(path)


def test_index_names_problems_links_years_and_district(tmp_path):
    params = tmp_path / "params"
    bad = result(
        params,
        "示例街道一",
        2022,
        "街道",
        errors=2,
        problems="【错误】表三 / 二、上年结转政府信息公开申请数量 / 自然人：应为 3，实为 5；【错误】……",
    )
    warned = result(params, "示例街道一", 2021, "街道", warnings=1, problems="【警告】正文“主动公开183条”……")
    clean = result(params, "示例镇一", 2022, "乡镇")
    broken = Result(
        data_file=str(params / "2022" / "坏.yaml"), status="failed", stage="load", error="坏.yaml：YAML 语法错误"
    )
    write_index([warned, bad, clean, broken], tmp_path, Options(), district=Path("district-2022.html"))
    soup = BeautifulSoup((tmp_path / "index.html").read_text(encoding="utf-8"), "lxml")
    assert [s["data-year"] for s in soup.select("section.govkit-year")] == ["2022", "2021", ""]
    link = soup.select_one("nav a")
    assert link.get_text() == "全区汇总" and link["href"] == "district-2022.html"
    rows = {
        (tr.find_parent("section")["data-year"], tr.select_one(".govkit-agency").get_text()): tr
        for tr in soup.select("tr.govkit-report-row")
    }
    row = rows[("2022", "示例街道一")]
    assert row.select_one(".govkit-status").get_text() == "有错误"
    assert "应为 3，实为 5" in row.select_one(".govkit-note").get_text()
    assert [(a.get_text(), unquote(a["href"])) for a in row.select(".govkit-years a")] == [
        ("2021年", "2021/示例街道一.html")
    ]
    assert "183" in rows[("2021", "示例街道一")].select_one(".govkit-note").get_text()
    assert rows[("2022", "示例镇一")].select_one(".govkit-note").get_text() == ""
    assert "YAML 语法错误" in rows[("", "坏.yaml")].select_one(".govkit-note").get_text()


def test_index_takes_a_publication_status_per_report(tmp_path):
    params = tmp_path / "params"
    a, b = result(params, "示例镇一", 2022, "乡镇"), result(params, "示例镇二", 2022, "乡镇", errors=1)
    write_index([a, b], tmp_path, Options(), statuses={a.data_file: "published", b.data_file: "modified"})
    soup = BeautifulSoup((tmp_path / "index.html").read_text(encoding="utf-8"), "lxml")
    assert [td.get_text() for td in soup.select("td.govkit-status")] == ["已发布", "审核后已修改"]
    assert "已发布 1 份" in soup.p.get_text()
    with pytest.raises(ValueError, match="未知的状态"):
        write_index([a], tmp_path, Options(), statuses={a.data_file: "approved-ish"})
