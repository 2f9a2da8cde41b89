"""Excel workbooks in the official layout, for township staff to fill in and send back.

One workbook per agency and year: 基本信息 (metadata), 正文 (the six sections' prose), and a sheet
per table (表二 表三 表四) with the official merged headers. Labels are locked by sheet protection,
value cells are unlocked and validated (whole numbers ≥ 0; signed whole numbers for 本年增/减;
decimals ≥ 0 for 万元). ``govkit import`` reads such a workbook back to the same data.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from govkit.formats import KNOWN_VERSIONS, ColumnSpec, TableSpec
from govkit.model import LEVELS, PREAMBLE, SECTION_IDS, Report

META_SHEET = "基本信息"
TEXT_SHEET = "正文"
META_FIELDS = (
    ("agency", "机关名称"),
    ("short_name", "简称"),
    ("level", "机关层级"),
    ("district", "所属区县"),
    ("year", "年度"),
    ("published", "发布日期"),
    ("format", "格式版本"),
)
SECTION_LABELS = {
    PREAMBLE: "前言",
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}
NOTE = "说明：只填写白色单元格。件数填非负整数，本年增/减可填负数，金额单位为万元；不要留空，没有发生的填 0。"
_MAX_CELL_TEXT = 32000
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E7E6E6")
_SUM_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_UNLOCKED = Protection(locked=False)


def workbook_bytes(report: Report) -> bytes:
    """The workbook for one report, as the bytes of an .xlsx file."""
    book = Workbook()
    first = book.active
    assert isinstance(first, Worksheet)  # a new workbook always starts with one worksheet
    _meta_sheet(first, report)
    _text_sheet(book.create_sheet(TEXT_SHEET), report)
    for table_id in ("二", "三", "四"):
        _table_sheet(book.create_sheet(f"表{table_id}"), report, report.format.table(table_id))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def set_text(cell: Cell | MergedCell, value: str | None) -> None:
    """Write text that Excel must never read as a formula (=, +, -, @ at the start stay text)."""
    if value is None or value == "":
        cell.value = None
        return
    # Control characters cannot be stored in a workbook (openpyxl refuses them): they are dropped.
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"


# -- 基本信息 and 正文 --------------------------------------------------------------------------------


def _meta_sheet(ws: Worksheet, report: Report) -> None:
    ws.title = META_SHEET
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 60
    set_text(ws.cell(1, 1), report.title)
    ws.merge_cells("A1:B1")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = _CENTER
    m = report.meta
    values = {
        "agency": m.agency,
        "short_name": m.short_name,
        "level": m.level,
        "district": m.district,
        "year": m.year,
        "published": m.published,
        "format": report.format.version,
    }
    for n, (key, label) in enumerate(META_FIELDS, start=2):
        _label(ws.cell(n, 1), label)
        cell = ws.cell(n, 2)
        value = values[key]
        if isinstance(value, int):
            cell.value = value
        elif isinstance(value, date):
            cell.value = value
            cell.number_format = "yyyy-mm-dd"
        else:
            set_text(cell, value)
        cell.protection = _UNLOCKED
        cell.border = _BORDER
        cell.alignment = _LEFT
    rows = {key: n for n, (key, _) in enumerate(META_FIELDS, start=2)}
    _validate(
        ws, DataValidation(type="list", formula1='"' + ",".join(LEVELS) + '"', allow_blank=False), f"B{rows['level']}"
    )
    _validate(
        ws, DataValidation(type="whole", operator="between", formula1="2008", formula2="2100"), f"B{rows['year']}"
    )
    _validate(
        ws,
        DataValidation(type="date", operator="greaterThan", formula1="39448", allow_blank=True),
        f"B{rows['published']}",
    )
    _validate(
        ws,
        DataValidation(type="list", formula1=f'"{",".join(KNOWN_VERSIONS)}"', allow_blank=False),
        f"B{rows['format']}",
    )
    note_row = len(META_FIELDS) + 3
    note = ws.cell(note_row, 1)
    set_text(note, NOTE)
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=2)
    note.alignment = _LEFT
    ws.protection.sheet = True


def _text_sheet(ws: Worksheet, report: Report) -> None:
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
    _label(ws.cell(1, 1), "部分")
    _label(ws.cell(1, 2), "内容（每段一行）")
    row = 2
    for key in (PREAMBLE, *SECTION_IDS):
        text = report.sections.get(key, "") or ""
        chunks = _chunks(text) or [""]
        for n, chunk in enumerate(chunks):
            _label(ws.cell(row, 1), SECTION_LABELS[key] if n == 0 else "")
            cell = ws.cell(row, 2)
            set_text(cell, chunk)
            cell.alignment = _TOP
            cell.protection = _UNLOCKED
            cell.border = _BORDER
            ws.row_dimensions[row].height = min(409, 15 * (1 + chunk.count("\n") + len(chunk) // 60))
            row += 1
    ws.protection.sheet = True


def _chunks(text: str) -> list[str]:
    """Section text in cells of at most ~32 000 characters (Excel's limit), split at line ends."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and len(out[-1]) + 1 + len(line) <= _MAX_CELL_TEXT:
            out[-1] += "\n" + line
        else:
            out.extend(line[i : i + _MAX_CELL_TEXT] for i in range(0, max(len(line), 1), _MAX_CELL_TEXT))
    return out if text else []


def read_meta_sheet(ws: Worksheet) -> dict[str, str]:
    """The metadata a 基本信息 sheet states, as text keyed by :class:`~govkit.model.Meta` field."""
    labels = {label: key for key, label in META_FIELDS}
    out: dict[str, str] = {}
    for row in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        label, value = (str(row[0]).strip() if row[0] is not None else ""), row[1]
        if label in labels:
            if isinstance(value, datetime):
                value = value.date()
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            out[labels[label]] = (
                "" if value is None else (value.isoformat() if isinstance(value, date) else str(value).strip())
            )
    return out


def read_text_sheet(ws: Worksheet) -> dict[str, str]:
    """The prose a 正文 sheet holds, keyed like :attr:`Report.sections`."""
    keys = {label: key for key, label in SECTION_LABELS.items()}
    out: dict[str, str] = {}
    current: str | None = None
    for label, value in ws.iter_rows(min_row=2, min_col=1, max_col=2, values_only=True):
        label = str(label).strip() if label is not None else ""
        if label:
            current = keys.get(label)
            if current is None:
                continue
            out[current] = ""
        if current is None:
            continue
        text = "" if value is None else str(value).replace("\r\n", "\n").strip("\n")
        if text:
            out[current] = f"{out[current]}\n{text}" if out[current] else text
    return out


# -- the tables ------------------------------------------------------------------------------------


def _table_sheet(ws: Worksheet, report: Report, table: TableSpec) -> None:
    if len(table.parts) > 1:
        _stacked(ws, report, table)
    else:
        _grid(ws, report, table)
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False


def _stacked(ws: Worksheet, report: Report, table: TableSpec) -> None:
    """Table 二: blocks, each a caption row, a header row and its rows; values spread over 3 columns."""
    grid = max(len(p.leaf_columns()) for p in table.parts)
    ws.column_dimensions["A"].width = 30
    for c in range(2, grid + 2):
        ws.column_dimensions[get_column_letter(c)].width = 20
    r = 1
    rows = report.rows(table.id)
    for part in table.parts:
        _merged(ws, r, 1, r, grid + 1, part.caption or "", header=True)
        r += 1
        columns = part.leaf_columns()
        spans = _spans(len(columns), grid)
        _merged(ws, r, 1, r, 1, part.label_header or "", header=True)
        for (start, end), (_, spec) in zip(spans, columns, strict=True):
            _merged(ws, r, start + 2, r, end + 2, spec.printed, header=True)
        r += 1
        for row in (x for x in rows if x[0] == part.caption):
            official = report.official_row(table.id, row)
            if official != row and row[-1] == report.subrows[table.id][official][0]:
                _merged(ws, r, 1, r, 1, official[-1], header=False)
                for start, end in spans:
                    _merged(ws, r, start + 2, r, end + 2, "", header=False)
                    ws.cell(r, start + 2).fill = _SUM_FILL
                r += 1
            _merged(ws, r, 1, r, 1, ("\u3000\u3000" + row[-1]) if official != row else row[-1], header=False)
            for (start, end), (col, spec) in zip(spans, columns, strict=True):
                _value(ws, r, start + 2, end + 2, report.cells[table.id].get((row, col)), spec)
            r += 1


def _spans(count: int, grid: int) -> list[tuple[int, int]]:
    """How ``count`` value columns share ``grid`` grid columns (the last ones get the extra width)."""
    base, extra = divmod(grid, count)
    out, start = [], 0
    for n in range(count):
        width = base + (1 if n >= count - extra else 0)
        out.append((start, start + width - 1))
        start += width
    return out


def _grid(ws: Worksheet, report: Report, table: TableSpec) -> None:
    """Tables 三 and 四: nested column headers, nested row labels merged across their rows."""
    part = table.parts[0]
    leaf_rows = part.leaf_rows()
    label_cols = max((len(row) for row, _ in leaf_rows), default=0)
    depth = _depth(part.columns)
    for c in range(1, label_cols + 1):
        ws.column_dimensions[get_column_letter(c)].width = 16 if c < label_cols else 34
    for c in range(label_cols + 1, label_cols + len(part.leaf_columns()) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11
    if label_cols:
        _merged(ws, 1, 1, depth, label_cols, table.corner or "", header=True)
    _headers(ws, part.columns, 1, label_cols + 1, depth)
    r = depth + 1
    for row, _ in leaf_rows:
        for level in range(len(row)):
            prefix = row[: level + 1]
            if any(other[: level + 1] == prefix for other, _ in leaf_rows[: [x for x, _ in leaf_rows].index(row)]):
                continue  # written with the first row of its group
            span = sum(1 for other, _ in leaf_rows if other[: level + 1] == prefix)
            last = level == len(row) - 1
            _merged(ws, r, level + 1, r + span - 1, label_cols if last else level + 1, row[level], header=False)
        for n, (col, spec) in enumerate(part.leaf_columns()):
            _value(ws, r, label_cols + 1 + n, label_cols + 1 + n, report.cells[table.id].get((row, col)), spec)
        r += 1


def _headers(ws: Worksheet, specs: tuple[ColumnSpec, ...], row: int, col: int, depth: int) -> int:
    for spec in specs:
        width = _leaves(spec)
        bottom = row if spec.children else depth
        _merged(ws, row, col, bottom, col + width - 1, spec.printed, header=True)
        if spec.children:
            _headers(ws, spec.children, row + 1, col, depth)
        col += width
    return col


def _depth(specs: tuple[ColumnSpec, ...]) -> int:
    return max((1 + _depth(s.children) if s.children else 1) for s in specs)


def _leaves(spec: ColumnSpec) -> int:
    return sum(_leaves(c) for c in spec.children) if spec.children else 1


def _merged(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, text: str, header: bool) -> None:
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            ws.cell(r, c).border = _BORDER
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    cell = ws.cell(r1, c1)
    set_text(cell, text)
    cell.alignment = _CENTER if header else _LEFT
    if header:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL


def _value(ws: Worksheet, r: int, c1: int, c2: int, value: int | Decimal | None, spec: ColumnSpec) -> None:
    _merged(ws, r, c1, r, c2, "", header=False)
    cell = ws.cell(r, c1)
    cell.value = value
    cell.protection = _UNLOCKED
    cell.alignment = Alignment(horizontal="right", vertical="center")
    if spec.type == "amount":
        cell.number_format = "0." + "0" * spec.decimals if spec.decimals else "0"
    else:
        cell.number_format = "0"
    _validate(ws, _validation(spec), cell.coordinate)


def _validation(spec: ColumnSpec) -> DataValidation:
    if spec.type == "amount":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = f"请填写不小于 0 的金额（单位：{spec.unit or '万元'}）"
    elif spec.type == "signed":
        dv = DataValidation(
            type="whole", operator="between", formula1="-999999999", formula2="999999999", allow_blank=True
        )
        dv.error = "请填写整数（减少时填负数）"
    else:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "请填写不小于 0 的整数"
    dv.errorTitle = "数值无效"
    dv.showErrorMessage = True
    return dv


def _validate(ws: Worksheet, dv: DataValidation, coordinate: str) -> None:
    """Add a rule, sharing one rule object per kind and sheet so the file stays small."""
    for existing in ws.data_validations.dataValidation:
        if (existing.type, existing.operator, existing.formula1, existing.formula2) == (
            dv.type,
            dv.operator,
            dv.formula1,
            dv.formula2,
        ):
            # Straight into the range set: ``add`` first tests containment against every range so far,
            # which makes a sheet's validation quadratic in its cells (each cell is added once anyway).
            existing.sqref.ranges.add(CellRange(coordinate))
            return
    if dv.showErrorMessage is None or not dv.error:
        dv.showErrorMessage = True
        dv.errorTitle = dv.errorTitle or "数值无效"
        dv.error = dv.error or "请按提示填写"
    ws.add_data_validation(dv)
    dv.add(coordinate)


def _label(cell: Cell | MergedCell, text: str) -> None:
    set_text(cell, text)
    cell.font = Font(bold=True)
    cell.fill = _HEAD_FILL
    cell.border = _BORDER
    cell.alignment = _LEFT
