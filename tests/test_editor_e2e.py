"""The editor in a real JupyterLab, driven by headless Chromium (and the same under Voila)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import nbformat
import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - the browser_page fixture lives there too

from govkit import datafile

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "edit.ipynb"
TOKEN = "govkit-e2e-token"
CELL = ".govkit-t3-r0-c6"  # table 三, 一、本年新收政府信息公开申请数量 × 总计

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(base: Path) -> dict[str, str]:
    """Every place these tools write to, inside the test's folder."""
    env = dict(os.environ)
    dirs = {
        "HOME": "home",
        "XDG_CONFIG_HOME": "xdg/config",
        "XDG_DATA_HOME": "xdg/data",
        "XDG_CACHE_HOME": "xdg/cache",
        "XDG_RUNTIME_DIR": "xdg/runtime",
        "JUPYTER_CONFIG_DIR": "jupyter/config",
        "JUPYTER_DATA_DIR": "jupyter/data",
        "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "mpl",
        "TMPDIR": "tmp",
    }
    for name, sub in dirs.items():
        path = base / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    os.chmod(base / "xdg/runtime", 0o700)
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTERLAB_SETTINGS_DIR", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    settings = base / "jupyter/config/lab/user-settings/@jupyterlab/apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )
    return env


def prepare(tmp_path: Path, example_path: Path) -> tuple[Path, Path]:
    """A work folder with a copy of the notebook pointing at a copy of the example data file."""
    work = tmp_path / "work"
    data = work / "params" / "2020" / example_path.name
    data.parent.mkdir(parents=True)
    shutil.copy(example_path, data)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "data_file" in params.source
    params.source = f"data_file = {str(data)!r}"
    nbformat.write(nb, work / "edit.ipynb")
    return work, data


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def start(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("wb")
    try:
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    finally:
        handle.close()


def edit_and_save(page, data: Path) -> None:
    """Type a wrong total, see its finding, save, and find the value in the data file."""
    page.locator(".govkit-editor .lm-TabBar-tab", has_text="表三").first.click()
    box = page.locator(f"{CELL} input")
    box.wait_for(state="visible")
    box.fill("5")
    box.press("Enter")
    page.locator(f"{CELL}.govkit-bad").wait_for()
    panel = page.locator(".govkit-findings")
    panel.get_by_text("一、本年新收政府信息公开申请数量 / 申请人情况 / 总计").first.wait_for()
    assert "应为 0" in panel.inner_text()
    page.locator(".govkit-editor", has_text="有未保存的修改").first.wait_for()
    # 定位 on the finding switches back to table 三 and focuses the cell
    page.locator(".govkit-editor .lm-TabBar-tab", has_text="表四").first.click()
    box.wait_for(state="hidden")
    row = panel.locator(".widget-hbox", has_text="t3-row-total").first
    row.locator("button", has_text="定位").click()
    box.wait_for(state="visible")
    page.locator(f"{CELL}.govkit-target").wait_for()
    before = data.read_text(encoding="utf-8")
    page.locator(".govkit-save").click()
    page.locator(".govkit-editor", has_text="已保存").first.wait_for()
    deadline = time.monotonic() + 20
    while data.read_text(encoding="utf-8") == before and time.monotonic() < deadline:
        time.sleep(0.2)
    saved = datafile.load(data)
    fmt = saved.format
    assert saved.get("三", fmt.row("三", "received"), fmt.column("三", "total")) == 5
    assert (
        "一、本年新收政府信息公开申请数量: {自然人: 0, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 0, 其他: 0, 总计: 5}"
        in data.read_text(encoding="utf-8")
    )


def lab_command(work: Path) -> tuple[list[str], int, str]:
    """The JupyterLab server command for ``work``, its port and token."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={work}",
        "--ServerApp.port_retries=0",
        "--LabApp.news_url=",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    return command, port, TOKEN


def voila_command(notebook: str = "edit.ipynb") -> tuple[list[str], int]:
    """The Voila server command for ``notebook`` (in the working folder) and its port."""
    from govkit.cli.serve import IOPUB_TIMEOUT

    port = free_port()
    options = [f"--port={port}", "--Voila.ip=127.0.0.1", f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}"]
    return [sys.executable, "-m", "voila", "--no-browser", *options, notebook], port


def open_in_lab(page, port: int) -> None:
    """Open the copied notebook in JupyterLab and run it until the editor shows.

    As a user would, it runs the cells again once if no editor appeared: one full-suite run in CI saw
    JupyterLab show no editor for 90 s after Run All Cells (kernel idle, nothing in the server log), and
    that was not reproduced in 22 runs under load. A second run is reported as a warning with what
    the notebook showed, so a pass that needed it is visible in the test summary.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"http://127.0.0.1:{port}/lab/tree/edit.ipynb?token={TOKEN}")
    page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for(timeout=60_000)
    # Run All Cells on a notebook whose cells are not on screen yet runs nothing
    page.locator(".jp-Cell .jp-InputArea", has_text="launch(data_file)").first.wait_for(timeout=60_000)
    for attempt in (1, 2):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-item:not(.lm-mod-disabled)", has_text="Run All Cells").first.click()
        try:
            page.locator(".govkit-editor").first.wait_for(timeout=50_000)
            return
        except PlaywrightTimeout:
            state = lab_state(page)
            if attempt == 2:
                print(state)
                raise
            warnings.warn(
                f"JupyterLab showed no editor 50 s after Run All Cells; running the cells again:\n{state}", stacklevel=2
            )


def lab_state(page) -> str:
    """What the notebook shows: each cell's prompt and output, and the kernel's status (for a failure's log)."""
    return page.evaluate(
        """() => {
        const cells = [...document.querySelectorAll('.jp-Cell')].map((cell, i) => {
            const prompt = cell.querySelector('.jp-InputPrompt')?.innerText ?? '';
            const output = cell.querySelector('.jp-OutputArea')?.innerText ?? '';
            return `cell ${i} ${prompt}: ${output.slice(0, 600)}`;
        });
        const status = [...document.querySelectorAll('.jp-StatusBar-Widget')].map(e => e.innerText).join(' | ');
        const dialogs = [...document.querySelectorAll('.jp-Dialog, .jp-toast, .Toastify__toast')].map(e => e.innerText);
        return ['status: ' + status, 'dialogs: ' + dialogs.join(' / '), ...cells].join(String.fromCharCode(10));
    }"""
    )


def offline(page, port: int) -> None:
    """Refuse every request that does not go to the local server."""
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(f"http://127.0.0.1:{port}") else route.abort(),
    )


def test_edit_in_jupyterlab(tmp_path: Path, example_path: Path, browser_page) -> None:
    work, data = prepare(tmp_path, example_path)
    env = isolated_env(tmp_path / "env")
    command, port, _ = lab_command(work)
    log = tmp_path / "jupyterlab.log"
    server = start(command, work, env, log)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", server)
        page = browser_page
        open_in_lab(page, port)
        edit_and_save(page, data)
    except Exception:
        print(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        stop(server)


def test_edit_in_voila(tmp_path: Path, example_path: Path, browser_page) -> None:
    work, data = prepare(tmp_path, example_path)
    env = isolated_env(tmp_path / "env")
    command, port = voila_command()
    log = tmp_path / "voila.log"
    server = start(command, work, env, log)
    try:
        wait_http(f"http://127.0.0.1:{port}/", server)
        page = browser_page
        offline(page, port)
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator(".govkit-editor").first.wait_for(timeout=90_000)
        edit_and_save(page, data)
    except Exception:
        print(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        stop(server)
