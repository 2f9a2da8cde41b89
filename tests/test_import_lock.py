"""Deciding to replace a file and replacing it are one step (issue 16): racing writers, for real, in processes."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

import govkit
from govkit import datafile, fs
from govkit.importers import Given, import_file
from govkit.synthetic import synthetic_report

SEED = Path(__file__).parent / "fixtures" / "seed_mujiayu_2020.txt"
SPELLINGS = ("金山镇", "金山 镇")  # two spellings of one identity: the same data file 2020/金山镇.yaml
TRIALS = 24

# A long-lived writer: it waits for one line on stdin, so two of them start their work at the same moment.
CHILD = r"""
import json, sys, time
from pathlib import Path
from typer.testing import CliRunner
from govkit import cli, datafile
from govkit.errors import GovkitError
from govkit.importers import Given, import_file

cli._register()
runner = CliRunner()
print("ready", flush=True)
for line in sys.stdin:
    job = json.loads(line)
    if "argv" in job:  # the real command
        time.sleep(job["delay"])
        result = runner.invoke(cli.app, job["argv"])
        if isinstance(result.exception, GovkitError):  # as govkit.cli.main prints it
            print(json.dumps([2, result.output + f"错误：{result.exception}"]), flush=True)
        else:
            print(json.dumps([result.exit_code, result.output]), flush=True)
    else:  # the import's write step alone, its report read beforehand so that the write can be aimed
        report = import_file(Path(job["source"]), Given(agency=job["agency"])).report
        report.set("三", tuple(job["row"]), tuple(job["col"]), job["value"])
        print("ready", flush=True)
        sys.stdin.readline()
        began = time.perf_counter()
        try:
            written, problem = datafile.save_guarded(report, Path(job["target"]), True), ""
        except Exception as exc:
            written, problem = None, str(exc)
        print(json.dumps([written, problem, time.perf_counter() - began]), flush=True)
