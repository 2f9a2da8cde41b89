"""Accessibility: axe-core in Chromium finds no WCAG 2.1 AA violation on any published or review page.

Covers the report (2019 and 2021 formats), review copies, the index and the district page as
``govkit render`` writes them, and the standalone page of :func:`govkit.render.render_page`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govkit import datafile
from govkit.render import load_for_render, render_page
from govkit.synthetic import synthetic_report
from tests.conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SYNTHETIC = ROOT / "examples" / "synthetic"


def axe_violations(pages: dict[str, str | Path]) -> dict[str, list[dict]]:
    """Run axe-core on each page (a file, or HTML text) in Chromium; the violations of each."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from govkit.render.pdf import CHROMIUM, CHROMIUM_ARGS

    axe = Axe()
    found: dict[str, list[dict]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            for name, source in pages.items():
                if isinstance(source, Path):
                    page.goto(source.as_uri(), wait_until="load", timeout=30_000)
                else:
                    page.set_content(source, wait_until="load", timeout=30_000)
                found[name] = axe.run(page, options=WCAG_AA).response["violations"]
        finally:
            browser.close()
    return found


def explain(found: dict[str, list[dict]]) -> str:
    lines = []
    for name, violations in found.items():
        print(f"axe WCAG 2.1 AA: {name}: {len(violations)} violations")
        for v in violations:
            targets = [n["target"] for n in v["nodes"][:3]]
            lines.append(f"{name}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes) {v['help']} {targets}")
    return "\n".join(lines)


def test_standalone_pages_have_no_violations():
    report, _previous, findings = load_for_render(EXAMPLE)
    town = synthetic_report("示例镇二", 2021)
    found = axe_violations(
        {
            "render_page 2019": render_page(report),
            "render_page 2021": render_page(town),
            "render_page review": render_page(report, findings, mode="review"),
        }
    )
    problems = explain(found)
    assert not problems, problems


def govkit_cli(*args: str) -> subprocess.CompletedProcess:
    code = "from govkit.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("a11y")
    params = root / "params"
    (params / "2020").mkdir(parents=True)
    shutil.copy(EXAMPLE, params / "2020" / EXAMPLE.name)
    for year in (2021, 2022):
        for name in ("示例街道一", "示例局二"):
            (params / str(year)).mkdir(exist_ok=True)
            shutil.copy(SYNTHETIC / str(year) / f"{name}.yaml", params / str(year) / f"{name}.yaml")
    datafile.save(synthetic_report("示例镇二", 2021), params / "2021" / "示例镇二.yaml")
    publish, review = root / "publish", root / "review"
    first = govkit_cli("render", str(params), "--out", str(publish), "--district", "-q", "-j", "2")
    second = govkit_cli("render", str(params), "--out", str(review), "--mode", "review", "-q", "-j", "2")
    for proc in (first, second):
        assert "Traceback" not in proc.stderr, proc.stderr
    return publish, review


@pytest.mark.slow
def test_published_and_review_pages_have_no_violations(built):
    publish, review = built
    pages: dict[str, str | Path] = {}
    for label, folder in (("publish", publish / "public"), ("review", review / "internal" / "review")):
        for path in sorted(folder.rglob("*.html")):
            pages[f"{label}/{path.relative_to(folder).as_posix()}"] = path
    kinds = {
        "report": [n for n in pages if n.startswith("publish/20")],
        "review": [n for n in pages if n.startswith("review/20")],
        "index": [n for n in pages if n.endswith("/index.html")],
        "district": [n for n in pages if "/district-" in n],
    }
    print({kind: len(names) for kind, names in kinds.items()})
    assert all(kinds.values()), kinds
    problems = explain(axe_violations(pages))
    assert not problems, problems


@pytest.mark.slow
def test_district_page_links_every_agency_to_its_published_report(built):
    """`govkit render --district`: each agency of the year on view links to a report page that exists."""
    from urllib.parse import unquote

    from bs4 import BeautifulSoup

    publish, _ = built
    page = publish / "public" / "district-2022.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    rows = soup.select("table.gk-status tr[data-agency]")
    assert [tr["data-agency"] for tr in rows] == ["示例局二", "示例街道一"]  # 部门 before 街道
    links = {tr["data-agency"]: [a["href"] for a in tr.th.select("a")] for tr in rows}
    # 示例局二 is published: one link to a page that exists. 示例街道一 2022 has a planted carry-over
    # error, so the publish gate holds it: no dead link, its status instead.
    assert len(links["示例局二"]) == 1 and (page.parent / unquote(links["示例局二"][0])).is_file(), links
    held = rows[1].th.get_text(" ", strip=True)
    assert links["示例街道一"] == [] and "有错误" in held, held
