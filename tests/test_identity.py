"""One identity per agency: collisions refused on both sides, no file of another agency replaced (issue 16)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit import cli, datafile
from govkit.batch.layout import Layout
from govkit.batch.runner import Options, render_all
from govkit.errors import DataFileError, one_line
from govkit.paths import MAX_STEM_BYTES, agency_key
from govkit.paths import output_stem as stem_of
from govkit.synthetic import synthetic_report

REAL = "金山镇"
COMPAT = "\uf90a山镇"  # 金 as the compatibility ideograph U+F90A: NFKC makes it 金山镇
SEED = Path(__file__).parent / "fixtures" / "seed_mujiayu_2020.txt"


@pytest.fixture(autouse=True)
def _commands():
    cli._register()


def save(folder: Path, name: str, agency: str, year: int = 2021, seed: int = 0) -> Path:
    return datafile.save(synthetic_report(agency, year, seed=seed), folder / str(year) / f"{name}.yaml")


def test_identity_is_the_normalised_name():
    assert agency_key(COMPAT) == agency_key(REAL) == agency_key(" 金山　镇 ") == agency_key("金山镇\t")
    assert stem_of(COMPAT) == stem_of(REAL) == REAL
    assert agency_key("示例镇一.伪造") != agency_key("示例镇一")
    # A dotted name keeps its whole identity in the output name: ".伪造" is not a suffix to drop.
    stem = stem_of("示例镇一.伪造")
    assert "." not in stem and stem != "示例镇一" and stem.startswith("示例镇一_伪造-")
    page = Layout(Path("out")).page("示例镇一.伪造", 2021)
    assert Path(page).name != "示例镇一.html"


@pytest.mark.parametrize("length", [79, 120, 200])
def test_long_valid_names_give_short_unique_file_names(length):
    name = "很" * (length - 1) + "镇"
    other = "很" * (length - 1) + "乡"
    stem = stem_of(name)
    assert len(stem.encode()) <= MAX_STEM_BYTES + 11 and stem != stem_of(other)
    # the longest name built from it (claim marker with a batch id) stays a valid file name
    assert len(f".{stem}.{'f' * 12}.claim".encode()) < 255
    assert len(f".{stem}.图解.html.abcdefgh.tmp".encode()) < 255


def test_render_refuses_both_files_of_one_identity(tmp_path):
    real = save(tmp_path / "p", "real", REAL)
    fake = save(tmp_path / "p", "fake", COMPAT, seed=3)
    out = tmp_path / "out"
    (out / "2021").mkdir(parents=True)
    (out / "2021" / f"{REAL}.html").write_text("<html>上次发布的报告</html>", encoding="utf-8")
    results = render_all([real, fake], out, Options(), progress=False)
    assert [r.stage for r in results] == ["conflict", "conflict"]
    assert all(str(real) in r.error and str(fake) in r.error for r in results)
    # last run's published report is untouched: neither file replaced it
    assert (out / "2021" / f"{REAL}.html").read_text(encoding="utf-8") == "<html>上次发布的报告</html>"


def test_dotted_name_is_not_published_over_the_real_agency(tmp_path):
    real = save(tmp_path / "p", "real", "示例镇一")
    fake = save(tmp_path / "p", "fake", "示例镇一.伪造", seed=2)
    named = {p: datafile.peek_identity(p) for p in (real, fake)}
    assert named == {real: ("示例镇一", 2021), fake: ("示例镇一.伪造", 2021)}
    assert datafile.identity_conflicts(named) == {}  # different identities, different output names
    stems = {Layout(tmp_path).name(a) for a, _ in named.values()}
    assert len(stems) == 2 and "示例镇一" in stems


def test_export_refuses_colliding_agencies_and_other_agencies_workbooks(tmp_path):
    runner = CliRunner()
    real = save(tmp_path / "p", "real", REAL)
    save(tmp_path / "p", "fake", COMPAT, seed=3)
    out = tmp_path / "xlsx"
    result = runner.invoke(cli.app, ["export", str(tmp_path / "p"), "--xlsx", str(out)])
    assert result.exit_code == 2 and result.output.count("均未处理") == 2
    assert not out.exists() or not list(out.rglob("*.xlsx"))
    # a workbook of another agency at the target is never replaced
    other = tmp_path / "other"
    save(other, "x", "银山镇")
    runner.invoke(cli.app, ["export", str(other), "--xlsx", str(out)])
    (out / "2021" / "银山镇.xlsx").rename(out / "2021" / f"{REAL}.xlsx")
    before = (out / "2021" / f"{REAL}.xlsx").read_bytes()
    for extra in ([], ["--replace"]):
        result = runner.invoke(cli.app, ["export", str(real), "--xlsx", str(out), *extra])
        assert result.exit_code == 2 and "另一机关「银山镇」" in result.output
        assert (out / "2021" / f"{REAL}.xlsx").read_bytes() == before
    # the same agency's workbook: only with --replace
    (out / "2021" / f"{REAL}.xlsx").unlink()
    assert runner.invoke(cli.app, ["export", str(real), "--xlsx", str(out)]).exit_code == 0
    result = runner.invoke(cli.app, ["export", str(real), "--xlsx", str(out)])
    assert result.exit_code == 2 and "--replace" in result.output
    assert runner.invoke(cli.app, ["export", str(real), "--xlsx", str(out), "--replace"]).exit_code == 0


def test_import_never_replaces_another_agencys_file(tmp_path):
    runner = CliRunner()
    source = tmp_path / "report.txt"
    source.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "params"
    assert runner.invoke(cli.app, ["import", str(source), "--out", str(out)]).exit_code == 0
    (target,) = (out / "2020").glob("*.yaml")
    agency = datafile.load(target).meta.agency
    # the same agency again: refused without --replace, replaced with it
    result = runner.invoke(cli.app, ["import", str(source), "--out", str(out)])
    assert result.exit_code == 2 and "--replace" in result.output
    assert runner.invoke(cli.app, ["import", str(source), "--out", str(out), "--replace"]).exit_code == 0
    # a file of another agency under that name: never replaced, even with --replace
    datafile.save(synthetic_report("另一个镇", 2020), target)
    before = target.read_bytes()
    result = runner.invoke(cli.app, ["import", str(source), "--out", str(out), "--replace"])
    assert result.exit_code == 2 and "另一机关「另一个镇」" in result.output and agency in result.output
    assert target.read_bytes() == before
    # two reports of one identity in one import: both refused
    twin = tmp_path / "twin.txt"
    twin.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    target.unlink()
    result = runner.invoke(cli.app, ["import", str(source), str(twin), "--out", str(out)])
    assert result.exit_code == 2 and result.output.count("均未处理") == 2 and not target.exists()


@pytest.mark.parametrize(
    "name, problem",
    [
        ("示例\u202e镇", "双向文字控制符"),
        ("示例\u200f镇", "双向文字控制符"),
        ("示例\x9b31m镇", "控制字符"),
        ("示例\x1b[2J镇", "控制字符"),
        ("<b>示例镇</b>", "标记符号"),
    ],
)
def test_names_with_controls_bidi_or_markup_are_refused(tmp_path, name, problem):
    with pytest.raises(DataFileError, match=problem) as saving:
        datafile.save(synthetic_report(name, 2021), tmp_path / "x.yaml")
    assert not (tmp_path / "x.yaml").exists()
    text = datafile.dumps(synthetic_report("示例镇", 2021)).replace("agency: 示例镇", f'agency: "{name}"', 1)
    with pytest.raises(DataFileError, match=problem) as loading:
        datafile.loads(text, "x.yaml")
    for message in (str(saving.value), str(loading.value)):
        assert "\n" not in message and not any(ch in message for ch in "\u202e\u200f\x9b")


def test_import_refuses_a_bidi_agency_name(tmp_path):
    source = tmp_path / "report.txt"
    source.write_text(SEED.read_text(encoding="utf-8").replace("穆家峪镇", "穆家\u202e峪镇", 1), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["import", str(source), "--out", str(tmp_path / "p")])
    assert result.exit_code == 2 and "双向文字控制符" in result.output
    assert not list((tmp_path / "p").rglob("*.yaml"))


def test_printed_messages_escape_c1_and_bidi_controls(tmp_path):
    assert one_line("a\x9b31mb\u202ec") == "a\\x9b31mb\\u202ec"
    text = datafile.dumps(synthetic_report("示例镇", 2021)).replace("level: 乡镇", 'level: "乡镇\u202e\u2066"', 1)
    path = tmp_path / "2021" / "x\x9b.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "govkit", "check", str(path)], capture_output=True, text=True, timeout=120
    )
    printed = proc.stdout + proc.stderr
    assert "Traceback" not in printed and "meta.level" in printed and "双向文字控制符" in printed
    assert not any(ch in printed for ch in "\x9b\u202e\x1b"), repr(printed)
    assert "x\\x9b.yaml" in printed  # the file name, escaped
