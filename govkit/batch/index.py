"""``index.html``: every report of a batch, by year and level, with its status, links and problems."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup

from govkit.fs import write_if_changed
from govkit.ordering import LEVEL_ORDER, agency_key, district_order
from govkit.render.html import environment, report_css

if TYPE_CHECKING:
    from govkit.batch.models import Options, Result

# Status keys and their labels: the check statuses the batch knows, and the publication statuses
# (approval and publishing) that callers pass in through ``statuses``.
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


def write_index(
    results: list[Result],
    out: Path,
    options: Options,
    statuses: Mapping[str, str] | None = None,
    district: str | Path | None = None,
) -> Path:
    """Write ``out/index.html`` and return its path.

    Args:
        results: the batch's results.
        out: the output folder (links are relative to it).
        options: the batch's options (the mode is named on the page).
        statuses: a status key of :data:`STATUS_LABEL` per result's ``data_file``; a result not in
            it shows its check status (有错误 / 有警告 / 通过 / 生成失败).
        district: the district page, linked from the index (a path inside ``out``).

    Raises:
        ValueError: a status key that :data:`STATUS_LABEL` does not know.
    """
    statuses = statuses or {}
    unknown = sorted(set(statuses.values()) - set(STATUS_LABEL))
    if unknown:
        raise ValueError(f"未知的状态：{'、'.join(unknown)}")
    order = district_order(r.data_file for r in results)
    by_agency: dict[str, list[Result]] = {}
    for r in results:
        if r.agency and r.year:
            by_agency.setdefault(r.agency, []).append(r)
    rows: list[dict[str, Any]] = []
    for r in results:
        status = statuses.get(r.data_file, r.check_status)
        others = sorted((o for o in by_agency.get(r.agency, []) if o is not r and o.html), key=lambda o: -(o.year or 0))
        rows.append(
            {
                "r": r,
                "status": status,
                "status_label": STATUS_LABEL[status],
                "name": r.agency or Path(r.data_file).name,
                "level": r.level if r.level in LEVEL_ORDER else "其他",
                "key": agency_key(r.agency or Path(r.data_file).name, r.level, order),
                "html": _href(r.html),
                "pdf": _href(r.pdf),
                "notebook": _href(r.notebook),
                "json": _href(r.json),
                "tujie": _href(r.tujie),
                "tujie_png": _href(r.tujie_png),
                "others": [{"year": o.year, "html": _href(o.html)} for o in others],
                "note": r.error if not r.ok else r.problems,
            }
        )
    years: list[dict[str, Any]] = []
    for year in sorted({row["r"].year for row in rows if row["r"].year}, reverse=True):
        in_year = sorted((row for row in rows if row["r"].year == year), key=lambda row: row["key"])
        levels = [
            {"level": level, "rows": [row for row in in_year if row["level"] == level]}
            for level in LEVEL_ORDER
            if any(row["level"] == level for row in in_year)
        ]
        years.append({"year": year, "levels": levels})
    unread = sorted((row for row in rows if not row["r"].year), key=lambda row: row["key"])
    summary = {key: sum(row["status"] == key for row in rows) for key in STATUS_LABEL}
    html = (
        environment()
        .get_template("index.html.j2")
        .render(
            years=years,
            unread=unread,
            summary={key: n for key, n in summary.items() if n or key in CHECK_STATUSES},
            labels=STATUS_LABEL,
            mode=options.mode,
            total=len(rows),
            district=_href(Path(district).as_posix()) if district else None,
            css=Markup(report_css()),
        )
    )
    path = Path(out) / "index.html"
    write_if_changed(path, html)
    return path


def district_links(
    results: list[Result], statuses: Mapping[str, str] | None = None
) -> dict[int, dict[str, dict[str, str | None]]]:
    """Per year and agency: its report page (relative to the output folder) and its status in words.

    A report that failed, or that waits for approval or was changed after it, gets no link, so that the
    district page never points at a page that is not there.
    """
    statuses = statuses or {}
    links: dict[int, dict[str, dict[str, str | None]]] = {}
    for r in results:
        if r.year is None or not r.agency:
            continue
        key = statuses.get(r.data_file) or r.check_status
        linked = r.ok and r.html and key not in ("failed", "pending", "modified")
        links.setdefault(r.year, {})[r.agency] = {
            "href": _href(r.html) if linked else None,
            "status": STATUS_LABEL[key],
        }
    return links
