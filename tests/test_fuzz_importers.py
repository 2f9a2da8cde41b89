"""Property and fuzz tests of every importer: each reader (text, HTML, Word, Excel), the mapper,
and the workbook round trip of `govkit.xlsx`.

Each generated input gives either an imported report that is a valid data file (it saves and loads
back unchanged) or one clean `ImportFailed` naming the input; never another exception, never a hang.
"""

from __future__ import annotations

import io
import re
import time
import zipfile

import openpyxl
import pytest
from conftest import FIXTURES, SEED_TEXT
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_datafile import fuzz
from test_import_office import excel_file, word_file

from govkit import datafile
from govkit.errors import ImportFailed
from govkit.importers import ImportResult, import_bytes
from govkit.importers.document import Document, Paragraph, Table
from govkit.importers.mapper import map_document
from govkit.model import PREAMBLE, SECTION_IDS
from govkit.synthetic import synthetic_report
from govkit.xlsx import workbook_bytes

pytestmark = pytest.mark.fuzz

NAME = "输入文件"
BOUND = 10.0  # seconds per example (an Office file is parsed by python-docx/openpyxl)
SEED = SEED_TEXT.read_bytes()
SEED_LINES = SEED.decode("utf-8").split("\n")
HTML = (FIXTURES / "import" / "html_merged_cells_2019.html").read_bytes()
REPORT = synthetic_report("示例镇一", 2021)
DOCX = word_file(REPORT)
XLSX = excel_file(REPORT)
OWN_XLSX = workbook_bytes(REPORT)


def outcome(data: bytes) -> ImportResult | ImportFailed:
    start = time.monotonic()
    try:
        result: ImportResult | ImportFailed = import_bytes(data, NAME)
    except ImportFailed as exc:
        result = exc
        text = str(exc)
        assert text.startswith(NAME) and "\n" not in text, text
    elapsed = time.monotonic() - start
    assert elapsed < BOUND, f"import took {elapsed:.1f} s"
    if isinstance(result, ImportResult):
        valid_import(result)
    return result


def valid_import(result: ImportResult) -> None:
    """What was imported is a data file the loader accepts as it is: nothing is lost on saving."""
    report = result.report
    assert report.meta.agency and not re.search(r"[\x00-\x1f\x7f]", report.meta.agency)
    again = datafile.loads(datafile.dumps(report), "imported.yaml")
    assert again.cells == report.cells
    assert again.meta == report.meta
    for finding in result.findings:
        assert finding.message and "\n" not in finding.message


# -- random bytes, all kinds ------------------------------------------------------------------


@fuzz(300)
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    outcome(data)


@fuzz(100)
@given(st.binary(max_size=2000), st.sampled_from([b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"<html>", b"%PDF"]))
def test_random_bytes_behind_a_magic_number(data, head):
    outcome(head + data)


@fuzz(150)
@given(st.text(max_size=3000))
def test_random_text(text):
    outcome(text.encode("utf-8"))


# -- text and HTML ----------------------------------------------------------------------------


@fuzz(80)
@given(st.integers(0, len(SEED)))
def test_truncated_text(cut):
    outcome(SEED[:cut])


@fuzz(40)
@given(st.data())
def test_mutated_text(data):
    lines = SEED_LINES[:]
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["del", "dup", "number", "junk"]))
        if action == "del":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "number":
            token = data.draw(
                st.sampled_from(
                    [
                        "-5",
                        "1e400",
                        "nan",
                        "inf",
                        "3.7",
                        "99999999999999999999",
                        "０",
                        "十二",
                        "=1+1",
                        "<script>alert(1)</script>",
                        "\x00",
                        "\u202e",
                    ]
                )
            )
            lines[i] = re.sub(r"\d+", token, lines[i], count=1)
        else:
            lines[i] = data.draw(st.text(max_size=80))
    outcome("\n".join(lines).encode(data.draw(st.sampled_from(["utf-8", "gb18030", "utf-16"])), errors="replace"))


@fuzz(50)
@given(st.integers(0, len(HTML)), st.sampled_from([b"", b"<table><tr><td>", b"<script>", b"<!--", b"]]>"]))
def test_truncated_html(cut, tail):
    outcome(HTML[:cut] + tail)


@fuzz(30)
@given(st.integers(1, 3000))
def test_deeply_nested_html(depth):
    outcome(
        (
            "<html><body><p>某镇2020年政府信息公开工作年度报告</p>"
            + "<div>" * depth
            + "一、总体情况"
            + "</div>" * depth
            + "</body></html>"
        ).encode("utf-8")
    )


