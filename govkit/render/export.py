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

_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@cache
def template_dir() -> str:
    return str(resources.files("govkit.render").joinpath("templates", "nbconvert"))


@cache
def exporter() -> Any:
    """This process's ``HTMLExporter`` using govkit's nbconvert template (extends ``lab``).

    Built once per process and reused: building one loads templates and costs ~50 ms, which a batch
    worker would otherwise pay for every agency.
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

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
    return exp


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
