"""The editor as a Voila app (``govkit serve``): start page, ``?data_file=``, no CDN, culled kernels."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest
from playwright.sync_api import expect
from test_editor_e2e import edit_and_save, free_port, isolated_env, start, stop, wait_http

from govkit.cli.serve import voila_command

pytestmark = [pytest.mark.browser]
OTHER = "另一机关.yaml"


def serve(tmp_path: Path, example_path: Path, **culling: int) -> tuple[object, int, Path, Path]:
    """``govkit serve``'s Voila for a params folder holding the example and a second agency file."""
    params = tmp_path / "work" / "params"
    data = params / "2020" / example_path.name
    data.parent.mkdir(parents=True)
    shutil.copy(example_path, data)
    shutil.copy(example_path, params / "2020" / OTHER)
    port = free_port()
    command, env = voila_command(params, port, base_env=isolated_env(tmp_path / "env"), **culling)
    server = start(command, params.parent, env, tmp_path / "voila.log")
    wait_http(f"http://127.0.0.1:{port}/", server)
    return server, port, params, data


def local_only(page, port: int) -> list[str]:
    """Refuse every request that leaves the server; return the list the refused ones are added to."""
    outside: list[str] = []
    local = f"http://127.0.0.1:{port}"

    def route(r) -> None:
        if r.request.url.startswith(local) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return outside


def kernels(server) -> list[psutil.Process]:
    """The kernel processes the Voila server started (still alive)."""
    found = []
    for child in psutil.Process(server.pid).children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.mark.timeout(420)
def test_voila_url_parameter_and_start_page(tmp_path: Path, example_path: Path, browser_page) -> None:
    server, port, params, data = serve(tmp_path, example_path)
    try:
        page = browser_page
        outside = local_only(page, port)
        base = f"http://127.0.0.1:{port}/"
        # Opened by address: the chosen file, edited and saved.
        page.goto(f"{base}?data_file={quote(f'params/2020/{data.name}')}")
        page.locator(".govkit-editor").first.wait_for(timeout=120_000)
        edit_and_save(page, data)
        # An address naming a file outside the params folder is refused in Chinese; nothing is opened.
        page.goto(f"{base}?data_file=/etc/passwd")
        page.locator(".govkit-launch-error").wait_for(timeout=120_000)
        assert "绝对路径" in page.locator(".govkit-launch-error").inner_text()
        assert page.locator(".govkit-editor").count() == 0
        page.goto(f"{base}?data_file=params/../../etc/passwd")
        page.locator(".govkit-launch-error", has_text="上级目录").wait_for(timeout=120_000)
        # The start page: filter by name, open, back to the list.
        page.goto(base)
        expect(page.locator(".govkit-start-row")).to_have_count(2, timeout=120_000)
        text = page.locator("body").inner_text()
        assert not any(word in text for word in ("Run All", "Run →", "运行全部", "运行所有", "⏩", "JupyterLab"))
        page.locator(".govkit-start-name input").fill("另一")
        page.locator(".govkit-start-name input").press("Enter")
        page.locator(".govkit-start", has_text="共 1 个数据文件").wait_for()
        expect(page.locator(".govkit-start-row")).to_have_count(1)
        link = page.locator(".govkit-start-row a").first.get_attribute("href")
        assert link == f"?data_file={quote('params/2020/' + OTHER)}"
        page.locator(".govkit-start-row button", has_text="打开").first.click()
        page.locator(".govkit-editor").first.wait_for(timeout=120_000)
        page.locator(".govkit-start-back").click()
        page.locator(".govkit-start-row").first.wait_for()
        # The row's link is the same address as ?data_file=
        page.goto(base + link)
        page.locator(".govkit-editor").first.wait_for(timeout=120_000)
        assert outside == [], outside
    except Exception:
        print((tmp_path / "voila.log").read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        stop(server)


@pytest.mark.timeout(600)
def test_voila_kernels_of_closed_pages_are_culled(tmp_path: Path, example_path: Path, browser_page) -> None:
    idle, interval, allowed = 4, 2, 0  # the configured number of kernels left alive: none (no pre-heated pool)
    server, port, _, _ = serve(tmp_path, example_path, cull_idle=idle, cull_interval=interval)
    try:
        context = browser_page.context.browser.new_context()
        peak = 0
        for i in range(20):
            page = context.new_page()
            local_only(page, port)
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator(".govkit-start-row").first.wait_for(timeout=120_000)
            peak = max(peak, len(kernels(server)))
            # Half of the pages leave without the unload handler (a crashed browser, a closed laptop).
            page.close(run_before_unload=i % 2 == 0)
        deadline = time.monotonic() + idle + interval + 60
        while len(kernels(server)) > allowed and time.monotonic() < deadline:
            time.sleep(1)
        alive = kernels(server)
        print(f"kernels alive at most during the loads: {peak}; after the cull: {len(alive)}")
        assert len(alive) <= allowed
    except Exception:
        print((tmp_path / "voila.log").read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        stop(server)


@pytest.mark.timeout(420)
def test_jupyterlab_form_after_the_one_labelled_button(tmp_path: Path, example_path: Path, browser_page) -> None:
    """In JupyterLab the notebook says which button shows the form; that button (and its confirm) shows it."""
    import nbformat
    from test_editor_e2e import NOTEBOOK, TOKEN, lab_command

    work = tmp_path / "work"
    (work / "params" / "2020").mkdir(parents=True)
    shutil.copy(example_path, work / "params" / "2020" / example_path.name)
    shutil.copy(NOTEBOOK, work / "edit.ipynb")  # a copy: JupyterLab autosaves what it opens
    first_code = next(c for c in nbformat.read(work / "edit.ipynb", as_version=4).cells if c.cell_type == "code")
    assert "⏩" in first_code.source and "重启内核并运行所有单元格" in first_code.source
    command, port, _ = lab_command(work)
    server = start(command, work, isolated_env(tmp_path / "env"), tmp_path / "lab.log")
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", server)
        page = browser_page
        page.goto(f"http://127.0.0.1:{port}/lab/tree/edit.ipynb?token={TOKEN}")
        page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for(timeout=120_000)
        page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:restart-run-all"]').first.click()
        page.locator(".jp-Dialog button.jp-mod-accept").first.click()  # JupyterLab confirms the restart
        page.locator(".govkit-start-row").first.wait_for(timeout=120_000)
        page.locator(".govkit-start-row button", has_text="打开").first.click()
        page.locator(".govkit-editor").first.wait_for(timeout=120_000)
    except Exception:
        print((tmp_path / "lab.log").read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        stop(server)
