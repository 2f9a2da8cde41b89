"""The cell model: what a table cell may hold, decided in one place.

Counts are non-negative integers, signed cells (本年增/减) are integers, amounts are non-negative
:class:`~decimal.Decimal` values with at most ``spec.decimals`` decimal places; every magnitude is
below :data:`MAX_COUNT`. :func:`parse_text` reads what a person typed or an importer found,
:func:`validate` checks a Python value (from YAML or code). Both refuse with :class:`CellError`,
whose message is one Chinese line quoting at most a few dozen characters of the input.

Numbers are bounded by their digit count and exponent *before* any arithmetic or formatting, so a
value such as ``1e1000000000`` is refused at once instead of being expanded.
"""

from __future__ import annotations

import re
from decimal import Decimal

from govkit.formats import ColumnSpec
from govkit.model import Value

MAX_COUNT = 10**9
"""Every cell's magnitude must be below this (counts, signed changes, amounts in 万元)."""

_LIMIT_DIGITS = len(str(MAX_COUNT)) - 1  # integer digits a value below MAX_COUNT can have
_SHOW = 30
_MAX_TEXT = 64
# Full-width forms only: NFKC would also turn ² or ① into digits, which nobody typed as such.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + n): str(n) for n in range(10)},
        "，": ",",
        "．": ".",
        "＋": "+",
        "－": "-",
        "\u2212": "-",
        "ｅ": "e",
        "Ｅ": "E",
    }
)
_NUMBER = re.compile(r"(?P<sign>[+-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?P<frac>\.\d+)?(?P<exp>[eE][+-]?\d+)?", re.ASCII)
_GROUPED = re.compile(r"(?<!\d)[+-]?\d+(?:,\d+)+(?:\.\d+)?", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class CellError(ValueError):
    """A value a cell cannot hold.

    Attributes:
        text: the value as given (typed text, or ``str`` of the Python value), unshortened.
        reason: why, in Chinese, quoting at most a few dozen characters of ``text``; ``str(error)``.
    """

    def __init__(self, text: str, reason: str):
        self.text = text
        self.reason = reason
        super().__init__(reason)

    def __str__(self) -> str:
        return self.reason


def quote(text: str) -> str:
    """``text`` as a message quotes it: one line, at most 30 characters (then …)."""
    text = _CONTROL.sub(" ", text[: _SHOW + 1])
    return text if len(text) <= _SHOW else text[:_SHOW] + "…"


def show_number(value: int | Decimal) -> str:
    """A number for a message, never expanding an absurd exponent (bounded length)."""
    if isinstance(value, Decimal) and value.is_finite():
        sign, digits, exponent = value.as_tuple()
        if isinstance(exponent, int) and len(digits) <= _SHOW and -_SHOW <= exponent <= _SHOW:
            return quote(format(value, "f"))
        return quote(str(value))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 13_000:
        return "位数过多的整数"  # str() of a huge int is slow and limited (4300 digits)
    return quote(str(value))


def _kind(spec: ColumnSpec) -> str:
    return {"count": "件数", "signed": "数值", "amount": "金额"}.get(spec.type, "数值")


def _too_large(spec: ColumnSpec, shown: str) -> str:
    word = "金额过大" if spec.type == "amount" else "数值过大"
    unit = f" {spec.unit}" if spec.type == "amount" and spec.unit else ""
    return f"{word}：{shown}{unit}（应小于 {MAX_COUNT}）"


def _fold(text: str) -> str:
    """Full-width digits, signs, commas and points to ASCII; surrounding whitespace removed."""
    return text.translate(_FOLD).strip()


def parse_text(text: str, spec: ColumnSpec) -> Value:
    """The value of a cell's text as typed or imported; ``""`` or whitespace means blank (None).

    Accepts full-width digits (１２３), a sign, well-formed thousands separators (``1,000`` or
    ``1，000``) and, for amounts, a decimal fraction. Refuses everything else, including exponents.

    Args:
        text: the text as given.
        spec: the column, which decides the type, decimals and unit.

    Raises:
        CellError: the text is not a value this column can hold.
    """
    folded = _fold(text)
    if not folded:
        return None
    shown = quote(text.strip())
    if len(folded) > _MAX_TEXT:  # no cell value is written this long; spare the regular expressions
        numeric = not folded.strip("0123456789,.+-")
        raise CellError(text, f"「{shown}」{'数字位数过多' if numeric else '不是数字'}")
    match = _NUMBER.fullmatch(folded)
    if match is None or not (match["int"] or match["frac"]):
        if _GROUPED.fullmatch(folded):
            raise CellError(text, f"「{shown}」不是数字（千分位分隔应每三位一组）")
        if spec.type != "amount" and re.fullmatch(r"[+-]?\d+\.", folded, re.ASCII):
            raise CellError(text, f"「{shown}」不是整数")
        raise CellError(text, f"「{shown}」不是数字")
    if match["exp"]:
        if spec.type == "amount":
            raise CellError(text, f"「{shown}」不是普通写法的数字（不用科学记数法）")
        raise CellError(text, f"「{shown}」不是整数")
    digits = (match["int"] or "").replace(",", "").lstrip("0")
    frac = (match["frac"] or "")[1:]
    negative = match["sign"] == "-" and bool(digits or frac.strip("0"))
    if spec.type != "amount" and frac:
        raise CellError(text, f"「{shown}」不是整数")
    if len(digits) > _LIMIT_DIGITS:
        raise CellError(text, _too_large(spec, shown))
    if negative and spec.type == "count":
        raise CellError(text, f"「{shown}」不是非负整数：件数不能为负数")
    if negative and spec.type == "amount":
        raise CellError(text, f"金额不能为负数（应不小于 0），实为「{shown}」")
    if spec.type == "amount":
        if len(frac) > spec.decimals:
            raise CellError(text, f"金额最多 {spec.decimals} 位小数，实为「{shown}」")
        return validate(Decimal(f"{digits or '0'}.{frac}" if frac else digits or "0"), spec)
    value = int(digits or "0")
    return validate(-value if negative else value, spec)


def validate(value: object, spec: ColumnSpec) -> Value:
    """``value`` as the cell holds it (int for counts, Decimal for amounts), or None for blank.

    Args:
        value: a Python value from a data file or code: ``int``, ``Decimal`` or None; ``bool``,
            ``float`` and ``str`` are refused.
        spec: the column.

    Raises:
        CellError: the value is not one this column can hold.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return _wrong_kind(value)
    if spec.type == "amount":
        return _amount(Decimal(value) if isinstance(value, int) else value, spec)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError(str(value), f"应填整数，实为「{quote(str(value))}」")
        raise CellError(str(value), f"应填整数，实为小数 {show_number(value)}")
    number = int(value)
    if number.bit_length() > 64 or abs(number) >= MAX_COUNT:
        raise CellError(_int_text(number), _too_large(spec, show_number(number)))
    if spec.type == "count" and number < 0:
        raise CellError(str(number), f"件数不能为负数，实为 {number}")
    return number


def _int_text(number: int) -> str:
    return str(number) if number.bit_length() <= 13_000 else show_number(number)


def _wrong_kind(value: object) -> Value:
    if isinstance(value, str):
        raise CellError(value, f"应填数字，实为文字「{quote(value)}」")
    if isinstance(value, float):
        raise CellError(repr(value), f"应填数字（整数或 Decimal），实为浮点数「{quote(repr(value))}」（float）")
    text = quote(str(value)) if isinstance(value, (bool, dict, list, tuple)) else type(value).__name__
    raise CellError(text, f"应填数字，实为「{text}」")


def _amount(amount: Decimal, spec: ColumnSpec) -> Decimal:
    # Only sign, exponent and digit count are looked at before the bounds hold: comparing or
    # formatting an unbounded Decimal can take minutes and gigabytes.
    if not amount.is_finite():
        raise CellError(str(amount), f"应填数字，实为「{quote(str(amount))}」")
    sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)
    zero = not any(digits)
    if sign and not zero:
        raise CellError(show_number(amount), f"金额不能为负数（应不小于 0），实为 {show_number(amount)}")
    if exponent < -spec.decimals:
        raise CellError(show_number(amount), f"金额最多 {spec.decimals} 位小数，实为 {show_number(amount)}")
    if not zero and amount.adjusted() >= _LIMIT_DIGITS:
        raise CellError(show_number(amount), _too_large(spec, show_number(amount)))
    if zero:
        return Decimal((0, (0,), min(exponent, 0)))  # 0E+1000000000 and -0.0 are plain zeros
    if exponent > 0:
        return amount.quantize(Decimal(1))  # 1E+3 → 1000: same value, written out
    return amount if type(amount) is Decimal else Decimal(amount)


def format_value(value: Value, spec: ColumnSpec) -> str:
    """The canonical text of a valid value, as shown in inputs and pages ("" for blank).

    Amounts are shown with ``spec.display_decimals`` places when the column sets them (adding
    zeros only: a value with more places keeps them all, nothing is rounded away).
    """
    if value is None:
        return ""
    value = validate(value, spec)
    if isinstance(value, Decimal):
        places = spec.display_decimals
        exponent = value.as_tuple().exponent
        if places is not None and isinstance(exponent, int) and exponent > -places:
            value = value.quantize(Decimal(1).scaleb(-places))
        return format(value, "f")
    return str(value)


__all__ = ["MAX_COUNT", "CellError", "format_value", "parse_text", "quote", "show_number", "validate"]
