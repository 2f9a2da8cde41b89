"""The 图解: one illustrated page per report whose figures are the report's own, and its PNG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from govkit import datafile
from govkit.references import resolve
from govkit.render.inputs import load_for_render
from govkit.render.tujie import WIDTH_PX, render_tujie

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "params" / "2020" / "北京市密云区穆家峪镇.yaml"
SYNTHETIC = ROOT / "examples" / "synthetic"


def _independent(report) -> dict[str, object]:
    """Key figures read straight from the cells by format ids, not through references."""
    fmt = report.format
    total = fmt.column("三", "total")
    get3 = lambda *ids: report.get("三", fmt.row("三", *ids), total)  # noqa: E731
    review = report.get("四", (), fmt.column("四", "review", "total"))
    litigation = report.get("四", (), fmt.column("四", "direct", "total")) + report.get(
        "四", (), fmt.column("四", "after_review", "total")
    )
    return {
        "本年新收申请": get3("received"),
        "上年结转申请": get3("carried_in"),
        "本年度办结": get3("outcomes", "total"),
        "结转下年度继续办理": get3("carried_over"),
        "无法提供": report.sum_rows("三", fmt.row("三", "outcomes", "unavailable"), total),
        "予以公开": get3("outcomes", "disclosed"),
        "行政复议": review,
        "行政诉讼": litigation,
    }


def check_page(report, html: str) -> BeautifulSoup:
    """The page's figures equal the report's: every data-ref resolves to its data-value, alt texts agree."""
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "zh-CN"
    assert "http://" not in html and "https://" not in html  # offline: nothing to fetch
    marked = soup.select("[data-ref][data-value]")
    assert len(marked) >= 10
    for node in marked:
        assert resolve(report, node["data-ref"]).display == node["data-value"], node
    summary = soup.select_one("#tj-summary").get_text()
    for label, value in _independent(report).items():
        assert f"{label}{value}件" in summary, (label, value, summary)
    images = soup.find_all("img")
    assert len(images) == 2
    for img in images:
        assert img["src"].startswith("data:image/png;base64,")
        assert img["alt"] and re.search(r"\d", img["alt"])
    outcome_alt = images[0]["alt"]
    figures = _independent(report)
    assert f"无法提供{figures['无法提供']}件" in outcome_alt and f"予以公开{figures['予以公开']}件" in outcome_alt
    assert report.meta.agency in soup.select_one("header").get_text()
    return soup


def test_bundled_example_page(example_report):
    html = render_tujie(example_report, None, report_href="r.html")
    soup = check_page(example_report, html)
    assert "发布日期：（未填写）" in soup.get_text()
    assert soup.select_one('a[href="r.html"]') is not None
    assert "比上年" not in soup.select_one("main").get_text()  # no last year's file: no change shown


def test_synthetic_2022_shows_change_against_2021():
    path = SYNTHETIC / "2022" / "示例镇一.yaml"
    report, previous, _ = load_for_render(path)
    assert previous is not None and previous.meta.year == 2021
    soup = check_page(report, render_tujie(report, previous))
    tile = soup.select_one('.tj-tile[data-ref="{{表三 一 总计}}"]')
    delta = int(tile["data-value"]) - int(resolve(previous, "{{表三 一 总计}}").display)
    expected = "与上年持平" if delta == 0 else f"比上年{'增加' if delta > 0 else '减少'} {abs(delta)} 件"
    assert expected in tile.get_text()


def test_2021_page_after_2020_compares_only_cells_both_formats_have():
    path = SYNTHETIC / "2021" / "示例镇一.yaml"
    report, previous, _ = load_for_render(path)
    assert previous is not None and previous.format.version == "2019"
    soup = check_page(report, render_tujie(report, previous))
    row = soup.select_one('[data-ref="{{表二 第二十条第（一）项 规章 本年制发件数}}"]')
    assert row is not None and "比上年" not in (row.find_next_sibling("dd") or row).get_text()
    assert "比上年" in soup.select_one('.tj-tile[data-ref="{{表三 一 总计}}"]').get_text() or "持平" in soup.get_text()


def test_agency_name_is_escaped(example_report):
    example_report.meta.agency = "<script>alert(1)</script>镇"
    html = render_tujie(example_report)
    assert "<script>" not in html


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(900)
def test_render_writes_tujie_html_and_png_per_report(tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    from PIL import Image
    from playwright.sync_api import sync_playwright

    from govkit.batch.models import Options
    from govkit.batch.runner import render_all
    from govkit.render.pdf import CHROMIUM, CHROMIUM_ARGS

    files = [EXAMPLE, *sorted(SYNTHETIC.rglob("*.yaml"))]
    out = tmp_path / "out"
    # Two synthetic reports have error findings; the 图解 of every report is what is tested here.
    results = render_all(files, tmp_path / "out", Options(allow_errors=True), workers=2, progress=False)
    out = tmp_path / "out" / "public"
    assert len(results) == len(files) and all(r.ok for r in results), [r.error for r in results if not r.ok]
    index = (out / "index.html").read_text(encoding="utf-8")
    checked_axe = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for r in results:
                report = datafile.load(r.data_file)
                page_path, png_path = out / r.tujie, out / r.tujie_png
                html = page_path.read_text(encoding="utf-8")
                check_page(report, html)
                report_html = (out / r.html).read_text(encoding="utf-8")
                assert f'href="{Path(r.tujie).name}"' in report_html or Path(r.tujie).name in _unquoted_links(
                    report_html
                )
                assert Path(r.tujie).name in _unquoted_links(index)
                image = Image.open(png_path)
                assert image.size[0] == WIDTH_PX and image.size[1] > 1000
                summary = BeautifulSoup(html, "html.parser").select_one("#tj-summary").get_text()
                assert image.info["Description"] == summary  # the PNG carries the page's text alternative
                version = report.format.version
                if version not in checked_axe:
                    checked_axe.add(version)
                    page = browser.new_page(viewport={"width": WIDTH_PX, "height": 900})
                    page.route("**/*", lambda route: route.abort())
                    page.set_content(html, wait_until="load")
                    response = Axe().run(page)
                    violations = response.response["violations"]
                    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]
                    page.close()
        finally:
            browser.close()
    assert checked_axe == {"2019", "2021"}


def _unquoted_links(html: str) -> set[str]:
    from urllib.parse import unquote

    return {Path(unquote(a["href"])).name for a in BeautifulSoup(html, "html.parser").find_all("a", href=True)}


@pytest.mark.parametrize("name", ["tujie-2019-format.png", "tujie-2021-format.png"])
def test_docs_screenshots_are_committed_and_shown(name):
    from PIL import Image

    image = Image.open(ROOT / "docs" / name)
    assert image.size[0] == WIDTH_PX
    assert f"(docs/{name})" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_blank_cell_is_shown_as_blank_not_as_a_number(example_report):
    fmt = example_report.format
    example_report.set("三", fmt.row("三", "received"), fmt.column("三", "total"), None)
    html = render_tujie(example_report)
    soup = BeautifulSoup(html, "html.parser")
    tile = soup.select_one('.tj-tile[data-ref="{{表三 一 总计}}"]')
    assert tile["data-blank"] == "1" and not tile.has_attr("data-value")
    assert "未填写" in tile.get_text()
    assert "本年新收申请未填写" in soup.select_one("#tj-summary").get_text()


def test_png_description_chunk_keeps_pixels():
    import io

    from PIL import Image

    from govkit.render.tujie import with_description

    buffer = io.BytesIO()
    Image.new("RGB", (7, 3), (12, 34, 56)).save(buffer, format="PNG")
    out = with_description(buffer.getvalue(), "本年新收申请0件")
    image = Image.open(io.BytesIO(out))
    image.load()
    assert image.info["Description"] == "本年新收申请0件"
    assert image.size == (7, 3) and image.getpixel((6, 2)) == (12, 34, 56)
    with pytest.raises(OSError):
        with_description(b"not a png", "x")
