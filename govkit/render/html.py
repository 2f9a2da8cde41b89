"""A report as static HTML in the official layout: a fragment for notebooks, a page for the floor.

Everything is drawn from the report's format (section titles, table labels and merges) and its
data; nothing is fetched from anywhere, and all text is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Literal

import jinja2
from markupsafe import Markup

from govkit.findings import SEVERITY_LABELS, Finding
from govkit.model import PREAMBLE, Report
from govkit.references import fill
from govkit.render.tables import build_tables

Mode = Literal["publish", "review"]
MODES = ("publish", "review")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@cache
def environment(package: str = "govkit.render") -> jinja2.Environment:
    """The Jinja environment of a govkit package's ``templates`` folder (autoescaping on).

    Every page is built the same way: the report's own templates (such as ``grid.html.j2``, the
    official table layout) can be imported from any package's templates.
    """
    loaders = [jinja2.PackageLoader(package, "templates")]
    if package != "govkit.render":
        loaders.append(jinja2.PackageLoader("govkit.render", "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=compiled_templates(),
    )


@cache
def compiled_templates() -> jinja2.BytecodeCache | None:
    """Where templates' compiled code is kept for the next process: govkit's private cache (None if it is off).

    Every batch worker and kernel compiles the same templates at start (~0.15 s for nbconvert's);
    Jinja checks each entry against its template's source and its own version, so an edited
    template is compiled again.
    """
    from govkit.datafile.cache import private_folder

    folder = private_folder("templates")
    return jinja2.FileSystemBytecodeCache(str(folder)) if folder is not None else None


@cache
def report_css() -> str:
    """The print stylesheet of a report (no comments, no external reference)."""
    text = resources.files("govkit.render").joinpath("report.css").read_text(encoding="utf-8")
    return _CSS_COMMENT.sub("", text).strip()


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def render_fragment(
    report: Report,
    findings: Iterable[Finding] | None = None,
    mode: Mode = "publish",
    tujie: str | None = None,
    correction: str | None = None,
    allow_errors: bool = False,
) -> str:
    """The report as one self-contained HTML ``<div>`` (with its own ``<style>``).

    Args:
        report: the report to draw.
        findings: the checks' findings; shown (and marked on cells) only in review mode.
        mode: ``"publish"`` for the public report, ``"review"`` to add the findings list and marks.
        tujie: a relative link to the report's 图解 page, shown under the title when given.
        correction: the 更正说明 of a corrected publication (``"<date>：<text>"``), shown under the title.
        allow_errors: the report is published despite error findings (``--allow-errors``): if it has
            any, the page says so in a stamp under the title.

    Returns:
        HTML text.
    """
    if mode not in MODES:
        raise ValueError(f"未知的模式「{mode}」；可用：{'、'.join(MODES)}")
    findings = list(findings or [])
    shown = findings if mode == "review" else []
    unresolved = sum(f.severity == "error" for f in findings) if allow_errors and mode == "publish" else 0
    grids = build_tables(report, shown)
    sections = [
        {
            "id": spec.id,
            "title": spec.title,
            "lines": _lines(fill(report, report.sections.get(spec.id))),
            "grid": grids.get(spec.table) if spec.table else None,
        }
        for spec in report.format.sections
    ]
    counts = {
        "error": sum(f.severity == "error" for f in shown),
        "warning": sum(f.severity == "warning" for f in shown),
    }
    template = environment().get_template("fragment.html.j2")
    return template.render(
        report=report,
        mode=mode,
        tujie=tujie,
        correction=correction or "",
        unresolved=unresolved,
        css=Markup(report_css()),
        preamble=_lines(fill(report, report.sections.get(PREAMBLE))),
        sections=sections,
        findings=shown,
        counts=counts,
        severity_label=SEVERITY_LABELS,
    )


def render_page(report: Report, findings: Iterable[Finding] | None = None, mode: Mode = "publish") -> str:
    """A complete standalone HTML page of the report (no kernel, no notebook, no network)."""
    body = render_fragment(report, findings, mode)
    return environment().get_template("page.html.j2").render(title=report.title, body=Markup(body))
