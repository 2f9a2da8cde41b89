"""A4 PDFs from the exported HTML, printed by Playwright driving Debian's Chromium.

One browser serves a whole batch; every network request is blocked while printing, so a PDF
shows exactly what the offline HTML shows. Page size, margins and the page numbers in the footer
(第 X 页 共 Y 页) come from the report's own ``@page`` rule, so a page printed from a browser looks
the same; the PDF is tagged (structure for screen readers) and has an outline of the headings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from govkit.fs import atomic_write
from govkit.render.browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, chromium, offline_page  # noqa: F401 - re-exported

# A report page within the data-file limits (prose ≤ 50,000 characters per section) is < 1 MB of HTML;
# a larger page would print for minutes and thousands of pages, so it is refused before printing.
MAX_HTML_BYTES = 4_000_000


def print_pdfs(jobs: Iterable[tuple[Path, Path]], on_done: Callable[[Path], None] | None = None) -> dict[Path, str]:
    """Print each ``(html, pdf)`` pair to A4; return the Chinese error of each pair that failed.

    Args:
        jobs: ``(html, pdf)`` paths.
        on_done: called with the HTML path after each pair, printed or failed (for progress).
    """
    from playwright.sync_api import Error as PlaywrightError

    errors: dict[Path, str] = {}
    wanted = []
    for html, pdf in jobs:
        size = html.stat().st_size if html.exists() else 0
        if size > MAX_HTML_BYTES:
            errors[html] = f"报告页面过大（{size} 字节，上限 {MAX_HTML_BYTES} 字节），未打印 PDF；请精简正文"
            if on_done is not None:
                on_done(html)
        else:
            wanted.append((html, pdf))
    jobs = wanted
    if not jobs:
        return errors
    with chromium() as browser:
        for html, pdf in jobs:
            try:
                with offline_page(browser, html.read_text(encoding="utf-8")) as page:
                    data = page.pdf(
                        format="A4", print_background=True, prefer_css_page_size=True, tagged=True, outline=True
                    )
                atomic_write(pdf, data)
            except (PlaywrightError, OSError) as exc:
                errors[html] = f"打印 PDF 失败（{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}）"
            finally:
                if on_done is not None:
                    on_done(html)
    return errors
