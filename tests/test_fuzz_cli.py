"""Property and fuzz tests of the `govkit` command line: random argument lists and bad files.

Every run ends with exit code 0, 1 or 2 and either nothing raised or a one-line `GovkitError`
(which `govkit.cli.main` prints as ``错误：…``); no traceback, nothing written outside the folder
it was asked to write to, and every file written is complete (loads again).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_datafile import fuzz
from typer.testing import CliRunner

from govkit import cli, datafile
from govkit.errors import GovkitError
from govkit.model import MAX_PROSE_CHARS

pytestmark = pytest.mark.fuzz

cli._register()
RUNNER = CliRunner()
BOUND = 20.0

FILES = {
    "good.yaml": EXAMPLE.read_bytes(),
    "garbage.yaml": bytes(range(256)) * 4,
    "cut.yaml": EXAMPLE.read_bytes()[:700],
    "empty.yaml": b"",
    "alias.yaml": b"a: &x [1]\nb: *x\n",
    "seed.txt": (ROOT / "tests" / "fixtures" / "seed_mujiayu_2020.txt").read_bytes(),
    "cut.txt": (ROOT / "tests" / "fixtures" / "seed_mujiayu_2020.txt").read_bytes()[:900],
    "fake.xlsx": b"PK\x03\x04" + b"\x00" * 100,
    "fake.docx": b"PK\x03\x04junk",
}
PATHS = [*FILES, "dir", "missing.yaml", "", "-", "--", "../escape", "dir/sub", "中文 名称.yaml", "a\nb.yaml"]
WORDS = [
    "check",
    "new",
    "import",
    "export",
    "render",
    "--help",
    "--format",
    "json",
    "table",
    "xml",
    "--out",
    "--xlsx",
    "--csv",
    "--parquet",
    "--strict",
    "--year",
    "-y",
    "2021",
    "-1",
    "99999999999999999999",
    "abc",
    "--params",
    "--blank",
    "--mode",
    "--workers",
    "0",
    "--timeout",
    "--notebook",
    "--pdf",
    "--district",
    "-q",
    "=1+1",
    "../../x",
    "CON",
    "<script>",
    "机关",
    "\x1b[31m",
    "\x00",
]


def layout() -> Path:
    root = Path(tempfile.mkdtemp(prefix="govkit-cli-fuzz-"))
    work = root / "work"
    (work / "dir").mkdir(parents=True)
    for name, data in FILES.items():
        (work / name).write_bytes(data)
        (work / "dir" / name).write_bytes(data)
    return work


def run(args: list[str], work: Path):
    """Run the CLI in ``work`` like `govkit.cli.main` does; check the outcome; return the result."""
    before = _listing(work.parent)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        start = time.monotonic()
        result = RUNNER.invoke(cli.app, args, catch_exceptions=True)
        elapsed = time.monotonic() - start
    finally:
        os.chdir(cwd)
    exc = result.exception
    if exc is not None and not isinstance(exc, (SystemExit, GovkitError)):
        import traceback

        raise AssertionError(
            f"{args!r} raised {type(exc).__name__}: {exc}\n" + "".join(traceback.format_exception(exc))
        )
    if isinstance(exc, GovkitError):
        assert str(exc) and "\n" not in str(exc).strip(), repr(str(exc))
    else:
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert elapsed < BOUND, f"{args!r} took {elapsed:.1f} s"
    assert _listing(work.parent) - before <= {p for p in _listing(work.parent) if p.startswith("work/")}, (
        "written outside the working folder"
    )
    for path in work.rglob("*"):
        assert not (path.name.endswith(".tmp") and path.is_file()), f"left a temporary file: {path}"
        if path.is_file() and path.name not in FILES and path.parent.name not in ("dir",):
            complete(path)
    return result


def _listing(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def complete(path: Path) -> None:
    """A file a command wrote is whole: data files load, workbooks open, tables parse."""
    if path.suffix == ".yaml":
        datafile.load(path)
    elif path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    elif path.suffix in (".csv", ".parquet") or path.read_bytes()[:4] == b"PAR1":
        from govkit.dataset import read_tidy

        data = path.read_bytes()
        kind = ".parquet" if data[:4] == b"PAR1" else ".csv"
        assert kind == ".parquet" or data.startswith(b"\xef\xbb\xbf")
        copy = path.with_name(path.name + ".check" + kind)
        copy.write_bytes(data)
        read_tidy(copy)
        copy.unlink()


@fuzz(60)
@given(
    st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(PATHS), st.text(max_size=12)), max_size=8),
    st.sampled_from(["check", "new", "import", "export"]),
)
def test_random_arguments(args, command):
    work = layout()
    try:
        run([command, *args], work)
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


@fuzz(60)
@given(
    st.sampled_from(PATHS),
    st.sampled_from(["--xlsx", "--csv", "--parquet"]),
    st.sampled_from(["out", "out.csv", "dir", "good.yaml", "out/deep/er.parquet", "dir/good.yaml"]),
)
def test_export_of_any_file(path, option, target):
    work = layout()
    try:
        existed = (work / target).exists()
        before = (work / target).read_bytes() if (work / target).is_file() else None
        result = run(["export", path, option, target], work)
        if result.exception is not None:  # a failed export leaves the target as it was
            assert (work / target).exists() == existed
            if before is not None:
                assert (work / target).read_bytes() == before
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


@fuzz(60)
@given(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3), st.booleans())
def test_import_of_any_file(paths, strict):
    work = layout()
    try:
        run(["import", *paths, "--out", "params", *(["--strict"] if strict else [])], work)
        for path in (work / "params").rglob("*"):
            # data files, and the hidden lock files that guard them (govkit.fs.lock_path)
            assert path.is_dir() or path.suffix == ".yaml" or (path.name.startswith(".") and path.suffix == ".lock")
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


@fuzz(50)
@given(st.text(min_size=1, max_size=30), st.integers(1990, 2200))
def test_new_with_any_agency_name(agency, year):
    work = layout()
    try:
        run(["new", agency, "--year", str(year), "--params", "params", "--blank"], work)
        for path in (work / "params").rglob("*.yaml"):
            assert path.resolve().is_relative_to((work / "params").resolve())
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


@pytest.mark.parametrize(
    "args",
    [
        ["render"],
        ["render", "missing.yaml", "--out", "out"],
        ["render", "dir", "--out", "out", "--mode", "<script>"],
        ["render", "dir", "--out", "out", "--workers", "0"],
        ["render", "dir", "--out", "out", "--timeout", "-5"],
        ["render", "empty-dir", "--out", "out"],
        ["render", "good.yaml"],
        ["render", "good.yaml", "--out", "out", "--workers", "x"],
    ],
)
def test_render_rejects_bad_arguments_before_starting(args):
    work = layout()
    (work / "empty-dir").mkdir()
    try:
        result = run(args, work)
        assert result.exit_code != 0
        assert not (work / "out" / "index.html").exists()
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


def test_the_real_command_prints_one_line_errors(tmp_path):
    """Through `python -m govkit` (main's handler): exit code 2, one line, no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(EXAMPLE.read_bytes()[:900])
    cases = [
        ["export", str(bad), "--xlsx", str(tmp_path / "x")],
        ["render", str(tmp_path / "missing"), "--out", str(tmp_path / "out")],
        ["import", str(tmp_path), "--out", str(tmp_path / "p")],
        ["new", "某镇", "--year", "2021", "--params", str(tmp_path / "p")],
    ]
    for args in cases:
        proc = subprocess.run([sys.executable, "-m", "govkit", *args], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("错误："), proc.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "out" / "index.html").exists()


def test_export_writes_nothing_when_one_file_is_bad(tmp_path):
    good, bad = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(EXAMPLE, good)
    bad.write_bytes(b"meta: [")
    work = tmp_path
    before = _listing(work)
    result = RUNNER.invoke(
        cli.app, ["export", str(good), str(bad), "--xlsx", str(tmp_path / "x"), "--csv", str(tmp_path / "t.csv")]
    )
    assert isinstance(result.exception, GovkitError)
    assert _listing(work) == before


def test_excel_export_of_a_huge_value_file_stays_bounded(tmp_path):
    big = datafile.load(EXAMPLE)
    # the largest prose a valid file may hold (issue 16 bounds each section): 6 × 50,000 characters
    for sid in ("一", "二", "三", "四", "五", "六"):
        big.sections[sid] = ("很长的正文。" * 10_000)[:MAX_PROSE_CHARS]
    path = tmp_path / "big.yaml"
    path.write_text(datafile.dumps(big), encoding="utf-8")
    start = time.monotonic()
    result = RUNNER.invoke(cli.app, ["export", str(path), "--xlsx", str(tmp_path / "x")])
    assert result.exit_code == 0 or isinstance(result.exception, GovkitError), result.output
    assert time.monotonic() - start < 60
    for xlsx in (tmp_path / "x").rglob("*.xlsx"):
        with zipfile.ZipFile(io.BytesIO(xlsx.read_bytes())) as archive:
            assert archive.testzip() is None
