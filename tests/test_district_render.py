"""The district page end to end: papermill runs notebooks/district.ipynb, nbconvert exports it."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from test_district import EXAMPLE, ROOT, SYNTHETIC, check_rollup_page

from govkit import datafile
from govkit.checks import run_checks
from govkit.district import DistrictError, render_district

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("district")
    path = render_district([ROOT / "params", SYNTHETIC], out)
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
