"""``index.html``: every agency of a batch with its check status, links, and failures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup

from govkit.fs import write_if_changed
from govkit.render.html import environment, report_css

if TYPE_CHECKING:
    from govkit.batch.models import Options, Result

STATUS_LABEL = {
    "published": "已发布",
    "pending": "待审核",
    "modified": "审核后已修改",
    "correction": "待更正说明",
    "errors": "有错误",
    "warnings": "有警告",
    "clean": "通过",
    "failed": "生成失败",
}
CHECK_STATUSES = ("errors", "warnings", "clean", "failed")


def status_of(r: Result) -> str:
    """The index status of a result: its publication state in publish mode, else its check status."""
    if r.status == "failed":
        return "failed"
    if r.publication in ("published", "current"):
        return "published"
    if r.publication in STATUS_LABEL:
        return r.publication
    return r.check_status


def _href(path: str | None) -> str | None:
    return quote(path) if path else None


def write_index(results: list[Result], out: Path, options: Options) -> Path:
    """Write ``out/index.html`` (unless it holds this page already) and return its path."""
    rows = [
        {
            "r": r,
            "status": status_of(r),
            "status_label": STATUS_LABEL[status_of(r)],
            "name": r.agency or Path(r.data_file).name,
            "html": _href(r.html),
            "pdf": _href(r.pdf),
            "notebook": _href(r.notebook),
            "json": _href(r.json),
            "tujie": _href(r.tujie),
            "tujie_png": _href(r.tujie_png),
        }
        for r in results
    ]
    summary = {key: sum(row["status"] == key for row in rows) for key in STATUS_LABEL}
    summary = {key: n for key, n in summary.items() if n or key in CHECK_STATUSES}
    html = (
        environment()
        .get_template("index.html.j2")
        .render(
            rows=rows,
            summary=summary,
            labels={key: STATUS_LABEL[key] for key in summary},
            mode=options.mode,
            total=len(rows),
            css=Markup(report_css()),
        )
    )
    path = Path(out) / "index.html"
    write_if_changed(path, html)
    return path