@pytest.mark.slow
def test_ten_megabytes_of_prose_is_bounded():
    big = SEED.replace("一、总体情况".encode(), ("一、总体情况\n" + "很长的正文。" * 600_000).encode(), 1)
    assert len(big) > 10_000_000
    start = time.monotonic()
    outcome(big)
    assert time.monotonic() - start < 60


# -- Word and Excel ---------------------------------------------------------------------------


@fuzz(30)
@given(st.sampled_from(["docx", "xlsx", "own"]), st.integers(0, 100))
def test_truncated_office_files(kind, percent):
    data = {"docx": DOCX, "xlsx": XLSX, "own": OWN_XLSX}[kind]
    result = outcome(data[: len(data) * percent // 100])
    if percent < 100:
        assert isinstance(result, ImportFailed)


@fuzz(40)
@given(st.sampled_from(["docx", "xlsx", "own"]), st.data())
def test_damaged_zip_members(kind, data):
    """A well-formed zip whose XML parts are cut or garbled (a crash inside python-docx/openpyxl)."""
    source = {"docx": DOCX, "xlsx": XLSX, "own": OWN_XLSX}[kind]
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    victim = data.draw(st.sampled_from(sorted(members)))
    payload = members[victim]
    action = data.draw(st.sampled_from(["cut", "garble", "drop", "bomb"]))
    if action == "cut":
        members[victim] = payload[: data.draw(st.integers(0, len(payload)))]
    elif action == "garble":
        members[victim] = data.draw(st.binary(max_size=200))
    elif action == "drop":
        del members[victim]
    else:  # entity expansion: the XML parsers must not expand it
        members[victim] = (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(
                b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((98 + i,) + (97 + i,) * 10)
                for i in range(8)
            )
            + b"]><x>&i;</x>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    outcome(buffer.getvalue())


def test_a_zip_bomb_is_refused_or_bounded():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * 300_000_000)
    assert len(buffer.getvalue()) < 2_000_000
    start = time.monotonic()
    assert isinstance(outcome(buffer.getvalue()), ImportFailed)
    assert time.monotonic() - start < 60


# -- the mapper on arbitrary documents --------------------------------------------------------

_cell_text = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "12",
            "-3",
            "1.5",
            "合计",
            "总计",
            "自然人",
            "商业企业",
            "一、本年新收政府信息公开申请数量",
            "（一）予以公开",
            "维持",
            "纠正",
            "行政复议",
            "本年新制作数量",
            "nan",
            "1e9",
            "<b>x</b>",
            "=1+1",
        ]
    ),
    st.integers(-10, 10**12).map(str),
    st.text(max_size=20),
)
_block = st.one_of(
    st.builds(Paragraph, st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=60))),
    st.builds(Table, st.lists(st.lists(_cell_text, max_size=12), max_size=20)),
)


@fuzz(60)
@given(
    st.lists(_block, max_size=40),
    st.dictionaries(
        st.sampled_from(["agency", "year", "level", "format", "published", "district", "short_name"]),
        st.text(max_size=30),
    ),
)
def test_mapper_on_arbitrary_documents(blocks, hints):
    doc = Document(blocks=[Paragraph("北京市某区某镇2021年政府信息公开工作年度报告"), *blocks], hints=hints)
    start = time.monotonic()
    try:
        report, findings = map_document(doc, NAME)
    except ImportFailed as exc:
        assert str(exc).startswith(NAME) and "\n" not in str(exc)
        return
    assert time.monotonic() - start < BOUND
    valid_import(ImportResult(report=report, findings=findings))


# -- govkit's own workbook: what goes out comes back, and no formula is ever written ------------

_prose = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)


@fuzz(8)
@given(
    st.dictionaries(
        st.sampled_from([PREAMBLE, *SECTION_IDS]),
        st.one_of(
            _prose,
            st.sampled_from(
                [
                    '=HYPERLINK("http://evil","点我")',
                    "+1+1",
                    "-2+3",
                    "@SUM(A1)",
                    "=cmd|' /C calc'!A0",
                    "\t=1",
                    "'=1",
                    "<script>alert(1)</script>",
                ]
            ),
        ),
    )
)
def test_own_workbook_round_trip_and_no_formulas(sections):
    report = synthetic_report('=HYPERLINK("http://evil")镇', 2021)
    report.sections.update({k: v.strip("\n") for k, v in sections.items()})
    data = workbook_bytes(report)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in archive.namelist())
    result = outcome(data)
    if isinstance(result, ImportResult):
        assert result.report.meta.agency == report.meta.agency
        assert result.report.cells == report.cells
