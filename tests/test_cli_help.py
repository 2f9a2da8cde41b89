"""Help text at 80 columns: Chinese sentences wrap between characters instead of being cut with "…"."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = ["render", "check", "new", "import", "export"]


def help_text(*args: str) -> str:
    env = dict(os.environ, COLUMNS="80", TERM="dumb", NO_COLOR="1")
    code = "from govkit.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, *args, "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_not_cut_at_80_columns(command):
    text = help_text(command)
    assert "…" not in text, text
    joined = "".join(line.strip().strip("│").strip() for line in text.splitlines())
    if command == "render":
        assert "govkit[dask]" in joined  # rich markup would have eaten [dask]
        assert "全部重新生成（默认跳过自上次成功生成以来没有变化的机关）" in joined.replace(" ", "")
