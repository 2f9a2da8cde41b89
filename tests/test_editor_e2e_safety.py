"""Issue 12 in a real browser: typed text kept exactly or refused, identity, drafts after a kernel death, merges.

Uses the servers and helpers of ``test_editor_e2e``; one JupyterLab test and one Voila test (each a
sequence of steps on one server), because every page load costs seconds on these machines.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import psutil
import pytest
from test_editor_e2e import (
    isolated_env,
    lab_command,
    offline,
    open_in_lab,
    prepare,
    start,
    stop,
    voila_command,
    wait_http,
)

from govkit import datafile
from govkit.widgets import drafts

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

C0 = ".govkit-t3-r0-c0"  # table 三, 一、本年新收政府信息公开申请数量 × 自然人 (a count holding 0)
# (text, how it arrives, the number it means or None if it must be refused, reason shown when refused)
INPUTS = [
    ("1.5", "type", None, "不是整数"),
    ("1e3", "type", None, "不是整数"),
    ("-5", "type", None, "不能为负数"),
    ("abc", "type", None, "不是数字"),
    ("１２３", "type", 123, None),
    ("1,000", "type", 1000, None),
    ("99999999999999999999", "type", None, "过大"),
    ("12a", "paste", None, "不是数字"),
]


def saves(page) -> int:
    return int(page.locator(".govkit-editor .govkit-saves").first.get_attribute("data-saves"))


def save(page, keyboard: bool = False) -> None:
    """Click 保存 (or press Ctrl+S in the focused cell) and wait until the kernel has answered."""
    before = saves(page)
    if keyboard:
        page.keyboard.press("Control+s")
    else:
        page.locator(".govkit-editor .govkit-save").first.click()
    page.wait_for_function(
        f"() => Number(document.querySelector('.govkit-editor .govkit-saves').dataset.saves) > {before}",
        timeout=60_000,
    )


def tab(page, name: str) -> None:
    page.locator(".govkit-editor .lm-TabBar-tab", has_text=name).first.click()


def cell_value(data: Path, table: str, row_id: str, col_id: str) -> object:
    report = datafile.load(data)
    return report.get(table, report.format.row(table, row_id), report.format.column(table, col_id))


def type_each_input(page, data: Path) -> None:
    """Every input of the acceptance list into one count cell; after each save the file holds the right value."""
    tab(page, "表三")
    box = page.locator(f"{C0} input")
    box.wait_for(state="visible")
    previous = cell_value(data, "三", "received", "natural")
    for text, how, intended, reason in INPUTS:
        box.click()
        box.press("Control+a")
        box.press("Delete")
        if how == "paste":
            page.keyboard.insert_text(text)
        else:
            box.press_sequentially(text)
        box.press("Enter")  # commits and moves on to the next cell in reading order
        assert page.evaluate("() => !!document.activeElement.closest('.govkit-t3-r0-c1')"), text
        save(page)
        saved = cell_value(data, "三", "received", "natural")
        status = page.locator(".govkit-editor .govkit-status").first.inner_text()
        if intended is None:
            assert saved == previous, (text, saved)
            assert "输入无效" in status and reason in status, (text, status)
            assert box.input_value() == text  # what was typed stays visible until it is valid
        else:
            assert saved == intended, (text, saved)
            assert box.input_value() == str(intended)  # normalised visibly
            previous = intended


def test_typed_inputs_enter_ctrl_s_and_table_four_in_jupyterlab(tmp_path: Path, example_path: Path, browser_page):
    work, data = prepare(tmp_path, example_path)
    command, port, token = lab_command(work)
    log = tmp_path / "jupyterlab.log"
    server = start(command, work, isolated_env(tmp_path / "env"), log)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", server)
        page = browser_page
        open_in_lab(page, port)
        tab(page, "表三")
        # the cell sits under its column header and beside its row label
        cell = page.locator(f"{C0}").first.bounding_box()
        head = page.locator(".govkit-page-t3 .govkit-colhead", has_text="自然人").first.bounding_box()
        label = page.locator(".govkit-page-t3 .govkit-rowlabel", has_text="一、本年新收政府信息公开申请数量").first
        assert abs(cell["x"] - head["x"]) < 2 and abs(cell["y"] - label.bounding_box()["y"]) < 2
        type_each_input(page, data)
        # Ctrl+S in a cell saves the data file
        box = page.locator(f"{C0} input")
        box.click()
        box.fill("7")
        save(page, keyboard=True)
        assert cell_value(data, "三", "received", "natural") == 7
        # 表四 fits a 1600 px window without sideways scrolling
        tab(page, "表四")
        page.locator(".govkit-page-t4").first.wait_for(state="visible")
        widths = page.evaluate(
            "() => { const e = document.querySelector('.govkit-page-t4'); return [e.scrollWidth, e.clientWidth]; }"
        )
        assert widths[0] <= widths[1] + 1, widths
    except Exception:
        print(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        stop(server)


def kill_kernels(server) -> int:
    killed = 0
    for proc in psutil.Process(server.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(proc.cmdline()):
                proc.kill()
                killed += 1
        except psutil.NoSuchProcess:
            pass
    return killed


def wait_until(condition, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)


def test_typed_inputs_year_draft_and_merge_in_voila(tmp_path: Path, example_path: Path, browser_page):
    work, data = prepare(tmp_path, example_path)
    command, port = voila_command()
    log = tmp_path / "voila.log"
    server = start(command, work, isolated_env(tmp_path / "env"), log)
    page = browser_page
    url = f"http://127.0.0.1:{port}/"

    def open_page() -> None:
        page.goto(url)
        page.locator(".govkit-editor .govkit-save").first.wait_for(timeout=120_000)

    try:
        wait_http(url, server, timeout=120)
        offline(page, port)
        open_page()
        type_each_input(page, data)

        # 年度 is not a free field: saving leaves the 2020 file byte-identical; 另存为 creates 2021
        before = data.read_bytes()
        tab(page, "基本信息")
        year = page.locator(".govkit-meta-year input")
        year.fill("2021")
        year.press("Enter")
        page.locator(".govkit-save-as-year").first.wait_for(state="visible")
        save(page)
        assert data.read_bytes() == before
        page.locator(".govkit-save-as-year").first.click()
        created = data.parent.parent / "2021" / data.name
        wait_until(created.is_file, what="2021 file")
        assert datafile.load(created).meta.year == 2021 and data.read_bytes() == before

        # three edits, the kernel dies, the next open restores them from the draft
        open_page()
        tab(page, "表三")
        for c, text in [(1, "4"), (2, "5"), (3, "6")]:
            box = page.locator(f".govkit-t3-r0-c{c} input")
            box.fill(text)
            box.press("Enter")
        draft = drafts.draft_path(data)
        wait_until(
            lambda: draft.is_file() and len(json.loads(draft.read_text(encoding="utf-8"))["changes"]) == 3,
            what="draft with three changes",
        )
        assert kill_kernels(server) >= 1
        page.locator(".govkit-editor .govkit-save").first.click()
        page.locator(".govkit-dead-kernel").first.wait_for(timeout=30_000)
        assert "恢复草稿" in page.locator(".govkit-dead-kernel").first.inner_text()
        open_page()
        offer = page.locator(".govkit-draft").first
        offer.wait_for(state="visible")
        assert "3 处不同" in offer.inner_text()
        page.locator(".govkit-restore").first.click()
        save(page)
        assert [cell_value(data, "三", "received", c) for c in ("commercial", "research", "public_welfare")] == [
            4,
            5,
            6,
        ]
        assert not draft.exists()

        # someone changes A on disk while the editor changes B: merged without a question
        tab(page, "表三")
        box = page.locator(".govkit-t3-r0-c4 input")
        box.fill("8")
        box.press("Enter")
        theirs = datafile.load(data)
        theirs.meta.short_name = "穆家峪"
        datafile.save(theirs, data)
        save(page)
        assert "已合并保存" in page.locator(".govkit-editor .govkit-status").first.inner_text()
        merged = datafile.load(data)
        assert merged.meta.short_name == "穆家峪" and cell_value(data, "三", "received", "legal_services") == 8

        # both change C: the editor asks; 用我的 keeps mine and loses nothing else
        box = page.locator(".govkit-t3-r1-c0 input")
        box.fill("30")
        box.press("Enter")
        theirs = datafile.load(data)
        fmt = theirs.format
        theirs.set("三", fmt.row("三", "carried_in"), fmt.column("三", "natural"), 20)
        datafile.save(theirs, data)
        save(page)
        row = page.locator(".govkit-conflict-row").first
        row.wait_for(state="visible")
        assert "对方 20" in row.inner_text() and "我的 30" in row.inner_text()
        assert cell_value(data, "三", "carried_in", "natural") == 20  # nothing written while asking
        before_answer = saves(page)
        row.locator(".govkit-use-mine").click()
        page.wait_for_function(
            f"() => Number(document.querySelector('.govkit-editor .govkit-saves').dataset.saves) > {before_answer}"
        )
        final = datafile.load(data)
        assert cell_value(data, "三", "carried_in", "natural") == 30
        assert final.meta.short_name == "穆家峪"
        assert [cell_value(data, "三", "received", c) for c in ("commercial", "research", "legal_services")] == [
            4,
            5,
            8,
        ]
    except Exception:
        print(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        stop(server)
