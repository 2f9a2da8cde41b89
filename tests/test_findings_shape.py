"""One finding record and one registry: the CLI, the report JSON and the district matrix agree."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govkit.checks import registry, run_checks
from govkit.checks.registry import Registry, RuleSpec, load_entry_points
from govkit.district import load_district
from govkit.district.status import status_matrix
from govkit.district.view import DistrictView
from govkit.findings import FINDING_COLUMNS, SEVERITY_LABELS, Finding, findings_frame, findings_json
from govkit.render.inputs import load_for_render
from govkit.render.jsonio import findings_to_records
from govkit.synthetic import synthetic_report

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = ROOT / "examples" / "synthetic"
KEY = ("rule", "severity", "place", "expected", "actual", "message", "source")
TOWN = "示例镇一"


def _env(*extra: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*(str(p) for p in extra), str(ROOT)])
    return env


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """The synthetic district with more planted problems in 2022: prose, arithmetic, an unreadable file."""
    folder = tmp_path / "params"
    shutil.copytree(SYNTHETIC, folder)
    town = folder / "2022" / f"{TOWN}.yaml"
    text = town.read_text(encoding="utf-8")
    text = text.replace("总体情况（示例文字）。", "总体情况（示例文字）。本年度共收到政府信息公开申请95件。", 1)
    text = text.replace(
        "一、本年新收政府信息公开申请数量: {自然人: 41,", "一、本年新收政府信息公开申请数量: {自然人: 42,", 1
    )
    assert text != town.read_text(encoding="utf-8")
    town.write_text(text, encoding="utf-8")
    (folder / "2022" / "坏文件.yaml").write_text("meta: [\n", encoding="utf-8")
    return folder


def _keys(records: list[dict]) -> set[tuple]:
    return {tuple(r[k] for k in KEY) for r in records}


def _cli_records(folder: Path) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "govkit", "check", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(),
        cwd=ROOT,
    )
    assert done.returncode == 1, done.stderr  # planted errors
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def test_cli_json_report_json_and_district_matrix_show_the_same_findings(planted):
    cli = [r for r in _cli_records(planted) if Path(r["file"]).parent.name == "2022"]
    assert all(set(r) == {*FINDING_COLUMNS, "file"} for r in cli)
    rules = {r["rule"] for r in cli}
    assert {"carryover", "format-year", "prose-numbers", "t3-row-total", "t3-balance", "datafile-unreadable"} <= rules

    matrix = status_matrix(load_district(planted, year=2022))
    district = findings_json(matrix.findings)
    assert _keys(district) == _keys(cli)
    # Every finding is counted in the matrix under its registered column.
    assert {r.id for r in matrix.rules} == {r.id for r in registry}
    assert sum(matrix.counts.values()) == len(cli)
    bad = str(planted / "2022" / "坏文件.yaml")
    assert bad in matrix.agencies and matrix.count(bad, "datafile-unreadable", "error") == 1
    assert [f.rule for f in matrix.findings_of(bad)] == ["datafile-unreadable"]
    page = DistrictView.load(planted, year=2022).status_html()
    for rule in (registry.get("t3-balance"), registry.get("datafile-unreadable"), registry.get("import-missing-table")):
        assert f'data-rule="{rule.id}">{rule.title}</th>' in page  # column headed by the title, id kept
    assert "表三 / 一、本年新收政府信息公开申请数量 / 申请人情况 / 总计" in page and "提醒" not in page

    town = planted / "2022" / f"{TOWN}.yaml"
    _, _, findings = load_for_render(town)
    report_json = findings_to_records(findings)
    mine = [r for r in cli if Path(r["file"]).name == town.name]
    assert report_json and _keys(report_json) == _keys(mine)
    assert [{k: v for k, v in r.items() if k != "file"} for r in mine] == report_json


def test_one_canonical_place_and_actual_is_the_value_at_the_place(planted):
    town = planted / "2022" / f"{TOWN}.yaml"
    _, _, findings = load_for_render(town)
    prose = next(f for f in findings if f.rule == "prose-numbers")
    assert prose.place == "表三 / 一、本年新收政府信息公开申请数量 / 申请人情况 / 总计"
    assert (prose.expected, prose.actual) == ("95", "91")  # actual: the table cell at the place; 95: the prose
    assert prose.section == "一" and "95" in prose.message
    for finding in findings:
        if finding.table:
            assert finding.place.startswith(f"表{finding.table} / ")
            # Messages that name a cell name it exactly as the place does.
            head = finding.message.split("：", 1)[0]
            if head.startswith("表"):
                assert head == finding.place, finding
    natural = next(f for f in findings if f.rule == "t3-row-total")
    assert natural.place.endswith("/ 申请人情况 / 总计") and natural.part == "main"


def test_record_has_fixed_columns_and_one_severity_vocabulary():
    f = Finding("t3-balance", "warning", "消息", table="三", row=("a",), column=["b", "c"], section="一")
    assert f.column == ("b", "c") and f.place == "表三 / a / b / c" and f.severity_label == "警告"
    assert list(f.as_record()) == list(FINDING_COLUMNS) and list(f.as_json()) == list(FINDING_COLUMNS)
    assert list(findings_frame([f]).columns) == list(FINDING_COLUMNS) and findings_frame([]).empty
    assert Finding("x", "error", "m", section="preamble").place == "报告开头"
    assert Finding("x", "error", "m", section="五").place == "第五部分"
    assert SEVERITY_LABELS == {"error": "错误", "warning": "警告"}
    with pytest.raises(ValueError, match="严重程度"):
        Finding("x", "info", "m")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="来源"):
        Finding("x", "error", "m", source="editor")  # type: ignore[arg-type]


def test_no_other_severity_map_in_govkit():
    pattern = re.compile(r"[\"']提醒[\"']|\{\s*[\"']error[\"']\s*:\s*[\"']错误[\"']")
    hits = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "govkit").rglob("*.py")
        if p.name != "findings.py" and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert hits == []


def test_registry_is_complete_at_import_without_running_checks():
    code = "import govkit.checks as c; print('\\n'.join(r.id for r in c.registry))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=_env())
    fresh = done.stdout.split()
    run_checks(synthetic_report("示例镇", 2022))
    assert fresh == [r.id for r in registry]
    assert len(fresh) == len(set(fresh)) >= 30
    by_source = {s: [r.id for r in registry if r.source == s] for s in ("check", "import", "datafile")}
    assert "t3-balance" in by_source["check"] and "datafile-unreadable" in by_source["datafile"]
    assert "import-missing-table" in by_source["import"]
    assert all(r.function is None for r in registry if r.source != "check")
    for rule in registry:
        assert re.search(r"[\u4e00-\u9fff]", rule.title) and len(rule.title) <= 10, rule
        assert re.search(r"[\u4e00-\u9fff]", rule.message) and "\n" not in rule.message


def test_unknown_rule_id_is_an_error():
    with pytest.raises(KeyError, match="未知的规则编号「no-such-rule」"):
        registry.get("no-such-rule")
    with pytest.raises(KeyError, match="no-such-rule"):
        run_checks(synthetic_report("示例镇", 2022), rules=["t3-balance", "no-such-rule"])
    with pytest.raises(KeyError, match="no-such-rule"):
        registry.finding("no-such-rule", "消息")
    with pytest.raises(ValueError, match="重复登记"):
        registry.declare("t3-balance", "error", "check", title="重复", message="重复")


def test_findings_take_severity_and_source_from_the_declaration():
    f = registry.finding("import-missing-table", "没有找到表二", table="二")
    assert (f.severity, f.source) == ("warning", "import")
    assert registry.finding("datafile-unreadable", "坏").source == "datafile"
    report = synthetic_report("示例镇", 2022)
    assert run_checks(report, rules=["t3-balance"]) == []


def _rule_ids_used_in_sources() -> set[str]:
    """Every rule id a govkit module passes to the registry, to Finding or to the importer's note()."""
    used: set[str] = set()
    for path in (ROOT / "govkit").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                first = node.args[0] if node.args else None
                if name in {"finding", "note", "register", "declare", "get", "Finding"} and isinstance(
                    first, ast.Constant
                ):
                    if isinstance(first.value, str) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+|[a-z]+", first.value):
                        if name != "get" or "-" in first.value:
                            used.add(first.value)
                for kw in node.keywords:
                    if kw.arg == "rule" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        used.add(kw.value.value)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.fullmatch(r"(import|datafile|check)-[a-z]+(-[a-z]+)*", node.value):
                    used.add(node.value)
    return used


