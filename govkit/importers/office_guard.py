"""Bounds on Word/Excel files checked from the zip and the sheet XML before any library expands them.

openpyxl builds an object for every cell of a merged range and walks every row and column up to
the largest cell reference; python-docx builds the whole document tree. A tiny file can ask for
billions of those (a merged range over the whole sheet, one cell at ``XFD1048576``, a zip bomb).
These checks stream the raw XML with bounded memory and refuse such files in well under a second.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from govkit.errors import ImportFailed

MAX_UNCOMPRESSED = 200_000_000  # bytes of all members together once unpacked
MAX_MEMBER = 50_000_000  # bytes of one member once unpacked (a real report's largest part is < 2 MB)
# An XML part once unpacked: python-docx and openpyxl build trees of ~10 bytes of memory per byte
# (an 18 MB document.xml: 237 MB); a real report's document.xml or sheet is < 3 MB.
MAX_XML_MEMBER = 10_000_000
MAX_RATIO = 200  # unpacked / packed size of a member larger than 1 MB (zip bombs reach 1000+)
MAX_ROWS = 10_000  # rows of a sheet (a report's tables have < 100)
MAX_COLS = 200  # columns of a sheet
# Cells of all sheets together, counted as each sheet's rows × columns up to its last cell reference
# (openpyxl makes every cell of that rectangle, ~12 µs and ~1 KB each, even when the XML lists two),
# and as the cells covered by merged ranges. A report's tables have < 1,000 cells (< 10,000 with every
# official row split into the most local sub-rows).
MAX_CELLS = 50_000
MAX_MERGED = 10_000  # merged ranges of a sheet
MAX_SHEETS = 100  # worksheets of a workbook (a report has one per table and two more)
# Paragraphs of a Word document (a real report has < 1,000). Reading is linear (~30 µs a paragraph);
# the bound keeps python-docx's tree and the mapping of a hostile file small (10,000: 1.25 s in all).
MAX_PARAGRAPHS = 10_000
_CHUNK = 1 << 20
_OVERLAP = 256  # a tag split between two chunks is found in the next one (tags here are short)
# Every cell, row, merged range and dimension tag, with its reference when it has one: a cell or row
# may leave it out, and openpyxl then places it after the previous one.
_REF = re.compile(
    rb"<(?:\w+:)?(dimension|mergeCell|c|row)\b"
    rb'(?:[^>]{0,200}?\s(?:ref|r)="([A-Z]{0,3})(\d{0,7})(?::([A-Z]{0,3})(\d{0,7}))?")?'
)


def check_zip(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse archives whose members unpack to absurd sizes (zip bombs)."""
    total = 0
    for info in archive.infolist():
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        if size > MAX_MEMBER or total > MAX_UNCOMPRESSED or (size > 1_000_000 and ratio > MAX_RATIO):
            raise ImportFailed(
                f"{name}：压缩包内容解压后过大（{info.filename[:40]} 为 {size} 字节，压缩比 {ratio:.0f}），"
                "不像是一份年度报告（可能是压缩炸弹），未读取"
            )
        if size > MAX_XML_MEMBER and info.filename.endswith((".xml", ".rels")):
            raise ImportFailed(
                f"{name}：文件内部的 {info.filename[:40]} 解压后过大（{size} 字节，上限 {MAX_XML_MEMBER} 字节），"
                "不像是一份年度报告，未读取"
            )


