"""Malformed data files: each gives one clear line naming the file (and line), and `govkit check` never crashes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit import datafile
from govkit.errors import DataFileError

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"

# fixture name -> (fragment of the message, line number or None where a line makes no sense)
CASES = {
    "yaml_syntax_error.yaml": ("YAML 语法错误", 43),
    "unknown_row_name.yaml": ("未知的名称「一、本年新收政府信息公开申请数」", 42),
    "misspelt_column_name.yaml": ("是否应为「自然人」", 42),
    "missing_cell.yaml": ("缺少「科研机构」", 42),
    "missing_table.yaml": ("缺少「四」", 25),
    "text_in_number_cell.yaml": ("应填数字，实为文字「三」", 42),
    "float_in_count_cell.yaml": ("应填整数，实为小数 1.5", 42),
    "negative_count.yaml": ("件数不能为负数", 42),
    "bool_in_cell.yaml": ("应填数字", 42),
    "year_2022_with_2019_format_tables.yaml": ("2022 年度报告应使用 2021 版格式", 39),
    "gbk_encoded.yaml": ("不是 UTF-8 编码", 1),
    "alias_bomb.yaml": ("锚点或别名", 2),
    "duplicate_keys.yaml": ("重复的键", 42),
    "duplicate_row.yaml": ("重复的键", 68),
    "empty_file.yaml": ("文件是空的", None),
    "huge_number.yaml": ("数值过大", 42),
    "nan_in_cell.yaml": (".nan", 42),
    "inf_in_cell.yaml": (".inf", 42),
    "deeply_nested.yaml": ("嵌套层次过深", 5),
    "null_byte.yaml": ("空字符", 5),
    "top_level_list.yaml": ("名称: 值", None),
}


def test_every_fixture_is_listed():
    assert {p.name for p in BAD.iterdir()} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gives_one_line_error_with_file_and_line(name):
    fragment, line = CASES[name]
    path = BAD / name
    with pytest.raises(DataFileError) as info:
        datafile.load(path)
    text = str(info.value)
    assert "\n" not in text
    assert name in text and fragment in text, text
    assert info.value.line == line
    if line is not None:
        assert f"{name}:{line}" in text


def test_directory_instead_of_file(tmp_path):
    folder = tmp_path / "穆家峪镇.yaml"
    folder.mkdir()
    with pytest.raises(DataFileError) as info:
        datafile.load(folder)
    assert "穆家峪镇.yaml" in str(info.value) and "文件夹" in str(info.value) and "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="文件不存在"):
        datafile.load(tmp_path / "nope.yaml")


@pytest.fixture(scope="module")
def cli():
    from govkit.cli import _register, app

    if not any(c.name == "check" for c in app.registered_commands):
        _register()
    return app


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_reports_bad_file_without_traceback(cli, name):
    result = CliRunner().invoke(cli, ["check", str(BAD / name)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert name in result.output and "无法读取" in result.output


def test_check_command_in_a_real_process_on_all_bad_files(tmp_path):
    folder = tmp_path / "2020" / "目录.yaml"
    folder.mkdir(parents=True)
    cmd = [
        sys.executable,
        "-c",
        "from govkit.cli import main; main()",
        "check",
        str(BAD),
        str(folder),
        "--format",
        "json",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 1
    import json

    records = json.loads(done.stdout)
    assert {Path(r["file"]).name for r in records} == set(CASES)
    assert all(r["severity"] == "error" and r["rule"] == "datafile-unreadable" for r in records)
    assert all(r["source"] == "datafile" for r in records)
    lone = subprocess.run([*cmd[:4], str(folder)], capture_output=True, text=True, timeout=120)
    assert lone.returncode != 0 and "Traceback" not in lone.stdout + lone.stderr