def test_every_rule_id_used_anywhere_in_govkit_is_registered():
    used = _rule_ids_used_in_sources()
    assert {"t3-balance", "import-missing-table", "import-old-format", "datafile-unreadable"} <= used
    assert sorted(used - {r.id for r in registry}) == []


def test_entry_point_rules_in_a_fresh_process(tmp_path):
    (tmp_path / "govkit_fake_rules.py").write_text(
        "from govkit.checks.registry import RuleSpec\n"
        "def always(ctx):\n"
        "    yield ctx_finding(ctx)\n"
        "def ctx_finding(ctx):\n"
        "    from govkit.checks import registry\n"
        "    return registry.finding('fake-always', f'{ctx.report.meta.agency}：第三方规则', section='六')\n"
        "def register(registry):\n"
        "    registry.register('fake-always', 'warning', title='第三方规则', message='第三方规则示例')(always)\n"
        "    return [RuleSpec('fake-import', 'warning', '第三方导入', '第三方导入规则示例', 'import')]\n",
        encoding="utf-8",
    )
    info = tmp_path / "govkit_fake_rules-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: govkit-fake-rules\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[govkit.rules]\nfake = govkit_fake_rules:register\n", encoding="utf-8")
    code = (
        "from govkit.checks import registry, run_checks\n"
        "from govkit.synthetic import synthetic_report\n"
        "ids = [r.id for r in registry]\n"
        "found = [f for f in run_checks(synthetic_report('示例镇', 2022)) if f.rule == 'fake-always']\n"
        "print(ids[-2:], len(found), found[0].place, found[0].severity_label, found[0].agency)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=_env(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['fake-always', 'fake-import'] 1 第六部分 警告 示例镇"


def test_entry_point_may_give_a_list_of_rules(monkeypatch):
    import importlib.metadata

    spec = RuleSpec("fake-datafile", "error", "第三方", "第三方数据文件规则", "datafile")

    class Entry:
        name, value = "fake", "fake:RULES"

        def load(self):
            return [spec]

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [Entry()] if group == "govkit.rules" else [])
    target = Registry()
    assert load_entry_points(target) == ["fake-datafile"] and target.get("fake-datafile") is spec


