"""Pages that print: every page of real PDFs rasterised and read, labels measured in Chromium, and the
exported page carrying only the report's own CSS."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from govkit import datafile
from govkit.render import render_fragment, render_page
from govkit.render.export import export_html
from govkit.render.html import report_css
from govkit.render.tables import build_tables, printed_value
from govkit.synthetic import synthetic_report
from tests.conftest import EXAMPLE

SEED = "北京市密云区穆家峪镇"
TOWN = "示例镇二"


def exported(report) -> str:
    """The report exported as ``govkit render`` does, from a notebook holding its fragment as output."""
    cell = nbformat.v4.new_code_cell("HTML(render_fragment(report))")
    cell.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/html": render_fragment(report)}, execution_count=1)
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("data_file = 'x'"), cell])
    return export_html(nb, report.title)


def test_exported_page_is_chinese_and_carries_only_the_report_css():
    html = exported(datafile.load(EXAMPLE))
    soup = BeautifulSoup(html, "lxml")
    assert soup.html["lang"] == "zh-CN"
    assert "--jp-" not in html and ".jp-OutputArea" not in html and "break-inside: avoid-page" not in html
    styles = "".join(s.get_text() for s in soup.find_all("style"))
    assert len(styles) < len(report_css()) + 500, len(styles)  # the report's stylesheet and a few lines
    assert len(html.encode()) < 80_000
    assert soup.select_one("main .govkit-report h1").get_text() == f"{SEED}2020年政府信息公开工作年度报告"


def test_footer_numbers_pages_in_chinese():
    css = report_css()
    assert re.search(r'@bottom-center\s*{\s*content:\s*"第 " counter\(page\) " 页 共 " counter\(pages\) " 页"', css)


def test_signed_changes_print_their_sign():
    report = synthetic_report("示例镇三", 2020)
    col = report.format.column("二", "items_change", part="art20_5")
    spec = dict(report.format.table("二").parts[1].leaf_columns())[col]
    assert spec.type == "signed"
    assert [printed_value(v, spec) for v in (3, 0, -2, None)] == ["+3", "0", "-2", ""]
    report.set("二", report.format.row("二", "art20_5", "licensing"), col, 5)
    soup = BeautifulSoup(render_fragment(report), "lxml")
    cells = soup.select('table[data-table="二"] td.govkit-signed')
    assert "+5" in [td.get_text() for td in cells]


def test_table_two_label_header_is_not_the_small_corner_note():
    report = synthetic_report(TOWN, 2021)
    soup = BeautifulSoup(render_fragment(report), "lxml")
    heads = soup.select('table[data-table="二"] th.govkit-labelhead')
    assert heads and all(th.get_text() == "信息内容" for th in heads)
    assert not soup.select('table[data-table="二"] th.govkit-corner')
    assert soup.select('table[data-table="三"] th.govkit-corner')


def test_group_labels_break_only_after_their_numbering():
    grid = build_tables(synthetic_report(TOWN, 2021))["三"]
    groups = {c.text: c.pieces for row in grid.body for c in row if c.pieces}
    assert groups["（三）不予公开"] == ["（三）", "不予公开"]
    assert groups["（六）其他处理"] == ["（六）", "其他处理"]
    soup = BeautifulSoup(render_fragment(synthetic_report(TOWN, 2021)), "lxml")
    label = soup.find("th", string=None, class_="govkit-rowhead", rowspan="8")
    assert [s.get_text() for s in label.select("span.govkit-nobreak")] == ["（三）", "不予公开"]


def refs(cell) -> list[str]:
    value = cell["headers"]  # BeautifulSoup splits this attribute into a list
    return list(value) if isinstance(value, list) else value.split()


def headers_of(table, cell) -> list[str]:
    return [table.find(id=ref).get_text() for ref in refs(cell)]


@pytest.mark.parametrize("year", [2020, 2021])
def test_every_value_cell_is_tied_to_its_row_and_column_labels(year):
    report = synthetic_report(TOWN, year)
    soup = BeautifulSoup(render_page(report), "lxml")
    for table in soup.select("table.govkit-table"):
        ids = {th["id"] for th in table.find_all("th")}
        for td in table.find_all("td"):
            assert td.get("headers"), (table["data-table"], td)
            assert set(refs(td)) <= ids
    t3 = soup.select_one('table[data-table="三"]')
    row = next(th for th in t3.find_all("th") if th.get_text() == "1.属于国家秘密").parent
    first = row.find("td")
    assert headers_of(t3, first) == ["申请人情况", "自然人", "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    other = row.find_all("td")[2]
    assert headers_of(t3, other) == [
        "申请人情况",
        "法人或其他组织",
        "科研机构",
        "三、本年度办理结果",
        "（三）不予公开",
        "1.属于国家秘密",
    ]
    t2 = soup.select_one('table[data-table="二"]')
    td = t2.find("td")
    assert headers_of(t2, td)[0] == "第二十条第（一）项" and headers_of(t2, td)[-1] == "规章"
    assert all(th["scope"] in ("col", "row") for th in soup.select("th[scope]"))
    t4 = soup.select_one('table[data-table="四"]')
    assert headers_of(t4, t4.find_all("td")[6]) == ["行政诉讼", "未经复议直接起诉", "结果纠正"]


# --- browser: real PDFs, every page rasterised -------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The seed (2019 format) and a 2021-format report rendered and printed as ``govkit render --pdf`` does."""
    from govkit.batch.models import Options
    from govkit.batch.runner import render_all

    root = tmp_path_factory.mktemp("print")
    params = root / "params"
    (params / "2020").mkdir(parents=True)
    shutil.copy(EXAMPLE, params / "2020" / EXAMPLE.name)
    town = datafile.save(synthetic_report(TOWN, 2021), params / "2021" / f"{TOWN}.yaml")
    out = root / "out"
    results = render_all([params / "2020" / EXAMPLE.name, town], out, Options(pdf=True), workers=2, progress=False)
    assert all(r.ok and r.pdf for r in results), [r.error for r in results]
    return {r.agency: out / "public" / r.pdf for r in results}


