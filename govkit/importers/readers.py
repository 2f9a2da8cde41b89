"""Readers: bytes of a published report → :class:`Document`. One per input kind, chosen by content.

Text may be UTF-8, UTF-16 or GBK/GB18030. HTML tables, Word tables and Excel sheets are taken row by
row, each row's cells in order, a merged cell once.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from govkit.errors import ImportFailed
from govkit.importers.document import Document, Paragraph, Table

MAX_BYTES = 20_000_000
MAX_TEXT_BYTES = 5_000_000  # text and web pages: a real report is < 200 KB, a heavy portal page < 2 MB
MAX_TEXT_LINES = 20_000  # lines of a text report (a real one has < 1,000); checked before any parsing
# Elements of a web page, counted before BeautifulSoup builds them (~30 µs and ~1.5 KB each): a portal
# page with a whole report, even exported from Word with a <span> per run, has < 10,000.
MAX_HTML_ELEMENTS = 30_000
_START_TAG = re.compile(r"<[A-Za-z]")
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "tr",
        "center",
        "dd",
        "dt",
        "dl",
        "main",
        "figure",
        "figcaption",
        "caption",
        "form",
        "address",
    }
)
_DROP_TAGS = ("script", "style", "noscript", "nav", "iframe", "template", "svg", "head", "select", "button", "input")
_CHROME_ATTR = re.compile(
    r"(^|[-_\s])(nav|navbar|menu|breadcrumb|crumb|bread|footer|foot|header|top-?bar|sidebar|share|"
    r"toolbar|pagination|search|login|copyright|links?)([-_\s\d]|$)",
    re.I,
)


def read(data: bytes, name: str) -> Document:
    """The document in ``data`` (named ``name`` in messages), whatever supported kind it is."""
    if not data or not data.strip():
        raise ImportFailed(f"{name}：文件是空的")
    check_size(len(data), name)
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(f"{name}：这是旧版 Word/Excel（.doc/.xls）文件，请另存为 .docx 或 .xlsx 后再导入")
    if data.startswith(b"%PDF"):
        from govkit.importers.pdf import read_pdf

        return read_pdf(data, name)
    if len(data) > MAX_TEXT_BYTES:
        raise ImportFailed(
            f"{name}：文本或网页文件过大（{len(data)} 字节，上限 {MAX_TEXT_BYTES} 字节），不像是一份年度报告"
        )
    text = decode(data, name)
    lines = text.count("\n") + 1
    if lines > MAX_TEXT_LINES and not re.search(r"<\s*(html|body|table)[\s>]", text[:5000], re.I):
        raise ImportFailed(f"{name}：文本行数过多（{lines} 行，上限 {MAX_TEXT_LINES} 行），不像是一份年度报告")
    if re.search(r"<\s*(html|body|table|p|div|!doctype)[\s>]", text[:5000], re.I):
        elements = len(_START_TAG.findall(text))
        if elements > MAX_HTML_ELEMENTS:
            raise ImportFailed(
                f"{name}：网页元素过多（{elements} 个标签，上限 {MAX_HTML_ELEMENTS} 个），不像是一份年度报告，未读取"
            )
        try:
            return read_html(text)
        except RecursionError:
            raise ImportFailed(f"{name}：网页嵌套层次过深，无法读取") from None
    return read_text(text)


def check_size(size: int, name: str) -> None:
    """Refuse a file of more than :data:`MAX_BYTES` (called with its ``stat`` size before it is read)."""
    if size > MAX_BYTES:
        raise ImportFailed(f"{name}：文件过大（{size} 字节），不像是一份年度报告")


def decode(data: bytes, name: str) -> str:
    """Text from bytes: a BOM, else UTF-8, else GB18030 (GBK), else the best detected guess."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(codec, errors="replace"), name)
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"charset\s*=\s*[\"']?([a-zA-Z0-9_-]+)", data[:4000])
    codecs = [declared.group(1).decode("ascii")] if declared else []
    for codec in (*codecs, "gb18030"):
        try:
            return _checked(data.decode(codec), name)
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ImportFailed(f"{name}：无法识别文件编码，不是可读的文本、网页、Word 或 Excel 文件")
    return _checked(str(best), name)


