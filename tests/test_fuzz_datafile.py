"""Property and fuzz tests of the agency data-file loader (`govkit.datafile.loads` / `load`).

Every generated input must give either a valid report or one clean `DataFileError`: one line,
naming the file, within a time bound; never another exception, never a hang.
"""

from __future__ import annotations

import os
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govkit import datafile
from govkit.errors import DataFileError
from govkit.model import Report

pytestmark = pytest.mark.fuzz

NAME = "fuzz.yaml"
# Examples per test are sized so that the default run of all fuzz tests stays around half a minute;
# GOVKIT_FUZZ_SCALE=10 runs ten times as many (a deeper search, for a nightly or manual run).
SCALE = float(os.environ.get("GOVKIT_FUZZ_SCALE", "1"))
BOUND = 5.0  # seconds per example: generous for a loaded 2-core CI machine; a hang is far beyond it
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
NUMBER_SITES = [m.start(1) for m in re.finditer(r": (\d+)[,}]", EXAMPLE_TEXT)]


def fuzz(n: int) -> settings:
    """``n`` examples (times $GOVKIT_FUZZ_SCALE), no deadline (a per-example time bound is asserted
    instead), no example database written into the repository."""
    return settings(
        max_examples=max(1, round(n * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# YAML scalars that mean something odd: floats, NaN/inf, huge, negative, hex, booleans, dates, text.
ODD_SCALARS = [
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "1e400",
    "-1e400",
    "1.5",
    "0.0",
    "-0",
    "-1",
    "-999999999",
    "1000000000",
    "99999999999999999999999999",
    "0x10",
    "0o7",
    "1_000",
    "true",
    "no",
    "~",
    "null",
    "''",
    '"12"',
    "2021-01-01",
    "[1, 2]",
    "{a: 1}",
    "!!binary aGVsbG8=",
    "!!python/object:os.system ls",
    "&a 1",
    "*a",
    "!!float nan",
    "1e-400",
    "'=cmd|calc'",
    "<script>alert(1)</script>",
    "十二",
]


def outcome(data: bytes | str) -> Report | DataFileError:
    """Load ``data``; a report or the clean error, checked for its form and timing."""
    start = time.monotonic()
    try:
        result: Report | DataFileError = datafile.loads(data, NAME)
    except DataFileError as exc:
        result = exc
        text = str(exc)
        assert text.startswith(NAME), text
        assert "\n" not in text and "\r" not in text, repr(text)
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), repr(text)
        assert "Traceback" not in text
    elapsed = time.monotonic() - start
    assert elapsed < BOUND, f"loading took {elapsed:.1f} s"
    if isinstance(result, Report):
        valid_report(result)
    return result


def valid_report(report: Report) -> None:
    """A report the loader accepted holds only values the format allows, and survives a save."""
    for table_id, cells in report.cells.items():
        for (row, col), value in cells.items():
            assert value is None or type(value) in (int, Decimal), (table_id, row, col, value)
            if isinstance(value, Decimal):
                assert value.is_finite() and value >= 0
            elif value is not None:
                assert abs(value) < datafile.MAX_COUNT
                spec = report.format.table(table_id).part_of(report.official_row(table_id, row))
                kinds = {path: s.type for path, s in spec.leaf_columns()}
                if kinds[col] == "count":
                    assert value >= 0
    again = datafile.loads(datafile.dumps(report), NAME)
    assert again.cells == report.cells
    assert again.meta == report.meta


# -- random input ------------------------------------------------------------------------------


@fuzz(300)
@given(st.binary(max_size=4000))
def test_random_bytes(data):
    assert isinstance(outcome(data), DataFileError)


@fuzz(200)
@given(st.text(max_size=2000))
def test_random_text(text):
    outcome(text)


# -- the real example, damaged ----------------------------------------------------------------


@fuzz(80)
@given(st.integers(min_value=0, max_value=len(EXAMPLE_TEXT.encode("utf-8"))))
def test_truncated_file(cut):
    raw = EXAMPLE_TEXT.encode("utf-8")
    result = outcome(raw[:cut])
    if cut < len(raw) - 2:  # cutting the final newline(s) only leaves the same document
        assert isinstance(result, DataFileError)


@fuzz(80)
@given(
    st.sampled_from(NUMBER_SITES),
    st.one_of(
        st.sampled_from(ODD_SCALARS),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.decimals(allow_nan=False, allow_infinity=False, places=6).map(lambda d: format(d, "f")),
    ),
)
def test_odd_value_in_a_cell(site, token):
    end = site + len(re.match(r"\d+", EXAMPLE_TEXT[site:]).group(0))
    result = outcome(EXAMPLE_TEXT[:site] + token + EXAMPLE_TEXT[end:])
    if token in (".nan", ".inf", "-.inf", "1e400", "1.5", "true", "[1, 2]", "'=cmd|calc'"):
        assert isinstance(result, DataFileError)
        assert result.line is not None  # the error names the line


@fuzz(80)
@given(st.data())
def test_byte_flips(data):
    raw = bytearray(EXAMPLE_TEXT.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    outcome(bytes(raw))


@fuzz(50)
@given(st.data())
def test_lines_duplicated_deleted_or_swapped(data):
    lines = EXAMPLE_TEXT.splitlines(keepends=True)
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["dup", "del", "swap", "indent", "dedent"]))
    if action == "dup":
        lines.insert(i, lines[i])
    elif action == "del":
        del lines[i]
    elif action == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif action == "indent":
        lines[i] = "  " + lines[i]
    else:
        lines[i] = lines[i].lstrip()
    result = outcome("".join(lines))
    if action == "dup" and lines[i].strip().endswith("}"):
        assert isinstance(result, DataFileError)  # a duplicate row is a duplicate key


@fuzz(30)
@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=60))
def test_any_agency_name(name):
    quoted = '"' + name.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    text = re.sub(r"(?m)^  agency: .*$", lambda _: f"  agency: {quoted}", EXAMPLE_TEXT, count=1)
    result = outcome(text)
    if isinstance(result, Report):
        assert result.meta.agency == name.strip()
        assert not re.search(r"[\x00-\x1f\x7f]", result.meta.agency)
    else:
        assert "agency" in str(result) or not name.strip()