@pytest.mark.slow
def test_rendered_report_json_has_the_same_findings_as_check(planted, tmp_path):
    from govkit.batch.models import Options
    from govkit.batch.runner import render_one

    town = planted / "2022" / f"{TOWN}.yaml"
    from govkit.batch.layout import Layout

    result = render_one(town, tmp_path / "out", Options())
    # The planted errors hold the report back from publication; its findings are kept in the internal record.
    assert result.status == "held" and result.errors, result
    record = Layout(tmp_path / "out").record(result.agency, result.year)
    written = json.loads(record.read_text(encoding="utf-8"))["findings"]
    cli = [r for r in _cli_records(planted) if Path(r["file"]) == town]
    assert written and _keys(written) == _keys(cli)
    assert [{k: v for k, v in r.items() if k != "file"} for r in cli] == written


def test_a_rule_that_breaks_or_breaks_the_declaration_becomes_check_failed(monkeypatch):
    from dataclasses import replace

    spec = registry.get("t3-balance")

    def boom(ctx):
        raise ZeroDivisionError

    def wrong_severity(ctx):
        yield Finding("t3-balance", "warning", "severity not as declared")

    report = synthetic_report("示例镇", 2022)
    for function in (boom, wrong_severity):
        monkeypatch.setitem(registry._rules, "t3-balance", replace(spec, function=function))
        (found,) = run_checks(report, rules=["t3-balance"])
        assert (found.rule, found.severity, found.source, found.agency) == ("check-failed", "error", "check", "示例镇")
        assert "t3-balance" in found.message and spec.title in found.message