def page_texts(pdf: Path) -> list[str]:
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))
    return [run("pdftotext", "-layout", "-f", str(n), "-l", str(n), pdf, "-") for n in range(1, pages + 1)]


def run(*args) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("agency", [SEED, TOWN])
def test_every_page_has_text_and_a_page_number_and_table_three_starts_with_its_heading(printed, agency, tmp_path):
    pdf = printed[agency]
    texts = page_texts(pdf)
    total = len(texts)
    run("pdftoppm", "-r", "40", "-png", pdf, tmp_path / "page")
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == total
    print(f"{agency}: {total} pages")
    for number, (text, image) in enumerate(zip(texts, images, strict=True), start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        footer = f"第 {number} 页 共 {total} 页"
        assert lines and lines[-1].replace(" ", "") == footer.replace(" ", ""), (number, lines[-1:])
        assert len("".join(lines[:-1])) > 20, f"page {number} has no text besides its number"
        gray = Image.open(image).convert("L")
        body = gray.crop((0, 0, gray.width, int(gray.height * 0.88)))  # above the footer
        inked = sum(body.histogram()[:200])  # text at 40 dpi is grey, not black; a blank page has none
        assert inked > 1000, f"page {number} is blank above its footer ({inked} inked pixels)"
    joined = [t.replace(" ", "") for t in texts]
    assert f"{agency}" in joined[0] and "年度报告" in joined[0]  # the report starts on page 1
    heading = next(n for n, t in enumerate(joined) if "三、收到和处理政府信息公开申请情况" in t)
    for label in ("一、本年新收政府信息公开申请数量", "（七）总计", "四、结转下年度继续办理"):
        assert label in joined[heading], (label, heading + 1)


@pytest.mark.slow
@pytest.mark.browser
def test_pdfs_are_tagged_with_real_named_fonts(printed):
    for agency, pdf in printed.items():
        info = run("pdfinfo", pdf)
        assert re.search(r"Tagged:\s+yes", info), agency
        fonts = run("pdffonts", pdf).splitlines()[2:]
        print(agency, "fonts:", [line.split()[0] + " " + " ".join(line.split()[1:3]) for line in fonts])
        assert fonts and not [line for line in fonts if "Type 3" in line], fonts
        assert all(line.split()[0] != "[none]" for line in fonts)
        assert all(line.split()[-5] == "yes" for line in fonts)  # embedded


LABEL_LINES = """
(table) => [...table.querySelectorAll('th')].map((th) => {
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  const tops = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect) tops.push([Math.round(rect.top), node.data[i], rect.left]);
    }
  }
  const lines = [];
  const vertical = getComputedStyle(th).writingMode.startsWith('vertical');
  for (const [top, ch, left] of tops) {
    const key = vertical ? Math.round(left) : top;
    const line = lines.find((l) => Math.abs(l.key - key) < 4);
    if (line) line.text += ch; else lines.push({key, text: ch});
  }
  return {text: th.textContent, lines: lines.map((l) => l.text), vertical};
})
"""


@pytest.mark.browser
@pytest.mark.parametrize("year", [2020, 2021])
def test_table_three_labels_wrap_cleanly_at_print_width(year):
    from playwright.sync_api import sync_playwright

    from govkit.render.pdf import CHROMIUM, CHROMIUM_ARGS

    report = datafile.load(EXAMPLE) if year == 2020 else synthetic_report(TOWN, year)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 658, "height": 1000})  # 174 mm: A4 between margins
            page.emulate_media(media="print")
            page.set_content(render_page(report), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            labels = page.evaluate(LABEL_LINES, page.query_selector('table[data-table="三"]'))
        finally:
            browser.close()
    wrapped = [label for label in labels if len(label["lines"]) > 1]
    print(f"{year}: {len(labels)} labels, {len(wrapped)} wrapped:", [" / ".join(w["lines"]) for w in wrapped])
    for label in labels:
        text = label["text"].strip()
        if len(text) > 1 and not label["vertical"]:
            assert all(len(line.strip()) > 1 for line in label["lines"]), label  # no one-character orphan
    groups = [label for label in labels if re.match(r"^（[一二三四五六七]）\S{4}$", label["text"])]
    assert groups
    for label in groups:  # （三）不予公开: either one line, or numbering / name
        assert label["lines"] in ([label["text"]], [label["text"][:3], label["text"][3:]]), label
    heads = {label["text"]: label["lines"] for label in labels}
    for head in ("自然人", "商业企业", "科研机构", "其他", "总计"):
        assert heads[head] == [head], (head, heads[head])
