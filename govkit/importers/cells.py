"""Text normalisation and cell values: full-width forms, spaces inside labels, units, markers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from govkit.formats import ColumnSpec

MAX_VALUE = 10**9
BLANK_MARKERS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "－", "－－", "一", "空", "无", "x", "X", "×", "*"})
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "〔": "[", "〕": "]", "【": "[", "】": "]"})
_NUMBER = re.compile(
    r"(?P<sign>[+-])?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>件|项|个|条|次|万元|元)?"
)
_NUMBERING = re.compile(
    r"^(?:\(?[一二三四五六七八九十]+\)[、.]?|[一二三四五六七八九十]+[、.]|\(?\d+\)[、.]?|\d+[、.](?!\d))"
)
_PAREN_TAIL = re.compile(r"\([^()]*\)$")


def normalize(text: str) -> str:
    """A label's comparable form: NFKC (full width → half width), no whitespace, plain quotes."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES)).rstrip(":")


def strip_numbering(key: str) -> str:
    """A normalised label without its leading 一、 /（一）/ 1. numbering."""
    return _NUMBERING.sub("", key, count=1)


def strip_paren_tail(key: str) -> str:
    """A normalised label without a trailing parenthetical, e.g. 现行有效件数(历史累计) → 现行有效件数."""
    return _PAREN_TAIL.sub("", key)


def clean_line(text: str) -> str:
    """A paragraph as published, without leading/trailing whitespace (U+3000 and NBSP included)."""
    return text.strip(" \t\r\n\u3000\xa0\ufeff\u200b")


def is_slot(text: str) -> bool:
    """Whether a cell text reads as a value (a number, possibly with a unit) or a blank marker."""
    key = normalize(text)
    return bool(key) and (key in BLANK_MARKERS or _NUMBER.fullmatch(key) is not None)


def is_number(text: str) -> bool:
    key = normalize(text)
    return bool(key) and _NUMBER.fullmatch(key) is not None


@dataclass(frozen=True)
class Parsed:
    """A cell read against its column: the value, or why there is none; ``note`` for conversions."""

    value: int | Decimal | None
    problem: str | None = None
    note: str | None = None


def parse_value(raw: str, spec: ColumnSpec) -> Parsed:
    """Read one cell's text as the value its column holds (count, signed count or 万元 amount)."""
    key = normalize(raw)
    shown = clean_line(raw)
    if not key:
        return Parsed(None, "单元格空白")
    if key in BLANK_MARKERS:
        return Parsed(None, f"单元格为「{shown}」，不是数字")
    match = _NUMBER.fullmatch(key)
    if match is None:
        return Parsed(None, f"无法识别的数值「{shown[:30]}」")
    try:
        number = Decimal(match["digits"].replace(",", "") + (match["frac"] or ""))
    except InvalidOperation:
        return Parsed(None, f"无法识别的数值「{shown[:30]}」")
    if match["sign"] == "-":
        number = -number
    unit = match["unit"]
    if spec.type == "amount":
        return _amount(number, unit, shown, spec)
    if unit in ("元", "万元"):
        return Parsed(None, f"件数栏中出现金额「{shown}」")
    if number != number.to_integral_value():
        return Parsed(None, f"件数应为整数，实为「{shown}」")
    value = int(number)
    if spec.type == "count" and value < 0:
        return Parsed(None, f"件数不能为负数，实为「{shown}」")
    if abs(value) >= MAX_VALUE:
        return Parsed(None, f"数值过大「{shown}」")
    return Parsed(value)


def _amount(number: Decimal, unit: str | None, shown: str, spec: ColumnSpec) -> Parsed:
    note = None
    if unit == "元":
        number = number / 10000
        note = f"「{shown}」按 {format(number.normalize(), 'f')} 万元导入"
    if number < 0:
        return Parsed(None, f"金额不能为负数，实为「{shown}」")
    if number >= MAX_VALUE:
        return Parsed(None, f"金额过大「{shown}」")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -spec.decimals:
        rounded = number.quantize(Decimal(1).scaleb(-spec.decimals), rounding=ROUND_HALF_UP)
        note = f"「{shown}」超过 {spec.decimals} 位小数，按 {format(rounded, 'f')} 万元导入"
        number = rounded
    elif spec.display_decimals and isinstance(exponent, int) and exponent > -spec.display_decimals:
        number = number.quantize(Decimal(1).scaleb(-spec.display_decimals))  # 0 → 0.0000 as printed
    return Parsed(number, None, note)
