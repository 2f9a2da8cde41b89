"""No lost work, no stray files: every file govkit writes goes through an atomic write, output names
are safe for any agency name, and a failed write leaves the old file as it was."""

from __future__ import annotations

import ast
import os
import stat
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_datafile import fuzz

from govkit import datafile, fs
from govkit.errors import DataFileError, GovkitError
from govkit.model import Meta
from govkit.paths import agency_key, safe_name

PACKAGE = ROOT / "govkit"

# Writes that are atomic by other means, reviewed one by one: (file, function).
REVIEWED = {
    ("govkit/fs.py", "_write_payload"),  # the atomic write itself (temp file, fsync, os.replace or os.link)
    ("govkit/batch/runner.py", "_claim"),  # O_EXCL claim marker (hidden, removed after the batch), not an output
    ("govkit/batch/runner.py", "_lock_output"),  # empty hidden lock file opened for flock, never written
}
WRITE_METHODS = {"write_text", "write_bytes", "to_csv", "to_parquet", "to_excel", "to_json", "to_html", "savefig"}
IN_MEMORY = {"stream", "buffer", "io", "handle"}


def _writes(tree: ast.AST) -> list[tuple[str, int, str]]:
    """(function, line, what) of every call in ``tree`` that writes a file directly."""
    found = []
    for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
        for node in ast.walk(func):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0] if node.args else None
            target = ast.unparse(first) if first is not None else ""
            if name in WRITE_METHODS and (
                name in ("write_text", "write_bytes") or (first is not None and target not in IN_MEMORY)
            ):
                found.append((func.name, node.lineno, ast.unparse(node)[:80]))
            elif name in ("open", "fdopen") and any(
                isinstance(a, ast.Constant) and isinstance(a.value, str) and set(a.value) & set("wax")
                for a in [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "mode")]
            ):
                found.append((func.name, node.lineno, ast.unparse(node)[:80]))
            elif (
                name == "save"
                and first is not None
                and target not in IN_MEMORY
                and not (isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "datafile")
            ):
                found.append((func.name, node.lineno, ast.unparse(node)[:80]))
            elif name == "pdf" and any(k.arg == "path" for k in node.keywords):
                found.append((func.name, node.lineno, ast.unparse(node)[:80]))
    return found


def test_every_file_write_is_atomic():
    """Grep-by-AST: no direct file write in govkit outside govkit.fs and the reviewed ones."""
    direct = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for function, line, code in _writes(ast.parse(path.read_text(encoding="utf-8"))):
            if (rel, function) not in REVIEWED:
                direct.append(f"{rel}:{line} in {function}(): {code}")
    assert not direct, "direct (non-atomic) file writes:\n" + "\n".join(direct)


def test_the_scan_finds_direct_writes():
    code = (
        "def f(p, frame, page, book):\n    p.write_text('x')\n    open(p, 'w')\n    frame.to_csv(p)\n"
        "    page.pdf(path=p)\n    book.save(p)\n    frame.to_csv(index=False)\n    book.save(stream)\n"
    )
    assert [line for _, line, _ in _writes(ast.parse(code))] == [2, 3, 4, 5, 6]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.yaml"
    target.write_bytes(EXAMPLE.read_bytes())

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(GovkitError, match="No space left"):
        fs.atomic_write(target, b"new content")
    assert target.read_bytes() == EXAMPLE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.yaml"]  # no temporary file left


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_write_into_a_read_only_folder_is_a_clean_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "a.yaml").write_text("old", encoding="utf-8")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(GovkitError):
            fs.atomic_write(folder / "a.yaml", "new")
        assert (folder / "a.yaml").read_text(encoding="utf-8") == "old"
    finally:
        folder.chmod(stat.S_IRWXU)


def test_write_errors_are_one_line_and_still_os_errors(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    for target in (tmp_path / "file" / "below.yaml", tmp_path):
        with pytest.raises(GovkitError) as info:
            fs.atomic_write(target, "data")
        assert isinstance(info.value, OSError) and "\n" not in str(info.value) and str(target) in str(info.value)
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_no_writer_saves_metadata_the_loader_refuses(tmp_path, example_report):
    for field, value in (
        ("agency", "两行\n名称"),
        ("agency", "\x1b[31m"),
        ("agency", " "),
        ("year", 1999),
        ("level", "宇宙"),
        ("district", "x" * 300),
    ):
        report = example_report.copy()
        setattr(report.meta, field, value)
        target = tmp_path / "x.yaml"
        with pytest.raises(DataFileError, match=f"meta.{field}"):
            datafile.save(report, target)
        assert not target.exists()


@fuzz(300)
@given(st.text(max_size=120))
def test_safe_name_of_any_agency_name(name):
    stem = safe_name(name)
    assert stem and stem not in (".", "..") and len(stem) <= 100
    assert not any(ch in stem for ch in '/\\:*?"<>|') and not any(ord(ch) < 32 or ord(ch) == 127 for ch in stem)
    assert stem.split(".")[0].upper() not in {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }
    assert not stem.startswith((".", "-", " ")) and len(stem.encode("utf-8")) + len(".副本-20250101-000000.yaml") < 255
    path = datafile.default_path("/params", Meta(agency=name or "x", year=2021))
    assert path.parent == Path("/params/2021") and path.name == f"{safe_name(name or 'x')}.yaml"
    assert safe_name(name) == stem  # deterministic


@fuzz(200)
@given(st.text(max_size=40), st.text(max_size=40))
def test_safe_names_of_different_agencies_differ(a, b):
    # One identity per agency (govkit.paths.agency_key): different identities never share an output name,
    # names of one identity (full-width, compatibility ideographs, spaces) always do.
    if a and b:
        assert (safe_name(a) == safe_name(b)) == (agency_key(a) == agency_key(b))
