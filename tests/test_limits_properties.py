"""Limits before work, generated: every loader handles oversized and pathological input in ≤ 2 s and ≤ 300 MB.

Hypothesis draws the shape and the sizes of a hostile input (many keys, flow scalars, lines, cells,
paragraphs, elements, sheets; long scalars and paragraphs; deep nesting; huge numbers; far cell
references and merged ranges), on both sides of each limit. The file is written to disk and loaded
through the real entry point (``datafile.load`` as ``govkit check`` does, ``import_file`` as
``govkit import`` does) in a fresh process measured by :func:`test_limits.measure`: CPU time of the
load alone and the process's peak RSS. Each input must be accepted, or refused with one line naming
the file — never a traceback — within both bounds.

The default run draws a few examples per loader; ``-m slow`` runs many more.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_limits import MAX_RSS_MB, MAX_SECONDS, measure

from govkit.datafile.parse import MAX_BYTES, MAX_FLOW_ITEMS, MAX_KEYS, MAX_LINES
from govkit.importers.mapper import MAX_DOCUMENT_CHARS, MAX_DOCUMENT_PIECES
from govkit.importers.office_guard import MAX_CELLS, MAX_COLS, MAX_PARAGRAPHS, MAX_ROWS
from govkit.importers.pdf import MAX_PAGES
from govkit.importers.readers import MAX_HTML_ELEMENTS, MAX_TEXT_BYTES, MAX_TEXT_LINES

pytestmark = pytest.mark.fuzz

FEW = settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)
MANY = settings(max_examples=int(40 * float(os.environ.get("GOVKIT_FUZZ_SCALE", "1"))), deadline=None)

LOAD = "from govkit.datafile import load as entry"
IMPORT = "from govkit.importers import import_file as entry"


def around(limit: int) -> st.SearchStrategy[int]:
    """A size near a limit (just below or above it) or far beyond it."""
    return st.one_of(st.integers(limit // 2, 2 * limit), st.integers(2 * limit, 20 * limit))


def check(tmp: Path, suffix: str, data: bytes, entry: str) -> None:
    path = tmp / f"hostile{suffix}"
    path.write_bytes(data)
    result = measure(f"{entry}\ndata = None", "entry(CASE)", str(path))
    outcome = result["outcome"]
    if outcome != "accepted":
        assert "\n" not in outcome and len(outcome) < 400, outcome  # one line
        assert path.name in outcome, outcome  # naming the file
    assert result["seconds"] <= MAX_SECONDS, (suffix, len(data), result)
    assert result["rss_mb"] <= MAX_RSS_MB, (suffix, len(data), result)


# -- data files ---------------------------------------------------------------------------------


@cache
def good_yaml() -> str:
    from govkit import datafile
    from govkit.synthetic import synthetic_report

    return datafile.dumps(synthetic_report("示例镇", 2021))


@st.composite
def hostile_yaml(draw) -> bytes:
    good = good_yaml()
    kind = draw(st.sampled_from(["keys", "flow", "scalar", "nesting", "block", "lines", "number", "size"]))
    if kind == "keys":
        text = good + "x:\n" + "".join(f"  k{i}: 1\n" for i in range(draw(around(MAX_KEYS))))
    elif kind == "flow":
        text = good + "x: [" + "1," * draw(around(MAX_FLOW_ITEMS)) + "1]\n"
    elif kind == "scalar":  # a prose part, a name or a comment of any length
        long = draw(st.sampled_from(["字", "a", "字 ", "\\u"])) * draw(st.integers(1_000, 3_000_000))
        where = draw(st.sampled_from(["  一: ", "  agency: ", "# "]))
        text = good.replace(where, where + long, 1)
    elif kind == "nesting":
        depth = draw(st.integers(10, 200_000))
        text = good + "x: " + "[" * depth + "]" * depth + "\n"
    elif kind == "block":
        depth = draw(st.integers(10, 5_000))
        text = good + "".join(" " * i + f"k{i}:\n" for i in range(depth))
    elif kind == "lines":
        text = good + draw(st.sampled_from(["\n", "#\n", " \n"])) * draw(around(MAX_LINES))
    elif kind == "number":
        digits = "9" * draw(st.integers(1, 2_000_000))
        form = draw(st.sampled_from(["{d}", "1e{d}", "-1e-{d}", "0.{d}", "{d}.{d}", "1_{d}", "0x{d}", "{d}e{d}"]))
        text = good.replace("本年制发件数: 0", "本年制发件数: " + form.format(d=digits), 1)
    else:
        text = good + "#" + "x" * draw(around(MAX_BYTES))
    return text.encode()


@given(data=hostile_yaml())
@FEW
def test_data_files_are_loaded_or_refused_within_bounds(tmp_path_factory, data):
    check(tmp_path_factory.mktemp("yaml"), ".yaml", data, LOAD)


# -- text and Markdown ----------------------------------------------------------------------------

HEAD = "示例镇人民政府\n2021年政府信息公开工作年度报告\n一、总体情况\n"


@st.composite
def hostile_text(draw) -> bytes:
    kind = draw(st.sampled_from(["lines", "long line", "cells", "pipes", "tabs", "markdown", "chars"]))
    if kind == "lines":
        body = "全年工作有序推进。\n" * draw(around(MAX_TEXT_LINES))
    elif kind == "long line":
        body = "全年工作有序推进，" * draw(st.integers(1_000, 700_000))
    elif kind == "cells":
        body = ("行政许可 " + "1 " * draw(st.integers(2, 5_000)) + "\n") * draw(st.integers(1, 5_000))
    elif kind == "pipes":
        body = "|" * draw(st.integers(1, 3_000_000)) + "行政许可|1|2\n"
    elif kind == "tabs":
        body = "\t" * draw(st.integers(1, 3_000_000)) + "行政许可\t1\t2\n"
    elif kind == "markdown":
        row = "| 行政许可 " + "| 1 " * draw(st.integers(1, 300)) + "|\n"
        body = "| a | b |\n|---|---|\n" + row * draw(st.integers(1, 20_000))
    else:
        body = ("字" * 99 + "。\n") * (draw(around(MAX_DOCUMENT_CHARS)) // 100)
    data = (HEAD + body).encode()
    return data[: MAX_TEXT_BYTES + draw(st.integers(-100, 100))] if draw(st.booleans()) else data


@given(data=hostile_text())
@FEW
def test_text_imports_are_handled_within_bounds(tmp_path_factory, data):
    check(tmp_path_factory.mktemp("text"), ".txt", data, IMPORT)


# -- web pages ----------------------------------------------------------------------------------


@st.composite
def hostile_html(draw) -> bytes:
    kind = draw(st.sampled_from(["elements", "cells", "nesting", "long text", "attributes", "colspan", "tables"]))
    n = draw(around(MAX_HTML_ELEMENTS))
    if kind == "elements":
        tag = draw(st.sampled_from(["p", "span", "div", "br", "b", "li"]))
        body = f"<{tag}>全年工作有序推进。</{tag}>" * n
    elif kind == "cells":
        width = draw(st.integers(1, 200))
        body = "<table>" + ("<tr>" + "<td>1</td>" * width + "</tr>") * max(1, n // width) + "</table>"
    elif kind == "nesting":
        tag = draw(st.sampled_from(["div", "span", "table><tr><td", "ul><li"]))
        depth = draw(st.integers(100, 100_000))
        body = f"<{tag}>" * depth + "字"
    elif kind == "long text":
        body = "<p>" + "全年工作有序推进，" * draw(st.integers(1_000, 500_000)) + "</p>"
    elif kind == "attributes":
        body = "<p " + " ".join(f"a{i}=x" for i in range(draw(st.integers(1, 300_000)))) + ">字</p>"
    elif kind == "colspan":
        span = draw(st.sampled_from(["1000000", "99999999999999999999", "-1", "1e9"]))
        body = f'<table><tr><td colspan="{span}" rowspan="{span}">行政许可</td><td>1</td></tr></table>' * 100
    else:
        body = "<table><tr><td>行政许可</td><td>1</td></tr></table>" * (n // 5)
    head = "<html><head><title>年度报告</title></head><body><p>示例镇2021年政府信息公开工作年度报告</p>"
    return (head + body + "</body></html>").encode()


@given(data=hostile_html())
@FEW
def test_web_page_imports_are_handled_within_bounds(tmp_path_factory, data):
    check(tmp_path_factory.mktemp("html"), ".html", data, IMPORT)


# -- Excel --------------------------------------------------------------------------------------


@cache
def good_workbook() -> dict[str, bytes]:
    from govkit.synthetic import synthetic_report
    from govkit.xlsx import workbook_bytes

    book = zipfile.ZipFile(io.BytesIO(workbook_bytes(synthetic_report("示例镇", 2021))))
    return {name: book.read(name) for name in book.namelist()}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@st.composite
def hostile_workbook(draw) -> bytes:
    kind = draw(st.sampled_from(["corners", "grid", "merged", "many merged", "long strings", "numbers", "sheets"]))
    rows, cols, merges, extra = [], "", "", {}
    if kind == "corners":  # a few cells far apart: openpyxl would make the whole rectangle
        for _ in range(draw(st.integers(1, 4))):
            r, c = draw(st.integers(1, 2 * MAX_ROWS)), draw(st.integers(1, 2 * MAX_COLS))
            rows.append(f'<row r="{r}"><c r="{column(c)}{r}"><v>1</v></c></row>')
    elif kind == "grid":
        width = draw(st.integers(1, MAX_COLS))
        height = max(1, draw(around(MAX_CELLS)) // width)
        rows = [f'<row r="{r}">' + f"<c><v>{r}</v></c>" * width + "</row>" for r in range(1, min(height, MAX_ROWS) + 1)]
    elif kind == "merged":
        r, c = draw(st.integers(1, 1_048_576)), draw(st.integers(1, 16_384))
        merges = f'<mergeCells count="1"><mergeCell ref="A1:{column(c)}{r}"/></mergeCells>'
    elif kind == "many merged":
        count = draw(st.integers(1, 30_000))
        merges = (
            "<mergeCells>" + "".join(f'<mergeCell ref="A{i}:B{i}"/>' for i in range(1, count + 1)) + "</mergeCells>"
        )
    elif kind == "long strings":
        text = "全年工作有序推进，" * draw(st.integers(100, 1_000_000))
        rows = [f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>']
    elif kind == "numbers":
        value = draw(st.sampled_from(["9" * 400_000, "1e308", "1e999", "-0", "NaN", "1" + "0" * 5_000 + ".5"]))
        rows = [f'<row r="1"><c r="A1"><v>行政许可</v></c><c r="B1"><v>{value}</v></c></row>']
    else:
        count = draw(st.integers(1, 3_000))
        extra = {f"xl/worksheets/extra{i}.xml": b"<worksheet/>" for i in range(count)}
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{cols}<sheetData>{''.join(rows)}</sheetData>{merges}</worksheet>"
    )
    members = dict(good_workbook())
    members["xl/worksheets/sheet3.xml"] = sheet.encode()  # the sheet of table 三
    members.update(extra)
    return zipped(members)


@given(data=hostile_workbook())
@FEW
def test_workbook_imports_are_handled_within_bounds(tmp_path_factory, data):
    check(tmp_path_factory.mktemp("xlsx"), ".xlsx", data, IMPORT)


# -- Word ---------------------------------------------------------------------------------------


@cache
def blank_document() -> dict[str, bytes]:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    package = zipfile.ZipFile(buffer)
    return {name: package.read(name) for name in package.namelist()}


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


@st.composite
def hostile_document(draw) -> bytes:
    kind = draw(st.sampled_from(["paragraphs", "long paragraphs", "runs", "breaks", "table", "nested", "cells"]))
    if kind == "paragraphs":
        body = paragraph("全年工作有序推进。") * draw(around(MAX_PARAGRAPHS))
    elif kind == "long paragraphs":
        body = paragraph("全年工作有序推进，" * draw(st.integers(1_000, 400_000))) * draw(st.integers(1, 20))
    elif kind == "runs":
        body = "<w:p>" + "<w:r><w:t>字</w:t></w:r>" * draw(st.integers(1_000, 300_000)) + "</w:p>"
    elif kind == "breaks":
        body = "<w:p><w:r>" + "<w:t>1</w:t><w:br/>" * draw(st.integers(1_000, 300_000)) + "</w:r></w:p>"
    elif kind == "table":
        width = draw(st.integers(1, 60))
        height = draw(st.integers(1, 2 * MAX_DOCUMENT_PIECES // width))
        merge = draw(st.sampled_from(["", '<w:tcPr><w:vMerge w:val="continue"/></w:tcPr>']))
        cell = f"<w:tc>{merge}{paragraph('1')}</w:tc>"
        body = "<w:tbl>" + ("<w:tr>" + cell * width + "</w:tr>") * height + "</w:tbl>"
    elif kind == "nested":
        depth = draw(st.integers(10, 50_000))
        body = "<w:tbl><w:tr><w:tc>" * depth + paragraph("字") + "</w:tc></w:tr></w:tbl>" * depth
    else:
        body = "<w:tbl><w:tr>" + f"<w:tc>{paragraph('1')}</w:tc>" * draw(st.integers(1, 100_000)) + "</w:tr></w:tbl>"
    members = dict(blank_document())
    xml = members["word/document.xml"].decode()
    start = xml.index("<w:body>") + len("<w:body>")
    title = paragraph("示例镇2021年政府信息公开工作年度报告") + paragraph("一、总体情况")
    members["word/document.xml"] = (xml[:start] + title + body + xml[start:]).encode()
    return zipped(members)


@given(data=hostile_document())
@FEW
def test_word_imports_are_handled_within_bounds(tmp_path_factory, data):
    check(tmp_path_factory.mktemp("docx"), ".docx", data, IMPORT)


# -- PDF ----------------------------------------------------------------------------------------


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1; the first is the catalog) with its cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf(pages: int, text: str) -> bytes:
    """A minimal valid PDF of ``pages`` pages, each showing ``text`` (ASCII) once."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(pages)) + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    objects += [page] * pages
    return pdf_file(objects)


