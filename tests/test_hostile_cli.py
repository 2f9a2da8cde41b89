"""No tracebacks for bad output places and long names; a killed run's leftovers cleaned by the next (issue 16)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from govkit import datafile
from govkit.batch.runner import Options, render_all
from govkit.synthetic import synthetic_report


def govkit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govkit", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), proc.stderr
    return lines[0]


def test_new_with_long_names_and_bad_params(tmp_path):
    long = "很" * 120 + "镇"  # valid (≤ 200 characters) but 363 bytes: longer than a file name may be
    proc = govkit("new", long, "--year", "2022", "--params", "p", "--blank", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (written,) = (tmp_path / "p" / "2022").glob("*.yaml")
    assert datafile.load(written).meta.agency == long and len(written.name.encode()) < 255
    assert "超过 200 字" in one_error_line(
        govkit("new", "很" * 201, "--year", "2022", "--params", "p", "--blank", cwd=tmp_path)
    )
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    assert "无法写入" in one_error_line(
        govkit("new", "示例镇", "--year", "2022", "--params", "afile", "--blank", cwd=tmp_path)
    )
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"


def test_render_out_at_or_below_a_file(tmp_path):
    data = datafile.save(synthetic_report("示例镇", 2021), tmp_path / "p" / "2021" / "示例镇.yaml")
    (tmp_path / "f").write_text("x", encoding="utf-8")
    for out in ("f", "f/below"):
        line = one_error_line(govkit("render", str(data), "--out", out, "-q", cwd=tmp_path))
        assert "文件" in line
    assert (tmp_path / "f").read_text(encoding="utf-8") == "x"


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    out = tmp_path / "out"
    (out / "2021").mkdir(parents=True)
    # what a run killed by SIGKILL leaves: its claim markers and a temporary file of an atomic write
    leftovers = [
        *(out / "2021" / f".示例镇{i}.0123456789ab.claim" for i in range(14)),
        out / "2021" / ".示例镇0.html.k3j4h5.tmp",
        out / ".index.html.abcd12.tmp",
    ]
    # ... and in today's layout: its claims and staged pages in the internal folder
    leftovers += [
        *(out / "internal" / "claims" / "dead-batch" / f"2021.示例镇{i}" for i in range(3)),
        out / "internal" / "staging" / "dead-batch" / "2021" / "示例镇1.html",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("killed", encoding="utf-8")
    (out / "2021" / "示例镇0.html").write_text("<html>kept</html>", encoding="utf-8")
    # the next run (here: two conflicting files, so no kernel is needed) removes them
    a = datafile.save(synthetic_report("示例镇丁", 2021), tmp_path / "p" / "2021" / "a.yaml")
    b = datafile.save(synthetic_report("示例镇丁", 2021, seed=2), tmp_path / "p" / "2021" / "b.yaml")
    render_all([a, b], out, Options(), progress=False)
    assert not [p for p in leftovers if p.exists()]
    assert not list(out.rglob("*.claim")) and not list(out.rglob("*.tmp"))
    assert not list((out / "internal" / "claims").glob("*")) and not list((out / "internal" / "staging").glob("*"))
    assert (out / "2021" / "示例镇0.html").read_text(encoding="utf-8") == "<html>kept</html>"


def test_pdf_step_refuses_an_oversized_page_before_printing(tmp_path):
    from govkit.render.pdf import MAX_HTML_BYTES, print_pdfs

    html = tmp_path / "x.html"
    html.write_text("<html>" + "字" * (MAX_HTML_BYTES // 3 + 10) + "</html>", encoding="utf-8")
    done: list[Path] = []
    errors = print_pdfs([(html, tmp_path / "x.pdf")], on_done=done.append)
    assert "报告页面过大" in errors[html] and done == [html] and not (tmp_path / "x.pdf").exists()


def test_a_bad_neighbour_costs_only_its_own_cross_year_checks(tmp_path):
    import time

    from govkit.checks.files import check_paths
    from govkit.render.inputs import load_for_render

    params = tmp_path / "params"
    good = [
        datafile.save(synthetic_report(f"示例镇{n}", 2021, seed=n), params / "2021" / f"示例镇{n}.yaml")
        for n in "甲乙丙丁"
    ]
    # last year's file of 示例镇甲 is hostile: 900,000 flow scalars (was a MemoryError for the whole check)
    hostile = params / "2020" / "示例镇甲.yaml"
    hostile.parent.mkdir(parents=True)
    hostile.write_text("meta: {agency: 示例镇甲, year: 2020}\nx: [" + "1," * 900_000 + "1]\n", encoding="utf-8")
    start = time.monotonic()
    results = check_paths([params / "2021"])
    assert time.monotonic() - start < 20
    assert [r.meta is not None for r in results] == [True] * 4
    by_agency = {r.meta.agency: r for r in results if r.meta is not None}
    (finding,) = [f for f in by_agency["示例镇甲"].findings if f.rule == "previous-unreadable"]
    assert str(hostile) in finding.message and finding.severity == "warning"
    assert not any(f.rule == "previous-unreadable" for a, r in by_agency.items() if a != "示例镇甲" for f in r.findings)
    _, previous, findings = load_for_render(good[0])
    assert previous is None and any(f.rule == "previous-unreadable" and str(hostile) in f.message for f in findings)
