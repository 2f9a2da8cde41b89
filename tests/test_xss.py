"""Nothing dangerous is published: HTML, JavaScript and template syntax typed into names and prose
are shown as text in the report page, the index and the district page, and never run.

Fast tests parse the HTML; `browser` tests load it in headless Chromium with a dialog handler and a
``window.__pwned`` probe; the `slow` test runs a real `govkit render --pdf --district` batch.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from govkit import cli, datafile
from govkit.dataset import read_tidy, untidy, write_tidy
from govkit.errors import DataFileError
from govkit.model import Report
from govkit.paths import safe_name
from govkit.render import render_page
from govkit.synthetic import synthetic_report
from govkit.xlsx import workbook_bytes

PROBE = "window.__pwned=1;alert(1)"
PAYLOADS = [
    f"<script>{PROBE}</script>",
    f'<img src=x onerror="{PROBE}">',
    f'<a href="javascript:{PROBE}">点此查看</a>',
    f"</style><script>{PROBE}</script>",
    f'"><svg onload="{PROBE}">',
    "{{ 7*7 }}{% if true %}模板{% endif %}${7*7}",
    f"</textarea><iframe srcdoc='<script>{PROBE}</script>'>",
]
PROSE = "\n".join(["正文开始。", *PAYLOADS, "正文结束。"])
NAMES = [
    "<script>window.__pwned=1</script>镇",
    '<img src=x onerror="window.__pwned=1">街道',
    "../../逃逸镇",
    "CON",
]
# Markup is refused in agency names (see test_markup_agency_names_are_refused); names that reach data
# files attack attribute quoting and templates instead, the markup itself comes through prose and sub-rows.
FILE_NAMES = [
    '"\' onmouseover="window.__pwned=1" x=\'镇',
    "{{ 7*7 }}${7*7}街道",
    "../../逃逸镇",
    "CON",
]
FORMULAS = ['=HYPERLINK("http://evil.example/","点我")', "+1+1", "-2+3", "@SUM(A1:A9)", "=cmd|' /C calc'!A0"]


def hostile_report(agency: str, year: int = 2021, seed: int = 1) -> Report:
    """A consistent synthetic report whose agency, prose and local sub-row names are all attacks."""
    report = synthetic_report(agency, year, seed=seed)
    for sid in ("一", "五", "六"):
        report.sections[sid] = PROSE
    row = report.rows("二")[2]  # 第二十条第（五）项 / 行政许可: local sub-rows allowed
    report.split_row("二", row, [PAYLOADS[1], FORMULAS[0], "{{ 7*7 }}"])
    return report


def write_reports(folder: Path, names: list[str] = FILE_NAMES, year: int = 2021) -> list[Path]:
    paths = []
    for n, name in enumerate(names):
        report = hostile_report(name, year, seed=n + 1)
        path = folder / str(year) / f"agency{n}.yaml"
        datafile.save(report, path)
        assert datafile.load(path).meta.agency == name  # the loader accepts all of these names
        paths.append(path)
    return paths


def assert_inert(html: str, texts: list[str]) -> BeautifulSoup:
    """No script, no event handler, no javascript: URL, no injected element; every text shown as text."""
    soup = BeautifulSoup(html, "lxml")
    scripts = [s for s in soup.find_all("script") if s.string and "__pwned" in s.string]
    assert not scripts, scripts[:1]
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), (tag.name, attr)
            values = value if isinstance(value, list) else [value]
            assert not any(
                "javascript:" in str(v).lower() and tag.name in ("a", "iframe", "img", "form") for v in values
            ), tag
    for name in ("iframe", "svg", "textarea"):
        assert not soup.find_all(name), name
    assert not [img for img in soup.find_all("img") if img.get("src") == "x"]
    shown = soup.get_text()
    for text in texts:
        assert text in shown, text
    return soup


# -- fast: the HTML itself --------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["publish", "review"])
def test_report_page_shows_attacks_as_text(mode):
    report = hostile_report(NAMES[0])
    from govkit.checks import run_checks

    html = render_page(report, run_checks(report), mode=mode)
    soup = assert_inert(html, [NAMES[0], *PAYLOADS])
    assert soup.title.get_text() == report.title
    assert html.count("</style>") == render_page(synthetic_report("某镇", 2021)).count("</style>")  # none injected


def test_index_page_shows_attacks_as_text(tmp_path):
    from govkit.batch.index import write_index
    from govkit.batch.runner import Options, Result

    results = [
        Result(
            data_file=str(tmp_path / "a.yaml"),
            agency=NAMES[0],
            year=2021,
            title=NAMES[0] + "报告",
            html="2021/" + safe_name(NAMES[0]) + ".html",
        ),
        Result(data_file=str(tmp_path / PAYLOADS[1]), status="failed", stage="load", error=PAYLOADS[0] + PAYLOADS[2]),
        Result(
            data_file=str(tmp_path / "c.yaml"), agency=NAMES[1], year=2021, html='2021/x" onmouseover="alert(1).html'
        ),
    ]
    html = write_index(results, tmp_path, Options()).read_text(encoding="utf-8")
    soup = assert_inert(html, [NAMES[0], NAMES[1], PAYLOADS[0] + PAYLOADS[2]])
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert all(not h.lower().startswith("javascript:") and '"' not in h for h in hrefs), hrefs


@pytest.fixture(scope="module")
def district_html(tmp_path_factory) -> str:
    from govkit.district import DistrictView

    folder = tmp_path_factory.mktemp("district")
    write_reports(folder)
    return DistrictView.load([folder]).html()


def test_district_view_shows_attacks_as_text(district_html):
    assert_inert(district_html, FILE_NAMES[:2])


def test_markup_agency_names_are_refused(tmp_path):
    for name in NAMES[:2]:
        with pytest.raises(DataFileError, match="meta.agency.*标记符号"):
            datafile.save(hostile_report(name), tmp_path / "x.yaml")
        text = datafile.dumps(hostile_report("示例镇")).replace("示例镇", json.dumps(name, ensure_ascii=False), 1)
        with pytest.raises(DataFileError, match="meta.agency.*标记符号"):
            datafile.loads(text)


# -- fast: spreadsheets and CSV never carry a formula taken from input --------------------------


def test_workbook_has_no_formula_from_input():
    report = hostile_report(FORMULAS[0])
    for sid, text in zip(("一", "五", "六"), FORMULAS, strict=False):
        report.sections[sid] = text
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report)))
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                seen.add(cell.value)
    assert FORMULAS[0] in seen and FORMULAS[1] in seen  # kept as text


def test_tidy_csv_neutralises_formulas_and_reads_back(tmp_path):
    reports = [hostile_report(name, seed=n) for n, name in enumerate(FORMULAS)]
    path = write_tidy(reports, tmp_path / "data.csv", "csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.reader(handle):
            for value in record:
                if value[:1] in ("=", "+", "@", "\t", "\r") or (
                    value.startswith("-") and not value.lstrip("-").replace(".", "").isdigit()
                ):
                    raise AssertionError(f"formula-like cell in CSV: {value!r}")
    back = untidy(read_tidy(path))
    assert [r.meta.agency for r in back] == FORMULAS
    for got, want in zip(back, reports, strict=True):
        assert got.cells == want.cells
        assert got.subrows["二"] == want.subrows["二"]
    numbers = write_tidy([synthetic_report("某镇", 2019)], tmp_path / "n.csv", "csv").read_text(encoding="utf-8-sig")
    assert ",'-" not in numbers  # negative numbers stay numbers


# -- fast: hostile names never write outside the output folder ---------------------------------


def _inside(root: Path, before: set[Path]) -> list[Path]:
    new = [p for p in root.parent.rglob("*") if p not in before and p.is_file()]
    for path in new:
        assert path.resolve().is_relative_to(root.resolve()), f"written outside {root}: {path}"
    return new


HOSTILE_PATH_NAMES = [
    "../../逃逸镇",
    "..",
    ".",
    "CON",
    "nul.txt",
    "a/b\\c镇",
    "/etc/passwd",
    "~root",
    "-rf",
    " 空格 ",
    "名" * 300,
]


def test_safe_name_of_hostile_names():
    stems = set()
    for name in HOSTILE_PATH_NAMES:
        stem = safe_name(name)
        assert stem and "/" not in stem and "\\" not in stem and stem not in (".", "..") and len(stem) <= 100, stem
        assert stem.split(".")[0].upper() not in ("CON", "NUL")
        stems.add(stem)
    assert len(stems) == len(HOSTILE_PATH_NAMES)


def test_export_xlsx_new_and_import_stay_inside(tmp_path):
    cli._register()
    runner = CliRunner()
    root = tmp_path / "a" / "b"
    root.mkdir(parents=True)
    params = root / "params"
    names = [n for n in HOSTILE_PATH_NAMES if len(n) < 200]
    for n, name in enumerate(names):
        datafile.save(synthetic_report(name.strip() or "空", 2021, seed=n), params / "2021" / f"f{n}.yaml")
    before = set(tmp_path.rglob("*"))
    result = runner.invoke(cli.app, ["export", str(params), "--xlsx", str(root / "xlsx")])
    assert result.exit_code == 0, result.output
    assert len([p for p in _inside(root / "xlsx", before) if p.suffix == ".xlsx"]) == len(names)
    before = set(tmp_path.rglob("*"))
    for name in ("../../逃逸镇", "CON", "a/b\\c镇"):
        result = runner.invoke(cli.app, ["new", name, "--year", "2022", "--params", str(root / "new"), "--blank"])
        assert result.exit_code == 0, result.output
    assert len([p for p in _inside(root / "new", before) if p.suffix == ".yaml"]) == 3
    seed = (Path(__file__).parent / "fixtures" / "seed_mujiayu_2020.txt").read_text(encoding="utf-8")
    source = root / "imported.txt"
    source.write_text(seed.replace("北京市密云区穆家峪镇", "../../逃逸镇", 1), encoding="utf-8")
    before = set(tmp_path.rglob("*"))
    result = runner.invoke(cli.app, ["import", str(source), "--out", str(root / "imp")])
    assert result.exit_code == 0, result.output
    written = [p for p in _inside(root / "imp", before) if p.suffix == ".yaml"]  # besides its hidden lock file
    assert len(written) == 1 and datafile.load(written[0]).meta.agency == "../../逃逸镇"


# -- browser: nothing runs in Chromium --------------------------------------------------------


def open_in_chromium(pages: dict[str, str | Path]) -> dict[str, str]:
    """Load each page (HTML text or a file) in headless Chromium; assert no dialog and no probe; return its text."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from govkit.render.pdf import CHROMIUM, CHROMIUM_ARGS

    texts = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, source in pages.items():
                context = browser.new_context(offline=True)
                page = context.new_page()
                dialogs: list[str] = []
                page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
                page.route(
                    "**/*",
                    lambda route: (
                        route.abort() if not route.request.url.startswith(("file:", "data:")) else route.continue_()
                    ),
                )
                if isinstance(source, Path):
                    page.goto(source.as_uri(), wait_until="load")
                else:
                    page.set_content(source, wait_until="load")
                for selector in ("a", "img", "td", "th", "p"):  # mouse-over handlers would run now
                    for element in page.query_selector_all(selector)[:40]:
                        try:
                            element.hover(timeout=2000, force=True)
                        except PlaywrightError:
                            continue  # hidden (closed <details>) or off-screen: nothing to hover
                page.wait_for_timeout(300)
                assert page.evaluate("typeof window.__pwned") == "undefined", f"{name}: script ran"
                assert dialogs == [], f"{name}: dialog {dialogs}"
                texts[name] = page.inner_text("body")
                context.close()
        finally:
            browser.close()
    return texts