@fuzz(25)
@given(st.text(max_size=3000))
def test_any_prose_survives_save_and_load(prose):
    report = datafile.loads(EXAMPLE_TEXT, NAME)
    report.sections["五"] = prose
    again = outcome(datafile.dumps(report))
    if isinstance(again, Report):
        assert again.sections["五"] == prose.strip("\n")


# -- fixed pathological cases -----------------------------------------------------------------


def _clean(data: bytes | str) -> DataFileError:
    result = outcome(data)
    assert isinstance(result, DataFileError), "should have been rejected"
    return result


def test_alias_bomb_is_refused_at_once():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
    )
    assert "锚点或别名" in str(_clean(bomb))


def test_deep_nesting_is_refused():
    assert "嵌套" in str(_clean("a: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "嵌套" in str(_clean("".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n"))


def test_ten_megabytes_of_prose_is_refused_quickly():
    text = EXAMPLE_TEXT.replace("sections:\n", "sections:\n  六: |-\n    " + "很长的正文" * 2_100_000 + "\n", 1)
    assert "过" in str(_clean(text))
    assert "过大" in str(_clean(text.encode("utf-8")))


def test_huge_numbers_and_special_floats():
    for token in ("1" + "0" * 5000, "1e999999", ".nan", "-.inf", "0.5"):
        _clean(EXAMPLE_TEXT.replace("自然人: 0", f"自然人: {token}", 1))


def test_python_tags_are_not_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = EXAMPLE_TEXT.replace("自然人: 0", f"自然人: !!python/object/apply:os.system ['touch {marker}']", 1)
    _clean(text)
    assert not marker.exists()


def test_keys_with_newlines_and_terminal_escapes_give_one_line():
    text = EXAMPLE_TEXT.replace("meta:\n", 'meta:\n  "bad\\nkey\\e[31m": 1\n', 1)
    error = _clean(text)
    assert "bad key" in str(error)


def test_empty_and_whitespace_files():
    for data in (b"", b"   \n\n", "\ufeff".encode(), b"\xef\xbb\xbf\n"):
        assert "空" in str(_clean(data))


def test_wrong_encodings():
    for codec in ("gbk", "utf-16", "utf-32", "utf-16-be"):
        _clean(EXAMPLE_TEXT.encode(codec))


def test_directory_missing_file_and_unreadable(tmp_path):
    with pytest.raises(DataFileError, match="文件夹"):
        datafile.load(tmp_path)
    with pytest.raises(DataFileError, match="不存在"):
        datafile.load(tmp_path / "missing.yaml")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 500_000)
    with pytest.raises(DataFileError, match="过大"):
        datafile.load(big)
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(DataFileError):
        datafile.load(fifo)  # a named pipe with no writer must not block forever
    assert time.monotonic() - start < BOUND


def test_loading_never_writes(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(EXAMPLE_TEXT.encode("utf-8")[:500])
    before = path.read_bytes()
    with pytest.raises(DataFileError):
        datafile.load(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.yaml"]


def test_example_is_still_loaded(example_path: Path):
    assert isinstance(outcome(example_path.read_bytes()), Report)


# -- regressions found by the fuzz tests -------------------------------------------------------


@pytest.mark.parametrize("data", [b"+_", b"-_", b"a: +_", b"0x_", b"0o_"])
def test_inputs_that_crash_the_yaml_library_are_clean_errors(data):
    _clean(data)


@pytest.mark.parametrize("prose", ["\x850", "a\u2028b", "x\ry", "\x1f控制", "\ufeff开头"])
def test_prose_with_yaml_line_breaks_survives_save_and_load(prose):
    report = datafile.loads(EXAMPLE_TEXT, NAME)
    report.sections["六"] = prose
    assert datafile.loads(datafile.dumps(report), NAME).sections["六"] == prose


@pytest.mark.parametrize("name", ["a\x85b", "a\u2028b", "a\nb"])
def test_names_with_line_breaks_are_refused_on_load_and_save(name):
    quoted = '"' + name.encode("unicode_escape").decode("ascii") + '"'
    _clean(re.sub(r"(?m)^  agency: .*$", lambda _: f"  agency: {quoted}", EXAMPLE_TEXT, count=1))
    report = datafile.loads(EXAMPLE_TEXT, NAME)
    report.meta.agency = name
    with pytest.raises(DataFileError, match="meta.agency"):
        datafile.dumps(report)