def check_sheets(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse sheets whose dimensions, cell references or merged ranges are absurd, from the XML alone."""
    sheets = [
        info
        for info in archive.infolist()
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    ]
    if len(sheets) > MAX_SHEETS:
        raise ImportFailed(f"{name}：工作表过多（{len(sheets)} 个，上限 {MAX_SHEETS} 个），不像是一份年度报告，未读取")
    area = 0
    for info in sheets:
        area += _check_sheet(archive, info, name)
        if area > MAX_CELLS:
            raise ImportFailed(
                f"{name}：各工作表的表格范围合计超过 {MAX_CELLS} 个单元格，不像是一份年度报告的表格，未读取"
            )


def check_document(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse Word documents with absurdly many paragraphs, counted in the raw XML."""
    count, tail = 0, b""
    with archive.open("word/document.xml") as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            count += data.count(b"<w:p>") + data.count(b"<w:p ")
            tail = data[-4:]  # a tag cut by the chunk end is found whole next round (4 bytes cannot hold one)
            if count > MAX_PARAGRAPHS:
                raise ImportFailed(f"{name}：Word 文档段落过多（超过 {MAX_PARAGRAPHS} 段），不像是一份年度报告，未读取")


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> int:
    """The cells of the sheet's rectangle (rows × columns up to its last reference), once its bounds are checked."""
    sheet = info.filename.rsplit("/", 1)[-1]
    cells = merged_cells = merged = last_row = last_col = 0
    row = col = 0  # where openpyxl puts a row or cell without a reference: after the previous one
    for kind, c1, r1, c2, r2 in _refs(archive, info):
        if kind == b"row":
            row, col = r1 or row + 1, 0
            r1 = row
        elif kind == b"c":
            cells += 1
            row, col = (r1, c1) if r1 else (row, col + 1)
            r1, c1 = row, col
        elif kind == b"mergeCell":
            merged += 1
        rows, cols = (r1, r2 or r1), (c1, c2 or c1)
        if max(rows) > MAX_ROWS or max(cols) > MAX_COLS:
            raise ImportFailed(
                f"{name}：工作表 {sheet} 的范围 {_reference(rows, cols)} 超过 {MAX_ROWS} 行或 {MAX_COLS} 列，"
                "不像是一份年度报告的表格，未读取"
            )
        if kind == b"mergeCell":
            merged_cells += (abs(rows[1] - rows[0]) + 1) * (abs(cols[1] - cols[0]) + 1)
        if kind != b"dimension":  # openpyxl sizes the sheet by its cells, whatever <dimension> claims
            last_row, last_col = max(last_row, *rows), max(last_col, *cols)
        if cells > MAX_CELLS or merged > MAX_MERGED or merged_cells > MAX_CELLS or last_row * last_col > MAX_CELLS:
            raise ImportFailed(
                f"{name}：工作表 {sheet} 的单元格或合并单元格过多（上限 {MAX_CELLS} 个单元格、{MAX_MERGED} 个合并区域），未读取"
            )
    return last_row * last_col


def _refs(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[tuple[bytes, int, int, int, int]]:
    """(tag, first column, first row, last column, last row) of every cell, row or range tag, streamed.

    Columns and rows are numbers from 1; 0 where the tag has no reference.
    """
    tail = b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = tail + chunk
            last = len(chunk) < _CHUNK
            cut = len(data) if last else len(data) - _OVERLAP  # a tag across the cut is read whole next round
            for match in _REF.finditer(data):
                if match.start() >= cut:
                    break
                kind, c1, r1, c2, r2 = match.groups()
                yield kind, _column(c1 or b""), int(r1 or 0), _column(c2 or b""), int(r2 or 0)
            if last:
                return
            tail = data[cut:]


def _column(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + (byte - 64)
    return number


def _reference(rows: tuple[int, int], cols: tuple[int, int]) -> str:
    """A cell or range as Excel writes it (``GS1``, ``A1:XFD1048576``), for messages."""
    from openpyxl.utils.cell import get_column_letter

    first, last = (f"{get_column_letter(c)}{r or ''}" if c else f"第 {r} 行" for r, c in zip(rows, cols, strict=True))
    return first if first == last else f"{first}:{last}"


def open_workbook(source: bytes | str | Path, name: str | None = None, **options: Any) -> Any:
    """An openpyxl workbook, after the zip and every sheet passed the checks above.

    Raises:
        ImportFailed: the file is not a workbook or exceeds a bound.
    """
    import openpyxl

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    label = name or (str(source) if isinstance(source, (str, Path)) else "工作簿")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, label)
            check_sheets(archive, label)
    except zipfile.BadZipFile:
        raise ImportFailed(f"{label}：不是有效的 Excel 工作簿") from None
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True, **options)
