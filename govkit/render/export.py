"""Executed notebooks to self-contained HTML, in-process, through nbconvert's HTMLExporter.

The result opens offline: no script tag, no MathJax, no widget manager, images embedded, and CSS
comments stripped so that no ``http`` remains outside the report's own text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor

_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@cache
def template_dir() -> str:
    return str(resources.files("govkit.render").joinpath("templates", "nbconvert"))


@cache
def exporter() -> Any:
    """This process's ``HTMLExporter`` using govkit's nbconvert template (extends ``lab``).

    Built once per process and reused: building one loads templates and costs ~50 ms, which a batch
    worker would otherwise pay for every agency. The templates' compiled code is kept for the next
    process (:func:`govkit.render.html.compiled_templates`).
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    from govkit.render.html import compiled_templates

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove"}
    config.TagRemovePreprocessor.enabled = True
    exp = HTMLExporter(
        config=config,
        template_name="govkit",
        extra_template_basedirs=[template_dir()],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        require_js_url="",
        mathjax_url="",
        jupyter_widgets_base_url="",
        embed_images=True,
        sanitize_html=False,
    )
    exp.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    exp.environment.bytecode_cache = compiled_templates()
    return exp


class GovkitPreprocessor(Preprocessor):
    """What makes any export with the ``govkit`` template govkit's page (registered in the template's ``conf.json``).

    ``govkit render`` and a plain ``jupyter nbconvert --to html --template govkit out.ipynb`` (after
    ``papermill notebooks/report.ipynb out.ipynb …``) then give the same page: cells tagged
    ``remove`` are dropped, code is never shown, cells get stable ids, and the page's title is the
    report's (from the ``data-title`` of the report's output) unless the caller set one.
    """

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        nb.cells = [c for c in nb.cells if "remove" not in c.get("metadata", {}).get("tags", [])]
        for index, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{index}"
            if cell.get("cell_type") == "code":
                cell.setdefault("metadata", {}).setdefault("transient", {})["remove_source"] = True
        if "title" not in nb.metadata:
            title = _title_of(nb)
            if title:
                nb.metadata["title"] = title
        return nb, resources


_TITLE = re.compile(r'class="govkit-report[^"]*"[^>]*?\sdata-title="([^"]*)"')


def _title_of(nb: nbformat.NotebookNode) -> str | None:
    import html

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html")
            found = _TITLE.search("".join(text) if isinstance(text, list) else text or "")
            if found:
                return html.unescape(found.group(1))
    return None


def normalize(nb: nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """Give cells stable ids and the notebook its title, so that exports are byte-identical."""
    nb = nbformat.from_dict(nb)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    nb.metadata["title"] = title
    return nb


def strip_css_comments(html: str) -> str:
    return _STYLE.sub(lambda m: m.group(1) + _CSS_COMMENT.sub("", m.group(2)) + m.group(3), html)


def export_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The executed notebook as one self-contained HTML page with code cells hidden."""
    body, _ = exporter().from_notebook_node(normalize(nb, title))
    return strip_css_comments(body)