def _checked(text: str, name: str) -> str:
    sample = text[:20000]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f") or ch == "\ufffd")
    if "\x00" in sample or controls > max(3, len(sample) // 50):
        raise ImportFailed(f"{name}：文件含有大量控制字符或乱码，不是可读的文本文件")
    if not re.search(r"[\u4e00-\u9fff]", sample):
        raise ImportFailed(f"{name}：文件中没有中文内容，不是政府信息公开工作年度报告")
    return text


def read_text(text: str) -> Document:
    """Text copied from a web page or Word: every line a paragraph (tables become cell lines)."""
    from govkit.importers.textshape import markdown_lines, unflatten

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    plain = markdown_lines(lines)
    kind = "Markdown" if plain is not lines else "文本"
    return Document(blocks=[Paragraph(line) for line in unflatten(plain)], kind=kind)


# -- HTML ------------------------------------------------------------------------------------------


def read_html(text: str) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    doc = Document(kind="网页")
    if soup.title and soup.title.string:
        doc.hints["page_title"] = soup.title.string.strip()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        # vars(), not tag.decomposed: bs4 looks that up as a child search, quadratic in nesting depth.
        if vars(tag).get("_decomposed") or tag.name in ("html", "body", "table", "tr", "td", "th", "tbody", "thead"):
            continue
        attrs = " ".join([*(tag.get("class") or []), str(tag.get("id") or ""), str(tag.get("role") or "")])
        if tag.name in ("header", "footer", "aside") or (
            attrs.strip() and _CHROME_ATTR.search(attrs) and not tag.find("table")
        ):
            tag.decompose()
    _Walker(doc).walk(soup.body or soup)
    return doc


class _Walker:
    """Emits paragraphs at block boundaries and data tables as tables; layout tables are walked through."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.line: list[str] = []

    def flush(self) -> None:
        text = re.sub(r"[ \t\r\n\f]+", " ", "".join(self.line)).strip()
        self.line = []
        if text:
            self.doc.blocks.append(Paragraph(text))

    def walk(self, node) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment, Doctype, ProcessingInstruction

        for child in list(node.children):
            if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self.line.append(str(child))
            elif isinstance(child, Tag):
                if child.name == "br":
                    self.flush()
                elif child.name == "table" and not child.find("table"):
                    self.flush()
                    self.doc.blocks.append(Table(_html_rows(child)))
                elif child.name in _BLOCK_TAGS or child.name in ("table", "td", "th", "tbody", "thead", "tfoot"):
                    self.flush()
                    self.walk(child)
                    self.flush()
                else:
                    self.walk(child)


def _html_rows(table) -> list[list[str]]:
    rows = []
    for tr in table.find_all("tr"):
        cells = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            for br in cell.find_all("br"):
                br.replace_with("\n")
            parts = [re.sub(r"[ \t\r\f]+", " ", p).strip() for p in cell.get_text("\n").split("\n")]
            cells.append("\n".join(p for p in parts if p))
        rows.append(cells)
    return rows


# -- Office files ---------------------------------------------------------------------------------


def _read_zip(data: bytes, name: str) -> Document:
    from govkit.importers.office_guard import check_document, check_sheets, check_zip

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            check_zip(archive, name)
            if "xl/workbook.xml" in names:
                check_sheets(archive, name)
            if "word/document.xml" in names:
                check_document(archive, name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zipfile.LargeZipFile) as exc:
        raise ImportFailed(f"{name}：文件已损坏或不完整（{type(exc).__name__}），无法作为 Word/Excel 打开") from None
    try:
        if "word/document.xml" in names:
            return read_docx(data)
        if "xl/workbook.xml" in names:
            return read_xlsx(data)
    except ImportFailed:
        raise
    except Exception as exc:  # a damaged Office file can fail anywhere inside the library
        raise ImportFailed(f"{name}：Word/Excel 文件已损坏，无法读取（{type(exc).__name__}）") from None
    raise ImportFailed(f"{name}：压缩文件既不是 .docx 也不是 .xlsx")


def _paragraph_text(paragraph: Any) -> str:
    """A ``w:p`` element's text as python-docx's ``Paragraph.text`` gives it, in time linear in its runs.

    python-docx selects a run's text children with an XPath union, which libxml2 sorts at a cost
    quadratic in their number: one paragraph of 40,000 line breaks took 3.1 s.
    """
    from docx.oxml.ns import qn

    run, link = qn("w:r"), qn("w:hyperlink")
    text_tags = {qn(tag) for tag in ("w:br", "w:cr", "w:noBreakHyphen", "w:ptab", "w:t", "w:tab")}
    out: list[str] = []
    for child in paragraph.iterchildren(run, link):
        for r in [child] if child.tag == run else child.iterchildren(run):
            out.extend(str(e) for e in r.iterchildren() if e.tag in text_tags)
    return "".join(out)


def read_docx(data: bytes) -> Document:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    doc = Document(kind="Word")
    # The body's own w:p and w:tbl children in order, as python-docx's iter_inner_content gives them,
    # but walked directly: its XPath union "./w:p | ./w:tbl" sorts the result in libxml2 at a cost
    # quadratic in the number of paragraphs once the body holds tables (40,000 paragraphs: 10 s).
    paragraph, table = qn("w:p"), qn("w:tbl")
    for element in body.iterchildren(paragraph, table):
        if element.tag == paragraph:
            for line in _paragraph_text(element).split("\n"):
                doc.blocks.append(Paragraph(line))
        else:
            doc.blocks.append(Table(_docx_rows(DocxTable(element, document._body))))
    return doc


def _docx_rows(table) -> list[list[str]]:
    from docx.oxml.ns import qn

    rows = []
    for tr in table._tbl.tr_lst:
        cells: list[str] = []
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                # The lower part of a vertically merged cell: its text is in the row above. A merged
                # label in front of the row is left out (the row's own label follows); a merged cell
                # after the label keeps its place as an empty cell, so the cells after it stay in their
                # columns and the importer reports this cell as missing instead of shifting the row.
                if any(cells):
                    cells.append("")
                continue
            paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]
            cells.append("\n".join(p for p in paragraphs if p.strip()))
        rows.append(cells)
    return rows


def read_xlsx(data: bytes) -> Document:
    import openpyxl

    from govkit import xlsx as layout

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    doc = Document(kind="Excel")
    tables: list[Table] = []
    for sheet in book.worksheets:
        if sheet.title == layout.META_SHEET:
            doc.hints.update(layout.read_meta_sheet(sheet))
            continue
        if sheet.title == layout.TEXT_SHEET:
            doc.sections = layout.read_text_sheet(sheet)
            continue
        merged = {
            (r, c)
            for rng in sheet.merged_cells.ranges
            for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)
            if (r, c) != (rng.min_row, rng.min_col)
        }
        rows: list[list[str]] = []
        for r, row in enumerate(sheet.iter_rows(), start=1):
            cells = [_xlsx_text(cell.value) for c, cell in enumerate(row, start=1) if (r, c) not in merged]
            filled = [c for c in cells if c]
            if len(filled) == 1 and len(filled[0]) > 12 and not rows:
                doc.blocks.append(Paragraph(filled[0]))  # a title row above the table
                continue
            rows.append(cells)
        if any(any(row) for row in rows):
            tables.append(Table(rows, name=sheet.title))
    if "agency" in doc.hints and "year" in doc.hints:
        doc.blocks.insert(0, Paragraph(f"{doc.hints['agency']}{doc.hints['year']}年政府信息公开工作年度报告"))
    doc.blocks.extend(tables)
    return doc


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # 0.0 stays a decimal: an amount keeps its decimal point
    return str(value)
