"""Limits before work: every hostile input is refused in ≤ 2 s and ≤ 300 MB, with one clear line (issue 16).

Each case runs in a fresh Python process that builds the input, times only the refusal, and
reports its own peak memory (``ru_maxrss``), so no case can hang or exhaust the test run itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

MAX_SECONDS = 2.0
MAX_RSS_MB = 300

_HARNESS = textwrap.dedent(
    """
    import io, json, resource, sys, time, zipfile
    from pathlib import Path
    from govkit import datafile
    from govkit.errors import GovkitError
    from govkit.importers import import_bytes
    from govkit.synthetic import synthetic_report

    GOOD = datafile.dumps(synthetic_report("示例镇", 2021))

    def zipped(members, method=zipfile.ZIP_DEFLATED):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", method) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    def bomb():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            with archive.open("word/document.xml", "w", force_zip64=True) as member:
                for _ in range(300):
                    member.write(b" " * 1_000_000)
        return buffer.getvalue()

    def xlsx(sheet_xml):
        from govkit.xlsx import workbook_bytes
        good = zipfile.ZipFile(io.BytesIO(workbook_bytes(synthetic_report("示例镇", 2021))))
        members = {n: good.read(n) for n in good.namelist()}
        members["xl/worksheets/sheet1.xml"] = sheet_xml
        return zipped(members)

    def sheet(body, extra=b""):
        return (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + body + extra + b"</worksheet>")

    CASE = sys.argv[1]
    __BUILD__
    start = time.process_time()  # CPU time: the work a refusal costs, whatever else loads the machine
    try:
        __RUN__
        outcome = "accepted"
    except GovkitError as exc:
        outcome = str(exc)
    seconds = time.process_time() - start
    # VmHWM is this process's own peak: ru_maxrss would carry the forking test runner's peak across exec.
    status = open('/proc/self/status', encoding='ascii').read()
    rss = int(next(line.split()[1] for line in status.splitlines() if line.startswith('VmHWM:'))) / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss, "outcome": outcome}))
    """
)

DATAFILE = "datafile.loads(data, 'x.yaml')"
IMPORT = "import_bytes(data, 'x')"

CASES: dict[str, tuple[str, str, str | None]] = {
    # data files
    "many keys": ("data = GOOD + 'x:\\n' + ''.join(f'  k{i}: 1\\n' for i in range(15_000))", DATAFILE, "键"),
    "many flow scalars": ("data = GOOD + 'x: [' + '1,' * 900_000 + '1]\\n'", DATAFILE, "逗号"),
    "235,000 one-character prose lines": (
        "data = GOOD.replace('sections:\\n', 'sections:\\n  一: |-\\n' + '    字\\n' * 235_000, 1)"
        ".replace('\\n  一: （', '\\n  二_: （', 1)",
        DATAFILE,
        "行数过多",
    ),
    "60,000-character prose": (
        "data = GOOD.replace('sections:\\n', 'sections:\\n  preamble: ' + '字' * 60_000 + '\\n', 1)",
        DATAFILE,
        "正文开头过长",
    ),
    "18 MB data file": ("data = (GOOD + '#' + 'x' * 18_000_000).encode()", DATAFILE, "过大"),
    "huge exponent": ("data = GOOD.replace('  二:', '  二: 1e1000000000\\n  x_:', 1)", DATAFILE, ""),
    "a 1.2 MB comment (ruamel.yaml gathers comments in quadratic time)": (
        "data = GOOD + '# ' + 'a' * 1_200_000 + '\\n'",
        DATAFILE,
        "注释过长",
    ),
    "C1 control": ("data = GOOD.replace('示例镇', '示例\\x9b镇', 1)", DATAFILE, "控制字符"),
    # imported reports
    "18 MB text file": ("data = ('年度报告\\n' + '字\\n' * 9_000_000).encode()", IMPORT, "过大"),
    "1.3 MB text of 1.3 million lines": ("data = ('年度报告\\n' + '\\n' * 1_300_000).encode()", IMPORT, "行数过多"),
    "merged range over the sheet": (
        "data = xlsx(sheet(b'<sheetData/>', b'<mergeCells count=\"1\"><mergeCell ref=\"A1:XFD1048576\"/></mergeCells>'))",
        IMPORT,
        "超过",
    ),
    "sheet bomb: one cell at XFD1048576": (
        'data = xlsx(sheet(b\'<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>\'))',
        IMPORT,
        "超过",
    ),
    "sheet bomb: 300,000 cells": (
        "data = xlsx(sheet(b'<sheetData>' + b''.join(b'<row r=\"%d\">' % r + b''.join(b'<c><v>1</v></c>' for _ in range(100)) + b'</row>' for r in range(1, 3001)) + b'</sheetData>'))",
        IMPORT,
        "未读取",  # refused as too many cells, or already as a zip bomb (it compresses 200:1)
    ),
    "sheet of 150,000 cells without references (placed by openpyxl one after another)": (
        "data = xlsx(sheet(b'<sheetData>' + b''.join(b'<row>' + b''.join(b'<c><v>%d</v></c>' % (r * c) for c in range(150)) + b'</row>' for r in range(1000)) + b'</sheetData>'))",
        IMPORT,
        "未读取",
    ),
    "one row of 20,000 cells without references": (
        "data = xlsx(sheet(b'<sheetData><row r=\"1\">' + b'<c><v>1</v></c>' * 20_000 + b'</row></sheetData>'))",
        IMPORT,
        "超过",
    ),
    "zip bomb": ("data = bomb()", IMPORT, "压缩炸弹"),
    "docx with 250,000 paragraphs": (  # 8.5 MB of XML: below the XML part limit, refused by the count
        "data = zipped({'[Content_Types].xml': b'', 'word/document.xml': b'<w:document><w:body>'"
        " + b'<w:p><w:r><w:t>x</w:t></w:r></w:p>' * 250_000 + b'</w:body></w:document>'}, zipfile.ZIP_STORED)",
        IMPORT,
        "段落过多",
    ),
    "docx with a 12 MB document.xml": (
        "data = zipped({'[Content_Types].xml': b'', 'word/document.xml': b'<w:document><w:body><w:p><w:r><w:t>'"
        " + '字'.encode() * 4_000_000 + b'</w:t></w:r></w:p></w:body></w:document>'}, zipfile.ZIP_STORED)",
        IMPORT,
        "解压后过大",
    ),
    "sheet with two far corners (openpyxl would make 2,000,000 cells)": (
        'data = xlsx(sheet(b\'<sheetData><row r="1"><c r="GR1"><v>1</v></c></row>'
        '<row r="10000"><c r="A10000"><v>1</v></c></row></sheetData>\'))',
        IMPORT,
        "单元格",
    ),
    "web page with 100,000 table cells": (
        "data = ('<html><body><p>示例镇2021年政府信息公开工作年度报告</p><table>'"
        " + '<tr>' + '<td>1</td>' * 100_000 + '</tr></table></body></html>').encode()",
        IMPORT,
        "网页元素过多",
    ),
    "text line of 18,000 tabs (each split was searched for a heading from every tab)": (
        "data = ('示例镇2021年政府信息公开工作年度报告\\n一、总体情况\\n' + '\\t' * 18_000 + '行政许可\\t1\\t2\\n').encode()",
        IMPORT,
        None,
    ),
    "one-line report with runs of 100,000 spaces": (
        "data = ('示例镇2021年政府信息公开工作年度报告 一、总体情况 全年。' + ' ' * 100_000 + '（一）主动公开'"
        " + ' ' * 100_000 + '二、主动公开政府信息情况' + ' ' * 100_000 + '六、其他需要报告的事项 无。').encode()",
        IMPORT,
        None,
    ),
    "web page of 9,990 different paragraphs": (
        "data = ('<html><body><p>示例镇2021年政府信息公开工作年度报告</p>'"
        " + ''.join(f'<p>全年工作有序推进{i}。</p>' for i in range(9_990)) + '</body></html>').encode()",
        IMPORT,
        None,
    ),
    "text of 40,000 cells on 1,000 lines": (
        "data = ('示例镇2021年政府信息公开工作年度报告\\n' + ('行政许可 ' + '1 ' * 45 + '\\n') * 1_000).encode()",
        IMPORT,
        "文字过多",
    ),
}


def measure(build: str, run: str, argument: str = "") -> dict:
    """Run ``build`` then time ``run`` in a fresh process: CPU seconds, peak RSS (MB) and the outcome.

    ``run`` may raise only :class:`GovkitError` (its message is the outcome); anything else is a
    traceback and fails here. ``argument`` is the process's ``sys.argv[1]`` (``CASE``).
    """
    code = _HARNESS.replace("__BUILD__", build).replace("__RUN__", run)
    proc = subprocess.run([sys.executable, "-c", code, argument], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_case(name: str) -> dict:
    build, run, _ = CASES[name]
    return measure(build, run, name)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_refused_quickly_in_bounded_memory(name):
    result = run_case(name)
    expected = CASES[name][2]  # None: a valid (if odd) input, which may be accepted
    if expected is not None:
        assert result["outcome"] != "accepted", name
        assert expected in result["outcome"], result["outcome"]
    assert "\n" not in result["outcome"] and len(result["outcome"]) < 400  # one line, quotes at most a few dozen
    assert result["seconds"] <= MAX_SECONDS, result
    assert result["rss_mb"] <= MAX_RSS_MB, result


@pytest.mark.parametrize("year", [2020, 2021])
def test_the_largest_valid_report_passes_every_limit(tmp_path, year):
    """Every table-二 row split into the most sub-rows a row may take, every cell filled: the data file
    loads, and its workbook imports back to the same cells (no limit refuses a valid report)."""
    from govkit import datafile
    from govkit.importers import import_bytes
    from govkit.model import MAX_SUBROWS
    from govkit.synthetic import synthetic_report
    from govkit.xlsx import workbook_bytes

    report = synthetic_report("示例镇", year)
    for row in list(report.rows("二")):
        report.split_row("二", row, [f"子项{i}" for i in range(MAX_SUBROWS)])
    for row in list(report.rows("二")):
        for col in report.columns("二", row):
            report.set("二", row, col, 1)
    path = tmp_path / "示例镇.yaml"
    datafile.save(report, path)
    loaded = datafile.load(path, cached=False)
    assert loaded.cells["二"] == report.cells["二"]
    imported = import_bytes(workbook_bytes(report), "示例镇.xlsx").report
    assert imported.cells["二"] == report.cells["二"]
