"""The per-user cache of parsed data files: exact, keyed by bytes and code, private or off."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE

from govkit import datafile
from govkit.checks import run_checks
from govkit.datafile import cache, walk
from govkit.errors import DataFileError


@pytest.fixture()
def private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GOVKIT_CACHE_DIR", str(folder))
    cache.cache_dir.cache_clear()
    yield folder
    cache.cache_dir.cache_clear()


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = walk.loads

    def counting(raw, path=None):  # noqa: ANN001, ANN202
        seen.append(str(path))
        return real(raw, path)

    monkeypatch.setattr(walk, "loads", counting)
    return seen


def entries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_cached_load_is_the_parse_itself(private: Path, parses: list[str], tmp_path: Path) -> None:
    fresh = datafile.load(EXAMPLE)
    first = datafile.load(EXAMPLE, cached=True)
    again = datafile.load(EXAMPLE, cached=True)
    assert len(parses) == 2  # the plain load and the first cached one; the second came from the cache
    assert len(entries(private)) == 1
    for report in (first, again):
        assert report == fresh and report.source == EXAMPLE
        assert run_checks(report) == run_checks(fresh)
        with pytest.raises(ValueError, match="for reading only"):  # no layout: saving would drop comments
            datafile.dumps(report)
    elsewhere = shutil.copy(EXAMPLE, tmp_path / "copy.yaml")
    moved = datafile.load(elsewhere, cached=True)
    assert moved.source == Path(elsewhere) and len(parses) == 2  # same bytes: same entry, its own path


def test_changed_bytes_are_parsed_again(private: Path, parses: list[str], tmp_path: Path) -> None:
    path = Path(shutil.copy(EXAMPLE, tmp_path / "a.yaml"))
    datafile.load(path, cached=True)
    path.write_text(path.read_text(encoding="utf-8").replace("受理情况", "受理情况 ", 1) + "\n", encoding="utf-8")
    changed = datafile.load(path, cached=True)
    assert len(parses) == 2 and changed == datafile.load(path)


def test_files_with_problems_are_never_cached(private: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataFileError, match="YAML"):
            datafile.load(bad, cached=True)
    assert entries(private) == []


def test_a_damaged_entry_is_a_miss_and_is_rewritten(private: Path, parses: list[str]) -> None:
    datafile.load(EXAMPLE, cached=True)
    (entry,) = entries(private)
    entry.write_bytes(b"not a pickle")
    assert datafile.load(EXAMPLE, cached=True) == datafile.load(EXAMPLE)
    assert entry.read_bytes() != b"not a pickle"


@pytest.mark.parametrize("setting", ["off", "0", ""])
def test_the_cache_can_be_turned_off(setting: str, monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    monkeypatch.setenv("GOVKIT_CACHE_DIR", setting)
    cache.cache_dir.cache_clear()
    try:
        datafile.load(EXAMPLE, cached=True)
        datafile.load(EXAMPLE, cached=True)
        assert len(parses) == 2 and cache.cache_dir() is None
    finally:
        cache.cache_dir.cache_clear()


def test_a_folder_others_can_write_to_is_not_trusted(private: Path, parses: list[str]) -> None:
    """Entries are pickles: a folder where another user could plant one is never read."""
    private.mkdir(mode=0o700)
    os.chmod(private, 0o777)  # noqa: S103 - the point of the test
    cache.cache_dir.cache_clear()
    datafile.load(EXAMPLE, cached=True)
    datafile.load(EXAMPLE, cached=True)
    assert cache.cache_dir() is None and len(parses) == 2 and entries(private) == []


def test_the_cache_folder_is_created_private(private: Path) -> None:
    datafile.load(EXAMPLE, cached=True)
    assert private.stat().st_mode & 0o777 == 0o700


def _export_in_a_fresh_process(cache_dir: str) -> tuple[str, list[str]]:
    """The exported page of the example report, and what the process took from the template cache."""
    code = """
import json, sys
import jinja2
loaded = []
real = jinja2.bccache.Bucket.load_bytecode
def load(self, f):
    real(self, f)
    if self.code is not None:
        loaded.append(self.key)
jinja2.bccache.Bucket.load_bytecode = load
import nbformat
from govkit import datafile
from govkit.render import render_fragment
from govkit.render.export import export_html
report = datafile.load(sys.argv[1])
cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", {"text/html": render_fragment(report, [])})])
print(json.dumps([export_html(nbformat.v4.new_notebook(cells=[cell]), report.title), loaded]))
"""
    env = {**os.environ, "GOVKIT_CACHE_DIR": cache_dir}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, env=env, check=True
    )
    page, loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    return page, loaded


def test_compiled_templates_are_kept_for_the_next_process(tmp_path: Path):
    """A batch worker compiles the page templates once per installation, not once per process (~0.15 s)."""
    folder = tmp_path / "cache"
    first, loaded_first = _export_in_a_fresh_process(str(folder))
    assert loaded_first == [] and list((folder / "templates").iterdir())  # compiled, then kept
    assert (folder / "templates").stat().st_mode & 0o077 == 0
    second, loaded_second = _export_in_a_fresh_process(str(folder))
    assert len(loaded_second) >= 5  # nbconvert's and govkit's templates, read back compiled
    assert second == first  # the same page
    off, loaded_off = _export_in_a_fresh_process("off")
    assert loaded_off == [] and off == first
