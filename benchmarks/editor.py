"""Editor speed: widget count, time to a usable form and live-check latency (a 2021-format report).

Measures, for a copy of a synthetic 2021-format data file (``examples/synthetic/2021``):
  * in a fresh Jupyter kernel (the real cost: every widget opens a comm): time to import the editor,
    time to build and display ``ReportEditor`` (the form is usable when this returns and the page has
    drawn it), and the number of widget models created;
  * in this process: the check latency of one edit, from the typed text to the cell marked (parse,
    report update, every check rule, marks, draft written), over ``--edits`` edits;
  * with ``--browser``: JupyterLab in headless Chromium, from the kernel idle (Run All Cells on the editor
    notebook) to the editor shown, and to 表三's first cell visible after a click on its tab.

Usage: python benchmarks/editor.py [--edits 20] [--browser]
Targets (issue 12): usable form ≤ 3 s after the kernel is idle; live checks ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "synthetic" / "2021"

KERNEL_CODE = """
import time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import ipywidgets
from govkit.widgets import ReportEditor
t1 = time.perf_counter()
before = len(ipywidgets.Widget.widgets)
editor = ReportEditor({path!r})
display(editor)
t2 = time.perf_counter()
print("RESULT", t1 - t0, t2 - t1, len(ipywidgets.Widget.widgets) - before, len(editor.cells))
"""


def sample_file(folder: Path) -> Path:
    source = sorted(SAMPLE.glob("*.yaml"))[0]
    target = folder / "params" / "2021" / source.name
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    return target


def in_kernel(path: Path) -> tuple[float, float, int, int]:
    """(import s, build+display s, widgets, cells) measured in a fresh ipykernel."""
    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        out: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append("\n".join(msg["content"]["traceback"]))

        client.execute_interactive(KERNEL_CODE.format(path=str(path)), output_hook=hook, timeout=300)
        line = next((x for x in "".join(out).splitlines() if x.startswith("RESULT")), None)
        if line is None:
            raise RuntimeError("".join(out))
        _, imp, build, count, cells = line.split()
        return float(imp), float(build), int(count), int(cells)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def check_latency(path: Path, edits: int) -> list[float]:
    """Seconds from a typed value to the cell marked, for ``edits`` edits of table 三's cells."""
    warnings.simplefilter("ignore")
    from govkit.widgets import ReportEditor

    editor = ReportEditor(path)
    cells = [c for c in editor.cells.values() if c.table_id == "三" and c.value is not None]
    times = []
    for i in range(edits):
        cell = cells[i % len(cells)]
        text = str(int(cell.value or 0) + 1 + i)
        start = time.perf_counter()
        cell.widget.value = text
        times.append(time.perf_counter() - start)
        assert cell.error is None and cell.value == int(text)
    return times


def in_browser(path: Path, work: Path) -> tuple[float, float]:
    """Seconds from JupyterLab's kernel idle (Run All Cells) to the editor shown, and to 表三's first cell visible."""
    sys.path.insert(0, str(ROOT / "tests"))
    import nbformat
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright
    from test_editor_e2e import NOTEBOOK, isolated_env, lab_command, start, stop, wait_http

    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = f"data_file = {str(path)!r}"
    nbformat.write(nb, work / "edit.ipynb")
    command, port, token = lab_command(work)
    server = start(command, work, isolated_env(work / "env"), work / "lab.log")
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(180_000)
            page.goto(f"http://127.0.0.1:{port}/lab/tree/edit.ipynb?token={token}")
            page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for()
            start_time = time.perf_counter()
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            page.locator(".govkit-editor .govkit-save").first.wait_for(state="visible")
            shown = time.perf_counter() - start_time
            page.locator(".govkit-editor .lm-TabBar-tab", has_text="表三").first.click()
            page.locator(".govkit-t3-r0-c0 input").wait_for(state="visible")
            elapsed = time.perf_counter() - start_time
            browser.close()
            return shown, elapsed
    finally:
        stop(server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--browser", action="store_true", help="also time the form in JupyterLab (Chromium)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = sample_file(Path(tmp))
        imp, build, count, cells = in_kernel(path)
        print(f"data file: {path.name} (2021 format), {cells} table cells")
        print(f"widget count: {count}")
        print(f"kernel: import {imp:.2f} s + build and display {build:.2f} s = time to usable form {imp + build:.2f} s")
        times = check_latency(path, args.edits)
        print(
            f"check latency over {len(times)} edits: median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms"
        )
        if args.browser:
            shown, cell = in_browser(path, Path(tmp))
            print(
                f"browser (JupyterLab, Run All Cells at kernel idle): editor shown {shown:.2f} s, 表三 cell {cell:.2f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