"""


class Writer:
    """A govkit process that runs jobs when told to."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(Path(govkit.__file__).parents[1])}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        assert self.read() == "ready"

    def send(self, job: dict | str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((job if isinstance(job, str) else json.dumps(job, ensure_ascii=False)) + "\n")
        self.proc.stdin.flush()

    def read(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture
def writers():
    started: list[Writer] = []

    def start() -> Writer:
        started.append(Writer())
        return started[-1]

    yield start
    for writer in started:
        writer.close()


def imported_bytes(folder: Path, source: Path, agency: str) -> bytes:
    """What one import alone writes."""
    report = import_file(source, Given(agency=agency)).report
    return datafile.save(report, datafile.default_path(folder, report.meta)).read_bytes()


def test_two_imports_of_one_identity_at_once_exactly_one_wins(tmp_path: Path, writers) -> None:
    sources = [tmp_path / f"report-{n}.txt" for n in (1, 2)]
    for source in sources:
        source.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    alone = [
        imported_bytes(tmp_path / f"alone-{n}", s, a) for n, (s, a) in enumerate(zip(sources, SPELLINGS, strict=True))
    ]
    assert alone[0] != alone[1]
    first, second = writers(), writers()
    for trial in range(TRIALS):
        out = tmp_path / f"params-{trial}"
        delay = random.uniform(0, 0.01)
        for writer, source, agency, wait in zip((first, second), sources, SPELLINGS, (0, delay), strict=True):
            writer.send({"argv": ["import", str(source), "--out", str(out), "--agency", agency], "delay": wait})
        results = [json.loads(writer.read()) for writer in (first, second)]
        codes = [code for code, _ in results]
        # exactly one import wrote the file; the other was refused, never replacing it
        assert sorted(codes) == [0, 2], (trial, results)
        winner = codes.index(0)
        target = out / "2020" / "金山镇.yaml"
        assert target.read_bytes() == alone[winner], trial  # one complete import, never mixed or half-written
        errors = [line for line in results[1 - winner][1].splitlines() if line.startswith("错误：")]
        assert len(errors) == 1, results
        line = errors[0]
        assert str(sources[1 - winner]) in line and str(target) in line and "确需覆盖请加 --replace" in line
        assert f"同一机关「{SPELLINGS[winner]}」，本次名称写作「{SPELLINGS[1 - winner]}」" in line
        assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]  # no temporary file left


def test_an_import_never_slips_between_an_editors_check_and_its_write(tmp_path: Path, writers) -> None:
    from govkit.widgets import ReportEditor

    params = tmp_path / "params"
    start = imported_bytes(params, SEED, "金山镇")
    target = params / "2020" / "金山镇.yaml"
    fmt = datafile.load(target).format
    mine = (fmt.row("三", "received"), fmt.column("三", "natural"))
    theirs = (fmt.row("三", "carried_in"), fmt.column("三", "natural"))  # the import changes another cell
    job = {"source": str(SEED), "agency": "金山镇", "target": str(target), "row": theirs[0], "col": theirs[1]}
    importer = writers()
    expected = import_file(SEED, Given(agency="金山镇")).report
    expected.set("三", *theirs, 8888)
    imported = datafile.save(expected, tmp_path / "reference.yaml").read_bytes()  # what the import alone writes
    merged = replaced = 0
    span = 0.08
    for trial in range(TRIALS):
        target.write_bytes(start)
        editor = ReportEditor(target)
        editor.cell("三", *mine).widget.value = "7777"
        importer.send({**job, "value": 8888})
        assert importer.read() == "ready"
        importer.send("go")
        time.sleep(random.uniform(0, span))  # sweep the editor's save across the import's write
        saved = editor.save()
        written, problem, took = json.loads(importer.read())
        span = max(span, 2 * took)  # a slow machine: widen the sweep so that it still covers both orders
        assert written is True and saved, (problem, editor.status.value)
        final = target.read_bytes()
        if final == imported:  # the editor saved first; the import then replaced the file (--replace)
            replaced += 1
            assert editor.disk_changed()  # so the editor's next save merges instead of overwriting
        else:  # the import came first: the editor must have merged it, never written over it
            merged += 1
            report = datafile.load(target)
            assert report.get("三", *theirs) == 8888, f"trial {trial}: the import was silently lost"
            assert report.get("三", *mine) == 7777 and "合并" in editor.status.value, editor.status.value
    assert merged and replaced, (merged, replaced)  # both orders happened: the sweep reached the race


def test_export_decides_about_a_workbook_only_under_its_lock(tmp_path: Path, writers) -> None:
    data = datafile.save(synthetic_report("金山镇", 2021), tmp_path / "p" / "2021" / "金山镇.yaml")
    out = tmp_path / "xlsx"
    target = out / "2021" / "金山镇.xlsx"
    exporter = writers()
    with fs.locked(fs.lock_path(target)):  # as an editor or another export would, between its check and write
        exporter.send({"argv": ["export", str(data), "--xlsx", str(out)], "delay": 0})
        time.sleep(1.0)
        assert not target.exists()  # waiting, not writing
        target.write_bytes(b"not a workbook of this agency")
    code, output = json.loads(exporter.read())
    assert code == 2 and "无法识别所属机关的文件" in output and "金山镇" in output
    assert target.read_bytes() == b"not a workbook of this agency"


def test_new_never_replaces_a_file_even_one_written_while_it_waits(tmp_path: Path, writers) -> None:
    params = tmp_path / "params"
    datafile.save(synthetic_report("金山镇", 2020), params / "2020" / "金山镇.yaml")
    target = params / "2021" / "金山镇.yaml"
    creator = writers()
    with fs.locked(fs.lock_path(target)):
        creator.send({"argv": ["new", "金山镇", "--year", "2021", "--params", str(params)], "delay": 0})
        time.sleep(1.0)
        assert not target.exists()
        datafile.save(synthetic_report("金山镇", 2021, seed=5), target)
    before = target.read_bytes()
    code, output = json.loads(creator.read())
    assert code == 2 and "文件已存在" in output and str(target) in output
    assert target.read_bytes() == before
