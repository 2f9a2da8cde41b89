"""Properties of the cell model against the loader, the writer and the checks.

Whatever the cell model accepts saves and loads again unchanged; ``govkit check`` (rule cell-type)
flags a value exactly when the loader refuses a data file holding it; absurd numbers are refused
at once with a short message.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govkit import datafile
from govkit.cells import MAX_COUNT, CellError, validate
from govkit.checks import run_checks
from govkit.errors import DataFileError
from govkit.formats import ColumnSpec
from govkit.model import CellKey, Report
from govkit.synthetic import synthetic_report

BASE = synthetic_report("示例镇", 2020)  # the 2019 format has all three cell types
CELLS: dict[str, tuple[CellKey, ColumnSpec]] = {}
for _part, _row, _col, _spec in BASE.format.table("二").cells():
    CELLS.setdefault(_spec.type, ((_row, _col), _spec))
SENTINEL = {
    "count": (123456789, "123456789"),
    "signed": (-123456789, "-123456789"),
    "amount": (Decimal("7654.3210"), "7654.3210"),
}
TMP = Path(tempfile.mkdtemp(prefix="govkit-cells-"))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _report_with(kind: str, value: object) -> Report:
    report = BASE.copy()
    (row, col), _ = CELLS[kind]
    report.set("二", row, col, value)  # type: ignore[arg-type]
    return report


def _template(kind: str) -> str:
    """A data file whose cell of this type holds a sentinel token (exactly once)."""
    value, token = SENTINEL[kind]
    text = datafile.dumps(_report_with(kind, value))
    assert text.count(f": {token}") == 1, kind
    return text


TEMPLATES = {kind: _template(kind) for kind in CELLS}


def _yaml_token(value: int | Decimal) -> str:
    """How a person writes the value in YAML so that it loads as this very number (never expanded)."""
    if isinstance(value, int):
        return str(value)
    text = str(value)  # scientific for huge or tiny exponents: bounded length
    return text if any(c in text for c in ".Ee") or not value.is_finite() else text + ".0"


def _loader_refuses(kind: str, value: int | Decimal) -> tuple[bool, object]:
    token = SENTINEL[kind][1]
    text = TEMPLATES[kind].replace(f": {token}", f": {_yaml_token(value)}", 1)
    try:
        report = datafile.loads(text, "手写.yaml")
    except DataFileError as error:
        assert len(str(error)) < 200
        return True, None
    (row, col), _ = CELLS[kind]
    return False, report.cells["二"][(row, col)]


def _check_refuses(kind: str, value: object) -> bool:
    report = _report_with(kind, value)
    (row, col), _ = CELLS[kind]
    found = [f for f in run_checks(report, rules=["cell-type"]) if (f.row, f.column) == (row, col)]
    assert all(len(f.message) < 200 for f in found)
    return bool(found)


def _round_trip(kind: str, value: object) -> None:
    _, spec = CELLS[kind]
    accepted = validate(value, spec)
    report = _report_with(kind, value)
    path = TMP / f"{kind}.yaml"
    datafile.save(report, path)
    again = datafile.load(path)
    (row, col), _ = CELLS[kind]
    loaded = again.cells["二"][(row, col)]
    assert loaded == accepted and type(loaded) is type(accepted)
    assert not _check_refuses(kind, value)


# --- accepted values round-trip ----------------------------------------------------------------


@SETTINGS
@given(st.integers(min_value=0, max_value=MAX_COUNT - 1))
@example(0)
@example(MAX_COUNT - 1)
def test_counts_round_trip(value: int) -> None:
    _round_trip("count", value)


@SETTINGS
@given(st.integers(min_value=-(MAX_COUNT - 1), max_value=MAX_COUNT - 1))
@example(-(MAX_COUNT - 1))
@example(MAX_COUNT - 1)
def test_signed_round_trip(value: int) -> None:
    _round_trip("signed", value)


@SETTINGS
@given(
    st.decimals(min_value=0, max_value=Decimal(MAX_COUNT) - Decimal("0.0001"), places=4)
    | st.decimals(min_value=0, max_value=MAX_COUNT - 1, places=0)
    | st.integers(min_value=0, max_value=MAX_COUNT - 1)
)
@example(Decimal("12.5"))
@example(Decimal("0"))
@example(Decimal("999999999.9999"))
@example(Decimal("1E+3"))
@example(Decimal("-0.00"))
def test_amounts_round_trip(value: Decimal | int) -> None:
    _round_trip("amount", value)


# --- the checks flag exactly what the loader refuses ---------------------------------------------

ANY_INT = st.integers(min_value=-(10**40), max_value=10**40) | st.integers(
    min_value=-(2 * MAX_COUNT), max_value=2 * MAX_COUNT
)
ANY_DECIMAL = st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(int(d) for d in str(digits)), exponent)),
    st.integers(0, 1),
    st.integers(min_value=0, max_value=10**30),
    st.integers(min_value=-40, max_value=40) | st.integers(min_value=-(10**9), max_value=10**9),
) | st.decimals(allow_nan=True, allow_infinity=True)


def _agree(kind: str, value: int | Decimal) -> None:
    refused, loaded = _loader_refuses(kind, value)
    assert _check_refuses(kind, value) == refused, (kind, value)
    _, spec = CELLS[kind]
    try:
        expected = validate(value, spec)
    except CellError:
        assert refused
        with pytest.raises(DataFileError):  # and no writer saves what the loader cannot open
            datafile.dumps(_report_with(kind, value))
        return
    assert not refused and loaded == expected


@SETTINGS
@given(st.sampled_from(sorted(CELLS)), ANY_INT)
@example("count", 10**12)
@example("count", -1)
@example("count", MAX_COUNT)
@example("count", MAX_COUNT - 1)
@example("signed", -MAX_COUNT)
@example("signed", 10**12)
@example("amount", 10**12)
@example("amount", MAX_COUNT)
def test_check_flags_exactly_the_ints_the_loader_refuses(kind: str, value: int) -> None:
    _agree(kind, value)


@SETTINGS
@given(st.sampled_from(sorted(CELLS)), ANY_DECIMAL)
@example("amount", Decimal("1E+1000000000"))
@example("amount", Decimal("1E-1000000000"))
@example("amount", Decimal("1." + "1" * 3000))
@example("amount", Decimal(MAX_COUNT))
@example("amount", Decimal("999999999.9999"))
@example("amount", Decimal("12.34567"))
@example("amount", Decimal("-0.0001"))
@example("amount", Decimal("0E+1000000000"))
@example("count", Decimal("1E+1000000000"))
@example("count", Decimal("5"))
@example("signed", Decimal("-1.5"))
def test_check_flags_exactly_the_decimals_the_loader_refuses(kind: str, value: Decimal) -> None:
    _agree(kind, value)


# --- absurd numbers in a data file --------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["1e1000000000", "1" * 100_000 + ".5", "0." + "0" * 100_000 + "1", "1" + "0" * 100_000 + ".0", "1e-999999999"],
)
def test_absurd_amounts_in_a_data_file_are_refused_at_once(token: str) -> None:
    text = TEMPLATES["amount"].replace(f": {SENTINEL['amount'][1]}", f": {token}", 1)
    start = time.monotonic()
    with pytest.raises(DataFileError) as info:
        datafile.loads(text, "巨大.yaml")
    assert time.monotonic() - start < 2
    message = str(info.value)
    assert len(message) < 200 and ("过大" in message or "小数" in message), message


def test_govkit_check_refuses_an_absurd_amount_quickly(tmp_path: Path) -> None:
    path = tmp_path / "巨大.yaml"
    path.write_text(TEMPLATES["amount"].replace(f": {SENTINEL['amount'][1]}", ": 1e1000000000", 1), encoding="utf-8")
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "govkit", "check", str(path)], capture_output=True, text=True, timeout=120
    )
    elapsed = time.monotonic() - start
    assert done.returncode != 0 and "Traceback" not in done.stderr
    output = done.stdout + done.stderr
    assert "金额过大" in output and len(output) < 2000, output
    assert elapsed < 30  # the interpreter's start-up included; the number itself takes milliseconds
