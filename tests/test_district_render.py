"""The district page end to end: papermill runs notebooks/district.ipynb, nbconvert exports it."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from test_district import EXAMPLE, ROOT, SYNTHETIC, check_rollup_page

from govkit import datafile
from govkit.checks import registry, run_checks
from govkit.district import DistrictError, render_district

pytestmark = pytest.mark.slow

AGENCIES_2022 = sorted(p.stem for p in (SYNTHETIC / "2022").glob("*.yaml"))


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("district")
    links = {2022: {name: {"href": f"2022/{quote(name)}.html", "status": "通过"} for name in AGENCIES_2022}}
    links[2022]["示例镇三"] = {"href": None, "status": "有错误"}
    path = render_district([ROOT / "params", SYNTHETIC], out, links=links)
    return path, path.read_text(encoding="utf-8")


def test_one_page_per_year(page):
    path, _ = page
    assert path.name == "district-2022.html"
    assert [p.name for p in path.parent.iterdir()] == ["district-2022.html"]


def test_page_opens_offline_and_hides_code(page):
    _, html = page
    assert 'src="http' not in html and "src='http" not in html
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"<link[^>]*\bhref=[\"']?http", html)
    assert "view = DistrictView.load" not in html  # no code cells
    assert BeautifulSoup(html, "lxml").select(".jp-InputArea, .jp-InputPrompt") == []


def test_rollup_equals_sum_of_agency_tables(page):
    _, html = page
    reports = [datafile.load(p) for p in sorted((SYNTHETIC / "2022").glob("*.yaml"))]
    check_rollup_page(html, 2022, reports)


def test_status_matrix_matches_run_checks(page):
    _, html = page
    soup = BeautifulSoup(html, "lxml")
    agencies = [tr["data-agency"] for tr in soup.select("table.gk-status tr[data-agency]")]
    assert sorted(agencies) == sorted(p.stem for p in (SYNTHETIC / "2022").glob("*.yaml"))
    for agency in agencies:
        report = datafile.load(SYNTHETIC / "2022" / f"{agency}.yaml")
        findings = run_checks(report, datafile.load(SYNTHETIC / "2021" / f"{agency}.yaml"))
        for td in soup.select(f'table.gk-status tr[data-agency="{agency}"] td[data-rule]'):
            mine = [f for f in findings if td["data-rule"] in ("*", f.rule)]
            assert (int(td["data-errors"]), int(td["data-warnings"])) == (
                sum(f.severity == "error" for f in mine),
                sum(f.severity == "warning" for f in mine),
            ), (agency, td["data-rule"])
    carry = soup.select_one('table.gk-carry tr[data-agency="示例街道一"] td[data-status]')
    assert carry["data-status"] == "不一致"


def test_charts_are_embedded_pngs_drawn_with_noto_cjk(page):
    _, html = page
    images = BeautifulSoup(html, "lxml").select("img.gk-chart")
    assert len(images) == 3
    for img in images:
        assert "NotoSansCJK" in img["data-font"] or "NotoSerifCJK" in img["data-font"]
        assert re.search(r"[\u4e00-\u9fff]", img["alt"])
        assert img["src"].startswith("data:image/png;base64,")
        picture = Image.open(io.BytesIO(base64.b64decode(img["src"].split(",", 1)[1])))
        assert picture.format == "PNG" and picture.width > 400


def test_trends_reach_back_to_the_example_year(page):
    _, html = page
    soup = BeautifulSoup(html, "lxml")
    assert [th.get_text() for th in soup.select("table.gk-trends thead th")][1:] == ["2020年", "2021年", "2022年"]
    rows = {tr.th.get_text(): tr for tr in soup.select("table.gk-agency-trends tbody tr")}
    example = datafile.load(EXAMPLE)
    assert example.meta.agency in rows
    assert rows[example.meta.agency].find_all("td")[0].get_text() == str(
        example.get("三", ("一、本年新收政府信息公开申请数量",), ("申请人情况", "总计"))
    )


def test_missing_year_is_a_clear_error(tmp_path):
    with pytest.raises(DistrictError, match="没有 2030 年度的数据文件"):
        render_district([SYNTHETIC], tmp_path, year=2030)
    assert list(tmp_path.iterdir()) == []


def test_matrix_in_chinese_with_ids_in_tooltips(page):
    _, html = page
    soup = BeautifulSoup(html, "lxml")
    heads = soup.select("table.gk-status thead th")
    assert [th.get_text() for th in heads] == ["机关", "合计", *(r.title for r in registry)]
    ids = {r.id for r in registry}
    for th, rule in zip(heads[2:], registry, strict=True):
        assert th["title"].startswith(f"{rule.id}：") and th["data-rule"] == rule.id
    visible = {th.get_text(strip=True) for th in soup.select("table.gk-status th")}
    assert not visible & ids


def test_every_agency_links_to_its_report_unless_held(page):
    _, html = page
    soup = BeautifulSoup(html, "lxml")
    for table in ("gk-status", "gk-compare", "gk-carry"):
        rows = {tr["data-agency"]: tr.th for tr in soup.select(f"table.{table} tr[data-agency]")}
        assert sorted(rows) == AGENCIES_2022, table
        for name, th in rows.items():
            if name == "示例镇三":
                assert th.select("a") == [] and th.get_text() == "示例镇三（有错误）"
            else:
                assert [a["href"] for a in th.select("a")] == [f"2022/{quote(name)}.html"], (table, name)


def test_headings_numbered_once(page):
    _, html = page
    soup = BeautifulSoup(html, "lxml")
    numeral = re.compile(r"^[一二三四五六七八九十]+、")
    heads = [h.get_text() for h in soup.select("h1, h2, h3")]
    assert not any(numeral.match(h.get_text()) for h in soup.select("h2"))
    numbered = [numeral.match(h).group(0) for h in heads if numeral.match(h)]
    assert numbered == ["二、", "三、", "四、"]  # the official titles of tables 二 to 四, each once


def test_landscape_page_and_print_rules(page):
    _, html = page
    assert re.search(r"@page\s*\{\s*size:\s*A4 landscape", html)
    assert BeautifulSoup(html, "lxml").select("table.gk-status thead th")


def test_printed_matrix_is_not_cut(page, tmp_path):
    """Printed by Chromium, the matrix fits page 1: its right-most column header is there, inside the margin."""
    from playwright.sync_api import sync_playwright

    path, _ = page
    pdf = tmp_path / "district.pdf"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            browser.new_page().goto(path.as_uri())
            browser.contexts[0].pages[0].pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    picture = Image.open(next(tmp_path.glob("p-*.png"))).convert("L")
    assert picture.width > picture.height  # landscape
    margin = round(picture.width * 8 / 297)  # the right margin is 10 mm: nothing is printed into its outer 8 mm
    strip = picture.crop((picture.width - margin, 0, picture.width, picture.height))
    assert strip.getextrema()[0] > 200, "something is printed into the right margin"
    bbox = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = [
        (float(x0), float(y0), float(x1), text)
        for x0, y0, x1, text in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" [^>]*>([^<]*)<', bbox)
    ]
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    assert max(x1 for _, _, x1, _ in words) < width - 10 * 72 / 25.4 + 1
    last = list(registry)[-1].title
    right = max(x0 for x0, _, _, text in words if text != "✓")
    column = "".join(text for x0, _, _, text in sorted(words, key=lambda w: w[1]) if abs(x0 - right) < 1)
    assert column.startswith(last), column
