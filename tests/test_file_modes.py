"""File modes: every writer keeps an existing file's mode and gives a new file ``0o666 & ~umask``.

Before govkit.fs, ``govkit new`` and the editor's 从上年新建 created 0600 files and a save turned a
group-writable 0664 file into 0644. Tests run as root, so modes are set and checked explicitly.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLE, SEED_TEXT

from govkit import datafile, fs
from govkit.model import Meta
from govkit.newreport import write_new
from govkit.synthetic import synthetic_report

AGENCY = "北京市密云区穆家峪镇"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o002, 0o022], ids=["umask002", "umask022"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def govkit(*args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    """The CLI in a child process, which inherits the test's umask."""
    return subprocess.run(
        [sys.executable, "-m", "govkit", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


# --- govkit.fs itself ------------------------------------------------------------------------------


def test_new_file_gets_0666_without_the_umask(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "a" / "new.yaml"
    fs.atomic_write(target, "x")
    assert mode(target) == 0o666 & ~umask
    assert fs.new_file_mode() == 0o666 & ~umask


@pytest.mark.parametrize("kept", [0o664, 0o640, 0o600, 0o444])
def test_existing_file_keeps_its_mode(tmp_path: Path, umask: int, kept: int) -> None:
    target = tmp_path / "old.yaml"
    target.write_text("old", encoding="utf-8")
    target.chmod(kept)
    fs.atomic_write(target, "new")
    assert mode(target) == kept and target.read_text(encoding="utf-8") == "new"


def test_atomic_create_never_replaces_and_uses_the_umask(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "created.yaml"
    fs.atomic_create(target, "first")
    assert mode(target) == 0o666 & ~umask
    with pytest.raises(fs.TargetExistsError, match="文件已存在"):
        fs.atomic_create(target, "second")
    assert target.read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["created.yaml"]  # no temporary file left


def test_temporary_name_stays_short_for_the_longest_names(tmp_path: Path) -> None:
    name = "镇" * 83 + ".yaml"  # 254 bytes: the longest name most file systems allow
    assert len(name.encode("utf-8")) == 254
    fs.atomic_write(tmp_path / name, "x")  # ".<name>.<random>.tmp" would be too long a name
    fs.atomic_write(tmp_path / name, "y")
    assert [p.name for p in tmp_path.iterdir()] == [name]


# --- one test per writer ---------------------------------------------------------------------------


def test_datafile_save(tmp_path: Path, umask: int) -> None:
    report = datafile.load(EXAMPLE)
    new = tmp_path / "2020" / "new.yaml"
    datafile.save(report, new)
    assert mode(new) == 0o666 & ~umask
    for kept in (0o664, 0o640):
        existing = tmp_path / f"existing-{kept:o}.yaml"
        shutil.copy(EXAMPLE, existing)
        existing.chmod(kept)
        datafile.save(datafile.load(existing))
        assert mode(existing) == kept


def test_govkit_new(tmp_path: Path, umask: int) -> None:
    params = tmp_path / "params"
    shutil.copytree(EXAMPLE.parents[1], params)
    result = govkit("new", AGENCY, "--year", "2021", "--params", str(params), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert mode(params / "2021" / f"{AGENCY}.yaml") == 0o666 & ~umask


def test_write_new_as_the_editor_uses_it(tmp_path: Path, umask: int) -> None:
    target = datafile.default_path(tmp_path, Meta(agency=AGENCY, year=2021))
    write_new(target, datafile.dumps(synthetic_report(AGENCY, 2021)))
    assert mode(target) == 0o666 & ~umask


def test_editor_save_and_next_year(tmp_path: Path, umask: int) -> None:
    from govkit.widgets import ReportEditor

    data_file = tmp_path / "params" / "2021" / "示例镇.yaml"
    datafile.save(synthetic_report("示例镇", 2021), data_file)
    data_file.chmod(0o664)
    editor = ReportEditor(data_file)
    assert editor.save()
    assert mode(data_file) == 0o664
    created = editor.create_next_year()
    assert created is not None and mode(created) == 0o666 & ~umask


def test_govkit_import(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "imported"
    result = govkit("import", str(SEED_TEXT), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    target = out / "2020" / f"{AGENCY}.yaml"
    assert mode(target) == 0o666 & ~umask
    target.chmod(0o640)
    result = govkit("import", str(SEED_TEXT), "--out", str(out), "--replace", cwd=tmp_path)
    assert result.returncode == 0 and "覆盖原文件" in result.stdout, result.stderr
    assert mode(target) == 0o640


def test_govkit_export_xlsx_csv_parquet(tmp_path: Path, umask: int) -> None:
    args = ["export", str(EXAMPLE), "--xlsx", str(tmp_path / "x"), "--csv", str(tmp_path / "all.csv")]
    args += ["--parquet", str(tmp_path / "all.parquet")]
    outputs = [tmp_path / "x" / "2020" / f"{AGENCY}.xlsx", tmp_path / "all.csv", tmp_path / "all.parquet"]
    result = govkit(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [mode(p) for p in outputs] == [0o666 & ~umask] * 3
    for path, kept in zip(outputs, (0o640, 0o664, 0o600), strict=True):
        path.chmod(kept)
    result = govkit(*args, "--replace", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [mode(p) for p in outputs] == [0o640, 0o664, 0o600]


@pytest.mark.slow
def test_govkit_render(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        params = tmp_path / "params" / "2020"
        params.mkdir(parents=True)
        shutil.copy(EXAMPLE, params / EXAMPLE.name)
        out = tmp_path / "out"
        args = ("render", str(params), "--out", str(out), "--workers", "1", "-q")
        result = govkit(*args, cwd=tmp_path, timeout=600)
        assert result.returncode == 0, result.stderr
        site = out / "public"
        outputs = [site / "2020" / f"{AGENCY}{suffix}" for suffix in (".html", ".json")]
        outputs += [out / "internal" / "notebooks" / "publish" / "2020" / f"{AGENCY}.ipynb"]
        outputs += [site / "index.html", out / "internal" / "manifest-publish.json"]
        assert {p.name: mode(p) for p in outputs} == {p.name: 0o664 for p in outputs}
        site.joinpath("2020", f"{AGENCY}.html").chmod(0o640)
        site.joinpath("index.html").chmod(0o644)
        result = govkit(*args, "--force", cwd=tmp_path, timeout=600)
        assert result.returncode == 0, result.stderr
        assert mode(site / "2020" / f"{AGENCY}.html") == 0o640
        assert mode(site / "index.html") == 0o644
    finally:
        os.umask(old)
