"""The exported report in a real browser (offline) and printed to A4 PDF."""

from __future__ import annotations

import shutil
import subprocess
import sys
from io import BytesIO

import pytest

from tests.conftest import EXAMPLE

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "out"
    code = "from govkit.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "render", str(EXAMPLE), "--out", str(out), "--pdf", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return out / "public"


def test_pdf_is_a4_with_embedded_chinese(rendered):
    pdf = rendered / "2020" / "北京市密云区穆家峪镇.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    # Content-stream order (-raw): 三、本年度办理结果 runs down its own narrow column, beside the rows it heads.
    words = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for label in (
        "北京市密云区穆家峪镇2020年政府信息公开工作年度报告",
        "三、本年度办理结果",
        "申请人情况",
        "第二十条第（九）项",
        "行政诉讼",
        "六、其他需要报告的事项",
    ):
        assert label in words.replace("\n", ""), label
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # every font embedded
    # Real CID fonts: the TrueType CJK faces come first in the report's font stack (Chromium would embed the
    # CFF-based Noto CJK as unnamed Type 3 glyph programs).
    assert any("CID TrueType" in line for line in fonts)
    assert not [line for line in fonts if "Type 3" in line]
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert "2020/%E5%8C%97" in index and ".pdf" in index


def test_exported_html_opens_offline_and_is_not_blank(rendered):
    from PIL import Image, ImageStat
    from playwright.sync_api import sync_playwright

    from govkit.render.pdf import CHROMIUM, CHROMIUM_ARGS

    if not shutil.which(CHROMIUM):
        pytest.fail("Chromium is required for browser tests")
    html = rendered / "2020" / "北京市密云区穆家峪镇.html"
    requests, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.route(
                "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
            )
            page.goto(html.as_uri(), wait_until="load", timeout=30_000)
            page.wait_for_timeout(300)
            assert [u for u in requests if not u.startswith("file:")] == []
            assert failed == []
            assert page.locator(".jp-InputArea").count() == 0
            assert page.locator("pre, code, .jp-InputPrompt").count() == 0
            assert page.locator("h1").inner_text() == "北京市密云区穆家峪镇2020年政府信息公开工作年度报告"
            assert page.locator("table[data-table='三'] th[rowspan='20']").is_visible()
            shot = Image.open(BytesIO(page.screenshot(full_page=False))).convert("L")
        finally:
            browser.close()
    assert ImageStat.Stat(shot).stddev[0] > 10  # text and table rules, not a blank page
    dark = sum(shot.histogram()[:128])
    assert dark > 2000
