"""Debian's Chromium under Playwright: one launch recipe, and one offline page per document.

PDFs and 图解 images are both taken from the exported page in a browser that may not reach the
network, so what they show is exactly what the offline HTML shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govkit.errors import GovkitError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 60_000  # every browser step of one document (loading, fonts, printing or screenshot)


@contextmanager
def chromium(missing_hint: str = "") -> Iterator[Browser]:
    """A headless Chromium for a whole batch, closed afterwards.

    Raises:
        GovkitError: Chromium is not installed (``missing_hint`` is appended to the message).
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise GovkitError(f"找不到 Chromium（{CHROMIUM}）；请先安装 chromium 软件包（scripts/setup）{missing_hint}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def offline_page(browser: Browser, html: str, **context_options: Any) -> Iterator[Page]:
    """``html`` loaded in a fresh context with every request blocked and its fonts ready."""
    context = browser.new_context(offline=True, **context_options)
    try:
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.route("**/*", lambda route: route.abort())
        page.set_content(html, wait_until="load", timeout=TIMEOUT_MS)
        page.evaluate("document.fonts.ready.then(() => true)")
        yield page
    finally:
        context.close()