@pytest.mark.browser
def test_pages_are_inert_in_chromium(tmp_path, district_html):
    from govkit.batch.index import write_index
    from govkit.batch.runner import Options, Result

    for probe in ("<img src=x onerror=window.__pwned=1>", "<script>alert(1)</script>"):
        with pytest.raises(AssertionError):  # the probe and the dialog handler do catch a script that runs
            open_in_chromium({"control": probe})
    report = hostile_report(NAMES[0])
    index = write_index(
        [Result(data_file="x.yaml", agency=NAMES[1], status="failed", error=PAYLOADS[0])], tmp_path, Options()
    )
    texts = open_in_chromium({"report": render_page(report, mode="review"), "index": index, "district": district_html})
    assert PAYLOADS[0] in texts["report"] and NAMES[0] in texts["report"]
    assert PAYLOADS[0] in texts["index"] and NAMES[1] in texts["index"]
    assert FILE_NAMES[0] in texts["district"]


@pytest.mark.slow
@pytest.mark.browser
def test_real_batch_with_pdf_and_district_is_inert(tmp_path):
    """`govkit render --pdf --district` on hostile data: every output inside --out, inert, text shown."""
    root = tmp_path / "a" / "b"
    params = root / "params"
    write_reports(params)
    out = root / "out"
    before = set(tmp_path.rglob("*"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "govkit",
            "render",
            str(params),
            "--out",
            str(out),
            "--pdf",
            "--district",
            "--allow-errors",  # the hostile text breaks prose rules; every page must still be written and inert
            "-j",
            "2",
            "-q",
            "--timeout",
            "120",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    written = _inside(out, before)
    # The published reports (not their 图解 pages, not the copies kept under versions/).
    htmls = sorted(
        p for p in written if p.suffix == ".html" and p.parent == out / "public" / "2021" and ".图解" not in p.name
    )
    assert len(htmls) == len(FILE_NAMES)
    tujie = sorted(p for p in written if p.name.endswith(".图解.html") and p.parent == out / "public" / "2021")
    assert len(tujie) == len(FILE_NAMES)  # each report's 图解 page is inert too, with the name shown as text
    for path in tujie:  # the 图解 shows the agency name, not the prose
        soup = assert_inert(path.read_text(encoding="utf-8"), [])
        assert any(name in soup.get_text() for name in FILE_NAMES)
    pages: dict[str, str | Path] = {p.stem: p for p in htmls}
    pages["index"] = out / "public" / "index.html"
    pages["district"] = out / "public" / "district-2021.html"
    texts = open_in_chromium(pages)
    for name in FILE_NAMES:
        assert any(name in text for key, text in texts.items() if key not in ("index", "district")), name
        assert name in texts["index"]
    assert FILE_NAMES[0] in texts["district"]
    for path in htmls:
        assert_inert(path.read_text(encoding="utf-8"), PAYLOADS)
        pdf = path.with_suffix(".pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = "".join(text.split())
        assert "<script>" in flat and "onerror=" in flat and "{{7*7}}" in flat, flat[:500]
    for path in written:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None
    shutil.rmtree(out)
