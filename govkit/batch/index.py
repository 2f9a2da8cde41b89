"""``index.html``: every agency of a batch with its check status, links, and failures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup

from govkit.fs import atomic_write
from govkit.render.html import environment, report_css

if TYPE_CHECKING:
    from govkit.batch.models import Options, Result

STATUS_LABEL = {"errors": "有错误", "warnings": "有警告", "clean": "通过", "failed": "生成失败"}


def _href(path: str | None) -> str | None:
    return quote(path) if path else None


def write_index(results: list[Result], out: Path, options: Options) -> Path:
    """Write ``out/index.html`` and return its path."""
    rows = [
        {
            "r": r,
            "status": r.check_status,
            "status_label": STATUS_LABEL[r.check_status],
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
    html = (
        environment()
        .get_template("index.html.j2")
        .render(
            rows=rows,
            summary=summary,
            labels=STATUS_LABEL,
            mode=options.mode,
            total=len(rows),
            css=Markup(report_css()),
        )
    )
    path = Path(out) / "index.html"
    atomic_write(path, html)
    return path
