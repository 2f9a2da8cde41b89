"""Scale: work that grows linearly with the number of agencies (counted, not timed)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from govkit import datafile
from govkit.checks.files import check_paths
from govkit.render.inputs import load_for_render
from govkit.synthetic import synthetic_report

N = 30


@pytest.fixture()
def renamed(tmp_path: Path) -> Path:
    """This year's files under their names; last year's under other names (nothing matches by name)."""
    params = tmp_path / "params"
    for i in range(N):
        name = f"示例镇{i:03d}"
        datafile.save(synthetic_report(name, 2020, seed=i), params / "2020" / f"旧-{N - i:03d}.yaml")
        datafile.save(synthetic_report(name, 2021, seed=i), params / "2021" / f"{name}.yaml")
    return params


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    loads: list[Path] = []
    real = datafile.load

    def counting(path, *args, **kwargs):  # noqa: ANN001, ANN202
        loads.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(datafile, "load", counting)
    monkeypatch.setattr(importlib.import_module("govkit.datafile.discover"), "load", counting)
    return loads


def test_check_finds_renamed_last_year_files_loading_each_file_once(renamed: Path, counted: list[Path]) -> None:
    results = check_paths([renamed / "2021"])
    assert len(results) == N
    for result in results:
        assert result.meta is not None and result.previous is not None
        previous = datafile.walk.load(result.previous)
        assert (previous.meta.agency, previous.meta.year) == (result.meta.agency, 2020)
    assert len(counted) <= 2 * N, f"{len(counted)} loads for {N} agencies"
    assert len(set(counted)) == len(counted)


def test_render_inputs_find_renamed_last_year_files_in_linear_loads(renamed: Path, counted: list[Path]) -> None:
    for path in sorted((renamed / "2021").glob("*.yaml")):
        report, previous, _ = load_for_render(path)
        assert previous is not None and previous.meta.agency == report.meta.agency
    assert len(counted) <= 3 * N, f"{len(counted)} loads for {N} agencies"


def test_year_index_follows_the_folder(renamed: Path, counted: list[Path]) -> None:
    """A file added later is found; a file renamed to another agency is not taken for the old one."""
    folder = renamed / "2020"
    assert datafile.find_agency_file(renamed, "示例镇001", 2020) is not None
    datafile.save(synthetic_report("新设镇", 2020, seed=99), folder / "新的名字.yaml")
    assert datafile.find_agency_file(renamed, "新设镇", 2020) == folder / "新的名字.yaml"
    # A file whose head is unusual (quoted, with a comment) is still indexed under its agency.
    text = (folder / "新的名字.yaml").read_text(encoding="utf-8")
    (folder / "新的名字.yaml").unlink()
    (folder / "引号.yaml").write_text(text.replace("agency: 新设镇", "agency: '新设镇'  # 注释"), encoding="utf-8")
    assert datafile.find_agency_file(renamed, "新设镇", 2020) == folder / "引号.yaml"


def test_sub_rows_per_row_are_bounded_with_a_clear_message(tmp_path: Path) -> None:
    from govkit.errors import DataFileError
    from govkit.model import MAX_SUBROWS

    report = synthetic_report("示例镇", 2021, seed=1)
    row = report.rows("二")[0]
    report.split_row("二", row, [f"子项{i}" for i in range(MAX_SUBROWS)])
    path = datafile.save(report, tmp_path / "2021" / "示例镇.yaml")
    assert datafile.load(path).subrows["二"][row] == [f"子项{i}" for i in range(MAX_SUBROWS)]
    with pytest.raises(ValueError, match="本地子项过多"):
        report.split_row("二", row, [f"子项{i}" for i in range(MAX_SUBROWS + 1)])
    text = path.read_text(encoding="utf-8")
    last = f"子项{MAX_SUBROWS - 1}"
    line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{last}:"))
    path.write_text(text.replace(line, line + "\n" + line.replace(last, "多出的子项")), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        datafile.load(path)
    message = str(caught.value)
    assert "本地子项过多" in message and f"{MAX_SUBROWS + 1} 个" in message and "\n" not in message


def test_district_status_matrix_is_paged_for_a_large_district() -> None:
    from bs4 import BeautifulSoup

    from govkit.district.data import District
    from govkit.district.view import STATUS_PAGE, DistrictView

    n = STATUS_PAGE * 2 + 7
    reports = {f"示例镇{i:04d}": synthetic_report(f"示例镇{i:04d}", 2021, seed=i) for i in range(n)}
    wrong = reports["示例镇0003"]  # one total that does not add up
    row, col = wrong.format.row("三", "received"), wrong.format.column("三", "total")
    wrong.set("三", row, col, int(wrong.get("三", row, col) or 0) + 1)
    view = DistrictView(District(reports={2021: reports}, year=2021, previous_years=[], errors=[]))
    soup = BeautifulSoup(view.status_html(), "lxml")
    pages = soup.select("details.gk-status-page")
    assert len(pages) == 3 and not soup.select("script")
    assert pages[0].summary.get_text().startswith(f"第 1–{STATUS_PAGE} 个机关")
    assert pages[2].summary.get_text().startswith(f"第 {2 * STATUS_PAGE + 1}–{n} 个机关")
    listed = [tr["data-agency"] for tr in soup.select("table.gk-status tr[data-agency]")]
    assert listed == list(reports)
    for page in pages:
        rows = page.select("tr[data-agency]")
        with_errors = sum(1 for tr in rows if tr.select_one("td[data-rule='*']")["data-errors"] != "0")
        assert f"有错误 {with_errors} 个" in page.summary.get_text()
    # Paged, the matrix has a column only for the rules that found something, and says so.
    found = {f.rule for f in view.status.findings}
    heads = [th["data-rule"] for th in pages[0].select("thead th[data-rule]")]
    assert heads and set(heads) == found and len(heads) < len(view.status.rules)
    assert f"只列出发现了问题的 {len(heads)} 条规则" in soup.get_text()
    for tr in soup.select("table.gk-status tr[data-agency]"):
        assert [td["data-rule"] for td in tr.select("td[data-rule]")] == ["*", *heads]
