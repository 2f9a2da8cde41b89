"""The cell model: every case the editor, importer, loader and checks rely on."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from govkit.cells import MAX_COUNT, CellError, format_value, parse_text, validate
from govkit.formats import ColumnSpec, format_for_year


def _specs() -> dict[str, ColumnSpec]:
    return {spec.type: spec for _, _, _, spec in format_for_year(2020).table("二").cells()}


SPECS = _specs()
COUNT, SIGNED, AMOUNT = SPECS["count"], SPECS["signed"], SPECS["amount"]


def refused(text: object, spec: ColumnSpec, *, typed: bool = True) -> CellError:
    with pytest.raises(CellError) as info:
        parse_text(text, spec) if typed else validate(text, spec)  # type: ignore[arg-type]
    error = info.value
    assert "\n" not in str(error) and str(error) == error.reason
    return error


def test_amount_spec_is_the_official_one():
    assert AMOUNT.decimals == 4 and AMOUNT.display_decimals == 4 and AMOUNT.unit == "万元"


@pytest.mark.parametrize(
    ("text", "spec", "value"),
    [
        ("", COUNT, None),
        ("   ", AMOUNT, None),
        ("\u3000", SIGNED, None),
        ("0", COUNT, 0),
        ("-0", COUNT, 0),
        ("007", COUNT, 7),
        ("１２３", COUNT, 123),
        ("1,000", COUNT, 1000),
        ("1，000", COUNT, 1000),
        ("１，２３４，５６７", COUNT, 1234567),
        (" 42 ", COUNT, 42),
        ("-5", SIGNED, -5),
        ("－５", SIGNED, -5),
        ("+3", SIGNED, 3),
        (str(MAX_COUNT - 1), COUNT, MAX_COUNT - 1),
        (str(-(MAX_COUNT - 1)), SIGNED, -(MAX_COUNT - 1)),
        ("12.5", AMOUNT, Decimal("12.5")),
        ("0.0001", AMOUNT, Decimal("0.0001")),
        ("12.3456", AMOUNT, Decimal("12.3456")),
        ("1,234.5", AMOUNT, Decimal("1234.5")),
        ("１２．５", AMOUNT, Decimal("12.5")),
        ("0", AMOUNT, Decimal("0")),
        ("999999999.9999", AMOUNT, Decimal("999999999.9999")),
    ],
)
def test_parse_text_accepts(text, spec, value):
    got = parse_text(text, spec)
    assert got == value and type(got) is type(value)
    if isinstance(value, Decimal):
        assert str(got) == str(value)  # kept exactly: 12.5 stays 12.5, not 12.5000


@pytest.mark.parametrize(
    ("text", "spec", "fragment"),
    [
        ("1.5", COUNT, "「1.5」不是整数"),
        ("1.0", COUNT, "不是整数"),
        ("1e3", COUNT, "「1e3」不是整数"),
        ("1E3", SIGNED, "不是整数"),
        ("-5", COUNT, "件数不能为负数"),
        ("99999999999999999999", COUNT, "数值过大"),
        (str(MAX_COUNT), COUNT, "数值过大"),
        (str(-MAX_COUNT), SIGNED, "数值过大"),
        ("12a", COUNT, "「12a」不是数字"),
        ("abc", COUNT, "「abc」不是数字"),
        ("abc", AMOUNT, "「abc」不是数字"),
        ("1,00", COUNT, "「1,00」不是数字"),
        ("1,0000", COUNT, "千分位"),
        ("12,34.5", AMOUNT, "千分位"),
        ("1 000", COUNT, "不是数字"),
        ("²", COUNT, "不是数字"),
        ("①", COUNT, "不是数字"),
        ("NaN", AMOUNT, "不是数字"),
        ("Infinity", AMOUNT, "不是数字"),
        ("1e3", AMOUNT, "科学记数法"),
        ("-0.1", AMOUNT, "金额不能为负数"),
        ("12.34567", AMOUNT, "最多 4 位小数"),
        ("12.50000", AMOUNT, "最多 4 位小数"),
        (str(MAX_COUNT), AMOUNT, "金额过大"),
        ("+", COUNT, "不是数字"),
        (".", AMOUNT, "不是数字"),
        ("--5", SIGNED, "不是数字"),
    ],
)
def test_parse_text_refuses(text, spec, fragment):
    error = refused(text, spec)
    assert fragment in str(error)
    assert error.text == text


@pytest.mark.parametrize(
    ("value", "spec", "fragment"),
    [
        (10**12, COUNT, "数值过大"),
        (MAX_COUNT, COUNT, "数值过大"),
        (-MAX_COUNT, SIGNED, "数值过大"),
        (10**500, SIGNED, "数值过大"),
        (-1, COUNT, "件数不能为负数"),
        (Decimal("1.5"), COUNT, "应填整数，实为小数 1.5"),
        (Decimal("2"), SIGNED, "应填整数"),
        (Decimal("NaN"), SIGNED, "应填整数"),
        (True, COUNT, "应填数字，实为「True」"),
        (False, AMOUNT, "应填数字"),
        ("12", COUNT, "应填数字，实为文字「12」"),
        (1.0, COUNT, "float"),
        (0.5, AMOUNT, "float"),
        ([1], COUNT, "应填数字"),
        (Decimal("-1"), AMOUNT, "不能为负数"),
        (Decimal("12.34567"), AMOUNT, "最多 4 位小数"),
        (Decimal("NaN"), AMOUNT, "应填数字"),
        (Decimal("sNaN"), AMOUNT, "应填数字"),
        (Decimal("-Infinity"), AMOUNT, "应填数字"),
        (Decimal(MAX_COUNT), AMOUNT, "金额过大"),
        (10**12, AMOUNT, "金额过大"),
        (Decimal("1e1000000000"), AMOUNT, "金额过大"),
        (Decimal("1e-1000000000"), AMOUNT, "最多 4 位小数"),
    ],
)
def test_validate_refuses(value, spec, fragment):
    error = refused(value, spec, typed=False)
    assert fragment in str(error)
    assert len(str(error)) < 100


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        (None, COUNT, None),
        (0, COUNT, 0),
        (MAX_COUNT - 1, COUNT, MAX_COUNT - 1),
        (-(MAX_COUNT - 1), SIGNED, -(MAX_COUNT - 1)),
        (Decimal("12.5"), AMOUNT, Decimal("12.5")),
        (7, AMOUNT, Decimal(7)),
        (Decimal("1E+3"), AMOUNT, Decimal(1000)),
        (Decimal("0E+1000000000"), AMOUNT, Decimal(0)),
        (Decimal("-0.0"), AMOUNT, Decimal(0)),
    ],
)
def test_validate_accepts(value, spec, expected):
    got = validate(value, spec)
    assert got == expected and type(got) is type(expected)
    if isinstance(got, Decimal):
        assert not got.is_signed() and len(format(got, "f")) < 30


def test_absurd_numbers_are_refused_at_once_with_short_messages():
    start = time.monotonic()
    for value in (Decimal("1e1000000000"), Decimal("9" * 100_000), Decimal("0." + "0" * 100_000 + "1")):
        assert len(str(refused(value, AMOUNT, typed=False))) < 100
    for text in ("1" * 100_000, "0." + "1" * 100_000, "1e1000000000", "1" * 1_000_000 + "x"):
        for spec in SPECS.values():
            assert len(str(refused(text, spec))) < 100
    assert "位数过多" in str(refused("0" * 100_000 + "1", COUNT))
    assert time.monotonic() - start < 2


def test_the_text_is_kept_unshortened_but_quoted_short():
    text = "很长的文字" * 100
    error = refused(text, COUNT)
    assert error.text == text and len(str(error)) < 60
    error = refused("1\n2", COUNT)
    assert "\n" not in str(error)


def test_format_value():
    assert format_value(None, COUNT) == ""
    assert format_value(1234, COUNT) == "1234"
    assert format_value(-3, SIGNED) == "-3"
    assert format_value(Decimal("12.5"), AMOUNT) == "12.5000"
    assert format_value(Decimal("0.12345"), AMOUNT.__class__(id="x", label="x", type="amount", decimals=5)) == "0.12345"
    assert format_value(Decimal("1E+3"), AMOUNT) == "1000.0000"
    with pytest.raises(CellError):
        format_value(10**12, COUNT)


def test_formatted_text_parses_back_to_the_same_value():
    for value, spec in [(0, COUNT), (999, SIGNED), (-999, SIGNED), (Decimal("12.5"), AMOUNT), (Decimal("3"), AMOUNT)]:
        assert parse_text(format_value(value, spec), spec) == value


def test_an_int_too_long_to_print_is_refused_without_printing_it():
    error = refused(10**5000, SIGNED, typed=False)
    assert "数值过大" in str(error) and len(str(error)) < 100
