"""PDF reader: a text-layer PDF → :class:`Document`, tables by their ruling lines and cell boxes.

pdfplumber finds each table from the rules drawn on the page (thin filled rectangles, stroked lines
and stroked boxes; white page backgrounds and grey row shading are not rules) and gives its cells
by box, a merged cell once, where it starts — the same neutral rows the HTML and Word readers give.
Text outside the tables becomes paragraphs: lines are joined into one paragraph unless the next line
is indented, the previous one stops short of the right margin, or the type style changes. A table
that runs on to the next page is joined, without the header rows the printer repeated. Page numbers
are dropped. A PDF without a text layer (a scan) is refused: it would need OCR, which guesses.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from govkit.errors import ImportFailed
from govkit.importers.document import Document, Paragraph, Table
from govkit.importers.glyphs import fix_radicals
from govkit.importers.pdf_budget import Budget, TooMuch, layout

MAX_PAGES = 300
_MARGIN = 0.06  # of the page height: where running headers and footers are printed
_RULE_WIDTH = 2.5  # points: thicker filled boxes are shading or backgrounds, not table rules
_PAGE_NUMBER = re.compile(
    r"^(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|[-—–]\s*\d+\s*[-—–]|\d+\s*/\s*\d+|\d{1,3}|"
    r"(?:Page|page|PAGE)\s*\d+(?:\s*(?:of|/)\s*\d+)?)$"
)


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    page_height: float
    x0: float
    x1: float
    size: float
    bold: bool
    text: str
    tabular: bool = False  # wide gaps between its words: a table row printed without rules


@dataclass
class _Grid:
    page: int
    top: float
    bottom: float
    page_height: float
    rows: list[list[str]]


def read_pdf(data: bytes, name: str) -> Document:
    """The document a PDF holds; :class:`ImportFailed` for a damaged, encrypted or scanned PDF."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # one FontBBox warning per glyph otherwise
    items: list[_Line | _Grid] = []
    budget = Budget()
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise ImportFailed(f"{name}：PDF 有 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页，不像是一份年度报告")
            for number, page in enumerate(pdf.pages):
                layout(page, budget)
                items.extend(_page_items(page, number))
                page.close()  # what pdfplumber cached for the page: the next page starts from nothing
    except TooMuch as exc:
        raise ImportFailed(f"{name}：{exc}，不像是一份年度报告，未导入；可改用网页、Word 或 Excel 版本") from None
    except ImportFailed:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged or encrypted files
        raise ImportFailed(f"{name}：PDF 文件已损坏或已加密，无法读取（{type(exc).__name__}）") from None
    if budget.spent["chars"] == 0:
        raise ImportFailed(
            f"{name}：PDF 中没有可读的文字层（可能是扫描件），无法导入；请使用可复制文字的 PDF，或网页、Word、Excel 版本"
        )
    text = "".join(item.text for item in items if isinstance(item, _Line))
    text += "".join(c for item in items if isinstance(item, _Grid) for row in item.rows for c in row)
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise ImportFailed(f"{name}：PDF 的文字层中没有中文（可能是扫描件或字体无法解码），无法导入")
    return _document(_without_running_lines(items))


def _without_running_lines(items: list[_Line | _Grid]) -> list[_Line | _Grid]:
    """The items without running headers and footers.

    A running line sits in the top or bottom margin and recurs, page numbers aside, on more than one
    page (a title repeated on every page is not the report's text).
    """

    def key(line: _Line) -> str | None:
        margin = line.page_height * _MARGIN
        if line.top > margin and line.bottom < line.page_height - margin:
            return None
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

    pages: dict[str, set[int]] = {}
    for item in items:
        if isinstance(item, _Line) and (k := key(item)) is not None:
            pages.setdefault(k, set()).add(item.page)
    running = {k for k, found in pages.items() if len(found) > 1}
    return [item for item in items if not (isinstance(item, _Line) and key(item) in running)]


def _is_rule(obj: dict) -> bool:
    """Whether a page object is kept for table finding: text, lines, thin boxes and stroked boxes."""
    if obj.get("object_type") != "rect":
        return True
    if obj.get("stroke") and not _white(obj.get("stroking_color")):
        return True
    return min(obj["width"], obj["height"]) <= _RULE_WIDTH and not _white(obj.get("non_stroking_color"))


def _white(color) -> bool:
    if color is None:
        return False
    values = color if isinstance(color, (tuple, list)) else (color,)
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError):
        return False
    if len(numbers) == 4:  # CMYK: white is no ink
        return all(v <= 0.05 for v in numbers)
    return bool(numbers) and all(v >= 0.95 for v in numbers)


