"""Warm kernels behind papermill (`--engine govkit`): reuse without leaking state between notebooks."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from govkit import kernels

pytestmark = pytest.mark.slow


def notebook(path, *sources: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell("agency = ''", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def run(path, out, timeout=60, **params):
    return papermill.execute_notebook(
        str(path),
        str(out),
        parameters=params,
        engine_name="govkit",
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=timeout,
    )


def pid_of(nb) -> int:
    return int(next(o["text"] for o in nb.cells[-1].outputs if o.get("name") == "stdout").strip())


PID = "import os\nprint(os.getpid())"

DIRTY = """
import os, sys, decimal, wave, warnings
import pandas as pd
import matplotlib
leaked = agency
pd.set_option("display.max_rows", 3)
pd.set_option("display.precision", 1)
matplotlib.rcParams["font.size"] = 31
os.chdir(os.path.expanduser("~"))
os.environ["GOVKIT_LEAK"] = "1"
sys.path.append("/leak")
decimal.getcontext().prec = 3
warnings.simplefilter("error")
"""

CLEAN = """
import os, sys, decimal, warnings
import pandas as pd
import matplotlib
assert "leaked" not in globals(), "namespace leaked"
assert "wave" not in sys.modules, "module leaked"
assert pd.get_option("display.max_rows") == 60 and pd.get_option("display.precision") == 6, "pandas options leaked"
assert matplotlib.rcParams["font.size"] == 10.0, "matplotlib settings leaked"
assert os.getcwd() == START, "cwd leaked"
assert "GOVKIT_LEAK" not in os.environ and "/leak" not in sys.path
assert decimal.getcontext().prec == 28 and ("error", None, Warning, None, 0) not in warnings.filters
"""


@pytest.fixture()
def warm(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kernels.shutdown_kernels()
    yield tmp_path
    kernels.shutdown_kernels()


def test_state_set_by_one_agency_is_gone_for_the_next(warm):
    tmp = warm
    dirty = notebook(tmp / "a.ipynb", DIRTY, PID)
    failing = notebook(tmp / "f.ipynb", DIRTY, "raise ValueError('故意的错误')")
    clean = notebook(tmp / "b.ipynb", f"START = {str(tmp)!r}", CLEAN, PID)
    first = pid_of(run(dirty, tmp / "a.out.ipynb", agency="甲"))
    second = pid_of(run(clean, tmp / "b.out.ipynb", agency="乙"))
    assert first == second  # the same warm kernel served both
    with pytest.raises(PapermillExecutionError, match="故意的错误"):
        run(failing, tmp / "f.out.ipynb", agency="丙")
    third = pid_of(run(clean, tmp / "c.out.ipynb", agency="丁"))
    assert third == first  # a failed agency does not cost the kernel, nor poison the next
    executed = nbformat.read(tmp / "c.out.ipynb", as_version=4)
    assert [c.execution_count for c in executed.cells] == [1, 2, 3, 4, 5]  # numbered as in a fresh kernel


def test_kernel_is_recycled_after_many_notebooks(warm, monkeypatch):
    """Memory stays flat over any batch: after RECYCLE_AFTER notebooks a fresh kernel takes over."""
    monkeypatch.setattr(kernels, "RECYCLE_AFTER", 2)
    tmp = warm
    nb = notebook(tmp / "p.ipynb", PID)
    pids = [pid_of(run(nb, tmp / f"p{i}.out.ipynb", agency="甲")) for i in range(3)]
    assert pids[0] == pids[1] != pids[2]


def test_hung_kernel_is_replaced(warm):
    tmp = warm
    hung = notebook(tmp / "h.ipynb", PID, "import time\ntime.sleep(60)")
    ok = notebook(tmp / "ok.ipynb", PID)
    before = pid_of(run(ok, tmp / "ok1.ipynb"))
    with pytest.raises(Exception) as info:
        run(hung, tmp / "h.out.ipynb", timeout=2)
    assert "Timeout" in type(info.value).__name__ or "timed out" in str(info.value).lower()
    after = pid_of(run(ok, tmp / "ok2.ipynb"))
    assert after != before


def test_dead_kernel_is_replaced(warm):
    tmp = warm
    dies = notebook(tmp / "d.ipynb", PID, "import os\nos._exit(1)")
    ok = notebook(tmp / "ok.ipynb", PID)
    before = pid_of(run(ok, tmp / "ok1.out.ipynb"))
    with pytest.raises(Exception):  # noqa: B017 - nbclient's DeadKernelError or papermill's wrapper
        run(dies, tmp / "d.out.ipynb")
    after = pid_of(run(ok, tmp / "ok2.out.ipynb"))
    assert after != before  # the warm kernel died with the notebook; a new kernel ran the next one


def test_papermill_cli_engine_govkit(tmp_path):
    src = notebook(tmp_path / "cli.ipynb", "import sys\nprint('govkit' in sys.modules and agency)")
    out = tmp_path / "cli.out.ipynb"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(src),
            str(out),
            "--engine",
            "govkit",
            "-k",
            "python3",
            "-p",
            "agency",
            "示例镇",
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    text = nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"]
    assert text.strip() == "示例镇"  # govkit was imported by the warm-up, and the parameter arrived


def test_papermill_is_imported_without_pyarrow_and_pyarrow_still_imports():
    """papermill's I/O module imports pyarrow.fs (with numpy, ~0.1 s per worker) only for hdfs:// paths."""
    import subprocess
    import sys

    code = """
import sys
from govkit.batch.worker import skip_slow_imports
skip_slow_imports()
assert "papermill.iorw" in sys.modules and "pyarrow" not in sys.modules and "numpy" not in sys.modules, sorted(sys.modules)
assert "pyarrow.fs" not in sys.modules  # not left marked missing: a Dask worker's other tasks may import it
import importlib.util
if importlib.util.find_spec("pyarrow") is not None:
    import pyarrow.fs
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]