@given(pages=around(MAX_PAGES), length=st.integers(1, 20_000))
@FEW
def test_pdf_imports_are_handled_within_bounds(tmp_path_factory, pages, length):
    check(tmp_path_factory.mktemp("pdf"), ".pdf", pdf(pages, "2021 " * (length // 5 + 1)), IMPORT)


def test_pdf_glyphs_are_bounded_page_by_page(tmp_path):
    """150 pages of 500 glyphs (75,000: 2.3 s and 190 MB before the budget) are refused by it."""
    path = tmp_path / "glyphs.pdf"
    path.write_bytes(pdf(150, "2021 " * 100))
    result = measure(f"{IMPORT}\ndata = None", "entry(CASE)", str(path))
    assert "内容过多" in result["outcome"] and "个字" in result["outcome"], result
    assert result["seconds"] <= MAX_SECONDS and result["rss_mb"] <= MAX_RSS_MB, result


def one_page_pdf(content: bytes, xobjects: dict[str, bytes | None] | None = None, hex_encoded: bool = False) -> bytes:
    """A one-page PDF drawing ``content`` (Flate-compressed, then hex-encoded if ``hex_encoded``);
    ``xobjects`` are forms (their content) or, for None, a 1×1 image, each named in the page's resources."""
    import binascii
    import zlib

    def stream(data: bytes, extra: bytes = b"", hex_encoded: bool = False) -> bytes:
        packed, filters = zlib.compress(data, 9), b"/FlateDecode"
        if hex_encoded:
            packed, filters = binascii.hexlify(packed) + b">", b"[/ASCIIHexDecode /FlateDecode]"
        return (
            b"<< /Filter " + filters + b" " + extra + b"/Length %d >>\nstream\n" % len(packed) + packed + b"\nendstream"
        )

    font = b"<< /Font << /F1 3 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(content, hex_encoded=hex_encoded),
    ]
    named = b""
    for number, name in enumerate(xobjects or {}, start=6):
        named += b"/%s %d 0 R " % (name.encode(), number)
    objects.append(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> /XObject << "
        + named
        + b">> >> /Contents 4 0 R >>"
    )
    for body in (xobjects or {}).values():
        if body is None:
            image = b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
            objects.append(stream(b"\x00", image))
        else:
            objects.append(stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + font + b" "))
    return pdf_file(objects)


def _boxes(count: int) -> bytes:
    return b"".join(b"%d %d 2 0.5 re f\n" % (20 + i % 110 * 5, 20 + i // 110 * 6) for i in range(count))


# A few bytes that ask pdfplumber for millions of objects or pdfminer for millions of tokens, and
# the largest pages just inside the budget. None: the page may be refused for another reason.
HOSTILE_PAGES = {
    "100,000 identical boxes (3 KB; 16 s and 1.2 GB before)": (b"0 0 1 1 re f\n" * 100_000, None, "内容过多"),
    "4 MB of q Q (10 s before)": (b"q Q " * 1_000_000, None, "内容过多"),
    "100,000 glyphs in one string": (b"BT /F1 1 Tf 10 10 Td (" + b"A" * 100_000 + b") Tj ET", None, "个字"),
    "a form of 1,000 glyphs drawn 100 times": (
        b"/X0 Do\n" * 100,
        {"X0": b"BT /F1 1 Tf 10 10 Td (" + b"A" * 1_000 + b") Tj ET"},
        "内容过多",
    ),
    "40 MB of spaces from 40 KB": (b" " * 40_000_000, None, "解压后超过"),
    "just inside: 8,500 boxes": (_boxes(8_500), None, None),
    "just inside: 83,000 times q Q": (b"q Q " * 83_000, None, None),
    "just inside: 18,000 glyphs": (b"BT /F1 1 Tf 10 10 Td (" + b"A" * 18_000 + b") Tj ET", None, None),
    "just inside: 10,000 images": (b"/Im0 Do\n" * 10_000, {"Im0": None}, None),
}


@pytest.mark.parametrize("name", list(HOSTILE_PAGES))
def test_pdf_pages_are_laid_out_within_a_budget(tmp_path, name):
    content, xobjects, expected = HOSTILE_PAGES[name]
    path = tmp_path / "page.pdf"
    path.write_bytes(one_page_pdf(content, xobjects))
    result = measure(f"{IMPORT}\ndata = None", "entry(CASE)", str(path))
    if expected is not None:
        assert expected in result["outcome"] and path.name in result["outcome"], result
    assert "\n" not in result["outcome"] and len(result["outcome"]) < 400, result
    assert result["seconds"] <= MAX_SECONDS and result["rss_mb"] <= MAX_RSS_MB, result


def test_pdf_content_under_a_second_filter_is_bounded_too(tmp_path):
    """400 MB of spaces, Flate-compressed and then hex-encoded (760 KB): 12.4 s and 804 MB when the
    bound skipped the hex step and inflated the hex text, which is no Flate data."""
    path = tmp_path / "filters.pdf"
    path.write_bytes(one_page_pdf(b" " * 400_000_000, hex_encoded=True))
    result = measure(f"{IMPORT}\ndata = None", "entry(CASE)", str(path))
    assert "解压后超过" in result["outcome"] and path.name in result["outcome"], result
    assert result["seconds"] <= MAX_SECONDS and result["rss_mb"] <= MAX_RSS_MB, result


PAGE_OPERATIONS = [
    b"0 0 1 1 re f\n",
    b"10 10 m 20 700 l S\n",
    b"q Q ",
    b"[] pop ",
    b"BT /F1 1 Tf (AAAAAAAAAA) Tj ET\n",
    b"BT /F1 1 Tf [(A) -3 (B) -3 (C)] TJ ET\n",
    b"(((((",
    b"<<>> ",
]


@given(
    operation=st.sampled_from(PAGE_OPERATIONS),
    count=st.one_of(st.integers(1, 20_000), st.integers(20_000, 400_000)),
    drawn=st.one_of(st.just(0), st.integers(1, 200)),
)
@FEW
def test_pdf_pages_of_generated_operations_are_handled_within_bounds(tmp_path_factory, operation, count, drawn):
    """One operation repeated on the page, or in a form the page draws ``drawn`` times."""
    if drawn:
        data = one_page_pdf(b"/X0 Do\n" * drawn, {"X0": operation * count})
    else:
        data = one_page_pdf(operation * count)
    check(tmp_path_factory.mktemp("pdfpage"), ".pdf", data, IMPORT)


# -- a larger search ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "strategy,suffix,entry",
    [
        (hostile_yaml(), ".yaml", LOAD),
        (hostile_text(), ".txt", IMPORT),
        (hostile_html(), ".html", IMPORT),
        (hostile_workbook(), ".xlsx", IMPORT),
        (hostile_document(), ".docx", IMPORT),
    ],
    ids=["yaml", "text", "html", "xlsx", "docx"],
)
def test_many_hostile_inputs_within_bounds(tmp_path_factory, strategy, suffix, entry):
    @given(data=strategy)
    @settings(MANY, suppress_health_check=list(HealthCheck))
    def run(data):
        check(tmp_path_factory.mktemp("many"), suffix, data, entry)

    run()


def test_the_measure_reports_json():
    """The helper itself: a trivial load is measured and accepted (guards against a silently broken harness)."""
    result = measure("data = None", "pass")
    assert json.loads(json.dumps(result))["outcome"] == "accepted"
