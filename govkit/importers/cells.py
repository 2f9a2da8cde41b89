"""Text normalisation and cell values: full-width forms, spaces inside labels, units, markers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from govkit.cells import CellError, parse_text, quote
from govkit.formats import ColumnSpec

BLANK_MARKERS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "－", "－－", "一", "空", "无", "x", "X", "×", "*"})
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "〔": "[", "〕": "]", "【": "[", "】": "]"})
_QUOTE_CHARS = re.compile("[“”‘’〔〕【】]")
_NUMBER = re.compile(
    r"(?P<sign>[+-])?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>件|项|个|条|次|万元|元)?"
)
_NUMBERING = re.compile(
    r"^(?:\(?[一二三四五六七八九十]+\)[、.]?|[一二三四五六七八九十]+[、.]|\(?\d+\)[、.]?|\d+[、.](?!\d))"
)
_PAREN_TAIL = re.compile(r"\([^()]*\)$")


def normalize(text: str) -> str:
    """A label's comparable form: NFKC (full width → half width), no whitespace, plain quotes."""
    # Same result as normalize(...).translate(...) unconditionally, but each step only when needed: every
    # imported line is normalised several times (label lookups), and both steps cost ~0.2 µs per character.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _QUOTE_CHARS.search(text):
        text = text.translate(_QUOTES)
    return _SPACE.sub("", text).rstrip(":")


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
    """Read one cell's text as the value its column holds (count, signed count or 万元 amount).

    The importer's own part is the layout of published reports: blank markers (/ — 无), units
    (件, 元, 万元) and the 元 → 万元 conversion. Whether the number itself is one the cell may hold
    (digits, sign, limits, decimals) is decided by the cell model, :mod:`govkit.cells`.
    """
    key = normalize(raw)
    shown = clean_line(raw)
    if not key:
        return Parsed(None, "单元格空白")
    if key in BLANK_MARKERS:
        return Parsed(None, f"单元格为「{quote(shown)}」，不是数字")
    match = _NUMBER.fullmatch(key)
    if match is None:
        return Parsed(None, f"无法识别的数值「{quote(shown)}」")
    core = (match["sign"] or "") + match["digits"] + (match["frac"] or "")
    unit = match["unit"]
    if spec.type != "amount" and unit in ("元", "万元"):
        return Parsed(None, f"件数栏中出现金额「{quote(shown)}」")
    if spec.type == "amount" and unit == "元":
        return _yuan(match["sign"] or "", match["digits"], (match["frac"] or "")[1:], shown, spec)
    try:
        value = parse_text(core, spec)
    except CellError as error:
        return Parsed(None, error.reason)
    if isinstance(value, Decimal):
        value = _as_printed(value, spec)
    return Parsed(value)


def _yuan(sign: str, digits: str, frac: str, shown: str, spec: ColumnSpec) -> Parsed:
    """An amount printed in 元, converted exactly to 万元 by moving the decimal point four places."""
    whole = digits.replace(",", "").rjust(5, "0")
    places = (whole[-4:] + frac).rstrip("0")  # 251000.00 元 is 25.1 万元: the same value
    wan = sign + whole[:-4] + ("." + places if places else "")
    try:
        value = parse_text(wan, spec)
    except CellError as error:
        return Parsed(None, f"「{quote(shown)}」折合 {quote(wan)} 万元：{error.reason}")
    assert isinstance(value, Decimal)
    note = f"「{quote(shown)}」按 {format(value.normalize(), 'f')} 万元导入"
    return Parsed(_as_printed(value, spec), None, note)


def _as_printed(number: Decimal, spec: ColumnSpec) -> Decimal:
    """A valid amount with the places the column prints (0 → 0.0000): the same value."""
    exponent = number.as_tuple().exponent
    if spec.display_decimals and isinstance(exponent, int) and exponent > -spec.display_decimals:
        return number.quantize(Decimal(1).scaleb(-spec.display_decimals))
    return number