def _page_items(page, number: int) -> list[_Line | _Grid]:
    ruled = page.filter(_is_rule)
    tables = ruled.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    items: list[_Line | _Grid] = []
    outside = ruled
    for table in tables:
        rows = [[fix_radicals(cell) for cell in row if cell is not None] for row in table.extract()]
        rows = [row for row in rows if row]
        if rows:
            items.append(_Grid(number, table.bbox[1], table.bbox[3], float(page.height), rows))
        outside = outside.outside_bbox(table.bbox)
    for line in outside.extract_text_lines(return_chars=True, strip=True):
        text, tabular = _line_text(line["chars"])
        if not text.strip() or _PAGE_NUMBER.match(text.strip()):
            continue
        sizes = [c["size"] for c in line["chars"] if c["text"].strip()] or [0.0]
        bold = Counter("bold" in c["fontname"].lower() for c in line["chars"]).most_common(1)[0][0]
        items.append(
            _Line(
                number,
                line["top"],
                line["bottom"],
                float(page.height),
                line["x0"],
                line["x1"],
                median(sizes),
                bold,
                text,
                tabular,
            )
        )
    items.sort(key=lambda item: item.top)
    return items


def _line_text(chars: list[dict]) -> tuple[str, bool]:
    """A line's text from its characters, a space where the gap is wider than half a character.

    Whether it has gaps wider than one and a half characters (columns of a table without rules) too.
    """
    text = ""
    tabular = False
    previous = None
    for char in sorted((c for c in chars if c["text"].strip()), key=lambda c: c["x0"]):
        if previous is not None:
            gap = char["x0"] - previous["x1"]
            size = max(char["size"], previous["size"], 1.0)
            if gap > 0.5 * size:
                text += " "
            tabular = tabular or gap > 1.5 * size
        text += char["text"]
        previous = char
    return fix_radicals(text), tabular


def _document(items: list[_Line | _Grid]) -> Document:
    doc = Document(kind="PDF")
    lines = [item for item in items if isinstance(item, _Line)]
    body = Counter(round(line.size) for line in lines).most_common(1)[0][0] if lines else 12
    body_lines = [line for line in lines if round(line.size) == body] or lines
    left = Counter(round(line.x0) for line in body_lines).most_common(1)[0][0] if body_lines else 0
    right = max((line.x1 for line in body_lines), default=0.0)
    previous: _Line | _Grid | None = None
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            doc.blocks.append(Paragraph(_join(paragraph)))
            paragraph.clear()

    for item in items:
        if isinstance(item, _Grid):
            flush()
            last = doc.blocks[-1] if doc.blocks else None
            if isinstance(previous, _Grid) and isinstance(last, Table) and item.page == previous.page + 1:
                last.rows.extend(_without_repeated_header(last.rows, item.rows))
            else:
                doc.blocks.append(Table([list(row) for row in item.rows]))
        else:
            if not (isinstance(previous, _Line) and _continues(previous, item, left, right)):
                flush()
            paragraph.append(item.text)
        previous = item
    flush()
    return doc


def _continues(prev: _Line, line: _Line, left: float, right: float) -> bool:
    """Whether ``line`` carries on the paragraph ``prev`` belongs to (a line wrapped by the printer)."""
    if abs(prev.size - line.size) > 0.5 or prev.bold != line.bold or prev.tabular or line.tabular:
        return False
    if prev.x1 < right - 1.5 * prev.size:
        return False  # the previous line stopped short: its paragraph ended there
    if line.x0 > left + 0.6 * line.size:
        return prev.bold and line.bold  # a wrapped, centred heading goes on; an indent starts a paragraph
    return True


def _join(parts: list[str]) -> str:
    out = parts[0].strip()
    for part in parts[1:]:
        part = part.strip()
        space = " " if out and part and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() else ""
        out += space + part
    return out


def _without_repeated_header(before: list[list[str]], rows: list[list[str]]) -> list[list[str]]:
    """The rows of a table's continuation without the header rows repeated at the top of the page."""
    n = 0
    while n < len(rows) and n < len(before) and rows[n] == before[n] and not _has_value(rows[n]):
        n += 1
    return [list(row) for row in rows[n:]]


def _has_value(row: list[str]) -> bool:
    return any(re.fullmatch(r"\s*[-+]?\d[\d,.]*\s*", cell) for cell in row)
